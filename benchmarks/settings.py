"""What the benchmark measures against: the targets, and the places and paths of the drill."""

from __future__ import annotations

DASH_UPDATE_PATH = "/_dash-update-component"
TIAOGUAN_CODE = "421081105000"
TIAOGUAN_NAME = "调关镇"
COUNTY_NAME = "石首市"
START_PATH = "/?period=2025&indicator=service_full_online_rate"

TARGET_BUILD_S = 60.0
TARGET_API_P95_MS = 50.0
TARGET_CALLBACK_P95_MS = 50.0
TARGET_DRAWN_P95_S = 0.5
