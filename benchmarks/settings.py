"""What the benchmark measures against: the targets, and the places and paths of the drill."""

from __future__ import annotations

DASH_UPDATE_PATH = "/_dash-update-component"
TIAOGUAN_CODE = "421081105000"
TIAOGUAN_NAME = "调关镇"
COUNTY_NAME = "石首市"
START_PATH = "/?period=2025&indicator=service_full_online_rate"
# The benchmark signs in dozens of times within a minute from one address (one session per
# simulated viewer): the login rate limit is not what it measures.
LOGIN_RATE = "600 per minute"

TARGET_BUILD_S = 60.0
TARGET_API_P95_MS = 50.0
TARGET_CALLBACK_P95_MS = 50.0
TARGET_DRAWN_P95_S = 0.5

# Issue 15's load scenario: 20 viewers at once, each answered within a second (p95), the
# server keeping up with 40 pages a second, every worker within its memory budget.
MIX_VIEWERS = 20
# Share of each page class in the viewers' requests (they add up to 1).
MIX_SHARES = {
    "overview": 0.15,
    "township": 0.25,
    "village": 0.20,
    "domain": 0.20,
    "weekly": 0.10,
    "overview, other view": 0.10,
}
TARGET_MIX_P95_MS = 1000.0
TARGET_MIX_PAGES_PER_S = 40.0
TARGET_WORKER_RSS_MB = 500.0

# A page nobody has opened since the server started (router callback, client round trip).
TARGET_COLD_VILLAGE_MS = 80.0
TARGET_COLD_SERVICES_MS = 150.0
# A county's service cases imported into a prefecture of ten (benchmarks/county_import.py).
TARGET_IMPORT_ROWS_PER_S = 50_000.0

# The weekly report's PDF, exported by ten users at once while the server keeps answering.
PDF_EXPORTS = 10
TARGET_HEALTH_P95_MS = 200.0
HEALTH_PROBE_EVERY_S = 0.1
PDF_POLL_EVERY_S = 0.5
