"""Background jobs' commands: the processes that import an upload sent through /data and
print a stored export's PDF."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
from collections.abc import Callable

from dashboard.config import Settings
from data_access.db import get_engine
from data_access.pdf_jobs import run_pdf_job
from data_access.uploads import run_undo, run_upload


def add_commands(commands: argparse._SubParsersAction) -> None:
    job = commands.add_parser(
        "run-upload", help="import an upload queued by the /data page (started by the app)",
        description="The /data page starts this for each file it receives; run by hand only "
                    "to retry a job whose process was stopped.")
    job.add_argument("upload_id", type=int)
    job.add_argument("--undo", action="store_true", help="undo its import (queued by /data)")
    job.add_argument("--by", default="(cli)", help="who asked for the undo")
    printing = commands.add_parser(
        "print-export", help="print a stored export's queued PDF (started by the app)",
        description="The weekly page's PDF export starts this for each export; run by hand "
                    "only to retry a job whose process was stopped.")
    printing.add_argument("export_id", type=int)
    printing.add_argument("--base", required=True,
                          help="where chromium reaches the app, e.g. http://127.0.0.1:8050")


def _run_upload(settings: Settings, args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    now = dt.datetime.now().replace(microsecond=0)
    if settings.today:  # the app's pinned day: the file is checked against it (future dates)
        now = dt.datetime.combine(settings.today, now.time())
    engine = get_engine(settings.database_url)
    if args.undo:
        state = run_undo(engine, args.upload_id, now, args.by)
        print(f"upload #{args.upload_id}: {state}")
        return 0 if state == "undone" else 1
    state = run_upload(engine, args.upload_id, now)
    print(f"upload #{args.upload_id}: {state}")
    return 0 if state in ("imported", "rejected") else 1


def _print_export(settings: Settings, args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    engine = get_engine(settings.database_url)

    def printed(export: dict) -> bytes:
        # Built once the job has its turn, not while it waits: ten queued jobs would otherwise
        # build ten apps at once on the web workers' CPUs. The app signs chromium's session
        # cookie: it prints as the user who asked.
        from dashboard.app import create_app
        from dashboard.pdf import print_export

        return print_export(create_app(settings).server, engine, export, args.base)

    state = run_pdf_job(engine, args.export_id, printed, settings.pdf_slots,
                        lambda: dt.datetime.now().replace(microsecond=0))
    print(f"export #{args.export_id}: PDF {state}")
    return 0 if state == "done" else 1


HANDLERS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "run-upload": _run_upload, "print-export": _print_export}
