"""Turns a raw table of strings into typed columns, or a complete list of problems."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from data_access.importing.problems import Problem
from data_access.importing.reader import RawTable
from data_access.importing.spec import Column, Domain, Lookups

TRUE_WORDS = {"是", "y", "yes", "true", "1", "t"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "f"}
MANY_SEPARATOR = re.compile(r"[、,，;；\s]+")
KIND_ZH = {"int": "整数", "float": "数字", "wan": "数字（万元）", "date": "日期 YYYY-MM-DD",
           "datetime": "时间 YYYY-MM-DD HH:MM", "bool": "是/否"}
KIND_EN = {"int": "a whole number", "float": "a number", "wan": "a number (10k yuan)",
           "date": "a date YYYY-MM-DD", "datetime": "a time YYYY-MM-DD HH:MM", "bool": "是 or 否"}


class Collector:
    def __init__(self, table: RawTable) -> None:
        self.table = table
        self.problems: list[Problem] = []

    def whole(self, zh: str, en: str, column: str | None = None) -> None:
        self.problems.append(Problem(self.table.file, self.table.sheet, None, column, zh, en))

    def rows(self, mask: pd.Series, column: str | None, zh: str, en: str) -> None:
        for row in mask.index[mask.to_numpy()]:
            self.one(int(row), column, zh, en)

    def one(self, row: int, column: str | None, zh: str, en: str) -> None:
        self.problems.append(Problem(self.table.file, self.table.sheet, row, column, zh, en))


def header_map(domain: Domain, headers: list[str], out: Collector) -> dict[str, str]:
    """Maps each file header to a column key; reports unknown and missing columns."""
    names: dict[str, str] = {}
    for column in domain.columns:
        for alias in (column.header, column.key, column.zh, column.en):
            names[alias.lower()] = column.key
    mapping: dict[str, str] = {}
    for header in headers:
        key = names.get(header.lower())
        if key is None:
            out.whole(f"未知的列“{header}”", f"unknown column '{header}'", header)
        elif key in mapping.values():
            out.whole(f"列“{header}”重复", f"column '{header}' appears twice", header)
        else:
            mapping[header] = key
    for column in domain.columns:
        if column.required and column.key not in mapping.values():
            out.whole(f"缺少必填列“{column.header}”", f"required column '{column.header}' missing",
                      column.header)
    return mapping


def parse(domain: Domain, table: RawTable, lookups: Lookups, now: dt.datetime,
          out: Collector) -> pd.DataFrame:
    mapping = header_map(domain, list(table.frame.columns), out)
    if out.problems:
        return pd.DataFrame()
    raw = table.frame.rename(columns=mapping)
    if raw.empty:
        out.whole("文件中没有数据行", "the file has no data rows")
        return pd.DataFrame()
    parsed = pd.DataFrame(index=raw.index)
    for column in domain.columns:
        text = raw[column.key] if column.key in raw else pd.Series("", index=raw.index)
        parsed[column.key] = _parse_column(column, text, lookups, raw, domain, now, out)
    _check_duplicates(domain, parsed, out)
    for check in domain.checks:
        bad = check.bad(parsed).fillna(False).astype(bool)
        out.rows(bad, domain.column(check.column).header, check.zh, check.en)
    return parsed


def _parse_column(column: Column, text: pd.Series, lookups: Lookups, raw: pd.DataFrame,
                  domain: Domain, now: dt.datetime, out: Collector) -> pd.Series:
    missing = text == ""
    if column.required:
        out.rows(missing, column.header, "必填项为空", "required value is empty")
    present = ~missing
    values: pd.Series
    if column.kind in ("int", "float", "wan"):
        values = pd.to_numeric(text.where(present), errors="coerce")
        bad = present & values.isna()
        if column.kind == "int":
            bad |= present & values.notna() & (values % 1 != 0)
        _report_kind(column, bad, out)
        if column.kind == "wan":
            values = (values * 10000).round()
    elif column.kind in ("date", "datetime"):
        values = pd.to_datetime(text.where(present), format="ISO8601", errors="coerce")
        _report_kind(column, present & values.isna(), out)
        if column.not_in_future:
            limit = pd.Timestamp(now.date() + dt.timedelta(days=1)) if column.kind == "date" \
                else pd.Timestamp(now)
            future = values >= limit if column.kind == "date" else values > limit
            out.rows(future.fillna(False), column.header,
                     f"日期晚于今天（{now.date().isoformat()}）",
                     f"date is in the future (after {now.date().isoformat()})")
        if column.kind == "date":
            values = values.dt.normalize()
    elif column.kind == "bool":
        lowered = text.str.lower()
        values = pd.Series(np.where(lowered.isin(TRUE_WORDS), True,
                                    np.where(lowered.isin(FALSE_WORDS), False, np.array(None))),
                           index=text.index, dtype=object)
        _report_kind(column, present & values.isna(), out)
    else:
        values = text.where(present, None)
        if column.choices:
            out.rows(present & ~text.isin(column.choices), column.header,
                     f"取值应为：{'、'.join(column.choices)}",
                     f"value must be one of: {', '.join(column.choices)}")
        if column.max_length:
            out.rows(present & (text.str.len() > column.max_length), column.header,
                     f"超过 {column.max_length} 个字符",
                     f"longer than {column.max_length} characters")
        if column.reference:
            _check_reference(column, text, present, lookups, raw, domain, out)
    if column.kind in ("int", "float", "wan"):
        number = values / 10000 if column.kind == "wan" else values
        if column.minimum is not None:
            out.rows((number < column.minimum).fillna(False), column.header,
                     f"不能小于 {column.minimum:g}", f"must not be less than {column.minimum:g}")
        if column.maximum is not None:
            out.rows((number > column.maximum).fillna(False), column.header,
                     f"不能大于 {column.maximum:g}", f"must not be greater than {column.maximum:g}")
    return values


def _report_kind(column: Column, bad: pd.Series, out: Collector) -> None:
    out.rows(bad, column.header, f"应为{KIND_ZH[column.kind]}", f"must be {KIND_EN[column.kind]}")


def _check_reference(column: Column, text: pd.Series, present: pd.Series, lookups: Lookups,
                     raw: pd.DataFrame, domain: Domain, out: Collector) -> None:
    known = _known_codes(column, lookups)
    if domain.self_reference == column.reference:
        known = known | set(raw[domain.natural_key[0]])
    if column.many:
        parts = text.where(present, "").str.split(MANY_SEPARATOR)
        unknown = parts.map(lambda codes: [c for c in codes if c and c not in known])
        bad = unknown.map(bool)
        for row in bad.index[bad.to_numpy()]:
            codes = "、".join(unknown[row])
            out.one(int(row), column.header, f"未知代码：{codes}", f"unknown code(s): {codes}")
        return
    bad = present & ~text.isin(known)
    what_zh, what_en = REFERENCE_NAMES[column.reference or "division"]
    for row in bad.index[bad.to_numpy()]:
        out.one(int(row), column.header, f"未知的{what_zh}代码“{text[row]}”",
                f"unknown {what_en} code '{text[row]}'")


REFERENCE_NAMES = {
    "division": ("区划", "division"), "township": ("乡镇", "township"),
    "village": ("村（社区）", "village"), "service_item": ("事项", "service item"),
    "volunteer_team": ("志愿队伍", "volunteer team"),
    "inspection_object": ("检查对象", "inspection object"),
    "inspector": ("检查人员", "inspector"), "inspection_item": ("抽查事项", "inspection item"),
    "inspection_task": ("抽查任务", "inspection task"),
}


def _known_codes(column: Column, lookups: Lookups) -> set[str]:
    divisions = lookups.divisions
    if column.reference == "division":
        return set(divisions.index)
    if column.reference in ("township", "village"):
        return set(divisions.index[divisions["level"] == column.reference])
    return lookups.codes[column.reference or ""]


def _check_duplicates(domain: Domain, parsed: pd.DataFrame, out: Collector) -> None:
    keys = list(domain.natural_key)
    key_frame = parsed[keys].astype(str)
    duplicated = key_frame.duplicated(keep="first")
    if not duplicated.any():
        return
    first_row = key_frame.reset_index().groupby(keys)["index"].transform("first")
    first_row.index = key_frame.index
    header = domain.column(keys[0]).header
    for row in duplicated.index[duplicated.to_numpy()]:
        original = int(first_row[row])
        out.one(int(row), header, f"与第 {original} 行重复（{'+'.join(keys)}）",
                f"duplicate of row {original} ({'+'.join(keys)})")
