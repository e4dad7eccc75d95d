"""Controlled vocabularies shared by imports, indicators and pages."""

from __future__ import annotations

# 双随机抽查结果 (categories used by the national enterprise-credit publicity system).
# code -> (zh, en, counts as a problem found)
INSPECTION_RESULTS: dict[str, tuple[str, str, bool]] = {
    "01": ("未发现问题", "no problem found", False),
    "02": ("未按规定公示应当公示的信息", "required information not disclosed", True),
    "03": ("公示信息隐瞒真实情况、弄虚作假", "disclosed information false", True),
    "04": ("通过登记的住所（经营场所）无法联系", "unreachable at registered address", True),
    "05": ("不配合检查情节严重", "seriously obstructed the inspection", True),
    "06": ("发现问题经责令已改正", "problem found, corrected when ordered", True),
    "07": ("发现问题待后续处理", "problem found, further handling pending", True),
    "08": ("未发现开展本次抽查涉及的经营活动", "no activity of the inspected kind", False),
    "09": ("已关闭停业或正在组织清算", "closed or in liquidation", False),
    "10": ("已注销、吊销、撤销或迁出", "deregistered, revoked or moved away", False),
}
PROBLEM_RESULT_CODES = tuple(code for code, (_, _, problem) in INSPECTION_RESULTS.items()
                             if problem)

DISPOSALS = ("无", "日常监管", "责令整改", "移送立案", "抄告相关部门")
RECTIFY_DISPOSAL = "责令整改"

RISK_CLASSES = ("A", "B", "C", "D")  # A lowest risk .. D highest
# Share of each risk class's objects drawn by a task (DOMAIN.md: higher ratios for higher risk).
RISK_DRAW_RATIOS = {"A": 0.01, "B": 0.02, "C": 0.10, "D": 0.30}

CASE_CHANNELS = ("窗口", "网上", "移动端", "自助终端", "代办")
CASE_STATUSES = ("办理中", "已办结", "不予受理", "退件")
OPEN_STATUS = "办理中"
AGENT_CHANNEL = "代办"
BAD_RATING_MAX = 2  # ratings 1-2 are a 差评 that must be followed up
CASE_TYPES = ("即办件", "承诺件")
HALL_LEVELS = {"county": "city", "township": "township", "village": "village"}

TEAM_LEVELS = ("总队", "支队", "分队")
TEAM_MINIMUMS = {"county": 10, "township": 4, "village": 2}

THEME_STATUSES = ("未开始", "进行中", "已完成", "逾期")

# Village-level units that are villages or communities; 生活区 rows are statistical stand-ins.
VILLAGE_UNIT_TYPES = ("村委会", "居委会", "社区")
ASSESSED_UNIT_TYPE = "村委会"  # collective income is assessed for 村委会 only
