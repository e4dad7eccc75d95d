"""Self-test of the fixtures in tests/fixtures/, without the dashboard package.

Each test would fail if its fixture were broken: PostgreSQL must really answer, chromium must
really render Chinese, the offline and console checks must really catch what they are for.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import threading
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.fixtures.postgres import PostgresServer

AssertOffline = Callable[[object, str], None]
AssertNoConsoleErrors = Callable[[object], None]

PAGES = {
    "offline.html": """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>自检</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="style.css"></head>
<body><h1 id="title">中文测试</h1>
<img alt="" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<canvas id="glyphs" width="64" height="64"></canvas></body></html>""",
    "style.css": "body { font-family: 'Noto Sans CJK SC', sans-serif; }",
    "external.html": """<!doctype html><html><head><meta charset="utf-8"></head>
<body><p id="p">外部图片</p><img alt="" src="http://example.invalid/x.png"></body></html>""",
    "console.html": """<!doctype html><html><head><meta charset="utf-8"></head>
<body><script>console.log("not an error"); console.error("自检错误 42");</script></body></html>""",
    "throw.html": """<!doctype html><html><head><meta charset="utf-8"></head>
<body><script>throw new Error("未捕获 boom");</script></body></html>""",
}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def static_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a tiny static site served from a thread on 127.0.0.1."""
    root = tmp_path_factory.mktemp("static_site")
    for name, text in PAGES.items():
        (root / name).write_text(text, encoding="utf-8")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


# ----------------------------------------------------------------------------------------------
# PostgreSQL


def test_postgres_url_is_a_working_postgresql(postgres_url: str) -> None:
    from sqlalchemy import create_engine, text

    assert postgres_url.startswith("postgresql+psycopg://")
    engine = create_engine(postgres_url)
    try:
        with engine.begin() as conn:
            version = conn.execute(text("select version()")).scalar_one()
            assert "PostgreSQL" in version
            if not os.environ.get("TEST_DATABASE_URL"):
                assert (
                    int(conn.execute(text("show server_version_num")).scalar_one())
                    >= 150000
                )
            conn.execute(text("drop table if exists harness_selftest"))
            conn.execute(
                text(
                    "create table harness_selftest (id serial primary key, town text not null)"
                )
            )
            conn.execute(
                text("insert into harness_selftest (town) values (:a), (:b)"),
                {"a": "笔架山街道", "b": "团山寺镇"},
            )
        with engine.connect() as conn:
            rows = (
                conn.execute(text("select town from harness_selftest order by id"))
                .scalars()
                .all()
            )
        assert rows == ["笔架山街道", "团山寺镇"]
    finally:
        engine.dispose()


def test_fresh_postgres_url_is_an_empty_database_of_its_own(
    postgres_url: str, fresh_postgres_url: str
) -> None:
    from sqlalchemy import create_engine, inspect

    assert fresh_postgres_url != postgres_url
    engine = create_engine(fresh_postgres_url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_postgres_server_creates_and_drops_databases(postgres_server: PostgresServer) -> None:
    from sqlalchemy import create_engine, text

    def databases() -> set[str]:
        engine = create_engine(postgres_server.admin_url)
        try:
            with engine.connect() as conn:
                return set(
                    conn.execute(text("select datname from pg_database")).scalars()
                )
        finally:
            engine.dispose()

    postgres_server.create_database("harness_made_and_dropped")
    assert "harness_made_and_dropped" in databases()
    postgres_server.drop_database("harness_made_and_dropped")
    assert "harness_made_and_dropped" not in databases()


# ----------------------------------------------------------------------------------------------
# Browser

# Draws two different characters; if no CJK font is installed both come out as the same tofu box.
_GLYPHS_DIFFER = """() => {
  const c = document.getElementById('glyphs'), g = c.getContext('2d');
  const draw = (ch) => { g.clearRect(0, 0, 64, 64); g.font = '48px sans-serif';
                         g.fillText(ch, 4, 52);
                         return Array.from(g.getImageData(0, 0, 64, 64).data).join(','); };
  const a = draw('中'), b = draw('测');
  return a !== b && /[^0,]/.test(a);
}"""


def test_page_renders_chinese_offline(
    page: Page,
    static_site: str,
    tmp_path: Path,
    assert_offline: AssertOffline,
    assert_no_console_errors: AssertNoConsoleErrors,
) -> None:
    page.goto(f"{static_site}/offline.html")
    assert page.locator("#title").inner_text() == "中文测试"
    assert page.title() == "自检"
    assert page.evaluate(_GLYPHS_DIFFER), (
        "CJK characters render as identical boxes: is fonts-noto-cjk installed?"
    )

    shot = tmp_path / "offline.png"
    page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000

    assert f"{static_site}/offline.html" in page.requested_urls
    assert f"{static_site}/style.css" in page.requested_urls
    assert_offline(page, static_site)
    assert_no_console_errors(page)


def test_assert_offline_fails_on_an_external_request(
    page: Page, static_site: str, assert_offline: AssertOffline
) -> None:
    page.goto(f"{static_site}/external.html")
    assert page.locator("#p").inner_text() == "外部图片"
    assert "http://example.invalid/x.png" in page.requested_urls
    with pytest.raises(AssertionError, match=r"example\.invalid/x\.png"):
        assert_offline(page, static_site)


def test_assert_offline_judges_host_and_port(assert_offline: AssertOffline) -> None:
    base = "http://127.0.0.1:8050"
    fake = SimpleNamespace(
        requested_urls=[
            f"{base}/",
            f"{base}/_dash-layout",
            "data:image/png;base64,AAAA",
            "blob:http://127.0.0.1:8050/0b7d",
            "about:blank",
        ]
    )
    assert_offline(fake, base)
    for outside in (
        "http://127.0.0.1:8051/x.js",
        "http://localhost:8050/x.js",
        "https://example.org/a.css",
    ):
        fake.requested_urls.append(outside)
        with pytest.raises(AssertionError) as raised:
            assert_offline(fake, base)
        assert outside in str(raised.value)
        assert f"{base}/_dash-layout" not in str(raised.value)
        fake.requested_urls.pop()


def test_console_errors_are_recorded(
    page: Page, static_site: str, assert_no_console_errors: AssertNoConsoleErrors
) -> None:
    with page.expect_console_message(lambda m: m.type == "error"):
        page.goto(f"{static_site}/console.html")
    assert any("自检错误 42" in message for message in page.console_errors)
    assert not any("not an error" in message for message in page.console_errors)
    with pytest.raises(AssertionError, match="自检错误 42"):
        assert_no_console_errors(page)


def test_uncaught_page_errors_are_recorded(
    page: Page, static_site: str, assert_no_console_errors: AssertNoConsoleErrors
) -> None:
    with page.expect_event("pageerror"):
        page.goto(f"{static_site}/throw.html")
    assert any("未捕获 boom" in message for message in page.page_errors)
    with pytest.raises(AssertionError, match="未捕获 boom"):
        assert_no_console_errors(page)


# ----------------------------------------------------------------------------------------------
# Live server (gunicorn in a subprocess), on a stand-in WSGI app

_WSGI_APP = """
import json, os

def server(environ, start_response):
    if environ["PATH_INFO"] == "/api/v1/health":
        body = json.dumps({"status": "ok", "database_url": os.environ["DATABASE_URL"],
                           "flag": os.environ.get("HARNESS_FLAG")}).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
    else:
        body = "<!doctype html><meta charset=utf-8><h1 id=t>石首督导</h1>".encode()
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [body]
"""


def test_live_server_factory_serves_through_gunicorn(
    live_server_factory: Callable[..., str],
    tmp_path: Path,
    page: Page,
    assert_offline: AssertOffline,
) -> None:
    (tmp_path / "harness_wsgi_ok.py").write_text(_WSGI_APP, encoding="utf-8")
    url = "sqlite:////tmp/harness-selftest.sqlite3"
    base = live_server_factory(
        url,
        app="harness_wsgi_ok:server",
        pythonpath=[tmp_path],
        env={"HARNESS_FLAG": "x"},
    )
    assert base.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(f"{base}/api/v1/health", timeout=10) as response:
        assert json.loads(response.read()) == {
            "status": "ok",
            "database_url": url,
            "flag": "x",
        }
    same = live_server_factory(
        url,
        app="harness_wsgi_ok:server",
        pythonpath=[tmp_path],
        env={"HARNESS_FLAG": "x"},
    )
    assert same == base

    page.goto(base)
    assert page.locator("#t").inner_text() == "石首督导"
    assert_offline(page, base)


def test_live_server_factory_fails_with_the_server_output(
    live_server_factory: Callable[..., str], tmp_path: Path
) -> None:
    (tmp_path / "harness_wsgi_broken.py").write_text(
        "raise RuntimeError('启动失败 boom')\n", encoding="utf-8"
    )
    with pytest.raises(pytest.fail.Exception, match="启动失败 boom"):
        live_server_factory(
            "sqlite://",
            app="harness_wsgi_broken:server",
            pythonpath=[tmp_path],
            timeout=30,
        )
