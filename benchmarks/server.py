"""The app under gunicorn as the tests run it, plus an access log of each request's own time."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from benchmarks.settings import LOGIN_RATE
from tests.fixtures.processes import (
    HEALTH_PATH,
    REPO_ROOT,
    GunicornServer,
    ServerExited,
    app_env,
)


class BenchServer(GunicornServer):
    """dashboard.wsgi:server on 127.0.0.1:<free port> with 'today' pinned to ``as_of``; its log
    and access log in ``scratch``, named after ``name``. 1 worker with 4 threads as the tests
    run it, unless ``concurrency`` gives (workers, threads)."""

    ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(D)s"  # %(D)s: request time in microseconds

    def __init__(self, database_url: str, as_of: str, scratch: Path, name: str = "gunicorn",
                 env_overrides: Mapping[str, str] | None = None,
                 concurrency: tuple[int, int] | None = None) -> None:
        self.access_path = scratch / f"{name}-access.log"
        self.database_url = database_url
        # Later options win over the harness's "-w 1 --threads 4".
        sized = ["-w", str(concurrency[0]), "--threads", str(concurrency[1])] \
            if concurrency else []
        super().__init__(
            database_url, scratch / f"{name}.log",
            # A key and a shared cache folder of its own, not the checkout's var/: nothing of
            # the run stays, and no server starts with what an earlier one computed (unless
            # REDIS_URL is set: then that Redis is the shared level, as when served).
            env={"DASHBOARD_TODAY": as_of, "DASHBOARD_LOGIN_RATE": LOGIN_RATE,
                 "DASHBOARD_SECRET_KEY": secrets.token_urlsafe(32),
                 "DASHBOARD_CACHE_DIR": str(scratch / f"{name}-cache"),
                 **(env_overrides or {})},
            extra_args=["--access-logfile", str(self.access_path),
                        "--access-logformat", self.ACCESS_FORMAT, *sized],
        )

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def wait_until_healthy(self, timeout: float) -> float:
        """Seconds from the start until /api/v1/health answered 200 with status ok; raises
        RuntimeError."""
        try:
            status, body = self.wait_until_answering(timeout)
        except ServerExited as exited:
            raise RuntimeError(f"gunicorn exited with {exited.returncode}:\n"
                               f"{self.log_tail()}") from exited
        except TimeoutError as timed_out:
            raise RuntimeError(f"{HEALTH_PATH} did not answer within {timeout:.0f} s:\n"
                               f"{self.log_tail()}") from timed_out
        if status != 200:
            raise RuntimeError(f"health answered {status}: {body[:500]!r}")
        health = json.loads(body)
        if health.get("status") != "ok":
            raise RuntimeError(f"health says {health}")
        return time.perf_counter() - self.started

    def worker_pids(self) -> list[int]:
        """gunicorn's workers: the children of its master process."""
        master = str(self.process.pid)
        workers = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":", 1) for line in status.read_text().splitlines()
                              if ":" in line)
            except OSError:  # ended meanwhile
                continue
            if fields.get("PPid", "").strip() == master:
                workers.append(int(status.parent.name))
        return sorted(workers)

    def access_lines(self) -> list[str]:
        try:
            return self.access_path.read_text(errors="replace").splitlines()
        except OSError:
            return []


def access_durations_ms(lines: Iterable[str], method: str, path_prefix: str) -> list[float]:
    """Server-side durations (ms) from access-log lines "METHOD PATH STATUS MICROSECONDS"."""
    durations = []
    for line in lines:
        parts = line.split()
        if len(parts) == 4 and parts[0] == method and parts[1].startswith(path_prefix):
            try:
                durations.append(int(parts[3]) / 1000.0)
            except ValueError:
                continue
    return durations


def served_concurrency(database_url: str, env_overrides: Mapping[str, str]) -> tuple[int, int]:
    """(workers, threads) that gunicorn.conf.py gives `make serve-gunicorn` on this machine,
    with these environment variables (DASHBOARD_WORKERS, DASHBOARD_THREADS)."""
    read = ("import runpy; c = runpy.run_path('gunicorn.conf.py'); "
            "print(c['workers'], c['threads'])")
    result = subprocess.run([sys.executable, "-c", read], cwd=REPO_ROOT, capture_output=True,
                            text=True, env=app_env(database_url, env_overrides), timeout=60,
                            check=True)
    workers, threads = result.stdout.split()
    return int(workers), int(threads)


def resident_mb(pid: int) -> float:
    """VmRSS of a process in MB (1 MB = 2**20 bytes); nan when it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except (OSError, ValueError, IndexError):
        pass
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far, in seconds; nan when unreadable."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        # After the command's closing parenthesis: state, ppid, ...; utime and stime are the
        # 14th and 15th fields of the line.
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")
