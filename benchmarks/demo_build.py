"""Step 1: the demo build + import, `python -m dashboard demo-data` into a new SQLite file."""

from __future__ import annotations

import argparse
import subprocess
import time
from pathlib import Path

from benchmarks.report import Report, heading
from benchmarks.settings import TARGET_BUILD_S
from benchmarks.stats import fmt_s
from tests.fixtures.processes import REPO_ROOT, app_env, demo_data_command


def build_demo_database(args: argparse.Namespace, scratch: Path, report: Report) -> str | None:
    """The new database's URL, or None when the build failed (reported)."""
    heading("1. demo build + import (python -m dashboard demo-data)")
    path = scratch / "bench.sqlite3"
    url = f"sqlite:///{path}"
    command = demo_data_command(args.as_of)
    print(f"  $ DATABASE_URL={url} python {' '.join(command[1:])}")
    started = time.perf_counter()
    try:
        result = subprocess.run(command, cwd=REPO_ROOT, env=app_env(url), capture_output=True,
                                text=True, timeout=args.build_timeout, stdin=subprocess.DEVNULL,
                                check=False)
    except subprocess.TimeoutExpired:
        report.error("demo build + import", f"did not finish within {args.build_timeout:.0f} s")
        return None
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-30:])
        report.error("demo build + import", f"exit {result.returncode}:\n{tail}")
        return None
    for line in result.stdout.splitlines():
        print(f"    {line}")
    size = sum(p.stat().st_size for p in scratch.glob("bench.sqlite3*"))
    print(f"  wall time {elapsed:.1f} s, database {size / 1e6:.0f} MB")
    report.add("demo build + import (wall)", fmt_s(elapsed), f"<= {TARGET_BUILD_S:.0f} s",
               elapsed <= TARGET_BUILD_S)
    return url
