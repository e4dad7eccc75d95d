"""What the figures were measured on: the machine, its load, the checkout's revision."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
from pathlib import Path

from tests.fixtures.processes import REPO_ROOT


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return "?"


def git_revision() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT,
                              capture_output=True, text=True, timeout=10, check=False)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=REPO_ROOT, capture_output=True, text=True, timeout=10,
                               check=False)
    except (OSError, subprocess.SubprocessError):
        return "?"
    revision = head.stdout.strip() or "?"
    return revision + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "?"
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 0


def print_machine(args: argparse.Namespace) -> None:
    usable = usable_cpus()
    now = dt.datetime.now().astimezone()
    print("石首督导看板 benchmark")
    print(f"  date      {now.isoformat(timespec='seconds')}")
    print(f"  machine   nproc={usable}  cpu={cpu_model()}  memory={memory_total()}")
    print(f"  system    {platform.platform()}  python {platform.python_version()}")
    print(f"  revision  {git_revision()}")
    print(f"  load avg  {load_average()} (1/5/15 min) at start")
    try:
        if os.getloadavg()[0] > usable:
            print("  note      the machine is already busy (load > nproc): other processes share "
                  "the CPUs, figures will be slower than on an idle machine")
    except OSError:
        pass
    print(f"  settings  as-of {args.as_of}, API rounds {args.rounds}, drill rounds "
          f"{args.drill_rounds} (+1 cold), pause {args.pause:.2f} s between steps")
    print(f"  steps     {', '.join(sorted(args.steps))}; mix {args.mix_viewers} viewers "
          f"{args.mix_duration:.0f} s (+{args.mix_warmup:.0f} s warm-up); {args.pdf_exports} "
          f"PDF exports of {args.pdf_week}")
