"""Shared test fixtures: a throw-away PostgreSQL, Debian's chromium through Playwright, the app
under gunicorn in a subprocess, the demo database. They live in tests/fixtures/, by concern.

The harness imports nothing of the application but ``dashboard.pdf.CHROMIUM_ARGS`` (the
browser tests run chromium with the server's own flags) and, inside the demo fixtures,
``data_access.db``: it must work (and is self-tested in tests/harness/) whatever state the
rest of the application is in. Heavy third-party imports (Playwright, psycopg, SQLAlchemy)
happen inside the fixtures that need them.

Fixtures
--------
postgres_server      session: a PostgreSQL cluster started in a temp dir (or TEST_DATABASE_URL's)
postgres_url         session: SQLAlchemy URL of a database on it
fresh_postgres_url   function: SQLAlchemy URL of a new, empty database, dropped afterwards
redis_server         session: a redis-server started in a temp dir (skipped without the binary)
redis_url            session: its redis://127.0.0.1:<port>/0
chromium_browser     session: Playwright Browser on /usr/bin/chromium (or CHROMIUM_PATH)
page                 function: new context + page (1600x1000, zh-CN) recording console errors,
                     page errors and requested URLs as page.console_errors, page.page_errors,
                     page.requested_urls
assert_offline, assert_no_console_errors
                     the helper assertions of tests/fixtures/browser.py, as fixtures
                     (importable from this conftest too)
live_server_factory  session: start(database_url) -> base URL of gunicorn serving the app
demo_backend         session: sqlite, or DEMO_BACKEND; both, one after the other, for tests
                     marked both_backends
demo_database_url    session: URL of the demo database (DEMO_AS_OF) on the demo backend, or
                     DEMO_DATABASE_URL
demo_copy            session: copy(label) -> URL of a new copy of the demo as built, to write to
demo_engine          session: SQLAlchemy Engine on it
demo_server          session: base URL of the app under gunicorn on it, today = DEMO_AS_OF
"""

from __future__ import annotations

import os

import pytest

# Before the imports below: pytest rewrites the asserts of a module only if it knows before the
# module is first imported, and the plugins listed in pytest_plugins are imported here first.
pytest.register_assert_rewrite("tests.fixtures")

from tests.fixtures.browser import assert_no_console_errors, assert_offline  # noqa: E402
from tests.fixtures.demo_db import BACKENDS, default_backend  # noqa: E402
from tests.fixtures.processes import DEMO_AS_OF, REPO_ROOT, free_port  # noqa: E402

# Tests import these from here.
__all__ = ["DEMO_AS_OF", "REPO_ROOT", "assert_no_console_errors", "assert_offline", "free_port"]

pytest_plugins = [
    "tests.fixtures.postgres",
    "tests.fixtures.browser",
    "tests.fixtures.live_server",
    "tests.fixtures.demo_db",
    "tests.fixtures.accounts",
    "tests.fixtures.office",
    "tests.fixtures.redis",
]

# Markers follow the fixtures: `-m "not browser"` / `-m "not postgres"` select without chromium
# or PostgreSQL.
_FIXTURE_MARKERS = {
    "chromium_browser": "browser",
    "page": "browser",
    "postgres_server": "postgres",
    "postgres_url": "postgres",
    "fresh_postgres_url": "postgres",
    "redis_server": "redis",
    "redis_url": "redis",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked both_backends run on the demo in each database, unless DEMO_BACKEND names
    one (`make test-postgres` runs everything on PostgreSQL); the other tests on the demo run
    on the default. Every test on the demo takes its database as this one parameter: the
    session's demo fixtures are then rebuilt whenever it changes. A test without it got
    whatever demo the test before had left, PostgreSQL's after a both_backends test."""
    if "demo_backend" not in metafunc.fixturenames:
        return
    both = (metafunc.definition.get_closest_marker("both_backends")
            and not os.environ.get("DEMO_BACKEND"))
    metafunc.parametrize("demo_backend", BACKENDS if both else (default_backend(),),
                         scope="session")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixturenames = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("demo_backend") == "postgresql":
            item.add_marker("postgres")
        for marker in {m for name, m in _FIXTURE_MARKERS.items() if name in fixturenames}:
            item.add_marker(marker)
