"""Assembles the weekly report model from data_access and metrics.

One function, `weekly_report(engine, week)`, serves the weekly page, the township summaries,
the PDF export and the wall display, so all of them show the same figures.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine

from data_access.divisions import COUNTY_CODE, division_table
from data_access.economy import village_incomes
from data_access.indicator_values import indicator_by_division, indicator_values
from data_access.status import data_status
from data_access.volunteers import last_activities
from data_access.weekly import (
    latest_income_year,
    latest_weekly_export,
    new_overdue_cases,
    overdue_rectifications,
)
from metrics.indicators import INDICATORS
from metrics.periods import Period, format_date
from metrics.weekly import (
    RED_STREAK_WEEKS,
    WEEKLY_INDICATORS,
    Flag,
    FlagRow,
    Ranking,
    WeeklyReport,
    fell_below_weak_line,
    has_target,
    inactive_this_month,
    rank_cards,
    red_streaks,
    report_periods,
    statuses,
)

CITY_HALL = (COUNTY_CODE, "市本级")


def _township_values(engine: Engine, indicator_id: str, period: Period) -> pd.Series:
    values = indicator_by_division(engine, indicator_id, period, "township")
    return values if values is not None else pd.Series(dtype=float)


def _county_value(engine: Engine, indicator_id: str, period: Period) -> float | None:
    return indicator_values(engine, period, "county", COUNTY_CODE, [indicator_id])[0].value


def _income_year(engine: Engine, week: Period) -> int | None:
    return latest_income_year(engine, week.last_day)


def _ranking(engine: Engine, indicator_id: str, week: Period, names: pd.Series,
             presented: WeeklyReport | None) -> tuple[Ranking | None, bool]:
    """The indicator's ranking and whether last week's presented figures differ from the
    figures recomputed now (a correction since the meeting)."""
    indicator = INDICATORS[indicator_id]
    periods = report_periods(indicator.domain, week, _income_year(engine, week))
    if periods is None:
        return None, False
    current, previous, year_before = periods
    values = _township_values(engine, indicator_id, current)
    recomputed = _township_values(engine, indicator_id, previous)
    earlier = _township_values(engine, indicator_id, year_before)
    shown = presented.ranking(indicator_id) if presented else None
    corrected = False
    previous_values, previous_ranks = recomputed, None
    if shown is not None:
        previous_values = pd.Series({c.code: c.value for c in shown.cards}, dtype=float)
        previous_ranks = pd.Series({c.code: c.rank for c in shown.cards}, dtype=float)
        aligned = recomputed.reindex(previous_values.index).astype(float)
        corrected = not bool(((aligned - previous_values).abs().fillna(0) < 1e-9).all()
                             and aligned.isna().equals(previous_values.isna()))
    county_previous = (shown.county if shown is not None
                       else _county_value(engine, indicator_id, previous))
    ranking = Ranking(
        indicator_id=indicator_id, period=current.label, previous_period=previous.label,
        year_before_period=year_before.label,
        county=_county_value(engine, indicator_id, current), county_previous=county_previous,
        county_year_before=_county_value(engine, indicator_id, year_before),
        cards=rank_cards(indicator_id, values, names, previous_values, earlier, previous_ranks))
    return ranking, corrected


def _red_streak_flag(engine: Engine, week: Period, names: pd.Series) -> Flag:
    weeks = [week]
    for _ in range(RED_STREAK_WEEKS - 1):
        weeks.append(weeks[-1].previous())
    rows = []
    for indicator_id in WEEKLY_INDICATORS:
        if not has_target(indicator_id):
            continue
        domain = INDICATORS[indicator_id].domain
        history = []
        for each in weeks:
            periods = report_periods(domain, each, _income_year(engine, each))
            if periods is None:
                break
            history.append(statuses(indicator_id, _township_values(engine, indicator_id,
                                                                    periods[0])))
        rows += [FlagRow(code, str(names.get(code, code)), indicator_id, "", str(RED_STREAK_WEEKS))
                 for code in red_streaks(history)]
    rows.sort(key=lambda r: (r.township_code, WEEKLY_INDICATORS.index(r.subject)))
    return Flag("red_three_weeks", len(rows), tuple(rows))


def _date(value: object) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _overdue_case_flag(engine: Engine, week: Period) -> Flag:
    cases = new_overdue_cases(engine, week)
    # Cases of the city hall have no township: they are listed under 市本级.
    city_hall = cases["township_code"].isna()
    cases = cases.assign(township_code=cases["township_code"].where(~city_hall, CITY_HALL[0]),
                         township=cases["township"].where(~city_hall, CITY_HALL[1]))
    rows = tuple(FlagRow(r.township_code, r.township,
                         f"{r.item}（{r.serial_no}）", _date(r.due_date), _date(r.finished_at))
                 for r in cases.itertuples())
    return Flag("new_overdue_cases", len(rows), rows)


def _rectification_flag(engine: Engine, week: Period) -> Flag:
    late = overdue_rectifications(engine, week.end)
    rows = tuple(FlagRow(r.township_code, r.township, f"{r.object_name}（{r.task_code}）",
                         _date(r.rectify_due), str((week.last_day - r.rectify_due).days))
                 for r in late.itertuples())
    return Flag("overdue_rectifications", len(rows), rows)


def _inactive_flag(engine: Engine, week: Period) -> Flag:
    stations = last_activities(engine, week.last_day)
    idle = stations[inactive_this_month(stations["last_at"], week.last_day)]
    rows = tuple(FlagRow(r.township_code, r.township, r.name, _date(r.last_at), "")
                 for r in idle.itertuples())
    return Flag("inactive_villages", len(rows), rows)


def _fell_below_flag(engine: Engine, week: Period) -> Flag:
    year = _income_year(engine, week)
    if year is None:
        return Flag("fell_below_50k", 0, ())
    current = village_incomes(engine, year).set_index("code")
    previous = village_incomes(engine, year - 1).set_index("code")
    fell = fell_below_weak_line(current["operating_revenue"], previous["operating_revenue"])
    rows = tuple(FlagRow(current.at[c, "township_code"], current.at[c, "township"],
                         current.at[c, "name"], str(year),
                         f"{current.at[c, 'operating_revenue'] / 10_000:.2f}")
                 for c in sorted(fell))
    return Flag("fell_below_50k", len(rows), rows)


def weekly_report(engine: Engine, week: Period) -> WeeklyReport:
    """The report of ISO week `week`, compared with last week's report as it was presented
    (its newest stored export) when there is one, else with last week recomputed."""
    names = division_table(engine)["short_name"]
    previous_export = latest_weekly_export(engine, week.previous().label)
    presented = (WeeklyReport.from_json(previous_export["snapshot"]["report"])
                 if previous_export is not None else None)
    rankings, corrections = [], []
    for indicator_id in WEEKLY_INDICATORS:
        ranking, corrected = _ranking(engine, indicator_id, week, names, presented)
        if ranking is not None:
            rankings.append(ranking)
        if corrected:
            corrections.append(indicator_id)
    flags = (_overdue_case_flag(engine, week), _rectification_flag(engine, week),
             _inactive_flag(engine, week), _fell_below_flag(engine, week),
             _red_streak_flag(engine, week, names))
    compared = ""
    if previous_export is not None:
        created: dt.datetime = previous_export["created_at"]
        compared = f"#{previous_export['id']} {format_date(created)}"
    return WeeklyReport(
        week=week.label, first_day=week.start.isoformat(), last_day=week.last_day.isoformat(),
        data_as_of=format_date(data_status(engine).last_import_at),
        rankings=tuple(rankings), flags=flags, compared_with=compared,
        corrections=tuple(corrections))
