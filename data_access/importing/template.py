"""Writes templates (empty or filled): header row, an instructions sheet and the valid codes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Engine, select

from data_access.importing.reader import CODES_SHEET, INSTRUCTIONS_SHEET
from data_access.importing.spec import Domain
from data_access.importing.validate import KIND_ZH
from data_access.models import Division
from metrics.vocabulary import INSPECTION_RESULTS

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def write_template(domain: Domain, path: Path, engine: Engine | None = None) -> Path:
    """An empty template. With an engine, the code sheet lists the divisions in the database."""
    return write_rows(domain, pd.DataFrame(columns=[c.key for c in domain.columns]), path,
                      engine)


def write_rows(domain: Domain, rows: pd.DataFrame, path: Path,
               engine: Engine | None = None) -> Path:
    """Writes rows (columns named by the domain's keys) as the county would fill them in."""
    headers = [c.header for c in domain.columns]
    frame = rows.reindex(columns=[c.key for c in domain.columns])
    frame.columns = headers
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        return path
    workbook = Workbook()
    data = workbook.active
    data.title = domain.id
    data.append(headers)
    for cell in data[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True)
    for row in frame.itertuples(index=False):
        data.append(["" if pd.isna(v) else v for v in row])
    for index, column in enumerate(domain.columns, start=1):
        letter = data.cell(1, index).column_letter
        data.column_dimensions[letter].width = max(12, len(column.zh) * 2 + 4)
    data.freeze_panes = "A2"
    _instructions(workbook.create_sheet(INSTRUCTIONS_SHEET), domain)
    _codes(workbook.create_sheet(CODES_SHEET), domain, engine)
    workbook.save(path)
    return path


def _instructions(sheet: Worksheet, domain: Domain) -> None:
    sheet.append([f"{domain.zh} / {domain.en}"])
    sheet.append([domain.instructions_zh or "每行一条记录，第一行为表头，请勿修改表头。"])
    sheet.append([])
    sheet.append(["列 / column", "必填 / required", "类型 / type", "取值 / values", "说明 / notes"])
    for column in domain.columns:
        values = "、".join(column.choices)
        if column.minimum is not None or column.maximum is not None:
            low = "" if column.minimum is None else f"{column.minimum:g}"
            high = "" if column.maximum is None else f"{column.maximum:g}"
            values = f"{low} ~ {high}"
        sheet.append([column.header, "是" if column.required else "否",
                      KIND_ZH.get(column.kind, "文本"), values, column.help_zh])


def _codes(sheet: Worksheet, domain: Domain, engine: Engine | None) -> None:
    sheet.append(["代码 / code", "名称 / name", "类别 / kind"])
    if any(c.key == "result_code" for c in domain.columns):
        for code, (zh, en, _) in INSPECTION_RESULTS.items():
            sheet.append([code, zh, en])
    if any(c.key == "linked_indicators" for c in domain.columns):
        from metrics.indicators import INDICATORS

        for indicator in INDICATORS.values():
            sheet.append([indicator.id, indicator.name_zh, "指标 / indicator"])
    if engine is not None and any(c.reference in ("division", "township", "village")
                                  for c in domain.columns):
        with engine.connect() as connection:
            for code, name, level in connection.execute(
                    select(Division.code, Division.name, Division.level).order_by(Division.code)):
                sheet.append([code, name, level])
