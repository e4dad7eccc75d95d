"""Division reference data: the area overseen, its townships and village-level units (NBS codes).

Nothing here names a county. The divisions come from data: a county's rows of the NBS
统计用区划代码 imported with the `divisions` template (`python -m dashboard template divisions`),
or the demo's file. The area the dashboard oversees, its home, is the top of what is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from data_access.cache import cached
from data_access.models import Division

DivisionLevel = Literal["province", "prefecture", "county", "township", "village"]
# From the top down: a division's parent is one level up.
DIVISION_LEVELS: tuple[DivisionLevel, ...] = ("province", "prefecture", "county", "township",
                                              "village")
# The digits of the 12-digit NBS code that a level adds: 2 province, 2 prefecture, 2 county,
# 3 township, 3 village; the rest are zeros.
_SIGNIFICANT_DIGITS = {"province": 2, "prefecture": 4, "county": 6, "township": 9,
                       "village": 12}
CODE_DIGITS = 12


class NoDivisions(LookupError):
    """No county is loaded yet: the divisions template has not been imported."""


def code_level(code: str) -> DivisionLevel:
    """The level a 12-digit NBS code is at, read from its trailing zeros (a township is its
    9 digits and 000; a village never ends in 000)."""
    for level in DIVISION_LEVELS:
        if code[_SIGNIFICANT_DIGITS[level]:].strip("0") == "":
            return level
    return "village"


def significant_digits(level: DivisionLevel) -> int:
    return _SIGNIFICANT_DIGITS[level]


def code_range(code: str) -> tuple[str, str]:
    """The lowest and highest codes under a division, its own included: its significant digits
    followed by anything. The NBS codes nest, so "under" is a range an index can read."""
    digits = _SIGNIFICANT_DIGITS[code_level(code)]
    rest = CODE_DIGITS - digits
    return code[:digits] + "0" * rest, code[:digits] + "9" * rest


def level_below(level: DivisionLevel) -> DivisionLevel:
    """The level of a division's children (a county's townships, a prefecture's counties)."""
    return DIVISION_LEVELS[DIVISION_LEVELS.index(level) + 1]


def ancestor_code(code: str, level: DivisionLevel) -> str:
    """The code of the division at `level` that `code` lies in (itself at its own level), as
    the NBS code's own prefix names it."""
    digits = _SIGNIFICANT_DIGITS[level]
    return code[:digits] + "0" * (CODE_DIGITS - digits)


def ancestor_codes(codes: pd.Series, level: DivisionLevel) -> pd.Series:
    """ancestor_code of every code in a column."""
    digits = _SIGNIFICANT_DIGITS[level]
    return codes.str[:digits] + "0" * (CODE_DIGITS - digits)


def parent_code_of(code: str) -> str | None:
    """The code of the division one level up, as the NBS code's own prefix names it."""
    level = code_level(code)
    if level == "province":
        return None
    return ancestor_code(code, DIVISION_LEVELS[DIVISION_LEVELS.index(level) - 1])


@dataclass(frozen=True)
class Home:
    """The area the dashboard oversees: the top of the loaded divisions (a county, or the
    prefecture or province above several)."""

    code: str
    name: str  # 石首市
    short_name: str  # 石首: the title's form
    name_en: str  # Shishou; the Chinese name when the divisions give none

    @property
    def level(self) -> DivisionLevel:
        return code_level(self.code)

    @property
    def ranked_level(self) -> DivisionLevel:
        """The divisions its pages rank and compare: the level just below it (a county's
        townships, a prefecture's counties)."""
        return level_below(self.level)

    def named(self, lang: str) -> str:
        return self.name if lang == "zh" else self.name_en

    def title_name(self, lang: str) -> str:
        return self.short_name if lang == "zh" else self.name_en


@cached
def home(engine: Engine) -> Home:
    """The top of the loaded divisions: the one division without a parent. Cached: divisions
    change only with an import. Raises NoDivisions before any is loaded."""
    with engine.connect() as connection:
        tops = connection.execute(
            select(Division.code, Division.name, Division.short_name, Division.name_en)
            .where(Division.parent_code.is_(None)).order_by(Division.code).limit(2)).all()
    if not tops:
        raise NoDivisions("no divisions loaded")
    if len(tops) > 1:
        raise NoDivisions(f"several divisions without a parent: {tops[0].code}, {tops[1].code}")
    top = tops[0]
    return Home(top.code, top.name, top.short_name or top.name, top.name_en or top.name)


@cached
def english_names(engine: Engine) -> dict[str, str]:
    """The divisions' own English names (the reviewed spellings), by Chinese name."""
    with engine.connect() as connection:
        rows = connection.execute(select(Division.name, Division.name_en)
                                  .where(Division.name_en.is_not(None))).all()
    return {row.name: row.name_en for row in rows}


def home_if_loaded(engine: Engine) -> Home | None:
    try:
        return home(engine)
    except NoDivisions:
        return None


def load_divisions_file(engine: Engine, path: Path) -> int:
    """Inserts or refreshes the divisions of a CSV with the Division columns (the demo's file);
    keeps imported population. Real counties import theirs with the `divisions` template."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    fields = ["code", "name", "short_name", "name_en", "level", "unit_type", "parent_code",
              "urban_rural_code"]
    rows: list[dict[str, Any]] = [
        {key: (value or None) if key in ("name_en", "parent_code", "urban_rural_code")
         else value for key, value in row.items()}
        for row in frame[fields].to_dict("records")]
    # Parents before children so that they exist when foreign keys are checked.
    rows.sort(key=lambda r: DIVISION_LEVELS.index(r["level"]))
    with engine.begin() as connection:
        insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        statement = insert(Division.__table__)
        statement = statement.on_conflict_do_update(
            index_elements=["code"],
            set_={k: statement.excluded[k] for k in fields if k != "code"})
        for row in rows:
            row.setdefault("population_generated", False)
        connection.execute(statement, rows)
    return len(rows)


def divisions_frame(engine: Engine) -> pd.DataFrame:
    """All divisions, indexed by code."""
    with engine.connect() as connection:
        return pd.read_sql(select(Division.__table__), connection).set_index("code")


@cached
def division_table(engine: Engine) -> pd.DataFrame:
    """All divisions indexed by code (cached: read on every page)."""
    return divisions_frame(engine)


def county_names(engine: Engine, codes: pd.Series) -> pd.Series:
    """The short name of the county each division code lies in, as the NBS code's prefix names
    it; None where it lies in none (a prefecture's own code, a missing one)."""
    table = division_table(engine)

    def county_of(code: object) -> str | None:
        if not isinstance(code, str) or not code.isdigit():
            return None
        county = ancestor_code(code, "county")
        found = county in table.index and table.at[county, "level"] == "county"
        return str(table.at[county, "short_name"]) if found else None
    return codes.map(county_of)
