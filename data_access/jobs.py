"""Work that leaves the request: a process of its own per job, on this host.

A web worker starts `python -m dashboard <command> <args>` and answers at once; the job keeps
its state in the database and its live progress in a small file (JOBS_DIR/<token>.json) that
every web worker of the host can read, since a long import's transaction holds SQLite's write
lock. With several hosts (REDIS_URL set), the job goes to a Celery worker (dashboard/tasks.py)
and its progress to Redis. Jobs of a kind take turns through lock files on the host that runs
them: one import at a time (imports write one at a time anyway), a few PDFs at a time (each
is a chromium). A local job's process is reaped by a thread of the web worker so that none is
left a zombie.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

from sqlalchemy import Engine

from data_access.paths import PROJECT_ROOT

JOBS_DIR = PROJECT_ROOT / "var" / "jobs"
# A job that has not told its progress for this long has died (the host restarted, say).
STALE_AFTER_S = 180
QUEUE_HEARTBEAT_S = 5.0


JOB_TASK = "dashboard.job"
# When REDIS_URL is set (several hosts serve), jobs go to Celery workers through Redis, and
# their progress to Redis, where every host reads it; otherwise a process on this host, and
# files under JOBS_DIR.
_redis_url = ""
PROGRESS_TTL_S = 24 * 3600


def configure(redis_url: str) -> None:
    global _redis_url
    _redis_url = redis_url


def job_environment(database_url: str, today: dt.date | None) -> dict[str, str]:
    """What a job needs besides its host's own environment: the database the request used and
    the app's pinned day (tests, demonstrations), if any."""
    env = {"DATABASE_URL": database_url}
    if today is not None:
        env["DASHBOARD_TODAY"] = today.isoformat()
    return env


def start_job(engine: Engine, today: dt.date | None, *args: str) -> None:
    env = job_environment(engine.url.render_as_string(hide_password=False), today)
    if _redis_url:
        _celery().send_task(JOB_TASK, args=[list(args), env])
        return
    process = job_process(list(args), env)
    threading.Thread(target=process.wait, daemon=True).start()


def job_process(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    """`python -m dashboard <args>` in a session of its own, on this host."""
    return subprocess.Popen(
        [sys.executable, "-m", "dashboard", *args], cwd=PROJECT_ROOT,
        env={**os.environ, **env}, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)


@functools.cache
def _celery() -> Any:
    from celery import Celery

    return Celery("dashboard", broker=_redis_url)


@functools.cache
def _redis() -> Any:
    import redis

    return redis.Redis.from_url(_redis_url)


# --- progress --------------------------------------------------------------------------------

def write_progress(token: str, phase: str, share: float) -> None:
    text = json.dumps({"phase": phase, "share": round(share, 3), "at": time.time()})
    if _redis_url:
        _redis().set(f"dashboard:job:{token}", text, ex=PROGRESS_TTL_S)
        return
    JOBS_DIR.mkdir(parents=True, exist_ok=True)
    path = JOBS_DIR / f"{token}.json"
    scratch = path.with_suffix(".tmp")
    scratch.write_text(text)
    scratch.replace(path)  # readers never see half a file


def read_progress(token: str) -> dict[str, Any] | None:
    try:
        text = _redis().get(f"dashboard:job:{token}") if _redis_url \
            else (JOBS_DIR / f"{token}.json").read_text()
        return None if text is None else dict(json.loads(text))
    except (OSError, ValueError):
        return None


def forget_progress(token: str) -> None:
    """Once the job's outcome is in its row, the progress has served."""
    if _redis_url:
        _redis().delete(f"dashboard:job:{token}")
    else:
        (JOBS_DIR / f"{token}.json").unlink(missing_ok=True)


def is_stalled(progress: dict[str, Any]) -> bool:
    return (time.time() - float(progress.get("at", 0))) > STALE_AFTER_S


# --- turns -----------------------------------------------------------------------------------

@contextmanager
def turn(token: str, phase: str, slots: Sequence[str]) -> Iterator[None]:
    """Holds one of the host's slots (lock files named `slots`) while the block runs; while it
    waits for one, the job keeps telling it is queued (a job silent for STALE_AFTER_S is shown
    as stopped)."""
    JOBS_DIR.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        locks = [stack.enter_context(open(JOBS_DIR / f"{slot}.lock", "w")) for slot in slots]
        while True:
            held = next((lock for lock in locks if _took(lock)), None)
            if held is not None:
                break
            write_progress(token, phase, 0.0)
            time.sleep(QUEUE_HEARTBEAT_S)
        try:
            yield
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)


def _took(lock: Any) -> bool:
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
