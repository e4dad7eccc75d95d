"""Celery workers for the app's jobs when several hosts serve (REDIS_URL set):

    REDIS_URL=redis://... DATABASE_URL=postgresql+psycopg://... \\
        celery -A dashboard.tasks worker --concurrency 4

A web host sends each job (an upload's import, an undo, a PDF) through Redis; a worker runs it
as the same command a single host runs (`python -m dashboard <args>`), in a process of its own,
and waits for it. Jobs of a kind still take turns on the worker's host (data_access/jobs.py).
"""

from __future__ import annotations

from celery import Celery

from dashboard.config import Settings
from data_access.jobs import JOB_TASK, job_process

app = Celery("dashboard", broker=Settings.from_env().redis_url)
# A job is acknowledged once it has run: a worker that dies mid-job leaves it to another.
app.conf.update(task_acks_late=True, worker_prefetch_multiplier=1,
                broker_connection_retry_on_startup=True)


@app.task(name=JOB_TASK)
def job(args: list[str], env: dict[str, str]) -> int:
    return job_process(args, env).wait()
