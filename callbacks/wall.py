"""/wall: the wall display. The screen is drawn without reading the database; its data arrive
every `refresh` seconds through one callback into a store, and the panels are redrawn only when
the data changed. When the database cannot be reached the last good data stay on screen under
a warning, and the next refresh that reaches it clears the warning.

URL: /wall?rotate=<seconds per panel>&refresh=<seconds between data reads>&lang=zh|en
&indicator=<the map's indicator>. Rotation and the clock run in the browser (assets/wall.js).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass
from typing import Any

from dash import Dash, Input, Output, State, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from callbacks.context import AppContext
from data_access import access
from data_access.boundaries import township_boundaries
from data_access.cache import data_version
from data_access.calendar import calendar_warning
from data_access.divisions import home
from data_access.duban import overdue_count
from data_access.status import data_status
from data_access.weekly_report import weekly_report
from layouts import ids
from layouts import wall as ui
from layouts.formatting import format_date
from layouts.i18n import Lang, app_title, parse_lang
from metrics.periods import Period, last_complete
from metrics.weekly import DOMAIN_ORDER, HEADLINE, WEEKLY_INDICATORS, WeeklyReport

log = logging.getLogger(__name__)

# (default, lowest, highest) seconds. Rotations under 5 s are meant for tests (the soak test
# rotates every 0.2 s); a meeting-room wall uses 15 to 60. A refresh reads the database, so it
# is kept to one every 2 s at most.
ROTATE_SECONDS = (30.0, 0.2, 3600.0)
REFRESH_SECONDS = (300, 2, 86_400)
# The map shows the headline of the domain the report opens with, unless the URL names another.
DEFAULT_MAP_INDICATOR = HEADLINE[DOMAIN_ORDER[0]]


@dataclass(frozen=True)
class WallOptions:
    rotate: float
    refresh: int
    lang: Lang
    indicator: str


def _bounded(text: str | None, bounds: tuple[float, float, float]) -> float:
    """The number in the URL, held within bounds; the default when absent or not a number."""
    default, low, high = bounds
    try:
        value = float(text) if text is not None else default
    except ValueError:
        return default
    return default if not math.isfinite(value) else min(max(value, low), high)


def wall_options(query: dict[str, str]) -> WallOptions:
    indicator = query.get("indicator", "")
    return WallOptions(
        rotate=_bounded(query.get("rotate"), ROTATE_SECONDS),
        refresh=round(_bounded(query.get("refresh"), REFRESH_SECONDS)),
        lang=parse_lang(query.get("lang")),
        indicator=indicator if indicator in WEEKLY_INDICATORS else DEFAULT_MAP_INDICATOR)


def wall_screen(context: AppContext, lang: Lang, query: dict[str, str]) -> html.Div:
    """The screen for the router (callbacks.pages.SCREENS); reads no database."""
    options = wall_options(query)
    return ui.wall_shell(lang, options.rotate, options.refresh, options.indicator)


def is_stale(last_import: dt.datetime | None, now: dt.datetime, hours: int) -> bool:
    """No import within `hours` (or none at all): the figures may be out of date."""
    return last_import is None or now - last_import > dt.timedelta(hours=hours)


def wall_payload(context: AppContext, week: Period) -> dict[str, Any]:
    """What the panels are drawn from: the week's report and the township map (none when the
    report ranks counties: the wall then shows their ranking, as for a county without
    boundaries)."""
    area = home(context.engine)
    boundaries = (township_boundaries(context.engine) if area.ranked_level == "township"
                  else None)
    return {"report": weekly_report(context.engine, week).to_json(),
            "place": {"zh": area.title_name("zh"), "en": area.title_name("en")},
            "duban_overdue": overdue_count(context.engine, context.today()),
            "boundaries": None if boundaries is None else {
                "geojson": boundaries.geojson, "labels": boundaries.labels,
                "schematic": boundaries.schematic}}


def refresh(context: AppContext, previous: dict[str, Any] | None,
            now: dt.datetime) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(status, payload): the wall's status after reading the database at `now`, and the new
    payload, or None when the data are unchanged since `previous` or could not be read.

    status: state ok / stale / offline; key (data version and week of the payload shown);
    since (when the database was first found unreachable); data_as_of; checked_at (the last
    refresh that reached the database)."""
    previous = previous or {}
    found = data_status(context.engine)
    reachable, error = found.database_ok, found.error
    payload, key = None, previous.get("key")
    if reachable:
        try:
            week = last_complete("week", context.today())
            # The data version changes with every import, so an unchanged key means the
            # panels on screen are current and need no redrawing.
            # 督办 items change without an import: their overdue count is part of the key.
            key = (f"{data_version(context.engine)}|{week.label}|"
                   f"{overdue_count(context.engine, context.today())}")
            if key != previous.get("key"):
                payload = wall_payload(context, week)
        except SQLAlchemyError as failure:
            reachable, error = False, type(failure).__name__
            log.warning("wall refresh failed: %s", failure)
    if not reachable:
        since = previous.get("since") if previous.get("state") == "offline" else None
        return {**previous, "state": "offline", "since": since or format_date(now),
                "error": error}, None
    stale = is_stale(found.last_import_at, now, context.settings.stale_after_hours)
    calendar = calendar_warning(context.engine, context.today())
    return {"key": key, "state": "stale" if stale else "ok", "since": None, "error": "",
            "calendar": list(calendar) if calendar else None,
            "data_as_of": format_date(found.last_import_at),
            "checked_at": now.strftime("%Y-%m-%d %H:%M:%S")}, payload


def register(app: Dash, context: AppContext) -> None:
    @app.callback(
        Output(ids.WALL_REPORT, "data"), Output(ids.WALL_STATUS, "data"),
        Output(ids.WALL_BANNER, "children"), Output(ids.WALL_BANNER, "hidden"),
        Output(ids.WALL_DATA_AS_OF, "children"), Output(ids.WALL_REFRESHED, "children"),
        Input(ids.WALL_REFRESH, "n_intervals"), State(ids.WALL_STATUS, "data"),
        State(ids.WALL_OPTIONS, "data"), prevent_initial_call=False)
    def on_refresh(_ticks: int | None, previous: dict | None, options: dict) -> tuple:
        principal = access.current_principal()
        if principal is not None and principal.revoked:
            # The token was revoked: the screen says so and shows no newer data.
            wall_status, payload = {**(previous or {}), "state": "revoked"}, None
        else:
            wall_status, payload = refresh(context, previous, dt.datetime.now())
        parts = ui.status_parts(wall_status, options["lang"], context.settings.stale_after_hours)
        return (no_update if payload is None else payload, wall_status, *parts)

    @app.callback(
        *(Output(ids.wall_panel(name), "children") for name in ui.PANELS),
        Output(ids.WALL_WEEK, "children"), Output(ids.WALL_TITLE, "children"),
        Input(ids.WALL_REPORT, "data"), State(ids.WALL_OPTIONS, "data"),
        prevent_initial_call=True)
    def on_data(payload: dict, options: dict) -> tuple:
        report = WeeklyReport.from_json(payload["report"])
        lang = options["lang"]
        bodies = ui.panel_bodies(report, payload["boundaries"], options["indicator"], lang,
                                 payload.get("duban_overdue"))
        place = payload.get("place", {}).get(lang, "")
        return (*(bodies[name] for name in ui.PANELS), ui.week_label(report, lang),
                app_title(place, lang))
