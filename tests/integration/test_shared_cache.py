"""The shared cache level: a page one worker process drew, another serves from the folder (or
from Redis) without drawing it, until an import moves the data version.

The workers are real processes started from this module (_serve, at the end), each set up by
the app factory from its environment as gunicorn's workers are. Each counts the pages it draws
itself, so that a page served from the shared level is told apart from one drawn again.
"""

from __future__ import annotations

import hashlib
import json
import os
import select
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from callbacks import router
from callbacks.context import AppContext
from dashboard.app import create_app
from dashboard.config import Settings
from data_access import cache
from data_access.db import get_engine
from layouts import ids
from tests.fixtures.accounts import SignedInClient, accounts_in
from tests.fixtures.processes import REPO_ROOT, app_env, free_port, stop_process
from tests.integration.test_page_cache import (
    TIAOGUAN,
    TODAY,
    cases_on_card,
    change_cases_without_import,
    log_an_import,
    sent,
)

PAGE = f"/township/{TIAOGUAN}?period=2026-10&indicator=service_cases"
ANSWER_SECONDS = 120


class Worker:
    """A worker process on the database, its shared level chosen by `env`; asked for pages
    one at a time through its stdin."""

    def __init__(self, database: str, env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        settings = {"DASHBOARD_TODAY": TODAY.isoformat(), "DASHBOARD_SECRET_KEY": "test", **env}
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", __name__], cwd=REPO_ROOT,
                env=app_env(database, settings), stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=log, text=True)

    def render(self, page: str) -> dict:
        """renders: pages this worker drew so far; cases: the service_cases card's value;
        digest: of what Dash sends; touched: file operations in the cache folder for it."""
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(page + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], ANSWER_SECONDS)
        line = self.process.stdout.readline() if ready else ""
        assert line, f"the worker gave no answer; its stderr:\n{self.log_path.read_text()[-4000:]}"
        return json.loads(line)

    def stop(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        stop_process(self.process)


@pytest.fixture
def database(demo_copy: Callable[[str], str]) -> str:
    return demo_copy("shared_cache")


@pytest.fixture(params=["folder", "redis"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """The environment that gives the workers a shared level: a folder, or a Redis server."""
    if request.param == "redis":
        return {"REDIS_URL": request.getfixturevalue("redis_url"), "DASHBOARD_SHARED_CACHE": "1"}
    return {"DASHBOARD_CACHE_DIR": str(tmp_path / "cache"), "REDIS_URL": "",
            "DASHBOARD_SHARED_CACHE": "1"}


@pytest.fixture
def workers(database: str, tmp_path: Path) -> Iterator[Callable[..., list[Worker]]]:
    """start(env, count) -> that many workers on the database, started together."""
    started: list[Worker] = []

    def start(env: dict[str, str], count: int = 2) -> list[Worker]:
        new = [Worker(database, env, tmp_path / f"worker-{len(started) + i}.log")
               for i in range(count)]
        started.extend(new)
        return new

    yield start
    for worker in started:
        worker.stop()


def _shared_reads(shared: dict[str, str], answer: dict) -> int:
    """How often the shared level was read or written for an answer: file operations in the
    folder (the worker counts them), or GET commands the Redis server has run so far."""
    if not shared["REDIS_URL"]:
        return answer["touched"]
    import redis

    stats = redis.Redis.from_url(shared["REDIS_URL"]).info("commandstats")
    return int(stats.get("cmdstat_get", {}).get("calls", 0))


def test_a_page_one_worker_drew_is_served_to_another_until_an_import(
        workers, database: str, shared: dict[str, str]) -> None:
    first, second = workers(shared)
    engine = get_engine(database)
    drawn = first.render(PAGE)
    assert drawn["renders"] == 1 and float(drawn["cases"]) > 0

    # Without an import nothing is drawn again, whatever changed in the tables: the second
    # worker, which never drew the page, sends the first one's, byte for byte.
    change_cases_without_import(engine)
    taken = second.render(PAGE)
    assert taken["renders"] == 0, "the second worker drew the page instead of taking it"
    assert (taken["digest"], taken["cases"]) == (drawn["digest"], drawn["cases"])

    # An import: both drop the page they hold. The one asked first draws it from the new data,
    # the other takes that drawing.
    log_an_import(engine)
    redrawn = second.render(PAGE)
    assert redrawn["renders"] == 1 and redrawn["cases"] == "0.0"
    caught_up = first.render(PAGE)
    assert caught_up["renders"] == 1 and caught_up["digest"] == redrawn["digest"]


def test_a_page_this_worker_holds_does_not_touch_the_shared_level(
        workers, shared: dict[str, str]) -> None:
    (worker,) = workers(shared, 1)
    drawn = worker.render(PAGE)
    if shared["REDIS_URL"]:
        before = _shared_reads(shared, drawn)
        again = worker.render(PAGE)
        assert _shared_reads(shared, again) == before > 0
    else:
        assert drawn["touched"] > 0  # the count sees the folder
        again = worker.render(PAGE)
        assert again["touched"] == 0
    assert again["renders"] == 1 and again["digest"] == drawn["digest"]


def test_without_the_shared_level_each_worker_draws_its_own(workers, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    first, second = workers({"DASHBOARD_SHARED_CACHE": "0", "DASHBOARD_CACHE_DIR": str(folder),
                             "REDIS_URL": ""})
    assert first.render(PAGE)["renders"] == second.render(PAGE)["renders"] == 1
    assert not folder.exists()


@pytest.fixture
def shared_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder for a shared level this process sets up; none afterwards."""
    yield tmp_path / "cache"
    cache.stop_sharing()
    cache.clear()


def test_dash_sends_a_page_from_the_shared_level_as_it_sends_a_drawn_one(
        database: str, shared_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings.from_env(database_url=database, today=TODAY, shared_cache=True,
                                 redis_url="", cache_dir=str(shared_folder))
    client = SignedInClient(create_app(settings), accounts_in(database)["leader"])
    drawn_pages = []
    draw = router._framed_page
    monkeypatch.setattr(router, "_framed_page",
                        lambda *args: drawn_pages.append(args[3]) or draw(*args))
    path, _, search = PAGE.partition("?")
    body = {"output": f"{ids.PAGE}.children",
            "outputs": {"id": ids.PAGE, "property": "children"},
            "inputs": [{"id": ids.URL, "property": "pathname", "value": path},
                       {"id": ids.URL, "property": "search", "value": f"?{search}"}],
            "changedPropIds": [f"{ids.URL}.pathname"]}
    drawn = client.post_json("/_dash-update-component", body)
    # Forgotten here, as by a worker that never drew it: the shared level's JSON form answers.
    cache.clear(shared=False)
    served = client.post_json("/_dash-update-component", body)
    assert drawn.status_code == served.status_code == 200
    assert drawn_pages == [path]
    assert served.get_data() == drawn.get_data()
    assert cases_on_card(served.get_json()["response"][ids.PAGE]["children"]) == \
        cases_on_card(drawn.get_json()["response"][ids.PAGE]["children"])


def test_shared_entries_expire_and_the_folder_stays_bounded(
        database: str, shared_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "SHARED_TTL_SECONDS", 1)
    monkeypatch.setattr(cache, "FOLDER_THRESHOLD", 8)
    cache.share(folder=shared_folder)
    engine = get_engine(database)
    memo, computed = cache.Memo(f"{__name__}.squares"), []

    def square(number: int) -> int:
        computed.append(number)
        return number * number

    for number in range(20):
        assert memo.get(engine, (number,), lambda n=number: square(n)) == number * number
    # cachelib prunes before it writes, so one file more, and keeps one of its own (the count)
    assert len(os.listdir(shared_folder)) <= cache.FOLDER_THRESHOLD + 2
    cache.clear(shared=False)
    assert memo.get(engine, (19,), lambda: square(19)) == 361 and computed.count(19) == 1
    time.sleep(2.1)  # cachelib keeps expiry times in whole seconds
    cache.clear(shared=False)
    assert memo.get(engine, (19,), lambda: square(19)) == 361 and computed.count(19) == 2


def test_an_unreachable_redis_costs_the_cache_not_the_page(
        database: str, shared_folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache.share(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    memo = cache.Memo(f"{__name__}.answer")
    assert memo.get(get_engine(database), (1,), lambda: 42) == 42
    assert "shared cache unavailable" in caplog.text


def test_a_key_that_would_differ_between_processes_is_refused(database: str) -> None:
    memo = cache.Memo(f"{__name__}.echo")
    with pytest.raises(cache.UnstableKey, match="object at 0x"):
        memo.get(get_engine(database), (object(),), lambda: None)
    # A set's order follows string hashes, which differ between processes: sorted in the key.
    assert memo.get(get_engine(database), (frozenset({"b", "a"}),), lambda: 1) == 1


# --- the worker process ------------------------------------------------------------------------

def _count_renders() -> list[int]:
    """[pages this process has drawn]: the router's drawing counted."""
    count = [0]
    draw = router._framed_page

    def counted(*args: object) -> object:
        count[0] += 1
        return draw(*args)  # type: ignore[arg-type]

    router._framed_page = counted  # type: ignore[assignment]
    return count


def _count_touches(folder: str) -> list[int]:
    """[file operations in folder so far], seen through the interpreter's audit events (open,
    listdir, remove, rename...), whoever makes them."""
    count = [0]
    if not folder:
        return count
    # Worked out here: the hook itself must not touch the file system.
    roots = (folder, os.path.realpath(folder))

    def hook(event: str, args: tuple) -> None:
        first = args[0] if args else None
        if isinstance(first, str | os.PathLike) and os.fspath(first).startswith(roots):
            count[0] += 1

    sys.addaudithook(hook)
    return count


def _serve() -> None:
    settings = Settings.from_env()
    create_app(settings)  # sets up the shared level, as in every gunicorn worker
    cache.VERSION_CHECK_SECONDS = 0.0  # an import is seen at once, not within seconds
    context = AppContext(settings, get_engine(settings.database_url))
    renders, touched = _count_renders(), _count_touches(settings.cache_dir)
    for line in sys.stdin:
        path, _, search = line.strip().partition("?")
        before = touched[0]
        page = sent(router.render_page(context, path, f"?{search}"))
        print(json.dumps({"renders": renders[0], "cases": cases_on_card(json.loads(page)),
                          "digest": hashlib.sha256(page.encode()).hexdigest(),
                          "touched": touched[0] - before}), flush=True)


if __name__ == "__main__":
    _serve()
