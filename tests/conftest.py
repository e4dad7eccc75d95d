"""Shared test fixtures: a throw-away PostgreSQL, Debian's chromium through Playwright, the app
under gunicorn in a subprocess.

Nothing here imports the ``dashboard`` package: the harness must work (and is self-tested in
tests/harness/) whatever state the application is in. Heavy third-party imports (Playwright,
psycopg, SQLAlchemy) happen inside the fixtures that need them.

Fixtures
--------
postgres_server      session: a PostgreSQL cluster started in a temp dir (or TEST_DATABASE_URL's)
postgres_url         session: SQLAlchemy URL of a database on it
fresh_postgres_url   function: SQLAlchemy URL of a new, empty database, dropped afterwards
chromium_browser     session: Playwright Browser on /usr/bin/chromium (or CHROMIUM_PATH)
page                 function: new context + page (1600x1000, zh-CN) recording console errors,
                     page errors and requested URLs as page.console_errors, page.page_errors,
                     page.requested_urls
assert_offline, assert_no_console_errors
                     the helper assertions below, as fixtures (importable from conftest too)
live_server_factory  session: start(database_url) -> base URL of gunicorn serving the app
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dashboard.pdf import CHROMIUM_ARGS

REPO_ROOT = Path(__file__).resolve().parent.parent

VIEWPORT = {"width": 1600, "height": 1000}
HEALTH_PATH = "/api/v1/health"


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it has not ended within 15 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# Markers follow the fixtures: `-m "not browser"` / `-m "not postgres"` select without chromium
# or PostgreSQL.

_FIXTURE_MARKERS = {
    "chromium_browser": "browser",
    "page": "browser",
    "postgres_server": "postgres",
    "postgres_url": "postgres",
    "fresh_postgres_url": "postgres",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixturenames = set(getattr(item, "fixturenames", ()))
        for marker in {
            m for name, m in _FIXTURE_MARKERS.items() if name in fixturenames
        }:
            item.add_marker(marker)


# ---------------------------------------------------------------------------------------------
# PostgreSQL


def _version_key(bindir: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", bindir.parent.name)) or (0,)


def find_postgres_bindir() -> Path:
    """The newest /usr/lib/postgresql/<version>/bin with initdb and pg_ctl (PG_BINDIR overrides)."""
    override = os.environ.get("PG_BINDIR")
    if override:
        candidates = [Path(override)]
    else:
        candidates = sorted(
            Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True
        )
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    pytest.fail(
        "PostgreSQL server binaries (initdb, pg_ctl) not found in "
        f"{override or '/usr/lib/postgresql/*/bin'}. `make test` installs them through "
        "`make system` (Debian package postgresql); or set TEST_DATABASE_URL to a server.",
        pytrace=False,
    )


def _plain_libpq_url(sqlalchemy_url: str, database: str | None = None) -> str:
    """postgresql+psycopg://... -> postgresql://... (what psycopg.connect takes), maybe another db."""
    from sqlalchemy.engine import make_url

    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    if database is not None:
        url = url.set(database=database)
    return url.render_as_string(hide_password=False)


class PostgresServer:
    """A server reachable at ``admin_url``; creates and drops databases on it."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = (
            admin_url  # SQLAlchemy URL of a database to connect to for CREATE/DROP
        )

    def url(self, database: str) -> str:
        from sqlalchemy.engine import make_url

        return (
            make_url(self.admin_url)
            .set(database=database)
            .render_as_string(hide_password=False)
        )

    def _execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            _plain_libpq_url(self.admin_url), autocommit=True, connect_timeout=10
        ) as conn:
            conn.execute(sql)

    def create_database(self, name: str) -> str:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"database name {name!r}: use [a-z0-9_]")
        self._execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class ThrowawayPostgres(PostgresServer):
    """A PostgreSQL cluster in a temp dir, listening on 127.0.0.1:<free port>, trust auth.

    PostgreSQL refuses to run as root, so as root the dir belongs to the ``postgres`` system
    user (made by Debian's postgresql package) and initdb/pg_ctl run through ``runuser``.
    """

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        prefix: list[str] = []
        if self.as_root:
            try:
                pg_user = pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail(
                    "running as root but there is no `postgres` system user to run PostgreSQL "
                    "as (Debian's postgresql package creates it: `make system`)",
                    pytrace=False,
                )
            runuser = shutil.which("runuser")
            if not runuser:
                pytest.fail(
                    "running as root but `runuser` (util-linux) is missing",
                    pytrace=False,
                )
            prefix = [runuser, "-u", "postgres", "--"]
        self._prefix = prefix
        # As root: under /tmp, whose parents the postgres user can traverse (TMPDIR may not be).
        self.root = Path(
            tempfile.mkdtemp(
                prefix="dashboard-pg-", dir="/tmp" if self.as_root else None
            )
        )
        if self.as_root:
            os.chown(self.root, pg_user.pw_uid, pg_user.pw_gid)
        self.datadir = self.root / "data"
        self.logfile = self.root / "postgres.log"
        self.port = 0
        super().__init__(admin_url="")

    def _run(
        self, args: Sequence[str | os.PathLike[str]], timeout: float
    ) -> subprocess.CompletedProcess[str]:
        argv = [*self._prefix, *(str(a) for a in args)]
        return subprocess.run(
            argv,
            check=False,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def _log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(
                self.logfile.read_text(errors="replace").splitlines()[-lines:]
            )
        except OSError:
            return "(no server log)"

    def start(self) -> None:
        result = self._run(
            [
                self.bindir / "initdb",
                "-D",
                self.datadir,
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
                "--no-instructions",
            ],
            timeout=120,
        )
        if result.returncode != 0:
            pytest.fail(
                f"initdb failed ({result.returncode}):\n{result.stdout}\n{result.stderr}",
                pytrace=False,
            )

        last = ""
        # A free port can be taken between free_port() and the server's bind(): try again.
        for _attempt in range(5):
            port = free_port()
            options = " ".join(
                [
                    "-c listen_addresses=127.0.0.1",
                    f"-c port={port}",
                    f"-c unix_socket_directories={self.root}",
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                    "-c max_connections=50",
                ]
            )
            result = self._run(
                [
                    self.bindir / "pg_ctl",
                    "-D",
                    self.datadir,
                    "-l",
                    self.logfile,
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    options,
                    "start",
                ],
                timeout=90,
            )
            if result.returncode == 0:
                self.port = port
                self.admin_url = (
                    f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
                )
                return
            last = f"{result.stdout}\n{result.stderr}\n--- server log ---\n{self._log_tail()}"
            if "already in use" not in last:
                break
        pytest.fail(f"pg_ctl start failed:\n{last}", pytrace=False)

    def stop(self) -> None:
        try:
            if self.port:
                result = self._run(
                    [
                        self.bindir / "pg_ctl",
                        "-D",
                        self.datadir,
                        "-m",
                        "fast",
                        "-w",
                        "stop",
                    ],
                    timeout=60,
                )
                if result.returncode != 0:
                    self._run(
                        [
                            self.bindir / "pg_ctl",
                            "-D",
                            self.datadir,
                            "-m",
                            "immediate",
                            "-w",
                            "stop",
                        ],
                        timeout=60,
                    )
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """TEST_DATABASE_URL's server when set; else a throw-away PostgreSQL started here."""
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        yield PostgresServer(admin_url=external)
        return
    server = ThrowawayPostgres(find_postgres_bindir())
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL (postgresql+psycopg://...) of a database shared by the session."""
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        return external
    return postgres_server.create_database("dashboard_test")


@pytest.fixture
def fresh_postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """SQLAlchemy URL of a new empty database (for migrations from scratch); dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    url = postgres_server.create_database(name)
    yield url
    postgres_server.drop_database(name)


# ---------------------------------------------------------------------------------------------
# Browser


def find_chromium() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path or not os.access(path, os.X_OK):
        pytest.fail(
            f"chromium not found ({'CHROMIUM_PATH=' + path if path else 'no `chromium` on PATH'}). "
            "`make test` installs Debian's chromium through `make system`; never `playwright install`.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def chromium_browser():
    """A headless Playwright Browser running Debian's chromium (no browser download)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect

    # A cold page loads plotly.js and runs its first queries: give expect() room for that.
    expect.set_options(timeout=15_000)
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    playwright = sync_playwright().start()
    try:
        try:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
        except PlaywrightError as exc:  # it names the missing library or bad flag
            pytest.fail(
                f"could not launch chromium at {executable}: {exc}", pytrace=False
            )
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(chromium_browser):
    """A fresh context and page that record console errors, page errors and requested URLs."""
    context = chromium_browser.new_context(
        viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.console_errors = []
    page.page_errors = []
    page.requested_urls = []

    def on_console(message) -> None:
        if message.type == "error":
            where = message.location.get("url") or ""
            page.console_errors.append(
                f"{message.text} [{where}]" if where else message.text
            )

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))
    # On the context, so requests of popups and workers count too.
    context.on("request", lambda request: page.requested_urls.append(request.url))
    yield page
    context.close()


_LOCAL_SCHEMES = {"data", "blob", "about"}
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def _origin(url: str) -> tuple[str | None, int | None]:
    parts = urlsplit(url)
    return parts.hostname, parts.port or _DEFAULT_PORTS.get(parts.scheme)


def assert_offline(page, base_url: str) -> None:
    """Fail listing every request the page made to anything but the app's own host:port."""
    own = _origin(base_url)
    outside = sorted(
        {
            url
            for url in page.requested_urls
            if urlsplit(url).scheme not in _LOCAL_SCHEMES and _origin(url) != own
        }
    )
    assert not outside, f"requests outside the app ({base_url}):\n" + "\n".join(outside)


def assert_no_console_errors(page) -> None:
    """Fail listing console errors and uncaught page errors."""
    problems = [f"console.error: {m}" for m in page.console_errors] + [
        f"uncaught: {m}" for m in page.page_errors
    ]
    assert not problems, "browser reported errors:\n" + "\n".join(problems)


@pytest.fixture(name="assert_offline")
def _assert_offline_fixture() -> Callable[..., None]:
    return assert_offline


@pytest.fixture(name="assert_no_console_errors")
def _assert_no_console_errors_fixture() -> Callable[..., None]:
    return assert_no_console_errors


# ---------------------------------------------------------------------------------------------
# The app under gunicorn


class _LiveServer:
    def __init__(
        self, process: subprocess.Popen, base_url: str, log_path: Path
    ) -> None:
        self.process = process
        self.base_url = base_url
        self.log_path = log_path

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-8000:]
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        stop_process(self.process)


def _wait_until_answering(server: _LiveServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    health = server.base_url + HEALTH_PATH
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(
                f"gunicorn exited with {server.process.returncode} before {health} answered; its stderr:\n"
                f"{server.log()}",
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(health, timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answers; what the health says is the tests' business
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            time.sleep(0.2)
    server.stop()
    pytest.fail(
        f"{health} did not answer within {timeout:.0f} s; gunicorn's stderr:\n{server.log()}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def live_server_factory(tmp_path_factory) -> Iterator[Callable[..., str]]:
    """start(database_url, *, env=None, app="dashboard.wsgi:server", pythonpath=(), timeout=60)
    -> "http://127.0.0.1:<port>": the app under gunicorn (1 worker, 4 threads) in a subprocess,
    once GET /api/v1/health answers. The same arguments again reuse the running server; all
    stop at the end of the session.
    """
    servers: dict[tuple, _LiveServer] = {}

    def start(
        database_url: str,
        *,
        env: Mapping[str, str] | None = None,
        app: str = "dashboard.wsgi:server",
        pythonpath: Sequence[str | os.PathLike[str]] = (),
        timeout: float = 60,
    ) -> str:
        key = (
            database_url,
            app,
            tuple(sorted((env or {}).items())),
            tuple(str(p) for p in pythonpath),
        )
        running = servers.get(key)
        if running is not None and running.process.poll() is None:
            return running.base_url

        port = free_port()
        log_path = tmp_path_factory.mktemp("gunicorn") / "stderr.log"
        child_env = dict(os.environ)
        child_env.update(env or {})
        child_env["DATABASE_URL"] = database_url
        child_env["PYTHONUNBUFFERED"] = "1"
        child_env["PYTHONPATH"] = os.pathsep.join(
            [
                *(str(p) for p in pythonpath),
                str(REPO_ROOT),
                *filter(None, [os.environ.get("PYTHONPATH")]),
            ]
        )
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "--threads",
            "4",
            "--graceful-timeout",
            "5",
        ]
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=child_env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = _LiveServer(process, f"http://127.0.0.1:{port}", log_path)
        servers[key] = server
        _wait_until_answering(server, timeout)
        return server.base_url

    yield start
    for server in servers.values():
        server.stop()


# --- the application's demo database ------------------------------------------------------

DEMO_AS_OF = "2026-11-15"


@pytest.fixture(scope="session")
def demo_database_url(tmp_path_factory) -> str:
    """A SQLite database built once per session by the real CLI: init-db, then demo-data.

    DEMO_DATABASE_URL names an already built one instead (for quick local iterations)."""
    if os.environ.get("DEMO_DATABASE_URL"):
        return os.environ["DEMO_DATABASE_URL"]
    folder = tmp_path_factory.mktemp("demo-db")
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "demo-data", "--as-of", DEMO_AS_OF],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"demo-data failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return url


@pytest.fixture(scope="session")
def demo_engine(demo_database_url: str):
    from data_access.db import get_engine

    return get_engine(demo_database_url)


@pytest.fixture(scope="session")
def demo_server(live_server_factory, demo_database_url: str) -> str:
    """The app under gunicorn on the demo database; 'today' pinned to the demo's as-of date."""
    return live_server_factory(demo_database_url, env={"DASHBOARD_TODAY": DEMO_AS_OF})
