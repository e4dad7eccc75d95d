"""Turns a raw table of strings into typed columns, or a complete list of problems.

A value that cannot be read is reported with the reason when it is a common one (thousands
separators, full-width digits, a date in another format or as an Excel serial number, spaces
inside a code, a division code of the wrong length), so that whoever fixes the file knows how.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable

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
# Tried in turn, each exact: the template's forms and what spreadsheets write for them. Other
# forms (2025/09/30, 20250930, 2025年9月30日) are refused rather than guessed.
DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M",
                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f")
# Far above any count or amount of a county, and safe in 64-bit integers once in yuan.
MAX_ABS_NUMBER = 1e12
DIVISION_CODE_DIGITS = 12
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Excel serial numbers of 1954-10-03 .. 2119-01-09: a plain number there in a date column is a
# date cell that lost its format.
SERIAL_DAYS = (20_000, 80_000)
UNITS = ("万元", "元", "亩", "人", "户", "个", "次", "小时", "天", "%")
PLAIN_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
SCIENTIFIC = re.compile(r"\d(\.\d+)?[eE]\+?\d+")
YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(.*)")
COMPACT_YMD = re.compile(r"(\d{4})(\d{2})(\d{2})(.*)")
DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(.*)")
SPACE = re.compile(r"\s")
TIME_PART = re.compile(r"\s*(?:[T ]\s*)?(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?")

Hint = tuple[str, str]


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
    names = _aliases(domain)
    if _other_template(domain, headers, out):
        return {}
    mapping: dict[str, str] = {}
    unknown = []
    for header in headers:
        key = names.get(header.lower())
        if key is None:
            unknown.append(header)
        elif key in mapping.values():
            out.whole(f"列“{header}”重复：请删除重复的列",
                      f"column '{header}' appears twice: delete one", header)
        else:
            mapping[header] = key
    missing = [c for c in domain.columns if c.required and c.key not in mapping.values()]
    for header in unknown:
        _report_unknown_header(header, missing, out)
    for column in missing:
        out.whole(f"缺少必填列“{column.header}”", f"required column '{column.header}' missing",
                  column.header)
    return mapping


def _aliases(domain: Domain) -> dict[str, str]:
    return {alias.lower(): column.key for column in domain.columns
            for alias in (column.header, column.key, column.zh, column.en)}


def _other_template(domain: Domain, headers: list[str], out: Collector) -> bool:
    """A file of another template, imported as this one: named once, rather than as every
    column being unknown."""
    # Imported here: the templates' module imports the template writer, which imports this one.
    from data_access.importing.templates import detect_template

    names = _aliases(domain)
    required = [c.key for c in domain.columns if c.required]
    matched = {names[h.lower()] for h in headers if h.lower() in names}
    if len(matched & set(required)) * 2 >= len(required):
        return False
    other = detect_template(headers, out.table.sheet)
    if other is None or other.id == domain.id:
        return False
    out.whole(f"这是“{other.zh}”（{other.id}）的文件，不是“{domain.zh}”（{domain.id}）："
              "请选择正确的模板类型，或使用正确的文件",
              f"this is a file of the {other.en} template ({other.id}), not of the "
              f"{domain.en} ({domain.id}): choose the right template or the right file")
    return True


def _report_unknown_header(header: str, missing: list[Column], out: Collector) -> None:
    if not header:
        return
    candidates = {alias: column.header for column in missing
                  for alias in (column.header, column.zh)}
    close = difflib.get_close_matches(header, list(candidates), n=1, cutoff=0.4)
    if close:
        meant = candidates[close[0]]
        out.whole(f"未知的列“{header}”：是否应为“{meant}”？请勿修改模板的表头",
                  f"unknown column '{header}': did you mean '{meant}'? Keep the template's "
                  "header as it is", header)
    else:
        out.whole(f"未知的列“{header}”：请使用模板的列名，不要改名或增加列",
                  f"unknown column '{header}': use the template's column names; do not rename "
                  "or add columns", header)


def parse(domain: Domain, table: RawTable, lookups: Lookups, now: dt.datetime,
          out: Collector) -> pd.DataFrame:
    mapping = header_map(domain, list(table.frame.columns), out)
    if out.problems:
        return pd.DataFrame()
    raw = table.frame.rename(columns=mapping)
    if raw.empty:
        out.whole("文件中没有数据行：只有表头，请从第 2 行起填写数据",
                  "the file has no data rows, only the header: fill in rows from row 2")
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
        out.rows(missing, column.header, "必填项为空：请填写",
                 "required value is empty: fill it in")
    present = ~missing
    if column.kind in ("int", "float", "wan"):
        return _parse_number(column, text, present, out)
    if column.kind in ("date", "datetime"):
        return _parse_date(column, text, present, now, out)
    if column.kind == "bool":
        lowered = text.str.lower()
        values = pd.Series(np.where(lowered.isin(TRUE_WORDS), True,
                                    np.where(lowered.isin(FALSE_WORDS), False, np.array(None))),
                           index=text.index, dtype=object)
        _report_kind(column, present & values.isna(), text, out)
        return values
    return _parse_text(column, text, present, lookups, raw, domain, out)


def _parse_number(column: Column, text: pd.Series, present: pd.Series,
                  out: Collector) -> pd.Series:
    values = pd.to_numeric(text.where(present), errors="coerce")
    bad = present & values.isna()
    if column.kind == "int":
        bad |= present & values.notna() & (values % 1 != 0)
    _report_kind(column, bad, text, out, _number_hint)
    huge = present & ~bad & ~(values.abs() < MAX_ABS_NUMBER)  # also inf and nan
    out.rows(huge, column.header,
             f"数值过大：绝对值应小于 {MAX_ABS_NUMBER:,.0f}，请核对单位和小数点",
             f"number too large: must be below {MAX_ABS_NUMBER:,.0f} in absolute value; check "
             "the unit and the decimal point")
    values = values.where(~huge)
    number = values
    if column.kind == "wan":
        values = (values * 10000).round()
    if column.minimum is not None:
        _report_values((number < column.minimum).fillna(False), column, text,
                       f"不能小于 {column.minimum:g}", f"must not be less than {column.minimum:g}",
                       out)
    if column.maximum is not None:
        _report_values((number > column.maximum).fillna(False), column, text,
                       f"不能大于 {column.maximum:g}",
                       f"must not be greater than {column.maximum:g}", out)
    return values


def _report_values(bad: pd.Series, column: Column, text: pd.Series, zh: str, en: str,
                   out: Collector) -> None:
    """A rule the value breaks, with the value as typed (to find it in the file)."""
    for row in bad.index[bad.to_numpy()]:
        out.one(int(row), column.header, f"{zh}（此处为 {text[row]}）",
                f"{en} (here {text[row]})")


def _parse_date(column: Column, text: pd.Series, present: pd.Series, now: dt.datetime,
                out: Collector) -> pd.Series:
    values = _to_datetime(text.where(present))
    _report_kind(column, present & values.isna(), text,
                 out, lambda value: _date_hint(value, column.kind))
    if column.not_in_future:
        limit = pd.Timestamp(now.date() + dt.timedelta(days=1)) if column.kind == "date" \
            else pd.Timestamp(now)
        future = values >= limit if column.kind == "date" else values > limit
        out.rows(future.fillna(False), column.header,
                 f"日期晚于今天（{now.date().isoformat()}）：请核对年份和月份",
                 f"date is in the future (after {now.date().isoformat()}): check the year and "
                 "month")
    if column.kind == "date":
        values = values.dt.normalize()
    return values


def _to_datetime(text: pd.Series) -> pd.Series:
    """Each format in turn on what the previous ones left; usually the first reads them all."""
    values = pd.to_datetime(text, format=DATE_FORMATS[0], errors="coerce")
    for form in DATE_FORMATS[1:]:
        left = values.isna() & text.notna()
        if not left.any():
            break
        values = values.fillna(pd.to_datetime(text[left], format=form, errors="coerce"))
    return values


def _parse_text(column: Column, text: pd.Series, present: pd.Series, lookups: Lookups,
                raw: pd.DataFrame, domain: Domain, out: Collector) -> pd.Series:
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
    elif column.kind == "text" and column.key in domain.natural_key:
        # A new code: stripped already, so any space left is inside it (often a full-width
        # one). A referenced code with a space is unknown, and said so with the reason.
        spaced = present & text.str.contains(SPACE, regex=True)
        for row in spaced.index[spaced.to_numpy()]:
            out.one(int(row), column.header, *_space_hint(text[row]))
    return text.where(present, None)


def _report_kind(column: Column, bad: pd.Series, text: pd.Series, out: Collector,
                 hint: Callable[[str], Hint | None] | None = None) -> None:
    """The expected kind, and why this value is not one when the reason is a common one."""
    zh, en = f"应为{KIND_ZH[column.kind]}", f"must be {KIND_EN[column.kind]}"
    for row in bad.index[bad.to_numpy()]:
        reason = hint(text[row]) if hint else None
        if reason:
            out.one(int(row), column.header, f"{zh}：{reason[0]}", f"{en}: {reason[1]}")
        else:
            out.one(int(row), column.header, zh, en)


def _number_hint(value: str) -> Hint | None:
    unseparated = value.replace(",", "").replace("，", "")
    fixed = unicodedata.normalize("NFKC", unseparated)
    if PLAIN_NUMBER.fullmatch(fixed) and unseparated != value:
        return (f"“{value}”含千位分隔符，请去掉逗号：{fixed}",
                f"'{value}' has thousands separators; remove the commas: {fixed}")
    if PLAIN_NUMBER.fullmatch(fixed) and fixed != value:
        return (f"“{value}”含全角数字或符号，请改为半角：{fixed}",
                f"'{value}' has full-width digits or signs; type half-width: {fixed}")
    for unit in UNITS:
        number = value.removesuffix(unit).strip()
        if number != value and PLAIN_NUMBER.fullmatch(number):
            return (f"“{value}”带有单位“{unit}”，请只填数字：{number}",
                    f"'{value}' has the unit '{unit}'; type the number only: {number}")
    if PLAIN_NUMBER.fullmatch(value):
        return (f"“{value}”不是整数", f"'{value}' is not a whole number")
    return None


def _date_hint(value: str, kind: str) -> Hint | None:
    """Why a date is not read: another format (with the YYYY-MM-DD form to type), an Excel
    serial number, or a day that does not exist."""
    form = "YYYY-MM-DD HH:MM" if kind == "datetime" else "YYYY-MM-DD"
    if re.fullmatch(r"\d{5}(\.\d+)?", value) and \
            SERIAL_DAYS[0] <= float(value) <= SERIAL_DAYS[1]:
        day = EXCEL_EPOCH + dt.timedelta(days=int(float(value)))
        return (f"“{value}”看起来是 Excel 日期序列号（即 {day.isoformat()}）：请把单元格设为日期"
                f"格式，或直接填写 {form} 格式，例如 {day.isoformat()}",
                f"'{value}' looks like an Excel serial date ({day.isoformat()}): format the "
                f"cell as a date or type {form}, e.g. {day.isoformat()}")
    parts = _date_parts(value)
    if parts is None:
        return None
    (year, month, day_of_month), rest, ambiguous = parts
    if ambiguous:
        return (f"“{value}”无法确定日和月的顺序：请写成 {form} 格式",
                f"'{value}': day and month cannot be told apart; write it as {form}")
    try:
        typed = dt.date(year, month, day_of_month).isoformat()
    except ValueError:
        return (f"日期“{value}”不存在（{year} 年 {month} 月没有 {day_of_month} 日）",
                f"'{value}' is not a date: there is no day {day_of_month} in {year}-{month:02d}")
    time = TIME_PART.fullmatch(rest) if rest.strip() else None
    if rest.strip() and not (time and int(time.group(1)) < 24 and int(time.group(2)) < 60):
        return None  # not a time after the date: the plain message says what is expected
    if time:
        typed += f" {int(time.group(1)):02d}:{time.group(2)}"
    return (f"“{value}”请写成 {form} 格式：{typed}", f"'{value}': write it as {form}: {typed}")


def _date_parts(value: str) -> tuple[tuple[int, int, int], str, bool] | None:
    """(year, month, day), the text after the date, and whether day and month may be swapped."""
    for pattern in (YMD, COMPACT_YMD):
        found = pattern.fullmatch(value)
        if found:
            year, month, day = (int(found.group(i)) for i in (1, 2, 3))
            return (year, month, day), found.group(4), False
    found = DMY.fullmatch(value)
    if not found:
        return None
    first, second, year = (int(found.group(i)) for i in (1, 2, 3))
    if first > 12:
        return (year, second, first), found.group(4), False  # 30/09/2025
    if second > 12:
        return (year, first, second), found.group(4), False  # 09/30/2025
    return (year, first, second), found.group(4), first != second


def _space_hint(value: str) -> Hint:
    space_zh, space_en = _space_kind(value)
    shown = _show_spaces(value)
    return (f"代码“{shown}”中间有{space_zh}（␣ 处）：请删除",
            f"the code '{shown}' contains {space_en} (at ␣): delete it")


def _space_kind(value: str) -> Hint:
    return ("全角空格", "a full-width space") if "\u3000" in value else ("空格", "a space")


def _show_spaces(value: str) -> str:
    return SPACE.sub("␣", value)


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
        value = text[row]
        # The template's code sheet lists divisions; other directories are imported first
        # (by an administrator).
        reason = _code_hint(value, column) or (
            ("代码须已在系统中，请核对（见模板的“代码表”）",
             "codes must exist already; check it (see the template's code sheet)")
            if column.reference in ("division", "township", "village") else
            (f"须是系统中已有的{what_zh}代码，请核对；新{what_zh}须先由管理员导入其目录",
             f"it must be a {what_en} code already in the system; check it, or ask an "
             f"administrator to import the new {what_en} first"))
        out.one(int(row), column.header, f"未知的{what_zh}代码“{value}”：{reason[0]}",
                f"unknown {what_en} code '{value}': {reason[1]}")


def _code_hint(value: str, column: Column) -> Hint | None:
    if SPACE.search(value):
        space_zh, space_en = _space_kind(value)
        shown = _show_spaces(value)
        return (f"“{shown}”中间有{space_zh}（␣ 处），请删除",
                f"'{shown}' contains {space_en} (at ␣); delete it")
    if SCIENTIFIC.fullmatch(value):
        return ("代码被 Excel 写成了科学计数法，后面的数字已丢失："
                "请把该列设为“文本”格式后重新填写代码",
                "Excel turned the code into scientific notation and lost its digits: format "
                "the column as Text and type the codes again")
    if column.reference in ("division", "township", "village") and value.isdigit() \
            and len(value) != DIVISION_CODE_DIGITS:
        return (f"区划代码应为 {DIVISION_CODE_DIGITS} 位数字，这里是 {len(value)} 位",
                f"division codes have {DIVISION_CODE_DIGITS} digits, this one has {len(value)}")
    return None


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


def _key_frame(domain: Domain, parsed: pd.DataFrame) -> pd.DataFrame:
    keys = list(domain.natural_key)
    # A key with a part missing is reported as missing already, and is no key to compare.
    return parsed.loc[parsed[keys].notna().all(axis=1), keys].astype(str)


def duplicated_keys(domain: Domain, parsed: pd.DataFrame) -> pd.Series:
    """True for each row whose key an earlier row has."""
    return _key_frame(domain, parsed).duplicated(keep="first")


def _check_duplicates(domain: Domain, parsed: pd.DataFrame, out: Collector) -> None:
    keys = list(domain.natural_key)
    key_frame = _key_frame(domain, parsed)
    duplicated = key_frame.duplicated(keep="first")
    if not duplicated.any():
        return
    first_row = key_frame.reset_index().groupby(keys)["index"].transform("first")
    first_row.index = key_frame.index
    header = domain.column(keys[0]).header
    for row in duplicated.index[duplicated.to_numpy()]:
        original = int(first_row[row])
        out.one(int(row), header,
                f"与第 {original} 行重复（{'+'.join(keys)}）：请删除或合并其中一行",
                f"duplicate of row {original} ({'+'.join(keys)}): delete or merge one of them")
