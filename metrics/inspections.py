"""Pure “双随机、一公开” calculations over result rows (data_access/inspections.py).

Definitions (口径) used by the inspection pages; the rates themselves are the indicators of
`metrics.indicators`, computed from the counts below so that page, API and overview agree.

- drawn: objects drawn; inspected: with an inspection date; published: with a publication date.
- with_problem: inspected with a result code that counts as a problem (vocabulary).
- ordered: disposal 责令整改; rectified: ordered and rectified; **overdue**: the
  overdue-rectifications red flag (metrics/red_flags.py) at the end of the as-of day: ordered,
  the deadline before that day, not rectified on or before it. Over a year's rows it counts
  the objects drawn that year ("of the year's draws"); the flag itself counts every year's.
- published_on_time: published on or before `publish_due`, the 20th working day after the
  inspection (企业信息公示暂行条例 第六条, China's holidays and 调休 counted): the date stored
  with each result when it was imported (DISCLOSURE_WORKING_DAYS), which the SQL aggregates
  behind the indicators compare with too.
- joint: drawn under a task of more than one department (跨部门联合抽查).
- worklist, as of a day (today, or a day in the past: `state_as_of` takes the rows back to
  it): late means the deadline is before the as-of day, the same test as the flag; working
  days left: working days after the as-of day up to the deadline (0: due that day, negative:
  late by that many working days), with the calendar days beside them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from metrics.indicators import INDICATORS, share, share_of
from metrics.red_flags import days_late, overdue_rectification
from metrics.vocabulary import PROBLEM_RESULT_CODES, RECTIFY_DISPOSAL
from metrics.workdays import working_days_between_array

DUE_SOON_WORKING_DAYS = 5
COUNT_COLUMNS = ("drawn", "inspected", "published", "with_problem", "ordered", "rectified",
                 "overdue", "published_on_time", "joint")
RATE_INDICATORS = ("inspection_completion_rate", "inspection_problem_rate",
                   "inspection_rectification_rate", "inspection_disclosure_on_time_rate",
                   "inspection_joint_share")


def _days(values: pd.Series) -> np.ndarray:
    return pd.to_datetime(values).to_numpy(dtype="datetime64[D]")


def working_days_left(deadline: pd.Series, as_of: dt.date) -> pd.Series:
    """Working days from the as-of day to the deadline: negative when it has passed."""
    days = _days(deadline)
    known = ~np.isnat(days)
    left = np.full(len(days), np.nan)
    starts = np.full(known.sum(), np.datetime64(as_of, "D"))
    left[known] = working_days_between_array(starts, days[known])
    return pd.Series(left, index=deadline.index)


def flags(rows: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """One boolean column per count of COUNT_COLUMNS, row by row (overdue at the end of
    `as_of`)."""
    inspected = rows["inspected_on"].notna()
    published = rows["published_on"].notna()
    ordered = rows["disposal"].eq(RECTIFY_DISPOSAL)
    rectified = ordered & rows["rectified_on"].notna()
    limit = pd.to_datetime(rows["publish_due"])
    return pd.DataFrame({
        "drawn": True,
        "inspected": inspected,
        "published": published,
        "with_problem": inspected & rows["result_code"].isin(PROBLEM_RESULT_CODES),
        "ordered": ordered,
        "rectified": rectified,
        "overdue": overdue_rectification(rows, as_of),
        "published_on_time": published & (pd.to_datetime(rows["published_on"]) <= limit),
        "joint": rows["is_joint"].astype(bool),
    }, index=rows.index)


def counts(rows: pd.DataFrame, as_of: dt.date, by: str | None = None) -> pd.DataFrame:
    """Counts per value of `by` (or one row 'all'), with the rate indicators beside them."""
    marked = flags(rows, as_of).astype(int)
    if by is None:
        frame = marked.sum().to_frame("all").T
    else:
        frame = marked.groupby(rows[by]).sum()
    frame = frame.reindex(columns=list(COUNT_COLUMNS)).fillna(0).astype(int)
    for indicator_id in RATE_INDICATORS:
        frame[indicator_id] = INDICATORS[indicator_id].compute(frame).round(1)
    return frame


def task_summary(tasks: pd.DataFrame, rows: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The year's tasks with drawn / inspected / published counts and the problem rate."""
    per_task = counts(rows, as_of, "task_code") if len(rows) else counts(rows, as_of).iloc[:0]
    frame = tasks.set_index("code").join(per_task[["drawn", "inspected", "published",
                                                   "with_problem", "overdue"]])
    for name in ("drawn", "inspected", "published", "with_problem", "overdue"):
        frame[name] = frame[name].fillna(0).astype(int)
    frame["problem_rate"] = share(frame["with_problem"], frame["inspected"]).round(1)
    return frame.reset_index()


def joint_task_share(tasks: pd.DataFrame) -> float | None:
    """Joint (cross-department) tasks ÷ tasks × 100."""
    if tasks.empty:
        return None
    joint = share_of(int(tasks["is_joint"].astype(bool).sum()), len(tasks))
    return None if joint is None else round(joint, 1)


def result_counts(rows: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Inspected objects per result code (codes in vocabulary order, only those that occur)."""
    inspected = rows[rows["result_code"].notna()]
    found = inspected["result_code"].value_counts()
    order = [code for code in names if code in found.index]
    return pd.DataFrame({"code": order, "name": [names[c] for c in order],
                         "count": [int(found[c]) for c in order]})


def rectification_state(rows: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """已整改 / 逾期 (the overdue flag's test) / 整改中 for ordered rows at the end of `as_of`;
    empty otherwise."""
    ordered = rows["disposal"].eq(RECTIFY_DISPOSAL)
    done = pd.to_datetime(rows["rectified_on"]) <= pd.Timestamp(as_of)
    late = overdue_rectification(rows, as_of)
    state = np.where(~ordered, "", np.where(done, "已整改", np.where(late, "逾期", "整改中")))
    return pd.Series(state, index=rows.index)


def state_as_of(rows: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The rows as they stood at the end of `as_of`: objects drawn later left out; an
    inspection (with its result and disposal), a rectification or a publication dated later
    not made yet."""
    day = pd.Timestamp(as_of)

    def after(column: str) -> pd.Series:
        return pd.to_datetime(rows[column]) > day

    not_inspected = after("inspected_on")
    undone = {name: not_inspected for name in ("inspected_on", "result_code", "disposal",
                                               "rectify_due", "publish_due")}
    undone["rectified_on"] = not_inspected | after("rectified_on")
    undone["published_on"] = not_inspected | after("published_on")
    shown = rows.assign(**{name: rows[name].astype(object).where(~mask, None)
                           for name, mask in undone.items()})
    return shown[~after("drawn_on")]


WORK_KINDS = {
    "rectify": ("整改", "rectification"),
    "publish": ("待公示", "publication"),
    "task": ("任务滞后", "task behind schedule"),
}
WORKLIST_COLUMNS = ("kind", "work", "task_code", "task_name", "lead_department", "departments",
                    "subject", "township", "township_code", "due", "late", "days_left",
                    "calendar_days_left")
# The indicator each kind of open item holds back; a late rectification is the red flag itself.
WORK_SUBJECTS = {"rectify": "inspection_rectification_rate",
                 "publish": "inspection_disclosure_on_time_rate",
                 "task": "inspection_completion_rate"}


def work_subject(work: str, late: bool) -> str:
    """The flag or indicator a worklist row bears on: what a 督办 opened from it is about."""
    return "overdue_rectifications" if work == "rectify" and late else WORK_SUBJECTS[work]


def worklist(rows: pd.DataFrame, as_of: dt.date, lang: str = "zh") -> pd.DataFrame:
    """Every open item at the end of `as_of`, most urgent first (fewest working days left;
    late ones negative). `work` names the kind (WORK_KINDS' keys), `kind` says it in `lang`;
    `late`: the deadline is before the as-of day.

    - rectifications ordered and not done: overdue (exactly the overdue-rectifications flag,
      metrics/red_flags.py) or due within 5 working days;
    - results inspected and not published: days left to the 20-working-day limit;
    - tasks whose planned end has passed with objects not yet inspected (one row a task:
      the days since the planned end, negative, and how many objects are left)."""
    rows = state_as_of(rows, as_of)
    word = {key: (en if lang == "en" else zh) for key, (zh, en) in WORK_KINDS.items()}
    base = ["task_code", "task_name", "lead_department", "departments"]
    parts = []
    ordered = rows["disposal"].eq(RECTIFY_DISPOSAL) & rows["rectified_on"].isna()
    rectify = rows[ordered].assign(due=lambda f: f["rectify_due"])
    rectify = rectify.assign(days_left=working_days_left(rectify["due"], as_of),
                             late=overdue_rectification(rectify, as_of))
    rectify = rectify[rectify["late"] | (rectify["days_left"] <= DUE_SOON_WORKING_DAYS)]
    parts.append(rectify.assign(work="rectify", kind=word["rectify"],
                                subject=rectify["object_name"]))
    waiting = rows[rows["inspected_on"].notna() & rows["published_on"].isna()]
    waiting = waiting.assign(due=waiting["publish_due"])
    parts.append(waiting.assign(work="publish", kind=word["publish"],
                                subject=waiting["object_name"],
                                days_left=working_days_left(waiting["due"], as_of),
                                late=pd.to_datetime(waiting["due"]) < pd.Timestamp(as_of)))
    behind = rows[rows["inspected_on"].isna()
                  & (pd.to_datetime(rows["planned_end"]) < pd.Timestamp(as_of))]
    if len(behind):
        grouped = behind.groupby("task_code", sort=True)
        tasks = grouped[[*base[1:], "planned_end"]].first().reset_index()
        left = grouped.size().reindex(tasks["task_code"]).to_numpy()
        townships = grouped["township"].apply(lambda s: "、".join(sorted(set(s))))
        # A task behind schedule in several townships is no one township's to answer for.
        codes = grouped["township_code"].apply(lambda s: s.iloc[0] if s.nunique() == 1 else None)
        subject = [f"{n} 个对象未检查" if lang != "en" else f"{n} objects not inspected"
                   for n in left]
        tasks = tasks.assign(work="task", kind=word["task"], subject=subject,
                             due=tasks["planned_end"], late=True,
                             township=townships.reindex(tasks["task_code"]).to_numpy(),
                             township_code=codes.reindex(tasks["task_code"]).to_numpy(),
                             days_left=working_days_left(tasks["planned_end"], as_of))
        parts.append(tasks)
    frame = pd.concat([p.reindex(columns=list(WORKLIST_COLUMNS)) for p in parts],
                      ignore_index=True)
    frame["days_left"] = frame["days_left"].astype(float)
    frame["late"] = frame["late"].fillna(False).astype(bool)
    frame["calendar_days_left"] = -days_late(frame["due"], as_of)["calendar_days_late"]
    return frame.sort_values(["days_left", "due", "task_code", "subject"],
                             kind="stable").reset_index(drop=True)


def late_counts(frame: pd.DataFrame) -> dict[str, int]:
    """A worklist's late items by kind (WORK_KINDS' keys; "rectify" is the
    overdue-rectifications flag), "due_soon", the rectifications not late yet, and "waiting",
    the results within their time to be published: together, every item once."""
    late = frame[frame["late"]]
    counts = {key: int((late["work"] == key).sum()) for key in WORK_KINDS}
    counts["due_soon"] = int(((frame["work"] == "rectify") & ~frame["late"]).sum())
    counts["waiting"] = int(((frame["work"] == "publish") & ~frame["late"]).sum())
    return counts


def filter_rows(rows: pd.DataFrame, department: str | None, township: str | None
                ) -> pd.DataFrame:
    """Rows of tasks a department takes part in (joint tasks count for each), in a township."""
    keep = pd.Series(True, index=rows.index)
    if department:
        keep &= rows["departments"].map(lambda text: department in text.split("、"))
    if township:
        keep &= rows["township_code"].eq(township)
    return rows[keep]
