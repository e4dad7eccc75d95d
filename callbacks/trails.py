"""Breadcrumb trails: from the area overseen down to a division, each step a link."""

from __future__ import annotations

import pandas as pd

from callbacks.context import AppContext
from data_access.divisions import division_table
from layouts.i18n import Lang
from layouts.places import place_name
from layouts.urls import division_path, view_href


def division_name(row: pd.Series, lang: Lang) -> str:
    """A division's name in the page's language (English: "Tiaoguan Town (调关镇)")."""
    return place_name(str(row["name"]), lang)


def home_step(context: AppContext, lang: Lang, query: dict[str, str]) -> tuple[str, str]:
    """A trail's first step: the overview of the area overseen, keeping the view state."""
    return context.home().named(lang), view_href("/", query)


def trail_to(context: AppContext, code: str, query: dict[str, str], lang: Lang,
             last: str | None = None) -> list[tuple[str, str | None]]:
    """(label, href) from the area overseen down to the division `code`, whose own step is not
    a link, or is one when a further step `last` (the page's own label) follows."""
    table = division_table(context.engine)
    area = context.home()
    chain = [code]
    while chain[-1] != area.code:
        parent = table.at[chain[-1], "parent_code"]
        if not isinstance(parent, str):
            break  # not under the area: the page itself refuses such a code
        chain.append(parent)
    steps: list[tuple[str, str | None]] = []
    for step in reversed(chain):
        label = area.named(lang) if step == area.code else division_name(table.loc[step], lang)
        href = view_href(division_path(step, str(table.at[step, "level"]), area.code), query)
        steps.append((label, href))
    if last is None:
        steps[-1] = (steps[-1][0], None)
    else:
        steps.append((last, None))
    return steps
