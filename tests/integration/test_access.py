"""Every request is someone's: crafted requests, made from the app's own route and callback
maps, prove that anonymous requests are refused, that a wall token reads the wall only, and
that a township officer gets nothing of another township's rows.

A callback added without a case in TOWNSHIP_CASES fails `test_every_callback_has_a_scope_case`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest

from dashboard.app import create_app
from dashboard.config import Settings
from tests.fixtures.accounts import TEST_TOWNSHIP, SignedInClient, accounts_in
from tests.fixtures.processes import DEMO_AS_OF

OTHER_TOWNSHIP = "421081001000"  # 绣林街道, the county seat: rows in every domain
OTHER_NAME = "绣林街道"
CALLBACK = "/_dash-update-component"
# Routes any request may reach; everything else needs an account.
OPEN_ROUTES = {"/login", "/api/v1/health", "/assets/<path:filename>",
               "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>",
               "/_favicon.ico"}


@pytest.fixture(scope="module")
def app(demo_database_url: str):
    import datetime as dt

    return create_app(Settings.from_env(database_url=demo_database_url,
                                        today=dt.date.fromisoformat(DEMO_AS_OF)))


@pytest.fixture(scope="module")
def township(app, demo_database_url: str) -> SignedInClient:
    return SignedInClient(app, accounts_in(demo_database_url)["township"])


# --- crafted callback requests ----------------------------------------------------------------

def _concrete(ident: str) -> str | dict:
    """A component id of the callback map; a pattern's wildcards replaced by one instance."""
    if not ident.startswith("{"):
        return ident
    return {k: ("x" if isinstance(v, list) else v) for k, v in json.loads(ident).items()}


def _outputs(key: str) -> dict | list[dict]:
    # A duplicate output keeps its "@hash" suffix: dash-renderer sends the property so.
    base = key
    many = base.startswith("..")
    parts = base[2:-2].split("...") if many else [base]
    outputs = []
    for part in parts:
        ident, prop = part.rsplit(".", 1)
        outputs.append({"id": _concrete(ident), "property": prop})
    return outputs if many else outputs[0]


def _item(spec: dict, values: dict[tuple[str, str], object]) -> dict | list[dict]:
    value = values.get((spec["id"], spec["property"]))
    if '["ALL"]' in spec["id"]:
        return [{"id": _concrete(spec["id"]), "property": spec["property"], "value": value}]
    return {"id": _concrete(spec["id"]), "property": spec["property"], "value": value}


def crafted(key: str, spec: dict, values: dict[tuple[str, str], object]) -> dict:
    """The body dash-renderer would send for this callback, with `values` for its inputs and
    state ((component id, property) -> value); the first input changed."""
    inputs = [_item(i, values) for i in spec["inputs"]]
    first = spec["inputs"][0]
    changed = json.dumps(_concrete(first["id"]), separators=(",", ":"), sort_keys=True) \
        if first["id"].startswith("{") else first["id"]
    return {"output": key, "outputs": _outputs(key), "inputs": inputs,
            "state": [_item(s, values) for s in spec.get("state", [])],
            "changedPropIds": [f"{changed}.{first['property']}"]}


def callback_name(key: str, spec: dict) -> str:
    """A callback's name that survives Dash's hashing of duplicate outputs: its output (without
    the hash) and its first input."""
    return f"{key.split('@')[0]}<-{spec['inputs'][0]['id']}.{spec['inputs'][0]['property']}"


def _click(code: str) -> dict:
    return {"points": [{"customdata": code}]}


def _rows(response) -> list[dict]:
    """Every grid row in a callback response."""
    found: list[dict] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("rowData"), list):
                found.extend(node["rowData"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(response.get_json())
    return found


def _page(app, client: SignedInClient, path: str, search: str = ""):
    """The router's answer for a page, as the client asked for it."""
    router = app.callback_map["page.children"]
    values = {("url", "pathname"): path, ("url", "search"): search}
    return client.post_json(CALLBACK, crafted("page.children", router, values))


def _no_other_rows(response) -> None:
    assert response.status_code in (200, 204, 403), response.get_data(as_text=True)[:300]
    if response.status_code == 200:
        shown = json.dumps(_rows(response), ensure_ascii=False)
        assert OTHER_NAME not in shown, "another township's rows reached a township officer"


def _text(response) -> str:
    """A callback response as the user would read it (JSON escapes undone)."""
    return json.dumps(response.get_json(), ensure_ascii=False)


def _page_refused(response) -> None:
    assert response.status_code == 200
    assert "只能查看本乡镇" in _text(response)


def _says(response, text: str) -> None:
    assert response.status_code == 200 and text in _text(response), _text(response)[:300]


def _status_only(expected: tuple[int, ...]) -> Callable:
    def check(response) -> None:
        assert response.status_code in expected, response.get_data(as_text=True)[:300]
    return check


YEAR = "2025"
# Per callback: the crafted inputs of a township officer reaching for 绣林街道, and what they
# must get. The router is tried on several paths (test_router_refuses_other_townships_pages).
TOWNSHIP_CASES: dict[str, tuple[dict[tuple[str, str], object], Callable]] = {
    "page.children<-url.pathname": (
        {("url", "pathname"): f"/township/{OTHER_TOWNSHIP}", ("url", "search"): ""},
        _page_refused),
    "url.search<-indicator.value": (
        {("indicator", "value"): "collective_income_mean", ("period-kind", "value"): "year",
         ("period", "value"): YEAR, ("url", "search"): "",
         ("url", "pathname"): f"/township/{OTHER_TOWNSHIP}"}, _no_other_rows),
    "map-nav.pathname<-map.clickData": (
        {("map", "clickData"): _click(OTHER_TOWNSHIP), ("url", "pathname"): "/"},
        _no_other_rows),
    '{"table":["MATCH"],"type":"download"}.data<-{"table":["MATCH"],"type":"export-button"}'
    ".n_clicks": ({}, _status_only((200, 204))),  # exports only the rows the browser sent
    "url.search<-weekly-week.value": (
        {("weekly-week", "value"): "2026-W45", ("url", "search"): ""}, _no_other_rows),
    '..weekly-exports.children...weekly-mark-result.children..<-{"export":["ALL"],'
    '"type":"meeting-mark"}.n_clicks': (
        {('{"export":["ALL"],"type":"meeting-mark"}', "n_clicks"): 1,
         ("url", "search"): ""}, None),  # see test_a_township_officer_cannot_mark
    "..nav-menu.className...nav-toggle.aria-expanded..<-nav-toggle.n_clicks": (
        {("nav-toggle", "n_clicks"): 1}, _status_only((204, 400, 404, 500))),  # clientside
    "tab-title-shown.data<-tab-title.data": (
        {("tab-title", "data"): "x"}, _status_only((204, 400, 404, 500))),  # clientside
    "weekly-printed.data<-weekly-print.n_clicks": (
        {("weekly-print", "n_clicks"): 1}, _status_only((204, 400, 404, 500))),  # clientside
    # Stored exports are the county's report, every signed-in viewer's; none has this id.
    "..weekly-pdf-job.children...weekly-pdf-poll.disabled...weekly-pdf-fetch.data..<-weekly-pdf-"
    "poll.n_intervals": (
        {("weekly-pdf-poll", "n_intervals"): 1, ("weekly-pdf-export", "data"): 999999,
         ("url", "search"): ""}, lambda response: _says(response, "没有这份导出材料")),
    "weekly-pdf-fetched.data<-weekly-pdf-fetch.data": (
        {("weekly-pdf-fetch", "data"): "/weekly/export/1.pdf"},
        _status_only((204, 400, 404, 500))),  # clientside
    "..wall-report.data...wall-status.data...wall-banner.children...wall-banner.hidden..."
    "wall-data-as-of.children...wall-refreshed.children..<-wall-refresh.n_intervals": (
        {("wall-refresh", "n_intervals"): 1, ("wall-status", "data"): {},
         ("wall-options", "data"): {"lang": "zh", "indicator": "service_on_time_rate"}},
        _no_other_rows),  # the wall's county figures are aggregates
    "..wall-panel-map.children...wall-panel-services.children...wall-panel-volunteers.children"
    "...wall-panel-inspections.children...wall-panel-income.children...wall-panel-flags."
    "children...wall-week.children...wall-title.children..<-wall-report.data": (
        {("wall-report", "data"): None,
         ("wall-options", "data"): {"lang": "zh", "indicator": "service_on_time_rate"}},
        _status_only((200, 204, 500))),  # draws what it is sent; no query of its own
    "economy-detail.children<-economy-tier-chart.clickData": (
        {("economy-composition-chart", "clickData"): _click(OTHER_TOWNSHIP),
         ("economy-tier-chart", "clickData"): None, ("url", "search"): f"?period={YEAR}"},
        _no_other_rows),
    "services-drill.children<-services-township-chart.clickData": (
        {("services-township-chart", "clickData"): _click(OTHER_TOWNSHIP),
         ("url", "search"): f"?period={YEAR}"}, _no_other_rows),
    "volunteers-drill.children<-volunteers-township-chart.clickData": (
        {("volunteers-township-chart", "clickData"): _click(OTHER_TOWNSHIP),
         ("url", "search"): f"?period={YEAR}"}, _no_other_rows),
    "url.search<-inspections-year.value": (
        {("inspections-year", "value"): 2025, ("url", "search"): ""}, _no_other_rows),
    "url.search<-worklist-department.value": (
        {("worklist-township", "value"): OTHER_TOWNSHIP, ("url", "search"): ""},
        _no_other_rows),
    "..duban-create-result.children...duban-create.disabled...duban-list.children..<-duban-create"
    ".n_clicks": (
        {("duban-create", "n_clicks"): 1, ("duban-request", "value"): "请说明原因",
         ("duban-due-days", "value"): 5, ("url", "search"): "",
         ("duban-prefill", "data"): {"township": OTHER_TOWNSHIP, "week": "2026-W45"}},
        lambda response: _says(response, "无此权限")),  # a township officer assigns nothing
    '..duban-step-result.children...duban-detail.children..<-{"action":["ALL"],"type":"duban-step"}'
    '.n_clicks': (
        {}, None),  # see test_a_township_officer_cannot_touch_another_townships_item
    # An upload that is not theirs (none has the id 999999: the same answer, by design).
    ("..data-status.children...data-poll.disabled...{\"table\":\"uploads\",\"type\":\"grid\"}"
     ".rowData...data-undo-result.children<-data-poll.n_intervals"): (
        {("data-poll", "n_intervals"): 1, ("data-upload-id", "data"): 999999,
         ("url", "search"): ""}, lambda response: _says(response, "没有这次上传")),
    "..data-undo-result.children...data-poll.disabled<-data-undo.submit_n_clicks": (
        {("data-undo", "submit_n_clicks"): 1, ("data-upload-id", "data"): 1,
         ("url", "search"): ""}, lambda response: _says(response, "无此权限")),
    "inspections-drill.children<-inspections-result-chart.clickData": (
        {("inspections-township-chart", "clickData"): _click(OTHER_TOWNSHIP),
         ("url", "search"): f"?year={YEAR}"}, _no_other_rows),
}


def test_every_callback_has_a_scope_case(app) -> None:
    names = {callback_name(key, spec) for key, spec in app.callback_map.items()}
    assert names == set(TOWNSHIP_CASES), (
        "callbacks without a crafted-request case (add one to TOWNSHIP_CASES): "
        f"{sorted(names - set(TOWNSHIP_CASES))}; "
        f"stale cases: {sorted(set(TOWNSHIP_CASES) - names)}")


def test_anonymous_callbacks_get_401(app) -> None:
    client = app.server.test_client()
    for key, spec in app.callback_map.items():
        values = TOWNSHIP_CASES[callback_name(key, spec)][0]
        response = client.post(CALLBACK, json=crafted(key, spec, values))
        assert response.status_code == 401, callback_name(key, spec)
        assert "login required" in response.get_data(as_text=True)


def test_anonymous_routes_are_refused(app) -> None:
    client = app.server.test_client()
    for rule in app.server.url_map.iter_rules():
        if rule.rule in OPEN_ROUTES or rule.rule.startswith("/static"):
            continue
        path = rule.rule.replace("<int:export_id>", "1").replace("<code>", TEST_TOWNSHIP) \
            .replace("<path:path>", "weekly").replace("<string:", "<").split("<")[0] or "/"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            page = method == "GET" and not path.startswith(("/api/", "/_dash"))
            if page:
                assert response.status_code == 302, (method, path)
                assert response.headers["Location"].startswith("/login?next=")
            else:
                assert response.status_code == 401, (method, path, response.status_code)


def test_the_open_routes_answer_anyone(app) -> None:
    client = app.server.test_client()
    assert client.get("/api/v1/health").status_code == 200
    login = client.get("/login")
    assert login.status_code == 200 and 'name="username"' in login.get_data(as_text=True)
    assert client.get("/assets/style.css").status_code == 200


@pytest.mark.parametrize("name", sorted(TOWNSHIP_CASES))
def test_a_township_officer_gets_nothing_of_another_township(app, township, name) -> None:
    values, check = TOWNSHIP_CASES[name]
    if check is None:
        pytest.skip("checked by its own test")
    key, spec = next((k, s) for k, s in app.callback_map.items()
                     if callback_name(k, s) == name)
    check(township.post_json(CALLBACK, crafted(key, spec, values)))


@pytest.mark.parametrize("path", [f"/township/{OTHER_TOWNSHIP}", "/village/421081001001",
                                  f"/weekly/{OTHER_TOWNSHIP}"])
def test_router_refuses_other_townships_pages(app, township, path) -> None:
    key, spec = next((k, s) for k, s in app.callback_map.items() if k == "page.children")
    response = township.post_json(CALLBACK, crafted(key, spec, {("url", "pathname"): path,
                                                                ("url", "search"): ""}))
    assert response.status_code == 200
    assert "只能查看本乡镇" in _text(response)
    assert OTHER_NAME not in json.dumps(_rows(response), ensure_ascii=False)


def test_a_township_officer_sees_their_own_rows(app, township) -> None:
    key, spec = next((k, s) for k, s in app.callback_map.items()
                     if k == "services-drill.children")
    response = township.post_json(CALLBACK, crafted(key, spec, {
        ("services-township-chart", "clickData"): _click(TEST_TOWNSHIP),
        ("url", "search"): f"?period={YEAR}"}))
    rows = _rows(response)
    assert rows, "the officer's own township's cases are listed"
    own = _page(app, township, f"/township/{TEST_TOWNSHIP}", "")
    assert "只能查看本乡镇" not in _text(own)
    # The worklist lists their township's open items and no other's.
    worklist = _page(app, township, "/inspections/worklist", "")
    listed = _rows(worklist)
    assert listed and OTHER_NAME not in json.dumps(listed, ensure_ascii=False)


def test_a_township_officer_cannot_mark_the_meeting_copy(app, township) -> None:
    key, spec = next((k, s) for k, s in app.callback_map.items() if "meeting-mark" in k
                     or "meeting-mark" in json.dumps(s["inputs"]))
    body = crafted(key, spec, TOWNSHIP_CASES[callback_name(key, spec)][0])
    body["inputs"][0][0]["id"] = {"export": 1, "type": "meeting-mark"}
    response = township.post_json(CALLBACK, body)
    assert "无此权限" in _text(response)


def test_the_api_keeps_villages_to_their_township(app, township) -> None:
    own = township.get("/api/v1/indicators", query_string={
        "scope": "village", "code": "421081105202", "period": YEAR})
    other = township.get("/api/v1/indicators", query_string={
        "scope": "village", "code": "421081001001", "period": YEAR})
    county = township.get("/api/v1/indicators", query_string={
        "scope": "township", "code": OTHER_TOWNSHIP, "period": YEAR})
    assert own.status_code in (200, 400)
    assert other.status_code == 403
    assert county.status_code == 200  # aggregates of every township are for everyone


def test_a_township_officer_cannot_touch_another_townships_item(app, township,
                                                                demo_engine) -> None:
    import datetime as dt

    from data_access.duban import item_record, open_item

    item_id = open_item(demo_engine, OTHER_TOWNSHIP, "请说明原因", "2026-W45",
                        dt.datetime(2026, 11, 16, 9, 0), subject="另一乡镇的事项")
    key, spec = next((k, s) for k, s in app.callback_map.items() if "duban-step" in k
                     or "duban-step" in json.dumps(s["inputs"]))
    for action in ("answer", "close"):
        body = crafted(key, spec, {("duban-item", "data"): item_id,
                                   ("duban-step-text", "value"): "已整改", ("url", "search"): ""})
        body["inputs"][0] = [{"id": {"action": action, "type": "duban-step"},
                              "property": "n_clicks", "value": 1}]
        body["changedPropIds"] = [f'{{"action":"{action}","type":"duban-step"}}.n_clicks']
        response = township.post_json(CALLBACK, body)
        assert "没有编号" in _text(response) or "无此权限" in _text(response), _text(response)
    item, steps = item_record(demo_engine, item_id)
    assert item is not None and item["state"] == "open" and len(steps) == 1
    assert item["opened_by"] == "(cli)"
    # Neither the page nor the list shows it to them.
    page = _page(app, township, f"/duban/{item_id}", "")
    assert "请说明原因" not in _text(page)
    listing = _page(app, township, "/duban", "")
    assert OTHER_NAME not in json.dumps(_rows(listing), ensure_ascii=False)
    # Nor its attachment (a step taken outside a request: the command line's, unscoped).
    from data_access.duban import Attachment, take_step
    take_step(demo_engine, item_id, "answer", "已整改", dt.datetime(2026, 11, 16, 10, 0),
              Attachment("说明.pdf", b"%PDF-1.4\n"))
    _, steps = item_record(demo_engine, item_id)
    attached = int(steps["id"].iloc[-1])
    assert township.get(f"/duban/attachment/{attached}").status_code == 404


@pytest.mark.parametrize(("path", "search"), [
    ("/services", "?period=2025"), ("/volunteers", "?period=2025"),
    ("/weekly", "?week=2026-W45"), ("/economy", "?period=2025"),
    ("/inspections/worklist", "")])
def test_listed_rows_are_the_officers_township_only(app, township, path, search) -> None:
    response = _page(app, township, path, search)
    rows = [row for row in _rows(response) if row.get("township") or row.get("township_code")]
    assert rows, f"{path}: no rows with a township at all"
    towns = {row.get("township_code") or row.get("township") for row in rows}
    # Aggregates by township (the tables of counts per township) list all 15; rows of records
    # name the officer's township only.
    record_rows = [row for row in rows if not _is_township_aggregate(row)]
    others = [row for row in record_rows if row.get("township") not in (None, "调关镇")]
    assert not others, (path, len(towns), json.dumps(others[:3], ensure_ascii=False))


def _is_township_aggregate(row: dict) -> bool:
    """A row of a table of aggregates (a township's totals, counts by category), not a
    record."""
    return ((str(row.get("code", "")).endswith("000") and "township" not in row)
            or "month" in row or "stations" in row
            or isinstance(row.get("township"), int | float))  # a count by category


def test_uploads_are_their_senders_and_township_officers_send_only_theirs(
        app, township, demo_engine, demo_database_url) -> None:
    import datetime as dt

    from data_access.uploads import create_upload

    # Sent from the command line's side (no township): not the officer's to see.
    upload_id, _ = create_upload(demo_engine, "他人.csv", b"a,b\n1,2\n", None,
                                 dt.datetime(2026, 11, 16, 9, 0))
    key, spec = next((k, s) for k, s in app.callback_map.items() if "data-status" in k)
    response = township.post_json(CALLBACK, crafted(key, spec, {
        ("data-poll", "n_intervals"): 1, ("data-upload-id", "data"): upload_id,
        ("url", "search"): ""}))
    _says(response, "没有这次上传")
    assert "他人.csv" not in _text(response)
    for which in ("problems.csv", "marked.xlsx", "original"):
        assert township.get(f"/data/upload/{upload_id}/{which}").status_code == 404
    listing = _page(app, township, "/data", "")
    assert "他人.csv" not in json.dumps(_rows(listing), ensure_ascii=False)
    # A template outside a township officer's own is not theirs to download or send.
    assert township.get("/data/template/service_items.xlsx").status_code == 404
    sent = township.post("/data/upload", data={"template": "service_items",
                                               "file": (io.BytesIO(b"x,y\n"), "items.csv")})
    assert sent.status_code == 303 and "error=template" in sent.headers["Location"]
    # Refused by its declared size, before the body is read.
    huge = township.post("/data/upload", data=b"x", content_type="multipart/form-data; "
                         "boundary=x", environ_overrides={"CONTENT_LENGTH": str(51 << 20)})
    assert huge.status_code == 303 and "error=too_large" in huge.headers["Location"]
    leader = SignedInClient(app, accounts_in(demo_database_url)["leader"])
    refused = leader.post("/data/upload", data={"file": (io.BytesIO(b"x,y\n"), "a.csv")})
    assert refused.status_code == 303 and "error=role" in refused.headers["Location"]
    assert "无此权限" in _text(_page(app, leader, "/data", ""))
