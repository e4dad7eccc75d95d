"""The app checks its callbacks (suppress_callback_exceptions off) against a validation layout:
every component a callback uses is in it, with a property its type has, and of the type the
pages really draw."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from dash import Dash
from sqlalchemy import update

from callbacks.context import AppContext
from callbacks.router import render_page
from dashboard.app import create_app
from dashboard.config import Settings
from data_access.db import get_engine
from data_access.duban import open_item
from data_access.models import ReportExport, Upload
from data_access.uploads import create_upload
from data_access.weekly import store_export
from data_access.weekly_report import weekly_report
from layouts.shell import app_layout
from metrics.periods import parse_period
from tests.component_tree import components

TODAY = dt.date(2026, 11, 15)
# One URL of every page, with its view controls, map panel, charts and tables.
PAGE_URLS = (
    ("/", ""), ("/township/421081105000", "?period=2026"),
    ("/village/421081105201", ""), ("/economy", ""), ("/services", "?period=2026-10"),
    ("/volunteers", ""), ("/inspections", ""), ("/inspections/worklist", ""),
    ("/weekly", "?week=2026-W45"), ("/weekly/421081105000", "?week=2026-W45"), ("/wall", ""),
)


def _key(component_id: object) -> str:
    if isinstance(component_id, dict):
        return repr(sorted((k, v) for k, v in component_id.items() if k == "type"))
    return str(component_id)


def _types(tree: Any) -> dict[str, set[str]]:
    """Component id (pattern ids by their type key) -> the component types drawn with it."""
    found: dict[str, set[str]] = {}
    for component in components(tree):
        component_id = getattr(component, "id", None)
        if component_id is not None:
            found.setdefault(_key(component_id), set()).add(type(component).__name__)
    return found


def _dependencies(app: Dash) -> Iterator[tuple[object, str]]:
    for key, callback in app.callback_map.items():
        for dependency in (*callback["inputs"], *callback["state"]):
            yield dependency["id"], dependency["property"]
        outputs = key.removeprefix("..").removesuffix("..").split("...")
        for output in outputs:
            component_id, _, prop = output.rpartition(".")
            yield component_id, prop.split("@")[0]


def _parsed_id(component_id: object) -> object:
    if isinstance(component_id, str) and component_id.startswith("{"):
        return json.loads(component_id)
    return component_id


@pytest.fixture(scope="module")
def app_and_pages(demo_database_url: str) -> tuple[Dash, dict[str, set[str]]]:
    settings = Settings.from_env(database_url=demo_database_url, today=TODAY, page_cache=False)
    app = create_app(settings)
    context = AppContext(settings, get_engine(demo_database_url))
    drawn = _types(app_layout())
    # A stored export, so that the week's page draws its "mark as meeting copy" button, and
    # its PDF shown as failed, so that the export's page draws the job's panel.
    report = weekly_report(context.engine, parse_period("2026-W45"))
    export_id = store_export(context.engine, "weekly", report.week, None, "zh",
                             {"report": report.to_json(), "bulletin": ""},
                             dt.datetime(2026, 11, 9, 9, 0))
    with context.engine.begin() as connection:
        connection.execute(update(ReportExport).where(ReportExport.id == export_id).values(
            pdf_state="failed", pdf_message="页面组件检查"))
    # A 督办 item, so that its page draws the step controls; the list draws the new-item form.
    item = open_item(context.engine, "421081105000", "请说明原因", "2026-W45",
                     dt.datetime(2026, 11, 9, 9, 0), subject="页面组件检查")
    # An upload shown as imported: its page draws the progress poll and the undo button.
    upload_id, _ = create_upload(context.engine, "收益.csv", b"a\n1\n", None,
                                 dt.datetime(2026, 11, 9, 9, 0))
    with context.engine.begin() as connection:
        connection.execute(update(Upload).where(Upload.id == upload_id).values(
            state="imported", rows_in_file=1, rows_inserted=1, rows_updated=0))
    for path, search in (*PAGE_URLS, ("/duban", "?township=421081105000&week=2026-W45"),
                         (f"/duban/{item}", ""), ("/data", f"?upload={upload_id}"),
                         (f"/weekly/export/{export_id}", "")):
        for key, types in _types(render_page(context, path, search)).items():
            drawn.setdefault(key, set()).update(types)
    return app, drawn


def test_callbacks_are_checked_against_a_validation_layout(app_and_pages) -> None:
    app, _ = app_and_pages
    assert app.config.suppress_callback_exceptions is False
    assert app.validation_layout is not None


def test_every_callback_dependency_is_in_the_validation_layout(app_and_pages) -> None:
    app, drawn = app_and_pages
    validation = {}
    for component in components(app.validation_layout):
        component_id = getattr(component, "id", None)
        if component_id is not None:
            validation[_key(component_id)] = component
    checked = 0
    for raw_id, prop in _dependencies(app):
        key = _key(_parsed_id(raw_id))
        assert key in validation, f"{raw_id} is not in the validation layout"
        component = validation[key]
        # data-* and aria-* attributes are every HTML component's (Dash's wildcard properties).
        wildcards = tuple(component._valid_wildcard_attributes)
        assert prop in component.available_properties or prop.startswith(wildcards), \
            f"{type(component).__name__} has no {prop}"
        assert key in drawn, f"no page draws {raw_id}"
        assert type(component).__name__ in drawn[key], (
            f"{raw_id}: the pages draw {drawn[key]}, the validation layout "
            f"{type(component).__name__}")
        checked += 1
    assert checked > 40
