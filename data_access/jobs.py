"""Work that leaves the request: a process of its own per job, on this host.

A web worker starts `python -m dashboard <command> <args>` and answers at once; the job tells
its progress through the database and data_access/uploads.py's progress files. The process is
reaped by a thread of the worker so that none is left a zombie.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading

from sqlalchemy import Engine

from data_access.paths import PROJECT_ROOT


def start_job(engine: Engine, today: dt.date | None, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    if today is not None:  # the app's pinned day (tests, demonstrations): the job's too
        env["DASHBOARD_TODAY"] = today.isoformat()
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard", *args], cwd=PROJECT_ROOT, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    threading.Thread(target=process.wait, daemon=True).start()
