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
EXPORT_BUTTON = "export-button"
EXPORT_DOWNLOAD = "export-download"
EXPORT_NAME = "export-name"
VILLAGE_GRID = "village-grid"


def rank_row(code: str) -> dict[str, str]:
    return {"type": "rank-row", "code": code}
