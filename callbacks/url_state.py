"""Reading what callbacks receive: the URL's query string and a clicked chart point."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from dash import NoUpdate, no_update


def parse_query(search: str | None) -> dict[str, str]:
    """The URL's query string ("?a=1&b=2") as a dict."""
    return dict(parse_qsl((search or "").lstrip("?")))


def search_with(search: str | None, key: str, value: object) -> str | NoUpdate:
    """The query string with `key` set to `value` (a control's new choice); no_update when
    there is no value or it is already the URL's, so the page is not drawn twice."""
    query = parse_query(search)
    if value in (None, "") or query.get(key) == str(value):
        return no_update
    return "?" + urlencode({**query, key: str(value)})


def clicked_points(click: dict | None) -> list[dict]:
    """The points of a plotly clickData (none when nothing was clicked)."""
    return (click or {}).get("points") or []


def clicked_key(click: dict | None) -> str | None:
    """The key a chart carries in its first clicked point's customdata, if any."""
    points = clicked_points(click)
    key = points[0].get("customdata") if points else None
    return None if key is None else str(key)
