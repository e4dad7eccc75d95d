"""Tables drawn as plain HTML (short ones, printed as they are; long ones are grids)."""

from __future__ import annotations

from dash import html

from layouts.attributes import attributes


def plain_table(head: html.Thead, rows: list, class_name: str, label: str) -> html.Table:
    """On a phone such a table scrolls sideways inside its own box (assets/style.css), so it
    takes focus for a keyboard to scroll it, and its name says what it holds."""
    return html.Table([head, html.Tbody(rows)], className=class_name, tabIndex="0",
                      **attributes({"aria-label": label}))
