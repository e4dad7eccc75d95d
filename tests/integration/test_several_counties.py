"""Several counties under one prefecture: every count at every level agrees with the rows."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from plotly.io.json import to_json_plotly
from shapely.geometry import Point, box, shape
from sqlalchemy import Engine

from callbacks.context import AppContext
from callbacks.economy import detail_rows, village_rows
from callbacks.inspections import _with_units
from callbacks.router import render_page
from callbacks.services import case_detail
from callbacks.views import home_kpi_views
from callbacks.volunteers import coverage_rows, month_rows, ranked_rows, shortfall_rows
from dashboard.config import Settings
from data_access import cache
from data_access.aggregates import aggregate, divisions_at
from data_access.boundaries import county_boundaries, import_boundaries
from data_access.db import get_engine, upgrade_to_head
from data_access.divisions import division_table, home
from data_access.economy import income_trend
from data_access.importing.domains import DOMAINS
from data_access.importing.runner import import_file
from data_access.importing.template import write_rows
from data_access.importing.templates import TEMPLATES
from data_access.indicator_values import indicator_values
from data_access.rollup_check import differences
from data_access.teams import unit_teams
from data_access.volunteers import activity_by_month
from data_access.weekly_report import weekly_report
from layouts.bulletin import bulletin_sections, red_flags, standings
from layouts.weekly import flag_panel
from metrics.periods import parse_period
from metrics.volunteers import minimum_summary, team_gaps
from metrics.weekly import Flag, FlagRow, WeeklyReport
from tests.fixtures.postgres import PostgresServer

PREFECTURE = "429900000000"
COUNTIES = {"429901000000": "测试县", "429902000000": "样例县"}


def _divisions() -> list[dict[str, str]]:
    """A synthetic prefecture (Hubei's 99th does not exist): two counties of two townships, each
    township two villages (村委会)."""
    rows = [{"code": PREFECTURE, "name": "样例市", "level": "prefecture", "parent_code": "",
             "unit_type": "地级市", "short_name": "样例", "name_en": "Yangli"}]
    for county, name in COUNTIES.items():
        rows.append({"code": county, "name": name, "level": "county",
                     "parent_code": PREFECTURE, "unit_type": "县"})
        for town in (1, 2):
            township = f"{county[:6]}{100 + town:03d}000"
            rows.append({"code": township, "name": f"{name[:2]}{town}镇", "level": "township",
                         "parent_code": county, "unit_type": "镇"})
            rows += [{"code": f"{township[:9]}{200 + v:03d}", "name": f"{name[:2]}{town}-{v}村",
                      "level": "village", "parent_code": township, "unit_type": "村委会"}
                     for v in (1, 2)]
    return rows


def _income(villages: list[str]) -> pd.DataFrame:
    """A year's income form for each village: 4, 8, 12 ... 万元 of operating income."""
    rows = []
    for index, village in enumerate(villages, start=1):
        rows.append({"village_code": village, "year": "2025", "quarter": "0",
                     "operating_income": f"{4 * index:.2f}", "contract_income": "0",
                     "investment_income": "0", "subsidy_income": "1.00", "other_income": "0",
                     "operating_expense": "0", "management_expense": "0", "other_expense": "0",
                     "net_income": f"{4 * index + 1:.2f}"})
    return pd.DataFrame(rows)


def _case(serial: str, division: str) -> dict[str, str]:
    return {"serial_no": serial, "item_code": "ITEM1", "division_code": division,
            "channel": "窗口", "applied_at": "2025-09-30 09:00",
            "accepted_at": "2025-09-30 09:10", "promised_limit_days": "", "paused_days": "0",
            "finished_at": "2025-10-09 15:00", "status": "已办结", "visits": "1",
            "fully_online": "否", "rating": "5", "bad_review_fixed_at": ""}


def _teams() -> pd.DataFrame:
    """Each county's 总队 and 支队 (named by its county code, as several counties need), one
    township 支队 in 测试县 and a 分队 in a village of each county."""
    rows = []
    for number, county in enumerate(COUNTIES, start=1):
        corps = f"T{number}"
        rows += [
            {"code": corps, "name": f"总队{number}", "level": "总队", "parent_code": "",
             "county_code": county},
            *({"code": f"{corps}D{d}", "name": f"支队{number}-{d}", "level": "支队",
               "parent_code": corps, "county_code": county} for d in range(number)),
            {"code": f"{corps}V", "name": f"分队{number}", "level": "分队",
             "parent_code": corps, "village_code": f"{county[:6]}101201"},
        ]
    rows.append({"code": "T1S", "name": "乡镇支队", "level": "支队", "parent_code": "T1",
                 "township_code": "429901101000"})
    frame = pd.DataFrame(rows).reindex(columns=[c.key for c in DOMAINS["volunteer_teams"].columns])
    return frame.assign(category="文明实践", members="12", founded_on="2024-01-01").fillna("")


def _activities() -> pd.DataFrame:
    """In 2025-10: two activities in 测试县's first village, one in 样例县's, and one of
    样例县's 支队 without a village (it counts in that county)."""
    def activity(code: str, team: str, village: str, hours: str) -> dict[str, str]:
        return {"code": code, "team_code": team, "village_code": village,
                "start_at": "2025-10-08 09:00", "end_at": "2025-10-08 12:00",
                "volunteers": "5", "hours": hours, "beneficiaries": "20", "theme": "宣讲"}
    return pd.DataFrame([activity("A1", "T1V", "429901101201", "10"),
                         activity("A2", "T1V", "429901101201", "6"),
                         activity("A3", "T2V", "429902101201", "12"),
                         activity("A4", "T2D0", "", "9")])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('counties') / 'prefecture.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"t_counties_{uuid.uuid4().hex[:12]}"
    url = server.create_database(name)
    try:
        yield url
    finally:
        get_engine(url).dispose()
        server.drop_database(name)


@pytest.fixture(scope="module")
def engine(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    folder: Path = tmp_path_factory.mktemp("files")
    url = database_url
    upgrade_to_head(url)
    engine = get_engine(url)
    cache.clear()
    divisions = _divisions()
    import_file(engine, write_rows(TEMPLATES["divisions"], pd.DataFrame(divisions).fillna(""),
                                   folder / "divisions.xlsx"))
    villages = [r["code"] for r in divisions if r["level"] == "village"]
    import_file(engine, write_rows(DOMAINS["collective_income"], _income(villages),
                                   folder / "income.xlsx"))
    import_file(engine, write_rows(DOMAINS["service_items"], pd.DataFrame([{
        "code": "ITEM1", "name": "临时救助申请", "department": "民政局", "case_type": "承诺件",
        "legal_limit_days": "20", "promised_limit_days": "5", "required_visits": "1",
        "online_capable": "是"}]), folder / "items.xlsx"))
    import_file(engine, write_rows(DOMAINS["volunteer_teams"], _teams(), folder / "teams.xlsx"))
    import_file(engine, write_rows(DOMAINS["volunteer_activities"], _activities(),
                                   folder / "activities.xlsx"))
    # A city hall's case in each county, and one case in each village.
    cases = [_case(f"C{i:04d}", code) for i, code in enumerate([*COUNTIES, *villages])]
    import_file(engine, write_rows(DOMAINS["service_cases"], pd.DataFrame(cases),
                                   folder / "cases.csv"))
    yield engine
    cache.clear()


def test_the_area_is_the_prefecture_and_its_counties_are_a_level(engine: Engine) -> None:
    assert home(engine).code == PREFECTURE and home(engine).level == "prefecture"
    assert divisions_at(engine, "prefecture", None) == [PREFECTURE]
    assert divisions_at(engine, "county", None) == list(COUNTIES)
    assert divisions_at(engine, "township", "429902000000") == ["429902101000", "429902102000"]
    assert len(divisions_at(engine, "village", "429901000000")) == 4


def test_income_counts_by_county_and_within_one(engine: Engine) -> None:
    year = parse_period("2025")
    counties = aggregate(engine, "income", year, "county")
    # Villages 1-4 (4+8+12+16 万元) in the first county, 5-8 in the second.
    assert counties["villages"].tolist() == [4, 4]
    assert counties["revenue_sum"].tolist() == pytest.approx([400_000, 1_040_000])
    whole = aggregate(engine, "income", year, "prefecture")
    assert whole.index.tolist() == [PREFECTURE]
    assert whole.at[PREFECTURE, "revenue_sum"] == pytest.approx(1_440_000)
    townships = aggregate(engine, "income", year, "township", "429902000000")
    assert townships.index.tolist() == ["429902101000", "429902102000"]
    assert townships["revenue_sum"].sum() == pytest.approx(1_040_000)
    one = indicator_values(engine, year, "county", "429901000000", ["collective_income_mean"])
    assert one[0].value == pytest.approx(100_000)


def test_a_city_halls_cases_count_in_its_county(engine: Engine) -> None:
    month = parse_period("2025-09")
    counties = aggregate(engine, "services", month, "county")
    assert counties["cases"].tolist() == [5, 5]  # the hall's own and four villages'
    townships = aggregate(engine, "services", month, "township", "429901000000")
    assert townships["cases"].tolist() == [2, 2]  # a city hall has no township
    assert aggregate(engine, "services", month, "prefecture")["cases"].tolist() == [10]


def _page(engine: Engine, path: str, search: str = "") -> str:
    context = AppContext(Settings.from_env(database_url=engine.url.render_as_string(False),
                                           today=dt.date(2026, 11, 15)), engine)
    return json.dumps(json.loads(to_json_plotly(render_page(context, path, search))),
                      ensure_ascii=False)


def _links(page: str) -> list[str]:
    return re.findall(r'"href": "([^"?]+)', page)


def test_the_overview_ranks_the_counties_and_drills_into_each(engine: Engine) -> None:
    overview = _page(engine, "/", "?indicator=collective_income_mean&period=2025")
    assert "样例督导看板" in overview
    # The counties as tiles and in the ranking, best first (26 万元 a village against 10),
    # each to its page; no township of either.
    assert re.findall(r'"children": "(测试县|样例县)"', overview)[:2] == ["样例县", "测试县"]
    links = _links(overview)
    assert {"/area/429901000000", "/area/429902000000"} <= set(links)
    assert not [link for link in links if link.startswith("/township/")]
    county = _page(engine, "/area/429901000000", "?indicator=collective_income_mean&period=2025")
    links = _links(county)
    assert "/township/429901101000" in links and "/township/429902101000" not in links
    assert re.search(r'"children": "测试县", "className": "crumb current"', county)
    assert re.search(r'"children": "样例市", [^{}]*"href": "/\?indicator=', county)
    township = _page(engine, "/township/429901102000", "?period=2025")
    assert "/area/429901000000" in _links(township)
    # Ranked among its county's two townships, not the prefecture's four.
    ranks = set(re.findall(r"排名 (\d)/(\d)", township))
    assert ranks and {total for _, total in ranks} == {"2"}


def test_an_area_page_is_a_county_or_prefecture_of_the_area(engine: Engine) -> None:
    for code in ("429900000000", "429901101000", "429903000000"):
        assert "未知的区划代码" in _page(engine, f"/area/{code}"), code


def test_the_area_wide_figures_are_the_prefectures(engine: Engine) -> None:
    context = AppContext(Settings.from_env(database_url=engine.url.render_as_string(False),
                                           today=dt.date(2026, 11, 15)), engine)
    cards = home_kpi_views(context, parse_period("2025-09"), ["service_cases"])
    assert cards[0].item.value == 10
    income = home_kpi_views(context, parse_period("2025"), ["collective_income_mean"])
    assert income[0].item.value == pytest.approx(180_000)  # 1,440,000 yuan over 8 villages


def test_the_weekly_report_ranks_the_counties(engine: Engine) -> None:
    report = weekly_report(engine, parse_period("2026-W45"))
    assert report.ranked_level == "county"
    income = report.ranking("collective_income_mean")
    assert income is not None
    # 测试县's villages have 4..16 万元 (mean 10), 样例县's 20..32 (mean 26), plus subsidies
    # outside the operating figure: the counties best first, no township among them.
    assert [(c.code, c.rank) for c in income.cards] == [("429902000000", 1),
                                                       ("429901000000", 2)]
    assert income.county == pytest.approx(180_000)
    page = _page(engine, "/weekly", "?week=2026-W45")
    cards = re.findall(r'"children": "([^"]+)", "href": "([^"]+)", "className": "rank-card-name"',
                       page)
    assert set(cards) == {("样例县", "/area/429902000000"), ("测试县", "/area/429901000000")}
    assert "/weekly/4299" not in page  # no township summary for a county
    assert "乡镇" not in weekly_bulletin_text(report)
    assert "各县（市、区）排名" in page and "各乡镇（街道、开发区）排名" not in page
    # The whole notice, headings and closing request included, names counties.
    for lang in ("zh", "en"):
        notice = "\n".join(f"{heading}\n" + "\n".join(body)
                            for heading, body in bulletin_sections(report, lang))
        assert ("各县（市、区）排名情况" in notice and "请末位和亮红灯的县（市、区）" in notice
                if lang == "zh" else "County standings" in notice
                and "Counties in the bottom three" in notice), notice
        assert "乡镇" not in notice and "ownship" not in notice, notice


def weekly_bulletin_text(report: WeeklyReport) -> str:
    return "\n".join(standings(report, "zh") + red_flags(report, "zh"))


def test_a_serial_is_a_case_of_its_own_county(engine: Engine, tmp_path: Path) -> None:
    # Counties number their cases each in their own hall system, so a serial that two counties
    # both use is two cases, each counted by its county (before, the second county's import
    # overwrote the first's case). Within a county a case that changes hall moves, and every
    # roll-up value still equals the cases' own count.
    month = parse_period("2025-09")
    first_village, other_village = "429901101201", "429902102202"
    for division, expected in ((other_village, [5, 6]), (first_village, [5, 6]),
                               ("429901101000", [5, 6])):
        cache.clear()
        import_file(engine, write_rows(DOMAINS["service_cases"],
                                       pd.DataFrame([_case("C0002", division)]),
                                       tmp_path / f"moved_{division}.csv"))
        cache.clear()
        assert aggregate(engine, "services", month, "county")["cases"].tolist() == expected
        assert differences(engine).empty


def test_the_domain_pages_rank_the_counties_and_drill_into_one(engine: Engine) -> None:
    page = _page(engine, "/services", "?period=2025-09&indicator=service_cases")
    assert "service_cases" in page and "分县（市、区）" in page and "分乡镇" not in page
    assert "点击图中的县（市、区）或层级" in page
    bars = re.search(r'"customdata": \[\[?"?(4299\d+)', page)
    assert bars and bars.group(1) in COUNTIES
    context = AppContext(Settings.from_env(database_url=engine.url.render_as_string(False),
                                           today=dt.date(2026, 11, 15)), engine)
    # A county's bar lists its cases, its city hall's among them: five, none of the other's.
    cases = json.dumps(json.loads(to_json_plotly(case_detail(
        context, "zh", parse_period("2025-09"), "429901000000", None))), ensure_ascii=False)
    listed = set(re.findall(r'"serial_no": "(C\d+)"', cases))
    assert listed == {"C0000", "C0002", "C0003", "C0004", "C0005"}
    volunteers = _page(engine, "/volunteers", "?period=2025")
    assert "429901000000" in volunteers and "/area/429902000000" in _links(volunteers)


def test_the_volunteer_page_counts_each_county(engine: Engine) -> None:
    context = AppContext(Settings.from_env(database_url=engine.url.render_as_string(False),
                                           today=dt.date(2026, 11, 15)), engine)
    # Each county is a unit with its own 支队 against the minimum of 10 (not the prefecture
    # with all of them).
    counties = unit_teams(engine).query("level == 'county'")
    assert counties[["code", "teams"]].values.tolist() == [["429901000000", 1],
                                                          ["429902000000", 2]]
    assert minimum_summary(unit_teams(engine)).set_index("level").at["county", "units"] == 2
    october = parse_period("2025-10")
    rows = ranked_rows(context, october).set_index("code")
    assert rows.index.tolist() == list(COUNTIES)
    assert rows["activities"].tolist() == [2, 2] and rows["hours"].tolist() == [16, 21]
    months = month_rows(context, activity_by_month(engine, october), "zh")
    assert months[["place", "activities"]].values.tolist() == [["测试县", 2], ["样例县", 2]]
    coverage = coverage_rows(context, october, {"2025-10"}).set_index("code")
    # Stations: 4 villages a county; active: one each.
    assert coverage[["stations", "active"]].values.tolist() == [[4, 1], [4, 1]]
    page = _page(engine, "/volunteers", "?period=2025-10")
    for title in ("各县（市、区）志愿服务情况", "分县（市、区）分月活动",
                  "月度站点活动覆盖率（分县（市、区））",
                  "村级队伍达标率（分县（市、区），当前在册）"):
        assert title in page, title
    assert "分乡镇" not in page and "各乡镇" not in page
    # The county-level units are each county's detachments, not the area's own (市级).
    assert '"children": "县（市、区）支队"' in page and '"children": "市级支队"' not in page
    assert "最低标准：每个县（市、区）支队 10 支" in page


def test_the_income_composition_is_by_county_and_drills_into_one(engine: Engine) -> None:
    page = _page(engine, "/economy", "?period=2025")
    assert "各县（市、区）村集体收入构成" in page and "各乡镇村集体收入构成" not in page
    assert "各县（市、区）补助收入占比" in page and "该县（市、区）各村" in page
    assert "点击上方档次柱形或县（市、区）构成条形" in page
    context = AppContext(Settings.from_env(database_url=engine.url.render_as_string(False),
                                           today=dt.date(2026, 11, 15)), engine)
    villages = detail_rows(context, parse_period("2025"), None, "429902000000")
    assert sorted(villages["code"]) == ["429902101201", "429902101202", "429902102201",
                                        "429902102202"]


def test_the_income_trend_is_by_county(engine: Engine) -> None:
    trend = income_trend(engine).set_index("code")
    assert trend.index.tolist() == [PREFECTURE, *COUNTIES]
    assert trend["operating_revenue"].tolist() == pytest.approx([1_440_000, 400_000, 1_040_000])
    page = _page(engine, "/economy", "?period=2025")
    assert "各县（市、区）经营性收入趋势" in page and "各乡镇经营性收入趋势" not in page


def test_inspection_results_are_grouped_under_their_county(engine: Engine) -> None:
    context = AppContext(Settings.from_env(database_url=engine.url.render_as_string(False),
                                           today=dt.date(2026, 11, 15)), engine)
    rows = pd.DataFrame({"township_code": ["429901101000", "429902102000", None]})
    units = _with_units(context, rows)
    assert units["unit_code"].tolist()[:2] == ["429901000000", "429902000000"]
    assert units["unit_code"].isna().tolist() == [False, False, True]
    assert units["unit"].tolist()[:2] == ["测试县", "样例县"]


def _township_squares() -> dict:
    """Each township a 0.1° square; a county's two side by side (one shared border), the
    second county's a little apart."""
    features = []
    for county_index, county in enumerate(COUNTIES):
        for town in (1, 2):
            west = 110 + 0.3 * county_index + 0.1 * (town - 1)
            ring = [[west, 30], [west, 30.1], [west + 0.1, 30.1], [west + 0.1, 30], [west, 30]]
            features.append({"type": "Feature",
                             "properties": {"code": f"{county[:6]}{100 + town:03d}000"},
                             "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"type": "FeatureCollection", "features": features}


# Last in the module: the other tests see the prefecture without boundaries.
def test_the_counties_are_drawn_as_the_outline_of_their_townships(engine: Engine,
                                                                   tmp_path: Path) -> None:
    assert county_boundaries(engine) is None
    assert "乡镇边界尚未全部导入" in _page(engine, "/", "?indicator=collective_income_mean")
    path = tmp_path / "townships.geojson"
    path.write_text(json.dumps(_township_squares()), encoding="utf-8")
    import_boundaries(engine, path, "township")
    cache.clear()
    counties = county_boundaries(engine)
    assert counties is not None and not counties.schematic
    outlines = {f["id"]: shape(f["geometry"]) for f in counties.geojson["features"]}
    assert list(outlines) == list(COUNTIES)
    for west, code in ((110.0, "429901000000"), (110.3, "429902000000")):
        # The two townships' squares as one rectangle: the shared border gone, no sliver.
        assert outlines[code].geom_type == "Polygon" and not outlines[code].interiors
        assert outlines[code].symmetric_difference(box(west, 30, west + 0.2, 30.1)).area < 1e-9
        assert outlines[code].contains(Point(counties.labels[code]))
    overview = _page(engine, "/", "?indicator=collective_income_mean")
    assert '"type": "choropleth"' in overview and "乡镇边界尚未全部导入" not in overview
    assert re.findall(r'"locations": \[([^\]]*)\]', overview)[0].count("4299") == 2


def test_the_counties_own_halls_are_named_as_such(engine: Engine, tmp_path: Path) -> None:
    """At a prefecture the halls of the city level are each county's own: /services calls them
    县（市、区）政务服务中心 and the weekly flags 县（市、区）本级, not the 市 of one county."""
    still_open = {**_case("C0099", "429901000000"), "applied_at": "2025-11-03 09:00",
                  "accepted_at": "2025-11-03 09:10", "finished_at": "", "status": "办理中"}
    import_file(engine, write_rows(DOMAINS["service_cases"], pd.DataFrame([still_open]),
                                   tmp_path / "open.csv"))
    cache.clear()
    report = weekly_report(engine, parse_period("2025-W46"))  # due 2025-11-10, five days on
    flag = next(f for f in report.flags if f.kind == "new_overdue_cases")
    assert [(r.county, r.township, r.subject) for r in flag.rows] == [
        (division_table(engine).at["429901000000", "short_name"], "县（市、区）本级",
         "临时救助申请（C0099）")]
    text = weekly_bulletin_text(report)
    assert "及县（市、区）本级" in text and "市本级" not in text.replace("县（市、区）本级", "")
    english = "\n".join(red_flags(report, "en"))
    assert "the county halls" in english and "city hall" not in english
    services = _page(engine, "/services", "?period=2025-09")
    halls = set(re.findall(r'"hall": "([^"]+)"', services))
    assert halls == {"县（市、区）政务服务中心", "乡镇便民服务中心", "村便民服务室"}, halls


def test_lists_across_counties_name_each_rows_county(engine: Engine) -> None:
    """Same-named places of two counties read apart: the village, case and volunteer lists of
    the prefecture carry each row's county, shown as their first column."""
    context = AppContext(Settings.from_env(database_url=engine.url.render_as_string(False),
                                           today=dt.date(2026, 11, 15)), engine)
    short = division_table(engine)["short_name"]
    villages = village_rows(context, parse_period("2025"))
    assert len(villages) == 8
    assert (villages["county"] == villages["code"].str[:6].add("000000").map(short)).all()
    assert villages["county"].nunique() == 2
    cases = json.dumps(json.loads(to_json_plotly(case_detail(
        context, "zh", parse_period("2025-09"), None, "city"))), ensure_ascii=False)
    assert set(re.findall(r'"county": "([^"]+)"', cases)) == {short["429901000000"],
                                                            short["429902000000"]}
    assert re.search(r'"field": "county", "headerName": "县（市、区）"', cases), cases[:2000]
    assert set(shortfall_rows(context)["county"]) == {short["429901000000"],
                                                      short["429902000000"]}


def test_the_weekly_flags_name_each_townships_county(engine: Engine) -> None:
    """The flags' townships of two counties share names (测试1镇 is not 样例1镇, but a real
    prefecture has several 城关镇): each row, chip and bulletin place names its county first."""
    short = division_table(engine)["short_name"]
    report = weekly_report(engine, parse_period("2025-W45"))  # the activities' data cover it
    rows = [r for f in report.flags if f.kind == "inactive_villages" and f.covered
            for r in f.rows]
    assert rows, [(f.kind, f.covered, len(f.rows)) for f in report.flags]
    assert all(r.county == short[r.township_code[:6] + "000000"] for r in rows)
    first = rows[0]
    page = _page(engine, "/weekly", "?week=2025-W45")
    assert f"{first.county}·{first.township} " in page
    assert re.search(r'"field": "county", "headerName": "县（市、区）"', page)
    assert f"{first.county}·{first.township}" in weekly_bulletin_text(report)


def test_a_flag_of_counties_has_one_county_column() -> None:
    """The red streaks' rows are counties themselves: their table names them once."""
    streak = Flag("red_three_weeks", 1, (FlagRow("429901000000", "测试县", "service_cases", "",
                                                 "3"),))
    panel = json.dumps(json.loads(to_json_plotly(flag_panel(streak, "2026-W45", "zh",
                                                            level="county"))),
                       ensure_ascii=False)
    assert re.findall(r'"headerName": "([^"]+)"', panel).count("县（市、区）") == 1


def test_the_units_short_of_teams_are_counted_as_listed(engine: Engine) -> None:
    """The card's count of units short of teams is the shortfall list's length: each county is
    a unit of 10 支队, as the list has it (the card once took the prefecture as one unit)."""
    listed = team_gaps(unit_teams(engine))
    assert set(listed.query("level == 'county'")["code"]) == set(COUNTIES)  # 1 支队 each
    area = aggregate(engine, "volunteers", parse_period("2025"), "prefecture")
    assert area["shortfalls"].tolist() == [len(listed)]
    counties = aggregate(engine, "volunteers", parse_period("2025"), "county")
    assert counties["shortfalls"].tolist() == [
        int(listed["code"].str.startswith(code[:6]).sum()) for code in counties.index]
