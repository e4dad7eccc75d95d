"""Assembles the weekly report model from data_access and metrics.

One function, `weekly_report(engine, week)`, serves the weekly page, the township summaries,
the PDF export and the wall display, so all of them show the same figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
from sqlalchemy import Engine

from data_access.cache import cached
from data_access.divisions import county_names, division_table, home
from data_access.economy import village_incomes
from data_access.indicator_values import (
    indicator_by_division,
    indicator_counts,
    indicator_values,
)
from data_access.meeting_copy import meeting_copy_id
from data_access.status import figures_as_of
from data_access.volunteers import last_activities
from data_access.weekly import (
    export_snapshot,
    latest_income_year,
    new_overdue_cases,
    overdue_rectifications,
)
from metrics.domains import DOMAIN_BY_ID
from metrics.indicators import INDICATORS, DomainId, IndicatorValue
from metrics.periods import Period, format_date, parse_period, period_containing, year_to_date
from metrics.red_flags import flag_as_of, late_detail
from metrics.weekly import (
    CITY_HALL_NAME,
    COUNTY_HALLS_NAME,
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
    report_rule,
    statuses,
)


def _ranked_values(engine: Engine, indicator_id: str, period: Period) -> pd.Series:
    """The values of the divisions the report ranks: the area's townships, or its counties
    when it oversees several."""
    values = indicator_by_division(engine, indicator_id, period, home(engine).ranked_level)
    return values if values is not None else pd.Series(dtype=float)


def _ranked_counts(engine: Engine, indicator_id: str, period: Period) -> pd.DataFrame | None:
    return indicator_counts(engine, indicator_id, period, home(engine).ranked_level)


def _county(engine: Engine, indicator_id: str, period: Period) -> IndicatorValue:
    area = home(engine)
    return indicator_values(engine, period, area.level, area.code, [indicator_id])[0]


def _county_value(engine: Engine, indicator_id: str, period: Period) -> float | None:
    return _county(engine, indicator_id, period).value


def _reaches(engine: Engine, domain: DomainId, period: Period) -> bool:
    """Whether the domain's data reach the period: its evidence indicator (metrics/domains.py)
    counts something there."""
    role = DOMAIN_BY_ID[domain].weekly
    if role is None or not role.evidence:
        return True
    item = _county(engine, role.evidence, period)
    amount = item.denominator if item.indicator.is_rate else item.value
    return amount is not None and amount > 0


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
    if not _reaches(engine, indicator.domain, current):
        return None, False
    values = _ranked_values(engine, indicator_id, current)
    # A period the data do not reach is no baseline: its zeros are missing data, not figures.
    previous_reached = _reaches(engine, indicator.domain, previous)
    year_before_reached = _reaches(engine, indicator.domain, year_before)
    recomputed = (_ranked_values(engine, indicator_id, previous) if previous_reached
                  else pd.Series(dtype=float))
    earlier = (_ranked_values(engine, indicator_id, year_before) if year_before_reached
               else None)
    shown = presented.ranking(indicator_id) if presented else None
    corrected = False
    previous_values: pd.Series | None = recomputed if previous_reached else None
    previous_ranks = previous_statuses = None
    if shown is not None:
        previous_values = pd.Series({c.code: c.value for c in shown.cards}, dtype=float)
        previous_ranks = pd.Series({c.code: c.rank for c in shown.cards}, dtype=float)
        previous_statuses = pd.Series({c.code: c.status for c in shown.cards}, dtype=object)
        aligned = recomputed.reindex(previous_values.index).astype(float)
        corrected = not bool(((aligned - previous_values).abs().fillna(0) < 1e-9).all()
                             and aligned.isna().equals(previous_values.isna()))
    county_previous = (shown.county if shown is not None
                       else _county_value(engine, indicator_id, previous) if previous_reached
                       else None)
    county = _county(engine, indicator_id, current)
    ranking = Ranking(
        indicator_id=indicator_id, period=current.label, previous_period=previous.label,
        year_before_period=year_before.label,
        county=county.value, county_previous=county_previous,
        county_year_before=(_county_value(engine, indicator_id, year_before)
                            if year_before_reached else None),
        county_numerator=county.numerator, county_denominator=county.denominator,
        cards=rank_cards(indicator_id, values, names, previous_values, earlier, previous_ranks,
                         _ranked_counts(engine, indicator_id, current), previous_statuses,
                         _ranked_counts(engine, indicator_id, previous)
                         if previous_reached else None))
    return ranking, corrected


def _red_streak_flag(engine: Engine, week: Period, names: pd.Series) -> Flag:
    weeks = [week]
    for _ in range(RED_STREAK_WEEKS - 1):
        weeks.append(weeks[-1].previous())
    rows = []
    covered = False
    for indicator_id in WEEKLY_INDICATORS:
        domain = INDICATORS[indicator_id].domain
        # An annual figure is the same report every week: three red weeks of it are no news.
        if not has_target(indicator_id) or report_rule(domain) == "latest_annual":
            continue
        history = []
        for each in weeks:
            periods = report_periods(domain, each, _income_year(engine, each))
            if periods is None or not _reaches(engine, domain, periods[0]):
                break
            history.append(statuses(indicator_id,
                                    _ranked_values(engine, indicator_id, periods[0]),
                                    _ranked_counts(engine, indicator_id, periods[0])))
        covered = covered or len(history) >= RED_STREAK_WEEKS
        rows += [FlagRow(code, str(names.get(code, code)), indicator_id, "", str(RED_STREAK_WEEKS))
                 for code in red_streaks(history)]
    rows.sort(key=lambda r: (r.township_code, WEEKLY_INDICATORS.index(r.subject)))
    return Flag("red_three_weeks", len(rows), tuple(rows), covered)


def _with_counties(engine: Engine, flags: tuple[Flag, ...]) -> tuple[Flag, ...]:
    """At a prefecture, each township row of the flags with its county's short name (the red
    streaks' rows are counties already)."""
    if home(engine).ranked_level != "county":
        return flags

    def placed(flag: Flag) -> Flag:
        counties = county_names(engine, pd.Series([r.township_code for r in flag.rows],
                                                  dtype=object))
        return replace(flag, rows=tuple(replace(row, county=county or "") for row, county
                                        in zip(flag.rows, counties, strict=True)))
    return tuple(flag if flag.kind == "red_three_weeks" else placed(flag) for flag in flags)


def _date(value: object) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _overdue_case_flag(engine: Engine, week: Period) -> Flag:
    cases = new_overdue_cases(engine, week)
    # Cases of the city hall have no township: they are listed under 市本级, or at a
    # prefecture, whose counties' own halls they are, under 县（市、区）本级.
    city_hall = cases["township_code"].isna()
    area = home(engine)
    counties = area.ranked_level == "county"
    cases = cases.assign(
        # At a prefecture each under its own county's code, which names its county.
        township_code=cases["township_code"].where(
            ~city_hall, cases["division_code"] if counties else area.code),
        township=cases["township"].where(~city_hall,
                                         COUNTY_HALLS_NAME if counties else CITY_HALL_NAME))
    rows = tuple(FlagRow(r.township_code, r.township,
                         f"{r.item}（{r.serial_no}）", _date(r.due_date), _date(r.finished_at))
                 for r in cases.itertuples())
    return Flag("new_overdue_cases", len(rows), rows)


def _rectification_flag(engine: Engine, week: Period) -> Flag:
    # As of the week's Sunday (metrics/red_flags.py); the time overdue in working days with
    # calendar days in brackets ("12 (17)").
    late = overdue_rectifications(engine, flag_as_of(week))
    rows = tuple(FlagRow(r.township_code, r.township, f"{r.object_name}（{r.task_code}）",
                         _date(r.rectify_due),
                         late_detail(r.working_days_late, r.calendar_days_late))
                 for r in late.itertuples())
    return Flag("overdue_rectifications", len(rows), rows)


def _inactive_flag(engine: Engine, week: Period) -> Flag:
    as_of = flag_as_of(week)
    stations = last_activities(engine, as_of)
    idle = stations[inactive_this_month(stations["last_at"], as_of)]
    rows = tuple(FlagRow(r.township_code, r.township, r.name, _date(r.last_at), "")
                 for r in idle.itertuples())
    return Flag("inactive_villages", len(rows), rows)


def _fell_below_flag(engine: Engine, week: Period) -> Flag:
    year = _income_year(engine, week)
    if year is None:
        return Flag("fell_below_50k", 0, (), covered=False)
    current = village_incomes(engine, year).set_index("code")
    previous = village_incomes(engine, year - 1).set_index("code")
    fell = fell_below_weak_line(current["operating_revenue"], previous["operating_revenue"])
    rows = tuple(FlagRow(current.at[c, "township_code"], current.at[c, "township"],
                         current.at[c, "name"], str(year),
                         f"{current.at[c, 'operating_revenue'] / 10_000:.2f}")
                 for c in sorted(fell))
    return Flag("fell_below_50k", len(rows), rows)


def _covered_flags(engine: Engine, week: Period, flags: tuple[Flag, ...]) -> tuple[Flag, ...]:
    """Marks the flags whose period the data do not reach: their 0 means "no data", and the
    bulletin says nothing of them rather than "none overdue"."""
    month = period_containing("month", week.last_day)
    reached = {
        "new_overdue_cases": _reaches(engine, "services", week),
        "overdue_rectifications": _reaches(engine, "inspections", year_to_date(week.last_day))
        or _reaches(engine, "inspections", parse_period(str(week.last_day.year - 1))),
        "inactive_villages": _reaches(engine, "volunteers", month)
        or _reaches(engine, "volunteers", month.previous()),
    }
    # Rows of overdue cases or rectifications are facts whatever the coverage; villages with
    # no activity are an absence, which means nothing where the data do not reach.
    evident = {"new_overdue_cases", "overdue_rectifications"}
    return tuple(replace(flag, covered=flag.covered and (
        (flag.kind in evident and flag.count > 0) or reached.get(flag.kind, True)))
        for flag in flags)


def weekly_report(engine: Engine, week: Period) -> WeeklyReport:
    """The report of ISO week `week`, compared with last week's report as it was presented
    (the export marked as its meeting copy) when there is one, else with last week
    recomputed."""
    return _report(engine, week, meeting_copy_id(engine, week.previous().label))


@cached
def _report(engine: Engine, week: Period, compared_export: int | None) -> WeeklyReport:
    """Kept until the next import or a new meeting-copy mark of last week (its id is in the
    key): the report is every weekly page's, PDF's and wall's largest computation."""
    area = home(engine)
    names = division_table(engine)["short_name"]
    previous_export = None if compared_export is None else export_snapshot(engine,
                                                                            compared_export)
    presented = (WeeklyReport.from_json(previous_export["snapshot"]["report"])
                 if previous_export is not None else None)
    rankings, corrections = [], []
    for indicator_id in WEEKLY_INDICATORS:
        ranking, corrected = _ranking(engine, indicator_id, week, names, presented)
        if ranking is not None:
            rankings.append(ranking)
        if corrected:
            corrections.append(indicator_id)
    flags = _with_counties(engine, _covered_flags(engine, week, (
        _overdue_case_flag(engine, week), _rectification_flag(engine, week),
        _inactive_flag(engine, week), _fell_below_flag(engine, week),
        _red_streak_flag(engine, week, names))))
    compared = ""
    if previous_export is not None:
        created: dt.datetime = previous_export["created_at"]
        compared = f"#{previous_export['id']} {format_date(created)}"
    return WeeklyReport(
        week=week.label, first_day=week.start.isoformat(), last_day=week.last_day.isoformat(),
        data_as_of=format_date(figures_as_of(engine)),
        rankings=tuple(rankings), flags=flags, compared_with=compared,
        corrections=tuple(corrections), area=area.name, area_en=area.name_en,
        ranked_level=area.ranked_level)
