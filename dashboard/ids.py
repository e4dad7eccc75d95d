"""Component ids, defined once. Pattern-matching ids are built by the helpers below."""

from __future__ import annotations

URL = "url"
PAGE = "page"
LANG_STORE = "lang"

PERIOD_KIND = "period-kind"
PERIOD = "period"
DATA_AS_OF = "data-as-of"


def kpi(indicator_id: str) -> dict[str, str]:
    return {"type": "kpi", "indicator": indicator_id}

INDICATOR = "indicator"
MAP = "map"


def rank_row(code: str) -> dict[str, str]:
    return {"type": "rank-row", "code": code}


def grid(table: str) -> dict[str, str]:
    return {"type": "grid", "table": table}


def export_button(table: str) -> dict[str, str]:
    return {"type": "export-button", "table": table}


def export_spec(table: str) -> dict[str, str]:
    return {"type": "export-spec", "table": table}


def download(table: str) -> dict[str, str]:
    return {"type": "download", "table": table}
