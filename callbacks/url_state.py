"""Reading what callbacks receive: the URL's query string and a clicked chart point."""

from __future__ import annotations

from urllib.parse import parse_qsl


def parse_query(search: str | None) -> dict[str, str]:
    """The URL's query string ("?a=1&b=2") as a dict."""
    return dict(parse_qsl((search or "").lstrip("?")))


def clicked_points(click: dict | None) -> list[dict]:
    """The points of a plotly clickData (none when nothing was clicked)."""
    return (click or {}).get("points") or []
