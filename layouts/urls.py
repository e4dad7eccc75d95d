"""Links that carry the view state (language, indicator, period) from page to page."""

from __future__ import annotations

from urllib.parse import urlencode

VIEW_KEYS = ("indicator", "period", "lang")


def view_href(path: str, query: dict[str, str]) -> str:
    kept = {k: query[k] for k in VIEW_KEYS if query.get(k)}
    return f"{path}?{urlencode(kept)}" if kept else path


def township_path(code: str) -> str:
    return f"/township/{code}"


def village_path(code: str) -> str:
    return f"/village/{code}"
