"""JSON API on the same server: /api/v1/health and /api/v1/indicators."""

from __future__ import annotations

import re

from flask import Blueprint, Flask, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from callbacks.context import AppContext
from data_access import access
from data_access.calendar import calendar_status
from data_access.divisions import DIVISION_LEVELS, division_table, home
from data_access.indicator_values import indicator_values
from data_access.status import data_status
from metrics.periods import PeriodError, parse_period

SCOPES = DIVISION_LEVELS
CODE_PATTERN = re.compile(r"^\d{12}$")


def _bad_request(zh: str, en: str) -> ResponseReturnValue:
    return jsonify({"error": {"zh": zh, "en": en}}), 400


def _calendar(context: AppContext) -> dict[str, object] | None:
    """Years the holiday calendar covers, and the warning when this (or next) year is not."""
    try:
        calendar = calendar_status(context.engine, context.today())
    except SQLAlchemyError:
        return None
    warning = calendar.warning
    return {
        "covered_years": list(calendar.covered_years),
        "imported_years": list(calendar.imported_years),
        "uncovered_years": list(calendar.uncovered),
        "warning": {"zh": warning[0], "en": warning[1]} if warning else None,
    }


def register(server: Flask, context: AppContext) -> None:
    api = Blueprint("api_v1", __name__, url_prefix="/api/v1")

    @api.get("/health")
    def health() -> ResponseReturnValue:
        status = data_status(context.engine)
        body = {
            "status": "ok" if status.database_ok else "degraded",
            "database": {"reachable": status.database_ok, "error": status.error or None},
            "data_as_of": status.last_import_at.isoformat() if status.last_import_at else None,
            "latest_record_at": (status.latest_record_at.isoformat()
                                 if status.latest_record_at else None),
            "calendar": _calendar(context) if status.database_ok else None,
        }
        return jsonify(body), 200 if status.database_ok else 503

    @api.get("/indicators")
    def indicators() -> ResponseReturnValue:
        area = home(context.engine)
        # Without a code: the area overseen (a county, or the prefecture above several).
        scope = request.args.get("scope") or (area.level if not request.args.get("code")
                                              else "county")
        if scope not in SCOPES:
            return _bad_request(f"scope 应为 {'、'.join(SCOPES)}",
                                f"scope must be one of {', '.join(SCOPES)}")
        try:
            period = parse_period(request.args.get("period", ""))
        except PeriodError as error:
            zh, _, en = str(error).partition(" / ")
            return _bad_request(zh, en)
        code = request.args.get("code") or ""
        divisions = division_table(context.engine)
        if scope == area.level and not code:
            code = area.code
        if not CODE_PATTERN.match(code):
            return _bad_request("code 应为 12 位统计用区划代码",
                                "code must be a 12-digit division code")
        level = divisions.at[code, "level"] if code in divisions.index else None
        if level is None:
            return _bad_request(f"未知的区划代码 {code}", f"unknown division code {code}")
        if level != scope:
            return _bad_request(f"代码 {code} 不是{scope}级区划", f"code {code} is not a {scope}")
        if scope == "village":
            try:
                access.require_division(code)
            except access.Forbidden as refused:
                zh, _, en = str(refused).partition(" / ")
                return jsonify({"error": {"zh": zh, "en": en}}), 403
        values = indicator_values(context.engine, period, level, code)
        return jsonify({
            "scope": scope, "code": code, "period": period.label,
            "period_start": period.start.isoformat(), "period_end": period.last_day.isoformat(),
            "indicators": [{
                "id": v.indicator.id,
                "name": {"zh": v.indicator.name_zh, "en": v.indicator.name_en},
                "domain": v.indicator.domain,
                "unit": {"zh": v.indicator.unit.zh, "en": v.indicator.unit.en},
                "value": v.value,
                # a rate's counts: a rate over fewer than MIN_SAMPLE cases is not assessed
                "numerator": v.numerator, "denominator": v.denominator,
                "definition": {"zh": v.indicator.definition_zh, "en": v.indicator.definition_en},
                "note": {"zh": v.note_zh, "en": v.note_en} if v.value is None else None,
            } for v in values],
        })

    server.register_blueprint(api)

