"""Component ids, defined once. Pattern-matching ids are built by the helpers below."""

from __future__ import annotations

from typing import Any

URL = "url"
PAGE = "page"
NAV_TOGGLE = "nav-toggle"  # the phone menu's button
NAV_MENU = "nav-menu"
TAB_TITLE = "tab-title"  # the title the page asks the browser tab to show
TAB_TITLE_SHOWN = "tab-title-shown"  # what the tab shows (a clientside callback sets it)
LANG_STORE = "lang"

PERIOD_KIND = "period-kind"
PERIOD = "period"
DATA_AS_OF = "data-as-of"


def kpi(indicator_id: str) -> dict[str, str]:
    return {"type": "kpi", "indicator": indicator_id}

INDICATOR = "indicator"
SERVICES_DRILL = "services-drill"
SERVICES_TOWNSHIP_CHART = "services-township-chart"
SERVICES_LEVEL_CHART = "services-level-chart"
SERVICES_TREND = "services-trend"
MAP = "map"

# weekly meeting report (/weekly, /weekly/<code>, /weekly/export/<id>)
WEEKLY_WEEK = "weekly-week"
WEEKLY_PDF = "weekly-pdf"
# a stored export's PDF job: the export, its state, the poll, the download once made
WEEKLY_PDF_EXPORT = "weekly-pdf-export"
WEEKLY_PDF_JOB = "weekly-pdf-job"
WEEKLY_PDF_POLL = "weekly-pdf-poll"
WEEKLY_PDF_FETCH = "weekly-pdf-fetch"
WEEKLY_PDF_FETCHED = "weekly-pdf-fetched"
WEEKLY_PRINT = "weekly-print"
WEEKLY_PRINTED = "weekly-printed"
WEEKLY_BULLETIN_TEXT = "weekly-bulletin-text"
WEEKLY_BULLETIN_COPY = "weekly-bulletin-copy"
WEEKLY_READY = "weekly-ready"
WEEKLY_EXPORTS = "weekly-exports"
WEEKLY_MARK_REASON = "weekly-mark-reason"
WEEKLY_MARK_RESULT = "weekly-mark-result"


def rank_row(code: str) -> dict[str, str]:
    return {"type": "rank-row", "code": code}


def meeting_mark(export_id: Any) -> dict[str, Any]:
    """The button that marks a stored export as its week's meeting copy (会议材料)."""
    return {"type": "meeting-mark", "export": export_id}


def grid(table: str) -> dict[str, str]:
    return {"type": "grid", "table": table}


def export_button(table: str) -> dict[str, str]:
    return {"type": "export-button", "table": table}


def export_spec(table: str) -> dict[str, str]:
    return {"type": "export-spec", "table": table}


def download(table: str) -> dict[str, str]:
    return {"type": "download", "table": table}


# economy page (/economy)
ECONOMY_TIER_CHART = "economy-tier-chart"
ECONOMY_COMPOSITION_CHART = "economy-composition-chart"
ECONOMY_DISTRIBUTION_CHART = "economy-distribution-chart"
ECONOMY_TREND_CHART = "economy-trend-chart"
ECONOMY_DETAIL = "economy-detail"
# table ids (the "table" part of grid / export ids)
ECONOMY_DETAIL_TABLE = "economy-detail"
ECONOMY_RANKING_TABLE = "economy-villages"
ECONOMY_WEAK_TABLE = "economy-weak"
ECONOMY_FELL_TABLE = "economy-fell"
ECONOMY_TREND_TABLE = "economy-trend"
ECONOMY_COOP_TABLE = "economy-cooperatives"
ECONOMY_LAND_TABLE = "economy-land"

# inspections pages (/inspections, /inspections/worklist, /inspections/task/<code>)
INSPECTIONS_YEAR = "inspections-year"
INSPECTIONS_RESULT_CHART = "inspections-result-chart"
INSPECTIONS_DEPARTMENT_CHART = "inspections-department-chart"
INSPECTIONS_TOWNSHIP_CHART = "inspections-township-chart"
INSPECTIONS_INDUSTRY_CHART = "inspections-industry-chart"
INSPECTIONS_DRILL = "inspections-drill"
WORKLIST_DEPARTMENT = "worklist-department"
WORKLIST_TOWNSHIP = "worklist-township"
# table ids (the "table" part of grid / export ids)
INSPECTIONS_TASK_TABLE = "inspection-tasks"
INSPECTIONS_GROUP_TABLE = "inspection-groups"
INSPECTIONS_ROWS_TABLE = "inspection-rows"
WORKLIST_TABLE = "worklist"
TASK_OBJECTS_TABLE = "task-objects"
TASK_INSPECTORS_TABLE = "task-inspectors"

# volunteer page (/volunteers)
VOLUNTEERS_TOWNSHIP_CHART = "volunteers-township-chart"
VOLUNTEERS_MONTHLY_CHART = "volunteers-monthly-chart"
VOLUNTEERS_COVERAGE_CHART = "volunteers-coverage-chart"
VOLUNTEERS_CATEGORY_CHART = "volunteers-category-chart"
VOLUNTEERS_DRILL = "volunteers-drill"
# table ids (the "table" part of grid / export ids)
VOLUNTEERS_ACTIVITY_TABLE = "volunteer-activities"
VOLUNTEERS_TOWNSHIP_TABLE = "volunteer-townships"
VOLUNTEERS_MONTH_TABLE = "volunteer-months"
VOLUNTEERS_INACTIVE_TABLE = "volunteer-inactive"
VOLUNTEERS_SHORTFALL_TABLE = "volunteer-shortfalls"
VOLUNTEERS_CATEGORY_TABLE = "volunteer-categories"

# wall display (/wall); assets/wall.js finds its parts by class, not by these ids
WALL_OPTIONS = "wall-options"
WALL_REPORT = "wall-report"
WALL_STATUS = "wall-status"
WALL_REFRESH = "wall-refresh"
WALL_BANNER = "wall-banner"
WALL_WEEK = "wall-week"
WALL_TITLE = "wall-title"
WALL_DATA_AS_OF = "wall-data-as-of"
WALL_REFRESHED = "wall-refreshed"
WALL_CLOCK = "wall-clock"
WALL_POSITION = "wall-position"


def wall_panel(name: str) -> str:
    """The body of one wall panel (map, a domain, flags)."""
    return f"wall-panel-{name}"

# The map's own link target: a dcc.Location inside the map panel that map clicks write, so the
# click callback's output lives in the page it came with and Dash does not fire it when the
# page is drawn (it would for an output outside the page, such as URL).
MAP_NAV = "map-nav"


# --- 督办 ledger
DUBAN_REQUEST = "duban-request"
DUBAN_DUE_DAYS = "duban-due-days"
DUBAN_PREFILL = "duban-prefill"
DUBAN_CREATE = "duban-create"
DUBAN_CREATE_RESULT = "duban-create-result"
DUBAN_ITEM = "duban-item"
DUBAN_STEP_TEXT = "duban-step-text"
DUBAN_UPLOAD = "duban-upload"
DUBAN_STEP_RESULT = "duban-step-result"
DUBAN_DETAIL = "duban-detail"
DUBAN_LIST = "duban-list"


def duban_step(action: Any) -> dict[str, Any]:
    """A button that takes one step on a 督办 item (answer, return, close)."""
    return {"type": "duban-step", "action": action}

# the data upload page (/data)
DATA_UPLOAD_ID = "data-upload-id"
DATA_POLL = "data-poll"
DATA_STATUS = "data-status"
DATA_UNDO = "data-undo"
DATA_UNDO_RESULT = "data-undo-result"
