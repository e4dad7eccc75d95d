import io
import json

import pandas as pd
from openpyxl import load_workbook

from data_access.exports import to_xlsx
from layouts.grid import ColumnSpec, action_column, export_frame, row_data, table_section


def test_cells_that_look_like_formulas_are_not_run() -> None:
    frame = pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "正常"],
                          "value": [1, 2, 3, 4, 5]})
    sheet = load_workbook(io.BytesIO(to_xlsx(frame, "t"))).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "正常"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_export_uses_display_units_and_headers() -> None:
    rows = [{"name": "甲村", "income": 256000}, {"name": "乙村", "income": None}]
    defs = [{"field": "name", "headerName": "名称"},
            {"field": "income", "headerName": "收入（万元）"}]
    frame, headers = export_frame(rows, defs,
                                  {"scales": {"income": 0.0001}, "digits": {"income": 2}})
    assert headers == ["名称", "收入（万元）"]
    assert frame["income"].tolist()[0] == 25.6 and pd.isna(frame["income"].tolist()[1])


def test_grid_rows_carry_null_not_nan_and_dates_as_text() -> None:
    frame = pd.DataFrame({"name": ["甲村", None], "rate": [91.5, float("nan")],
                          "due": pd.to_datetime(["2026-11-02 09:30", None])})
    rows = row_data(frame)
    assert rows == [{"name": "甲村", "rate": 91.5, "due": "2026-11-02 09:30"},
                    {"name": None, "rate": None, "due": None}]
    assert "NaN" not in json.dumps(rows)


def test_export_leaves_out_the_columns_that_link_to_a_form() -> None:
    section = table_section("t", "T", pd.DataFrame({"name": ["甲村"], "go": ["/duban?x=1"]}),
                            [ColumnSpec("name", "名称")], "zh", "t")
    grid = action_column(section, "go", "督办").children[-1]
    assert [c.get("colId") for c in grid.columnDefs] == [None, "action-go"]
    frame, headers = export_frame(grid.rowData, grid.columnDefs, {})
    assert headers == ["名称"] and frame.columns.tolist() == ["name"]
