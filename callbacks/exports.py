"""One export callback for every table: what the grid shows (filtered, sorted) -> .xlsx."""

from __future__ import annotations

from dash import MATCH, Dash, Input, NoUpdate, Output, State, dcc, no_update

from callbacks.context import AppContext
from data_access.audit import record_request
from data_access.exports import to_xlsx
from layouts.grid import export_frame


def register(app: Dash, context: AppContext) -> None:
    @app.callback(Output({"type": "download", "table": MATCH}, "data"),
                  Input({"type": "export-button", "table": MATCH}, "n_clicks"),
                  State({"type": "grid", "table": MATCH}, "virtualRowData"),
                  State({"type": "grid", "table": MATCH}, "columnDefs"),
                  State({"type": "export-spec", "table": MATCH}, "data"),
                  prevent_initial_call=True)
    def export(_clicks: int, rows: list[dict] | None, column_defs: list[dict],
               spec: dict | None) -> dict | NoUpdate:
        if not column_defs or not spec:
            return no_update
        frame, headers = export_frame(rows or [], column_defs, spec)
        record_request(context.engine, "export_rows", f"{spec['name']}: {len(frame)} rows")
        return dcc.send_bytes(to_xlsx(frame, spec["name"], headers), f"{spec['name']}.xlsx")
