"""The app under gunicorn as the tests run it, plus an access log of each request's own time."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from tests.fixtures.processes import HEALTH_PATH, GunicornServer, ServerExited


class BenchServer(GunicornServer):
    """dashboard.wsgi:server on 127.0.0.1:<free port> with 'today' pinned to ``as_of``; its log
    and access log in ``scratch``, named after ``name``."""

    ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(D)s"  # %(D)s: request time in microseconds

    def __init__(self, database_url: str, as_of: str, scratch: Path, name: str = "gunicorn",
                 env_overrides: Mapping[str, str] | None = None) -> None:
        self.access_path = scratch / f"{name}-access.log"
        super().__init__(
            database_url, scratch / f"{name}.log",
            env={"DASHBOARD_TODAY": as_of, **(env_overrides or {})},
            extra_args=["--access-logfile", str(self.access_path),
                        "--access-logformat", self.ACCESS_FORMAT],
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
