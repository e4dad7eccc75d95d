"""The rows of the final table, and printing: headings, aligned tables, the summary."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from benchmarks.machine import load_average


@dataclass
class Result:
    """One row of the final table."""

    measure: str
    value: str
    target: str
    ok: bool | None  # None: informational, or not measured (see note)
    note: str = ""

    @property
    def ok_text(self) -> str:
        if self.note == "error":
            return "ERROR"
        if self.ok is None:
            return "n/a" if self.note == "skipped" else "-"
        return "yes" if self.ok else "NO"


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, measure: str, value: str, target: str, ok: bool | None,
            note: str = "") -> None:
        self.results.append(Result(measure, value, target, ok, note))

    def error(self, measure: str, message: str) -> None:
        self.errors.append(f"{measure}: {message}")
        self.results.append(Result(measure, "not measured", "", None, "error"))


def _display_width(text: str) -> int:
    """Columns in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _display_width(text))


def print_table(headers: Sequence[str], rows: Iterable[Sequence[str]], indent: str = "  ") -> None:
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [_display_width(h) for h in headers]
    for row in cells:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], _display_width(cell))
    line = " | ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True))
    print(indent + line.rstrip())
    print(indent + "-+-".join("-" * w for w in widths))
    for row in cells:
        print(indent + " | ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip())


def heading(text: str) -> None:
    print()
    print(f"== {text}")


def print_summary(report: Report, total_s: float) -> None:
    heading(f"summary (total run {total_s:.0f} s, load avg now {load_average()})")
    print_table(["measure", "value", "target", "ok"],
                [[r.measure, r.value, r.target, r.ok_text] for r in report.results])
    if report.errors:
        print()
        print("errors:")
        for message in report.errors:
            print("  " + message.replace("\n", "\n    "))
