"""An aside in brackets reads as its language writes it: （…） in Chinese, " (…)" in English,
in the account bar and a task's record alike."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from dashboard.auth_pages import account_bar
from data_access.access import Principal
from layouts.inspections import task_info

TASK = {"code": "SSCC2024-001", "name": "道路运输企业检查", "item_name": "经营资质",
        "item_code": "JC-01", "basis": "《道路运输条例》", "scope": "", "is_joint": True,
        "lead_department": "市交通运输局", "departments": "市交通运输局、市市场监督管理局",
        "planned_start": dt.date(2024, 3, 13), "planned_end": dt.date(2024, 4, 14)}


def _text(component: object) -> str:
    if isinstance(component, str):
        return component
    children = getattr(component, "children", None)
    if children is None:
        return ""
    items = children if isinstance(children, list) else [children]
    return "".join(_text(child) for child in items)


def test_a_task_s_record_brackets_its_asides_in_the_page_s_language() -> None:
    chinese, english = _text(task_info("zh", TASK)), _text(task_info("en", TASK))
    assert "经营资质（JC-01）" in chinese and "（联合：是）" in chinese
    assert "经营资质 (JC-01)" in english and " (Joint: yes)" in english
    assert "（" not in english.replace("《", "") and "：" not in english


def test_the_account_bar_names_the_role_in_brackets_of_its_language() -> None:
    leader = Principal("user", "demo_leader", "leader")
    server = Flask(__name__)
    server.secret_key = "test"  # the bar's sign-out form carries a CSRF token
    with server.test_request_context("/"):
        chinese, english = account_bar(leader, "zh"), account_bar(leader, "en")
    assert "demo_leader</strong>（" in chinese
    assert "demo_leader</strong> (" in english and "（" not in english
