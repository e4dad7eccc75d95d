"""A cache for data-access functions and rendered pages, invalidated whenever an import lands.

Two levels. The first is this process's memory. The second, once share() has set it up (the
app factory does), is a folder or a Redis server that every worker and host reads: what one
worker computed, the others take instead of computing it again.

Keys include the data version (the newest import), read at most every few seconds, so a page
never shows figures older than the last import for longer than that. Nothing else removes an
entry but its age and, for the folder, its bound on the number of files.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import os
import pickle
import sys
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast, overload

import pandas as pd
from cachelib import BaseCache, FileSystemCache, RedisCache
from sqlalchemy import Engine, select

from data_access.models import ImportLog
from data_access.paths import PROJECT_ROOT

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)

MAX_ENTRIES = 512
VERSION_CHECK_SECONDS = 5.0
TTL_SECONDS = 600.0
# The shared level outlives processes; an hour keeps a meeting's pages without keeping a
# superseded data version's entries for long.
SHARED_TTL_SECONDS = 3600
DEFAULT_FOLDER = PROJECT_ROOT / "var" / "cache"
# Files in the folder before the oldest go: a page is 10-50 kB compressed, most query results
# a few kB, so the folder stays within some tens of MB.
FOLDER_THRESHOLD = 5000
# How often a process counts the shared folder's files again (_SteppedFolderCache).
RECOUNT_SECONDS = 60.0
REDIS_PREFIX = "shishou-dashboard:"
# After the shared store fails (Redis away, disk full), this process leaves it alone this long.
RETRY_SECONDS = 30.0
# Where a release's code is: part of every shared key (see _release).
RELEASE_PACKAGES = ("dashboard", "callbacks", "layouts", "data_access", "metrics")


class UnstableKey(TypeError):
    """An argument whose repr differs between processes (an object's address, say): it cannot
    be part of a key that other processes compute too."""


@dataclass(frozen=True)
class Codec:
    """How values of one kind are stored in the shared level."""

    dump: Callable[[Any], bytes]
    load: Callable[[bytes], Any]


PICKLE = Codec(functools.partial(pickle.dumps, protocol=pickle.HIGHEST_PROTOCOL), pickle.loads)


class _Store:
    """Least recently used entries, at most max_entries of them."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self.entries: OrderedDict[tuple[Any, ...], tuple[float, Any]] = OrderedDict()


class _SteppedFolderCache(FileSystemCache):
    """cachelib's folder cache, pruned in steps: over its threshold it drops to nine tenths of
    it. cachelib prunes to the threshold itself, so a full folder was scanned (every file
    opened: some 60 ms for 2000 files) on every write; a larger step makes the one write that
    prunes slower (each removal rewrites cachelib's count file).

    The count of files is this process's own, counted again from the folder every
    RECOUNT_SECONDS, not cachelib's count file: that was read twice and written again on every
    value written, four file operations more (a /services page writes 11 values: 14 ms). The
    threshold bounds the folder all the same, give or take what the other workers wrote since
    the last count."""

    def __init__(self, folder: str, threshold: int, timeout: int) -> None:
        self._pruning = threading.local()
        self._count_lock = threading.Lock()
        self._count = 0
        self._counted_at = -math.inf
        super().__init__(folder, threshold=threshold, default_timeout=timeout)

    @property
    def _file_count(self) -> int:
        if time.monotonic() - self._counted_at > RECOUNT_SECONDS:
            self._update_count(value=sum(1 for _ in self._list_dir()))
        return self._count

    def _update_count(self, delta: int | None = None, value: int | None = None) -> None:
        with self._count_lock:
            if delta:
                self._count += delta
            else:
                self._count, self._counted_at = value or 0, time.monotonic()

    def _over_threshold(self) -> bool:
        limit = self._threshold * 9 // 10 if getattr(self._pruning, "on", False) \
            else self._threshold
        return self._threshold != 0 and self._file_count > limit

    def _prune(self) -> None:
        if not self._over_threshold():
            return
        self._pruning.on = True
        try:
            super()._prune()
        finally:
            self._pruning.on = False


class _Shared:
    """The second level. A store that fails is skipped for a while: values are then computed
    here, never refused."""

    def __init__(self, backend: BaseCache, errors: tuple[type[Exception], ...]) -> None:
        self.backend = backend
        self.errors = errors
        self.resume_at = 0.0

    def get(self, key: str) -> Any:
        if time.monotonic() < self.resume_at:
            return None
        try:
            return self.backend.get(key)
        except self.errors as failure:
            self._pause(failure)
            return None

    def put(self, key: str, payload: bytes) -> None:
        if time.monotonic() < self.resume_at:
            return
        try:
            self.backend.set(key, payload)
        except self.errors as failure:
            self._pause(failure)

    def _pause(self, failure: Exception) -> None:
        log.warning("shared cache unavailable, retried in %.0f s: %s", RETRY_SECONDS, failure)
        self.resume_at = time.monotonic() + RETRY_SECONDS


_lock = threading.Lock()
_common = _Store(MAX_ENTRIES)
_stores: list[_Store] = [_common]
# url -> (when read, (newest import id, its stamp))
_versions: dict[str, tuple[float, tuple[int, str]]] = {}
_second: _Shared | None = None
_MISSING: Any = object()


def share(*, redis_url: str = "", folder: str | os.PathLike[str] = DEFAULT_FOLDER) -> None:
    """Puts a shared level behind this process's: Redis at redis_url when given, else files in
    folder. Until it is called (the CLI, most tests) each process keeps only its own."""
    global _second
    _second = _redis_level(redis_url) if redis_url else _Shared(
        _SteppedFolderCache(os.fspath(folder), FOLDER_THRESHOLD, SHARED_TTL_SECONDS), (OSError,))
    _release()  # now, from the code this process has just loaded, and not on a first request


def stop_sharing() -> None:
    global _second
    _second = None


def _redis_level(url: str) -> _Shared:
    # Imported here: only servers given a REDIS_URL load the client.
    import redis

    # Short timeouts: an unreachable server costs a request one second, then RETRY_SECONDS off.
    client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
    backend = RedisCache(client, default_timeout=SHARED_TTL_SECONDS, key_prefix=REDIS_PREFIX)
    return _Shared(backend, (redis.RedisError, OSError))


def data_version(engine: Engine) -> int:
    return _data_stamp(engine)[0]


def _data_stamp(engine: Engine) -> tuple[int, str]:
    """The newest import's id, and the id with that import's time and file hash. The id alone
    comes back after a database is rebuilt or a backup restored, while the shared level keeps
    entries across restarts."""
    url = str(engine.url)
    now = time.monotonic()
    checked = _versions.get(url)
    if checked and now - checked[0] < VERSION_CHECK_SECONDS:
        return checked[1]
    newest = (select(ImportLog.id, ImportLog.imported_at, ImportLog.sha256)
              .order_by(ImportLog.id.desc()).limit(1))
    with engine.connect() as connection:
        row = connection.execute(newest).first()
    stamp = (row.id, f"{row.id}/{row.imported_at}/{row.sha256}") if row else (0, "0")
    _versions[url] = (now, stamp)
    return stamp


@functools.cache
def _release() -> str:
    """The application's code, its pinned libraries and the Python that made an entry: hosts
    on another release, or a worker started before an upgrade, never read each other's
    entries (a frame pickled by another pandas, a page drawn by other code)."""
    digest = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    paths = [path for package in RELEASE_PACKAGES
             for path in (PROJECT_ROOT / package).rglob("*.py")]
    for path in sorted([*paths, PROJECT_ROOT / "requirements.txt"]):
        digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _stable_repr(value: Any) -> str:
    """repr, the same in every process: sets sorted (their order follows string hashes, which
    differ between processes) and no object addresses."""
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(_stable_repr(item) for item in value)) + "}"
    if isinstance(value, dict):
        items = sorted(f"{_stable_repr(k)}: {_stable_repr(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return f"{type(value).__name__}({', '.join(_stable_repr(item) for item in value)})"
    text = repr(value)
    if " at 0x" in text:
        raise UnstableKey(f"{text} differs between processes: pass stable values to the cache")
    return text


def clear(*, shared: bool = True) -> None:
    """Forgets what this process keeps and the data versions it read; with shared, also
    everything in the shared level (tests change data without an import and start over)."""
    with _lock:
        for store in _stores:
            store.entries.clear()
        _versions.clear()
    if shared and _second is not None:
        _second.backend.clear()


def _handed_out(value: Any) -> Any:
    """What a caller gets: its own object, so nothing it does reaches the cache. pandas objects
    are copied shallowly: with copy-on-write (always on since pandas 3) a write to the copy
    copies the data first, and a page asks the cache for frames dozens of times."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy(deep=False)
    return value.copy() if hasattr(value, "copy") else value


class Memo:
    """Values of one kind, kept under a name in both levels. `@cached` makes one per function;
    a caller whose computation needs more than its key (the router's pages need the app's
    context) uses one directly. `max_entries` gives it a store of its own in this process, for
    large values that should not push out the common ones."""

    def __init__(self, name: str, *, max_entries: int | None = None,
                 codec: Codec = PICKLE, serialized: bool = False) -> None:
        self.name = name
        self.codec = codec
        # Kept in this process as the codec's bytes and handed out as the codec loads them. A
        # rendered page is thousands of Python objects (each Dash component has lists of its
        # own) that every full collection of the garbage collector walked: 48 pages were
        # some 100,000 objects, 50-90 ms a collection, taken from whichever request set it off.
        self.serialized = serialized
        self.store = _common
        if max_entries is not None:
            self.store = _Store(max_entries)
            with _lock:
                _stores.append(self.store)

    def get(self, engine: Engine, args: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """The value for args on the engine's current data: this process's, else the shared
        level's, else compute()'s. args must be hashable with a stable repr."""
        url = str(engine.url)  # SQLAlchemy shows the password as ***
        stamp = _data_stamp(engine)[1]
        key = (self.name, url, stamp, args)
        now = time.monotonic()
        with _lock:
            hit = self.store.entries.get(key)
            held = hit[1] if hit is not None and now - hit[0] < TTL_SECONDS else _MISSING
            if held is not _MISSING:
                self.store.entries.move_to_end(key)
        if held is not _MISSING:
            return self.codec.load(held) if self.serialized else _handed_out(held)
        kept, value = self._shared_or_computed(key, compute)
        with _lock:
            self.store.entries[key] = (now, kept)
            while len(self.store.entries) > self.store.max_entries:
                self.store.entries.popitem(last=False)
        return value if self.serialized else _handed_out(value)

    def _shared_or_computed(self, key: tuple[Any, ...],
                            compute: Callable[[], Any]) -> tuple[Any, Any]:
        """(what this process keeps, the value): the value itself, or with `serialized` its
        bytes and the value as loaded from them, the same whether it was computed here or
        taken from the shared level."""
        # Checked with or without a shared level: most tests run without one.
        text = _stable_repr(key)
        second = _second
        shared_key = ""
        if second is not None:
            shared_key = hashlib.sha256(f"{_release()}|{text}".encode()).hexdigest()
            taken = self._loaded(second.get(shared_key))
            if taken is not _MISSING:
                return taken
        value = compute()
        if second is None and not self.serialized:
            return value, value
        payload = self.codec.dump(value)
        if second is not None:
            second.put(shared_key, zlib.compress(payload, 1))
        return (payload, self.codec.load(payload)) if self.serialized else (value, value)

    def _loaded(self, payload: Any) -> Any:
        """(kept, value) of a shared entry, or _MISSING."""
        if payload is None:
            return _MISSING
        try:
            raw = zlib.decompress(payload)
            value = self.codec.load(raw)
        # Whatever a damaged or foreign entry raises (unpickling can raise nearly anything),
        # it is a miss: the value is computed again and the entry overwritten.
        except Exception as failure:
            log.warning("unreadable shared cache entry for %s: %r", self.name, failure)
            return _MISSING
        return (raw if self.serialized else value), value


@overload
def cached(function: F, *, max_entries: int | None = None) -> F: ...


@overload
def cached(function: None = None, *, max_entries: int | None = None) -> Callable[[F], F]: ...


def cached(function: F | None = None, *, max_entries: int | None = None) -> Any:
    """Caches a function whose first argument is the engine; its other arguments must be
    hashable, with a repr that is the same in every process (UnstableKey otherwise). Its
    values are pickled in the shared level."""

    def decorate(function: F) -> F:
        memo = Memo(f"{function.__module__}.{function.__qualname__}", max_entries=max_entries)

        @functools.wraps(function)
        def wrapper(engine: Engine, *args: Any, **kwargs: Any) -> Any:
            return memo.get(engine, (args, tuple(sorted(kwargs.items()))),
                            lambda: function(engine, *args, **kwargs))

        # functools.wraps types the wrapper as its own kind of callable; it is called as F.
        return cast(F, wrapper)

    return decorate(function) if function is not None else decorate
