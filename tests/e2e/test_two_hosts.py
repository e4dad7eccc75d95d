"""Several hosts: two app servers on different ports share one PostgreSQL and one Redis, and
jobs run on a separate Celery worker. A page drawn by one host is served from the shared cache
by the other, and a PDF asked for on one host is made by the worker and followed on the other.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from data_access.importing.runner import import_file
from layouts import ids
from tests.dbutil import fresh_database
from tests.fixtures.accounts import accounts_in, sign_in
from tests.fixtures.processes import REPO_ROOT, GunicornServer, app_env, stop_process
from tests.integration.test_postgres import _files

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
WEEK = "2025-W42"  # the files' cases were finished in October 2025


class CeleryWorker:
    def __init__(self, database_url: str, env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "dashboard.tasks", "worker",
                 "--concurrency", "2", "--loglevel", "INFO", "--without-gossip",
                 "--without-mingle", "--without-heartbeat"],
                cwd=REPO_ROOT, env=app_env(database_url, env), stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while "ready." not in self.log():
            assert self.process.poll() is None, f"the worker exited:\n{self.log()[-3000:]}"
            assert time.monotonic() < deadline, f"the worker is not ready:\n{self.log()[-3000:]}"
            time.sleep(0.2)


@pytest.fixture
def hosts(fresh_postgres_url, redis_url, tmp_path) -> Iterator[tuple[list[str], CeleryWorker]]:
    engine = fresh_database(fresh_postgres_url)
    for path in _files(tmp_path):
        import_file(engine, path)
    env = {"REDIS_URL": redis_url, "DASHBOARD_TODAY": "2025-10-31",
           "DASHBOARD_LOGIN_RATE": "600 per minute"}
    worker = CeleryWorker(fresh_postgres_url, env, tmp_path / "celery.log")
    servers = [GunicornServer(fresh_postgres_url, tmp_path / f"host-{n}.log", env=env)
               for n in (1, 2)]
    try:
        for server in servers:
            status, _ = server.wait_until_answering(60)
            assert status == 200, server.log()[-3000:]
        worker.wait_until_ready()
        yield [server.base_url for server in servers], worker
    finally:
        for server in servers:
            server.stop()
        stop_process(worker.process)
        engine.dispose()


def _router(pathname: str, search: str) -> str:
    """The router callback's POST as dash-renderer sends it."""
    return json.dumps({
        "output": f"{ids.PAGE}.children", "outputs": {"id": ids.PAGE, "property": "children"},
        "inputs": [{"id": ids.URL, "property": "pathname", "value": pathname},
                   {"id": ids.URL, "property": "search", "value": search}],
        "changedPropIds": [f"{ids.URL}.pathname"], "state": []})


def _writes(client: redis.Redis) -> int:
    stats = client.info("commandstats")
    return sum(stats.get(f"cmdstat_{name}", {}).get("calls", 0)
               for name in ("set", "setex", "psetex", "mset", "hset"))


def test_two_hosts_share_the_cache_and_the_jobs(hosts, page, fresh_postgres_url,
                                                redis_url) -> None:
    (first, second), worker = hosts
    leader = accounts_in(fresh_postgres_url)["leader"]
    context = page.context
    # The session lives in the database: signed in on one host, known on both (cookies go
    # by host name, not port).
    sign_in(context, first, leader)
    csrf = next(c["value"] for c in context.cookies() if c["name"] == "_csrf_token")
    headers = {"X-CSRFToken": csrf, "Content-Type": "application/json"}
    store = redis.Redis.from_url(redis_url)

    page = _router("/township/421081105000", "?period=2025-10")
    drawn = context.request.post(f"{first}/_dash-update-component", data=page, headers=headers)
    assert drawn.status == 200, drawn.text()[:300]
    writes, hits = _writes(store), store.info("stats")["keyspace_hits"]
    served = context.request.post(f"{second}/_dash-update-component", data=page, headers=headers)
    assert served.status == 200
    assert json.loads(served.body()) == json.loads(drawn.body())
    # The second host read the page from Redis and computed nothing it had to store.
    assert store.info("stats")["keyspace_hits"] > hits
    assert _writes(store) == writes

    queued = context.request.post(f"{first}/weekly/pdf?week={WEEK}",
                                  headers={"X-CSRFToken": csrf}, max_redirects=0)
    assert queued.status == 303, queued.text()[:300]
    export_id = int(queued.headers["location"].rsplit("/", 1)[1])
    deadline = time.monotonic() + 120
    while True:
        status = context.request.get(f"{second}/weekly/export/{export_id}/pdf-status").json()
        if status["state"] in ("done", "failed") or time.monotonic() > deadline:
            break
        assert not status["stalled"], status  # the job's progress is in Redis, seen by both
        time.sleep(0.3)
    assert status["state"] == "done", (status, worker.log()[-3000:])
    made = context.request.get(f"{second}/weekly/export/{export_id}.pdf")
    assert made.body().startswith(b"%PDF")
    # Made by the worker: it received the job, and reports it done once the process ends.
    assert re.search(r"Task dashboard\.job\[[\w-]+\] received", worker.log())
    deadline = time.monotonic() + 30
    while not re.search(r"Task dashboard\.job\[[\w-]+\] succeeded", worker.log()):
        assert time.monotonic() < deadline, worker.log()[-3000:]
        time.sleep(0.2)
