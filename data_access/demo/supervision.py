"""每月一个专项督导调研主题: one theme a month for the 24 months that end with as_of's month."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data_access.demo.catalogues import LEADER_TITLES, SUPERVISION_THEMES
from data_access.demo.shared import (
    WINDOW_MONTHS,
    DemoContext,
    months_before,
    person_names,
    rng_for,
)

OVERDUE_THEMES = 2  # themes past their due date and not done, for the follow-up ledger


def supervision_themes(ctx: DemoContext, _made: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rng = rng_for("supervision_themes")
    leaders = [f"{name}（{title}）"
               for name, title in zip(person_names(rng, len(LEADER_TITLES)), LEADER_TITLES,
                                      strict=True)]
    townships = ctx.townships["name"].to_numpy()
    first = months_before(ctx.as_of.replace(day=1), WINDOW_MONTHS - 1)
    rows = []
    for index in range(WINDOW_MONTHS):
        month = months_before(first, -index)
        theme, unit, indicators, tasks = SUPERVISION_THEMES[
            (month.year * 12 + month.month) % len(SUPERVISION_THEMES)]
        next_month = months_before(month, -1)
        due = next_month + dt.timedelta(days=int(rng.integers(30, 61)))
        places = rng.choice(townships, len(tasks), replace=False)
        listed = [f"{i}. {task.format(t=place)}"
                  for i, (task, place) in enumerate(zip(tasks, places, strict=True), 1)]
        rows.append({"month": f"{month.year}-{month.month:02d}", "theme": theme,
                     "lead_leader": leaders[index % len(leaders)], "lead_unit": unit,
                     "linked_indicators": "、".join(indicators),
                     "problems_found": int(rng.integers(3, 16)),
                     "rectification_list": "；".join(listed), "due_date": due,
                     "status": "已完成" if due < ctx.as_of else "进行中"})
    frame = pd.DataFrame(rows)
    recent_done = np.flatnonzero(frame["status"] == "已完成")[-(OVERDUE_THEMES + 4):]
    overdue = rng.choice(recent_done, min(OVERDUE_THEMES, len(recent_done)), replace=False)
    frame.loc[overdue, "status"] = "逾期"
    return frame
