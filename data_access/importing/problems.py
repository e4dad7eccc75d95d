"""Import problems: what is wrong and where (file, sheet, row, column), in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    sheet: str
    row: int | None  # the spreadsheet row number (header is row 1); None for the whole file
    column: str | None
    zh: str
    en: str

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"工作表/sheet {self.sheet}")
        if self.row is not None:
            where.append(f"第 {self.row} 行/row {self.row}")
        if self.column:
            where.append(f"列/column {self.column}")
        return f"{' · '.join(where)}: {self.zh} / {self.en}"


class ImportRejected(Exception):
    """The file was rejected as a whole; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def rejected(file: str, zh: str, en: str, *, sheet: str = "", row: int | None = None,
             column: str | None = None) -> ImportRejected:
    """A rejection for one problem, to raise where the file cannot be read any further."""
    return ImportRejected([Problem(file, sheet, row, column, zh, en)])
