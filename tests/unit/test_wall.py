"""The wall display's plain functions: URL options, staleness, the refresh step against a real
database and an unreachable one, and what the panels print."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import create_engine

from callbacks.context import AppContext
from callbacks.wall import (
    DEFAULT_MAP_INDICATOR,
    REFRESH_SECONDS,
    ROTATE_SECONDS,
    is_stale,
    refresh,
    wall_options,
    wall_screen,
)
from dashboard.config import Settings
from layouts.wall import (
    PANELS,
    flag_detail,
    panel_bodies,
    status_parts,
    top_rows,
    week_label,
)
from metrics.weekly import Flag, FlagRow, WeeklyReport
from tests.conftest import DEMO_AS_OF, free_port

NOW = dt.datetime(2026, 11, 27, 9, 30)


def _text(component: object) -> str:
    """Every string in a component tree, in order."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def test_options_default_and_bounds() -> None:
    assert wall_options({}) == wall_options({"rotate": "abc", "refresh": "nan"})
    defaults = wall_options({})
    assert (defaults.rotate, defaults.refresh, defaults.lang, defaults.indicator) == (
        ROTATE_SECONDS[0], REFRESH_SECONDS[0], "zh", DEFAULT_MAP_INDICATOR)
    fast = wall_options({"rotate": "0.01", "refresh": "0", "lang": "en"})
    assert (fast.rotate, fast.refresh, fast.lang) == (ROTATE_SECONDS[1], REFRESH_SECONDS[1], "en")
    slow = wall_options({"rotate": "1e9", "refresh": "inf"})
    assert (slow.rotate, slow.refresh) == (ROTATE_SECONDS[2], REFRESH_SECONDS[0])
    assert wall_options({"rotate": "12.5", "refresh": "60"}).rotate == 12.5
    assert wall_options({"indicator": "volunteer_activities"}).indicator == "volunteer_activities"
    assert wall_options({"indicator": "drop table"}).indicator == DEFAULT_MAP_INDICATOR


def test_stale_after_the_configured_hours() -> None:
    assert not is_stale(NOW - dt.timedelta(hours=35), NOW, 36)
    assert is_stale(NOW - dt.timedelta(hours=37), NOW, 36)
    assert is_stale(None, NOW, 36)


def _unreachable_context() -> AppContext:
    # Nothing listens on a port that was free a moment ago: connecting is refused at once.
    url = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/nothing?connect_timeout=2"
    return AppContext(Settings(database_url=url), create_engine(url))


def test_unreachable_database_keeps_the_last_data_and_the_first_failure_time() -> None:
    context = _unreachable_context()
    shown = {"key": "7|2026-W45", "state": "ok", "data_as_of": "2026-11-27 07:19",
             "checked_at": "2026-11-27 09:29:00"}
    first, payload = refresh(context, shown, NOW)
    assert payload is None
    assert first["state"] == "offline" and first["since"] == "2026-11-27 09:30"
    assert first["data_as_of"] == "2026-11-27 07:19" and first["key"] == "7|2026-W45"
    later, _ = refresh(context, first, NOW + dt.timedelta(minutes=10))
    assert later["since"] == "2026-11-27 09:30"  # since the first failure, not the latest


def test_wall_screen_reads_no_database() -> None:
    screen = wall_screen(_unreachable_context(), "en", {"rotate": "7"})
    assert screen.className == "wall" and getattr(screen, "data-rotate") == "7"
    assert "Loading data" in _text(screen)


def test_banner_in_the_wall_language_with_the_other_beside() -> None:
    offline = {"state": "offline", "since": "2026-11-27 09:30", "data_as_of": "2026-11-27 07:19",
               "checked_at": "2026-11-27 09:29:00"}
    banner, hidden, as_of, refreshed = status_parts(offline, "zh", 36)
    text = _text(banner)
    assert not hidden
    assert text.index("数据库无法连接") < text.index("Database unreachable")
    assert "2026-11-27 09:30" in text and "2026-11-27 07:19" in text
    assert as_of == "数据更新于 2026-11-27 07:19" and refreshed == "刷新于 2026-11-27 09:29:00"
    stale, hidden, _, _ = status_parts({**offline, "state": "stale"}, "en", 36)
    assert not hidden and _text(stale).startswith("⚠ No import for more than 36 hours")
    assert status_parts({**offline, "state": "ok"}, "zh", 36)[:2] == (None, True)
    # A year without a holiday calendar is said on the wall when nothing worse is.
    calendar = {**offline, "state": "ok", "calendar": ["2027年节假日未导入", "2027 not imported"]}
    banner, hidden, _, _ = status_parts(calendar, "zh", 36)
    assert not hidden and "2027年节假日未导入" in _text(banner)
    assert "数据库无法连接" in _text(status_parts({**calendar, "state": "offline"}, "zh", 36)[0])


def _row(detail: str, date: str = "", subject: str = "x") -> FlagRow:
    return FlagRow("421081001000", "绣林街道", subject, date, detail)


def test_flag_rows_most_pressing_first() -> None:
    late = Flag("overdue_rectifications", 3, (_row("12"), _row("835"), _row("40")))
    assert [r.detail for r in top_rows(late, 2)] == ["835", "40"]
    cases = Flag("new_overdue_cases", 3, (_row("2026-11-06", "2026-11-01"),
                                          _row("", "2026-11-03"), _row("", "2026-11-02")))
    assert [(r.date, r.detail) for r in top_rows(cases)] == [
        ("2026-11-02", ""), ("2026-11-03", ""), ("2026-11-01", "2026-11-06")]
    idle = Flag("inactive_villages", 2, (_row("", "2026-10-12"), _row("", "")))
    assert [r.date for r in top_rows(idle)] == ["", "2026-10-12"]
    assert flag_detail("inactive_villages", _row("", ""), "zh") == "无活动记录"
    income = Flag("fell_below_50k", 2, (_row("4.14", "2025"), _row("3.61", "2025")))
    assert [r.detail for r in top_rows(income)] == ["3.61", "4.14"]
    assert flag_detail("fell_below_50k", _row("3.61", "2025"), "en") == "3.61 10k yuan (2025)"


@pytest.fixture(scope="module")
def demo_context(demo_database_url: str) -> AppContext:
    from data_access.db import get_engine

    settings = Settings(database_url=demo_database_url, today=dt.date.fromisoformat(DEMO_AS_OF))
    return AppContext(settings, get_engine(demo_database_url))


def test_refresh_reads_once_then_only_when_the_data_change(demo_context: AppContext) -> None:
    status, payload = refresh(demo_context, None, dt.datetime.now())
    # ok or stale depending on the demo database's age; reachable either way.
    assert payload is not None and status["state"] != "offline"
    # data version | week | 督办 items overdue (they change without an import)
    _version, week, overdue = status["key"].split("|")
    assert week == "2026-W45" and int(overdue) == payload["duban_overdue"]
    again, unchanged = refresh(demo_context, status, dt.datetime.now())
    assert unchanged is None and again["key"] == status["key"]
    report = WeeklyReport.from_json(payload["report"])
    assert week_label(report, "zh") == "2026年第45周（2026-11-02 至 2026-11-08）"
    bodies = panel_bodies(report, payload["boundaries"], DEFAULT_MAP_INDICATOR, "zh")
    assert set(bodies) == set(PANELS)
    services = _text(bodies["services"])
    # Every township of the ranking is printed with its value.
    for card in report.ranking("service_on_time_rate").cards:
        assert card.name in services
    assert "达标" in services or "落后" in services or "预警" in services
    figure = bodies["map"][0].children[0].children[1].figure
    labels = next(trace for trace in figure.data if trace.type == "scattergeo").text
    assert len(labels) == 15 and all("%" in label for label in labels)
    flags = _text(bodies["flags"])
    # The flags under /weekly's names, as of the week's Sunday, time overdue in working days.
    assert "逾期未整改" in flags and str(report.flag("overdue_rectifications").count) in flags
    assert "截至 2026-11-08（周日）" in flags
    assert re.search(r"逾期 \d+ 个工作日（\d+ 天）", flags)
