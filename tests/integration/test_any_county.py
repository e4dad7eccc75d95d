"""Any county: its divisions come from its own file, and nothing in the pages is the demo's."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from plotly.io.json import to_json_plotly

from callbacks.context import AppContext
from callbacks.router import render_page
from dashboard.config import Settings
from data_access import cache
from data_access.aggregates import divisions_at
from data_access.db import get_engine, upgrade_to_head
from data_access.divisions import Home, code_level, home, parent_code_of
from data_access.importing.problems import ImportRejected
from data_access.importing.runner import import_file
from data_access.importing.template import write_rows
from data_access.importing.templates import TEMPLATES
from tests.dbutil import snapshot

REPO = Path(__file__).resolve().parents[2]
DIVISIONS = TEMPLATES["divisions"]
# A county the NBS does not have (prefecture 99 of Hubei): clearly not real, and not 石首.
COUNTY = {"code": "429901000000", "name": "测试县", "level": "county", "parent_code": "",
          "unit_type": "县", "short_name": "测试", "name_en": "Ceshi"}
ROWS = [
    COUNTY,
    {"code": "429901001000", "name": "城关镇", "level": "township",
     "parent_code": "429901000000", "unit_type": "镇"},
    {"code": "429901100000", "name": "河口乡", "level": "township",
     "parent_code": "429901000000", "unit_type": "乡"},
    {"code": "429901001001", "name": "东门社区", "level": "village",
     "parent_code": "429901001000", "unit_type": "社区", "urban_rural_code": "111"},
    {"code": "429901100201", "name": "河口村委会", "level": "village",
     "parent_code": "429901100000", "unit_type": "村委会", "urban_rural_code": "220"},
    {"code": "429901100202", "name": "柳湾村委会", "level": "village",
     "parent_code": "429901100000", "unit_type": "村委会", "urban_rural_code": "220"},
]


@pytest.fixture
def empty_database(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'county.sqlite3'}"
    upgrade_to_head(url)
    cache.clear()
    yield url
    cache.clear()


def _sent(tree: object) -> str:
    """What Dash sends for a page, its text readable."""
    return json.dumps(json.loads(to_json_plotly(tree)), ensure_ascii=False)


def _file(tmp_path: Path, rows: list[dict], name: str = "divisions.xlsx") -> Path:
    # Villages first: the file need not list parents before children.
    return write_rows(DIVISIONS, pd.DataFrame(rows[::-1]).fillna(""), tmp_path / name)


def test_codes_say_their_level_and_parent() -> None:
    assert code_level("420000000000") == "province"
    assert code_level("421000000000") == "prefecture"
    assert code_level("421081000000") == "county"
    assert code_level("421081105000") == "township"
    assert code_level("421081105201") == "village"
    assert parent_code_of("421081105201") == "421081105000"
    assert parent_code_of("421081105000") == "421081000000"
    assert parent_code_of("421081000000") == "421000000000"
    assert parent_code_of("420000000000") is None


def test_a_new_database_asks_for_its_divisions(empty_database: str) -> None:
    result = subprocess.run([sys.executable, "-m", "dashboard", "init-db"], cwd=REPO,
                            env={"DATABASE_URL": empty_database, "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, check=True)
    assert "区划 0 个" in result.stdout and "template divisions" in result.stdout
    context = AppContext(Settings.from_env(database_url=empty_database),
                         get_engine(empty_database))
    page = _sent(render_page(context, "/", ""))
    assert "尚未导入区划" in page and "python -m dashboard template divisions" in page
    assert "石首" not in page


def test_a_county_is_its_divisions_file(empty_database: str, tmp_path: Path) -> None:
    engine = get_engine(empty_database)
    # The template as the CLI writes it, filled in as a county would.
    template = tmp_path / "template.xlsx"
    subprocess.run([sys.executable, "-m", "dashboard", "template", "divisions", "--output",
                    str(template)], cwd=REPO, env={"DATABASE_URL": empty_database,
                                                   "PATH": "/usr/bin:/bin"}, check=True,
                   capture_output=True)
    headers = pd.read_excel(template, sheet_name="divisions", nrows=0).columns.tolist()
    assert headers == [c.header for c in DIVISIONS.columns]
    report = import_file(engine, _file(tmp_path, ROWS))
    assert (report.rows_inserted, report.rows_in_file) == (6, 6)
    assert home(engine) == Home("429901000000", "测试县", "测试", "Ceshi")
    assert divisions_at(engine, "county", None) == ["429901000000"]
    assert divisions_at(engine, "village", "429901100000") == ["429901100201", "429901100202"]

    context = AppContext(Settings.from_env(database_url=empty_database,
                                           today=dt.date(2026, 11, 15)), engine)
    pages = (("/", ""), ("/township/429901100000", ""), ("/services", ""),
             ("/economy", "?period=2025"), ("/volunteers", ""), ("/inspections", ""),
             ("/weekly", ""))
    for path, search in pages:
        for lang, title, place in (("zh", "测试督导看板", "测试县"),
                                   ("en", "Ceshi oversight dashboard", "Ceshi")):
            query = search if lang == "zh" else f"{search}{'&' if search else '?'}lang=en"
            page = _sent(render_page(context, path, query))
            assert title in page and place in page, (path, query)
            # Nothing of the demo county: no name, no code, no schematic map of its townships.
            assert "石首" not in page and "Shishou" not in page and "421081" not in page, path
    assert "河口乡" in _sent(render_page(context, "/", ""))


def test_names_are_corrected_by_importing_again(empty_database: str, tmp_path: Path) -> None:
    engine = get_engine(empty_database)
    import_file(engine, _file(tmp_path, ROWS))
    renamed = [{**ROWS[0], "short_name": "", "name_en": ""}, *ROWS[1:]]
    renamed[2] = {**renamed[2], "name": "河口镇", "unit_type": "镇"}
    report = import_file(engine, _file(tmp_path, renamed, "again.xlsx"))
    assert (report.rows_inserted, report.rows_updated) == (0, 6)
    cache.clear()
    # An empty short name is the name; no English name: the Chinese one.
    assert home(engine) == Home("429901000000", "测试县", "测试县", "测试县")


@pytest.mark.parametrize(("change", "row", "column", "zh"), [
    ({"code": "42990110020"}, 7, "区划代码(code)", "12位"),
    ({"level": "township"}, 7, "层级(level)", "层级与区划代码不符"),
    ({"parent_code": "429901001000"}, 7, "上级区划代码(parent_code)", "前几位不符"),
    ({"parent_code": "429901200000"}, 7, "上级区划代码(parent_code)", "429901200000"),
    ({"level": "city"}, 7, "层级(level)", "county"),
])
def test_a_bad_row_is_named_and_nothing_is_written(empty_database: str, tmp_path: Path,
                                                     change: dict, row: int, column: str,
                                                     zh: str) -> None:
    engine = get_engine(empty_database)
    rows = [*ROWS[:-1], {**ROWS[-1], **change}]
    before = snapshot(engine)
    with pytest.raises(ImportRejected) as rejected:
        # The changed village is the file's last row: spreadsheet row 7 under the header.
        import_file(engine, write_rows(DIVISIONS, pd.DataFrame(rows).fillna(""),
                                       tmp_path / "bad.xlsx"))
    problems = rejected.value.problems
    assert any(p.row == row and p.column == column and zh in p.zh for p in problems), \
        [str(p) for p in problems]
    assert snapshot(engine) == before


def test_a_second_county_without_its_prefecture_is_refused(empty_database: str,
                                                           tmp_path: Path) -> None:
    engine = get_engine(empty_database)
    import_file(engine, _file(tmp_path, ROWS))
    before = snapshot(engine)
    other = [{**COUNTY, "code": "429902000000", "name": "样例县", "short_name": "样例"}]
    with pytest.raises(ImportRejected) as rejected:
        import_file(engine, _file(tmp_path, other, "other.xlsx"))
    assert "恰好有一个没有上级的区划" in str(rejected.value.problems[0])
    assert snapshot(engine) == before
