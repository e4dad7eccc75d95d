"""Settings read once from the environment; one frozen object passed everywhere."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

from data_access.paths import default_database_url


@dataclass(frozen=True)
class Settings:
    database_url: str
    debug: bool = False
    # Data older than this is flagged as stale on the health endpoint and wall screens.
    stale_after_hours: int = 36
    # Pins "today" (default periods, period lists) for reproducible screens and tests.
    today: dt.date | None = None
    # Where the server's own chromium reaches the app to print PDFs; default: the request's host.
    internal_url: str = ""
    # Keep rendered drill-down pages until the next import (DASHBOARD_PAGE_CACHE=0: render each
    # request; the benchmark measures both).
    page_cache: bool = True
    # A cache level behind each worker's own, read by every worker and host: Redis at
    # redis_url (REDIS_URL) when set, else files in cache_dir (default var/cache).
    # DASHBOARD_SHARED_CACHE=0: each worker keeps only its own.
    shared_cache: bool = True
    redis_url: str = ""
    cache_dir: str = ""
    # Signs the session cookie; default: a random key kept in var/secret-key (mode 0600).
    secret_key: str = ""
    # Session and CSRF cookies only over HTTPS (behind the county's HTTPS reverse proxy).
    secure_cookies: bool = False
    # Where Flask-Limiter counts login attempts: memory:// per process, redis://... when
    # several hosts serve.
    limiter_storage: str = "memory://"
    login_rate: str = "10 per minute"  # login attempts per address, beside the lockout
    # Single sign-on behind the extranet's proxy: the header naming the signed-in user, trusted
    # only from these proxy addresses (both empty: off).
    # Reverse proxies in front (nginx: 1): the client's address and scheme are then read from
    # X-Forwarded-For / X-Forwarded-Proto, for the audit log and the login rate limit.
    proxy_count: int = 0
    auth_proxy_header: str = ""
    auth_proxy_addresses: tuple[str, ...] = ()
    # The largest file the /data page accepts, refused before it is read.
    upload_max_mb: int = 50
    # PDFs printed at once on this host (each a chromium of about 200 MB); more wait their turn.
    # Half the CPUs by default: on 2 cores one print keeps the pages quick (health p95 63 ms
    # while 10 PDFs are asked at once, 240 ms with two prints at a time).
    pdf_slots: int = 1

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": os.environ.get("DATABASE_URL") or default_database_url(),
            "debug": os.environ.get("DASHBOARD_DEBUG", "0") == "1",
            "stale_after_hours": int(os.environ.get("DASHBOARD_STALE_HOURS", "36")),
            "internal_url": os.environ.get("DASHBOARD_INTERNAL_URL", "").rstrip("/"),
            "page_cache": os.environ.get("DASHBOARD_PAGE_CACHE", "1") != "0",
            "shared_cache": os.environ.get("DASHBOARD_SHARED_CACHE", "1") != "0",
            "redis_url": os.environ.get("REDIS_URL", ""),
            "cache_dir": os.environ.get("DASHBOARD_CACHE_DIR", ""),
            "secret_key": os.environ.get("DASHBOARD_SECRET_KEY", ""),
            "secure_cookies": os.environ.get("DASHBOARD_SECURE_COOKIES", "0") == "1",
            "limiter_storage": os.environ.get("DASHBOARD_LIMITER_STORAGE", "memory://"),
            "login_rate": os.environ.get("DASHBOARD_LOGIN_RATE", "10 per minute"),
            "proxy_count": int(os.environ.get("DASHBOARD_PROXY_COUNT", "0")),
            "auth_proxy_header": os.environ.get("DASHBOARD_AUTH_PROXY_HEADER", ""),
            "auth_proxy_addresses": tuple(
                a.strip() for a in os.environ.get("DASHBOARD_AUTH_PROXY_ADDRESSES", "").split(",")
                if a.strip()),
            "upload_max_mb": int(os.environ.get("DASHBOARD_UPLOAD_MAX_MB", "50")),
            "pdf_slots": int(os.environ.get("DASHBOARD_PDF_SLOTS", "0")) or max(
                1, (os.cpu_count() or 2) // 2),
            "today": (dt.date.fromisoformat(os.environ["DASHBOARD_TODAY"])
                      if os.environ.get("DASHBOARD_TODAY") else None),
        }
        values.update(overrides)
        return cls(**values)
