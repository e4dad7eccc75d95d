"""A small cache for data-access functions, invalidated whenever an import lands.

The key includes the data version (the newest import-log id), read at most every few seconds,
so a page never shows figures older than the last import for longer than that.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar, cast, overload

import pandas as pd
from sqlalchemy import Engine, func, select

from data_access.models import ImportLog

F = TypeVar("F", bound=Callable[..., Any])
MAX_ENTRIES = 512
VERSION_CHECK_SECONDS = 5.0
TTL_SECONDS = 600.0


class _Store:
    """Least recently used entries, at most max_entries of them."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self.entries: OrderedDict[tuple[Any, ...], tuple[float, Any]] = OrderedDict()


_lock = threading.Lock()
_shared = _Store(MAX_ENTRIES)
_stores: list[_Store] = [_shared]
_versions: dict[str, tuple[float, int]] = {}


def data_version(engine: Engine) -> int:
    url = str(engine.url)
    now = time.monotonic()
    checked = _versions.get(url)
    if checked and now - checked[0] < VERSION_CHECK_SECONDS:
        return checked[1]
    with engine.connect() as connection:
        version = int(connection.scalar(select(func.coalesce(func.max(ImportLog.id), 0))) or 0)
    _versions[url] = (now, version)
    return version


def clear() -> None:
    with _lock:
        for store in _stores:
            store.entries.clear()
        _versions.clear()


def _handed_out(value: Any) -> Any:
    """What a caller gets: its own object, so nothing it does reaches the cache. pandas objects
    are copied shallowly: with copy-on-write (always on since pandas 3) a write to the copy
    copies the data first, and a page asks the cache for frames dozens of times."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy(deep=False)
    return value.copy() if hasattr(value, "copy") else value


@overload
def cached(function: F, *, max_entries: int | None = None) -> F: ...


@overload
def cached(function: None = None, *, max_entries: int | None = None) -> Callable[[F], F]: ...


def cached(function: F | None = None, *, max_entries: int | None = None) -> Any:
    """Caches a function whose first argument is the engine; its other arguments must be
    hashable. `@cached` shares one store; `@cached(max_entries=n)` gives the function a store
    of its own, for large results that should not push out the shared ones."""

    def decorate(function: F) -> F:
        store = _shared
        if max_entries is not None:
            store = _Store(max_entries)
            with _lock:
                _stores.append(store)

        @functools.wraps(function)
        def wrapper(engine: Engine, *args: Any, **kwargs: Any) -> Any:
            key = (function.__qualname__, str(engine.url), data_version(engine), args,
                   tuple(sorted(kwargs.items())))
            now = time.monotonic()
            with _lock:
                hit = store.entries.get(key)
                if hit and now - hit[0] < TTL_SECONDS:
                    store.entries.move_to_end(key)
                    return _handed_out(hit[1])
            value = function(engine, *args, **kwargs)
            with _lock:
                store.entries[key] = (now, value)
                while len(store.entries) > store.max_entries:
                    store.entries.popitem(last=False)
            return _handed_out(value)

        # functools.wraps types the wrapper as its own kind of callable; it is called as F.
        return cast(F, wrapper)

    return decorate(function) if function is not None else decorate
