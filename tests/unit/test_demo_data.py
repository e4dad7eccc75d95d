"""Demo data: deterministic, calibrated to the seed article, loaded through the importer.

One demo database is built for the module (as_of 2026-11-15) and every test reads it with plain
SQL, so the checks hold whatever the dashboard's own queries do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import QueryableAttribute

from data_access.db import get_engine
from data_access.demo import (
    INACTIVE_VILLAGES,
    SHORTFALL_TOWNSHIPS,
    SHORTFALL_VILLAGES,
    STEPS,
    write_demo_files,
)
from data_access.demo.provenance import DEMO_LOG_DOMAIN
from data_access.demo.shared import DEMO_COUNTY_CODE as COUNTY_CODE
from data_access.importing.domains import DOMAINS
from data_access.models import (
    InspectionResult,
    ServiceCase,
    VolunteerActivity,
    VolunteerTeam,
)
from metrics.workdays import add_working_days

pytestmark = pytest.mark.slow

AS_OF = dt.date(2026, 11, 15)  # the session demo's as-of date (tests/conftest.py)
END_OF_AS_OF = dt.datetime.combine(AS_OF, dt.time(23, 59, 59))
REVENUE = "(operating_income + contract_income + investment_income)"
STATIONS = "('村委会', '居委会', '社区')"


@pytest.fixture(scope="module")
def demo(demo_database_url: str) -> SimpleNamespace:
    """The session's demo database (built by `python -m dashboard demo-data`) and its log of
    imports (without the marker that certifies them, data_access/demo/provenance.py)."""
    engine = get_engine(demo_database_url)
    with engine.connect() as connection:
        logged = connection.execute(text(
            "SELECT domain, file_name, rows_in_file, rows_inserted FROM import_log "
            "WHERE domain NOT LIKE 'boundaries%' AND domain != :marker ORDER BY id"),
            {"marker": DEMO_LOG_DOMAIN}).all()
    reports = [SimpleNamespace(domain=d, file_name=f, rows_in_file=n, rows_inserted=i)
               for d, f, n, i in logged]
    return SimpleNamespace(engine=engine, reports=reports)


def one(engine: Engine, sql: str, **params: object) -> object:
    with engine.connect() as connection:
        return connection.execute(text(sql), params).scalar_one()


def rows(engine: Engine, sql: str, **params: object) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


def test_every_domain_is_imported_in_dependency_order(demo: SimpleNamespace) -> None:
    assert [report.domain for report in demo.reports] == list(DOMAINS)
    assert [step.domain_id for step in STEPS] == list(DOMAINS)
    for report in demo.reports:
        assert report.rows_in_file > 0, report
        if report.domain != "population":  # population only updates existing divisions
            assert report.rows_inserted == report.rows_in_file, report
    suffixes = {report.domain: Path(report.file_name).suffix for report in demo.reports}
    assert suffixes["service_cases"] == suffixes["volunteer_activities"] == ".csv"
    assert {s for d, s in suffixes.items()
            if d not in ("service_cases", "volunteer_activities")} == {".xlsx"}


def test_files_are_identical_when_built_again(demo: SimpleNamespace, tmp_path: Path) -> None:
    again = write_demo_files(demo.engine, AS_OF, tmp_path,
                             ["collective_income", "volunteer_teams"])
    imported = dict(rows(demo.engine, "SELECT file_name, sha256 FROM import_log"))
    assert [path.name for path in again] == ["02_collective_income.xlsx",
                                             "07_volunteer_teams.xlsx"]
    for path in again:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == imported[path.name], path.name


def test_population_adds_up_to_the_seed_figure(demo: SimpleNamespace) -> None:
    county = one(demo.engine, "SELECT population FROM division WHERE code = :c", c=COUNTY_CODE)
    assert 663_300 <= county <= 676_700
    assert one(demo.engine, "SELECT SUM(population) FROM division WHERE level = 'village'") \
        == county
    mismatched = rows(demo.engine, """
        SELECT t.code FROM division t JOIN division v ON v.parent_code = t.code
        WHERE t.level = 'township' GROUP BY t.code, t.population
        HAVING SUM(v.population) != t.population""")
    assert mismatched == []
    assert one(demo.engine, "SELECT COUNT(*) FROM division WHERE NOT population_generated") == 0
    ranges = {t: (lo, hi) for t, lo, hi in rows(demo.engine, """
        SELECT unit_type, MIN(population), MAX(population) FROM division
        WHERE level = 'village' GROUP BY unit_type""")}
    assert ranges["村委会"][0] >= 1_500 and ranges["村委会"][1] <= 5_000
    assert ranges["社区"][0] >= 3_000 and ranges["居委会"][1] <= 12_000
    assert ranges["生活区"][0] >= 300 and ranges["生活区"][1] <= 1_500


def test_2019_collective_income_reproduces_the_seed_article(demo: SimpleNamespace) -> None:
    count, total, over_100k, over_1m, lowest = rows(demo.engine, f"""
        SELECT COUNT(*), SUM({REVENUE}), SUM(CASE WHEN {REVENUE} >= 100000 THEN 1 ELSE 0 END),
               SUM(CASE WHEN {REVENUE} >= 1000000 THEN 1 ELSE 0 END), MIN({REVENUE})
        FROM collective_income WHERE year = 2019 AND quarter = 0""")[0]
    assert count == 153
    assert total == 153 * 256_000
    assert 255_500 <= total / count < 256_500
    assert over_100k == 111
    assert over_1m == 4
    assert lowest > 50_000
    near = one(demo.engine, f"""
        SELECT COUNT(*) FROM collective_income WHERE year = 2019 AND quarter = 0 AND (
            ABS({REVENUE} - 50000) < 1000 OR ABS({REVENUE} - 100000) < 1000
            OR ABS({REVENUE} - 1000000) < 1000)""")
    assert near == 0


def test_collective_income_covers_the_assessed_villages_and_periods(demo: SimpleNamespace
                                                                     ) -> None:
    assert rows(demo.engine, """
        SELECT DISTINCT d.unit_type FROM collective_income c
        JOIN division d ON d.code = c.village_code""") == [("村委会",)]
    periods = rows(demo.engine, """
        SELECT year, quarter, COUNT(*) FROM collective_income GROUP BY year, quarter
        ORDER BY year, quarter""")
    assert periods == [(year, 0, 153) for year in range(2017, 2026)] + [
        (2026, quarter, 153) for quarter in (1, 2, 3)]
    weak_2025 = one(demo.engine, f"""
        SELECT COUNT(*) FROM collective_income WHERE year = 2025 AND quarter = 0
        AND {REVENUE} < 50000""")
    assert 2 <= weak_2025 <= 4
    assert one(demo.engine, """
        SELECT COUNT(*) FROM collective_income WHERE ABS(net_income - (operating_income
            + contract_income + investment_income + subsidy_income + other_income
            - operating_expense - management_expense - other_expense)) > 100""") == 0
    shrinking = one(demo.engine, """
        SELECT COUNT(*) FROM collective_income q2 JOIN collective_income q3
        ON q3.village_code = q2.village_code AND q3.year = q2.year AND q3.quarter = 3
        WHERE q2.year = 2026 AND q2.quarter = 2
        AND q3.operating_income + q3.contract_income + q3.investment_income
            < q2.operating_income + q2.contract_income + q2.investment_income""")
    assert shrinking == 0


def test_cooperatives_2018_and_land_transfer_2019_match_the_seed(demo: SimpleNamespace) -> None:
    land, income = rows(demo.engine, """
        SELECT SUM(land_mu), SUM(collective_income) FROM cooperative WHERE year = 2018""")[0]
    assert land == pytest.approx(5_203)
    assert income == 1_670_000
    low, high = rows(demo.engine, """
        SELECT MIN(guaranteed_payment_per_mu), MAX(guaranteed_payment_per_mu)
        FROM cooperative""")[0]
    assert low >= 500 and high <= 900
    assert one(demo.engine, "SELECT COUNT(*) FROM cooperative WHERE code NOT LIKE '93421081%'") \
        == 0
    new_2019 = one(demo.engine, "SELECT SUM(new_area_mu) FROM land_transfer WHERE year = 2019")
    assert new_2019 == pytest.approx(50_000)


def test_team_minimums_hold_except_the_named_shortfalls(demo: SimpleNamespace) -> None:
    engine = demo.engine
    assert one(engine, "SELECT COUNT(*) FROM volunteer_team WHERE level = '总队'") == 1
    assert one(engine, """SELECT COUNT(*) FROM volunteer_team
                          WHERE level = '支队' AND township_code IS NULL""") == 10
    township_teams = dict(rows(engine, """
        SELECT d.code, COUNT(t.code) FROM division d LEFT JOIN volunteer_team t
        ON t.township_code = d.code AND t.level = '支队' WHERE d.level = 'township'
        GROUP BY d.code"""))
    assert len(township_teams) == 15
    assert sorted(c for c, n in township_teams.items() if n < 4) == sorted(SHORTFALL_TOWNSHIPS)
    assert all(township_teams[c] == 3 for c in SHORTFALL_TOWNSHIPS)
    village_teams = dict(rows(engine, f"""
        SELECT d.code, COUNT(t.code) FROM division d LEFT JOIN volunteer_team t
        ON t.village_code = d.code AND t.level = '分队'
        WHERE d.level = 'village' AND d.unit_type IN {STATIONS} GROUP BY d.code"""))
    assert len(village_teams) == 192
    assert sorted(c for c, n in village_teams.items() if n < 2) == sorted(SHORTFALL_VILLAGES)
    assert all(village_teams[c] == 1 for c in SHORTFALL_VILLAGES)
    assert one(engine, """
        SELECT COUNT(*) FROM volunteer_team t JOIN division d ON d.code = t.village_code
        WHERE d.unit_type = '生活区'""") == 0


def test_inactive_villages_are_exactly_the_named_ones(demo: SimpleNamespace) -> None:
    since = dt.datetime.combine(AS_OF - dt.timedelta(days=30), dt.time())
    quiet = rows(demo.engine, f"""
        SELECT d.code FROM division d WHERE d.level = 'village' AND d.unit_type IN {STATIONS}
        AND NOT EXISTS (SELECT 1 FROM volunteer_activity a
                        WHERE a.village_code = d.code AND a.start_at >= :since)
        ORDER BY d.code""", since=since)
    assert [code for (code,) in quiet] == sorted(INACTIVE_VILLAGES)
    earlier = {code for (code,) in rows(demo.engine, """
        SELECT DISTINCT village_code FROM volunteer_activity WHERE start_at < :since""",
                                         since=since)}
    assert set(INACTIVE_VILLAGES) <= earlier


def test_volunteer_activity_volume_and_hours(demo: SimpleNamespace) -> None:
    last_year = dt.datetime.combine(AS_OF - dt.timedelta(days=365), dt.time())
    count = one(demo.engine, "SELECT COUNT(*) FROM volunteer_activity WHERE start_at >= :d",
                d=last_year)
    assert 3_000 <= count <= 4_500
    too_many_hours = one(demo.engine, """
        SELECT COUNT(*) FROM volunteer_activity
        WHERE hours > volunteers * (julianday(end_at) - julianday(start_at)) * 24 + 0.01
           OR volunteers NOT BETWEEN 10 AND 40""")
    assert too_many_hours == 0


def test_service_case_volume_per_year(demo: SimpleNamespace) -> None:
    middle = dt.datetime.combine(AS_OF - dt.timedelta(days=365), dt.time())
    first, second = rows(demo.engine, """
        SELECT SUM(CASE WHEN accepted_at < :m THEN 1 ELSE 0 END),
               SUM(CASE WHEN accepted_at >= :m THEN 1 ELSE 0 END) FROM service_case""",
                         m=middle)[0]
    assert 300_000 <= first <= 600_000
    assert 300_000 <= second <= 600_000
    shares = dict(rows(demo.engine, """
        SELECT hall_level, 1.0 * COUNT(*) / (SELECT COUNT(*) FROM service_case)
        FROM service_case GROUP BY hall_level"""))
    assert shares["city"] == pytest.approx(0.25, abs=0.03)
    assert shares["township"] == pytest.approx(0.50, abs=0.03)
    assert shares["village"] == pytest.approx(0.25, abs=0.03)
    assert rows(demo.engine, """SELECT DISTINCT hall_level FROM service_case
                                WHERE channel = '代办'""") == [("village",)]


def test_service_quality_is_realistic(demo: SimpleNamespace) -> None:
    on_time, good, online, one_visit = rows(demo.engine, """
        SELECT 1.0 * SUM(CASE WHEN date(finished_at) <= due_date THEN 1 ELSE 0 END)
                   / SUM(CASE WHEN finished_at IS NOT NULL THEN 1 ELSE 0 END),
               1.0 * SUM(CASE WHEN rating >= 4 THEN 1 ELSE 0 END)
                   / SUM(CASE WHEN rating IS NOT NULL THEN 1 ELSE 0 END),
               AVG(CASE WHEN fully_online THEN 1.0 ELSE 0.0 END),
               AVG(CASE WHEN visits <= 1 THEN 1.0 ELSE 0.0 END) FROM service_case""")[0]
    assert 0.99 <= on_time < 1
    assert good > 0.995
    assert 0.4 <= online <= 0.8
    assert 0.93 <= one_visit <= 0.99
    open_past_due = one(demo.engine, """SELECT COUNT(*) FROM service_case
                                        WHERE status = '办理中' AND due_date < :d""", d=AS_OF)
    assert open_past_due > 0
    bad, fixed = rows(demo.engine, """
        SELECT COUNT(*), SUM(CASE WHEN bad_review_fixed_at IS NOT NULL THEN 1 ELSE 0 END)
        FROM service_case WHERE rating <= 2""")[0]
    assert 0 < fixed < bad and fixed / bad > 0.8
    weekend = one(demo.engine, """SELECT AVG(CASE WHEN strftime('%w', applied_at) IN ('0', '6')
                                  THEN 1.0 ELSE 0.0 END) FROM service_case""")
    assert weekend < 0.05


def test_inspections_follow_the_draw_and_disclosure_rules(demo: SimpleNamespace) -> None:
    engine = demo.engine
    per_year = dict(rows(engine, """SELECT strftime('%Y', drawn_on), COUNT(*)
                                    FROM inspection_result GROUP BY 1"""))
    assert 300 <= per_year["2025"] <= 800
    for year, tasks, joint in rows(engine, """
            SELECT year, COUNT(*), SUM(CASE WHEN is_joint THEN 1 ELSE 0 END)
            FROM inspection_task GROUP BY year"""):
        assert 10 <= tasks <= 30, year
        assert 0.2 <= joint / tasks <= 0.4, year
    assert one(engine, "SELECT COUNT(*) FROM inspection_task WHERE draw_seed IS NULL "
                       "AND planned_start <= :d", d=AS_OF) == 0
    assert all("、" in codes for (codes,) in rows(engine,
                                                  "SELECT inspector_codes FROM inspection_result"))
    overdue, due_soon = rows(engine, """
        SELECT SUM(CASE WHEN rectify_due < :d THEN 1 ELSE 0 END),
               SUM(CASE WHEN rectify_due > :d AND rectify_due <= :soon THEN 1 ELSE 0 END)
        FROM inspection_result
        WHERE disposal = '责令整改' AND rectified_on IS NULL AND result_code = '07'""",
                             d=AS_OF, soon=add_working_days(AS_OF, 5))[0]
    assert overdue > 0 and due_soon > 0
    codes = dict(rows(engine, """
        SELECT result_code, 1.0 * COUNT(*) / (SELECT COUNT(*) FROM inspection_result
                                              WHERE result_code IS NOT NULL)
        FROM inspection_result WHERE result_code IS NOT NULL GROUP BY result_code"""))
    assert 0.7 <= codes["01"] <= 0.88
    late, published = rows(engine, """
        SELECT SUM(CASE WHEN published_on > publish_due THEN 1 ELSE 0 END), COUNT(published_on)
        FROM inspection_result""")[0]
    assert 0 < late < 0.15 * published
    assert one(engine, """SELECT COUNT(*) FROM inspection_result
                          WHERE inspected_on IS NOT NULL AND published_on IS NULL""") > 0


def test_supervision_themes_cover_24_months(demo: SimpleNamespace) -> None:
    months = rows(demo.engine, "SELECT month, status FROM supervision_theme ORDER BY month")
    assert len(months) == 24
    assert months[0][0] == "2024-12" and months[-1] == ("2026-11", "进行中")
    statuses = [status for _, status in months]
    assert statuses.count("逾期") == 2 and statuses.count("已完成") > 15


EVENT_COLUMNS = (
    ServiceCase.applied_at, ServiceCase.accepted_at, ServiceCase.finished_at,
    ServiceCase.bad_review_fixed_at, VolunteerActivity.start_at, VolunteerActivity.end_at,
    VolunteerTeam.founded_on, InspectionResult.drawn_on, InspectionResult.inspected_on,
    InspectionResult.rectified_on, InspectionResult.published_on,
)


@pytest.mark.parametrize("column", EVENT_COLUMNS, ids=lambda c: f"{c.class_.__name__}.{c.key}")
def test_nothing_happens_after_as_of(demo: SimpleNamespace,
                                     column: QueryableAttribute[dt.date | None]) -> None:
    with demo.engine.connect() as connection:
        latest = connection.scalar(select(func.max(column)))
    assert latest is not None
    if isinstance(latest, dt.datetime):
        assert latest <= END_OF_AS_OF
    else:
        assert latest <= AS_OF
