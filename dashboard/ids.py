"""Component ids, defined once. Pattern-matching ids are built by the helpers below."""

from __future__ import annotations

URL = "url"
PAGE = "page"
LANG_STORE = "lang"

PERIOD_KIND = "period-kind"
PERIOD = "period"
KPI_GRID = "kpi-grid"
DATA_AS_OF = "data-as-of"


def kpi(indicator_id: str) -> dict[str, str]:
    return {"type": "kpi", "indicator": indicator_id}
