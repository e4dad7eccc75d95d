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


def area_path(code: str) -> str:
    """A county's page (or a prefecture's) under the area overseen."""
    return f"/area/{code}"


def division_path(code: str, level: str, home_code: str) -> str:
    """The page of any division: the overview for the area overseen itself."""
    if code == home_code:
        return "/"
    return {"township": township_path, "village": village_path}.get(level, area_path)(code)
