"""The holiday calendar notice: says that a year's holidays are not known yet, so that working
days there are counted Monday to Friday. The text comes with the warning (zh, en) from
data_access.calendar.calendar_warning; this only draws it."""

from __future__ import annotations

from dash import html

from layouts.i18n import Lang


def calendar_notice(warning: tuple[str, str] | None, lang: Lang) -> html.Div | None:
    """A status line with the warning in the page's language; None when there is none."""
    if warning is None:
        return None
    zh, en = warning
    return html.Div(en if lang == "en" else zh, className="calendar-warning", role="status")
