"""The administrators' audit log page: every recorded event, newest first, exportable."""

from __future__ import annotations

import pandas as pd
from dash import html

from layouts.grid import ColumnSpec, table_section
from layouts.i18n import TEXT, Lang, t

AUDIT_TABLE = "audit-log"


def audit_body(events: pd.DataFrame, total: int, lang: Lang) -> list:
    columns = [ColumnSpec("at", t("audit_at", lang)),
               ColumnSpec("username", t("username", lang)),
               ColumnSpec("event", t("audit_event", lang)),
               ColumnSpec("outcome", t("audit_outcome", lang)),
               ColumnSpec("ip", t("audit_ip", lang)),
               ColumnSpec("detail", t("audit_detail", lang), wide=True)]
    note = t("audit_note", lang).format(shown=len(events), total=total)
    # The codes as words; the Excel export keeps the words shown.
    events = events.assign(
        event=[t(f"audit_ev_{e}", lang) if f"audit_ev_{e}" in TEXT else e
               for e in events["event"]],
        outcome=[t(f"audit_out_{o}", lang) if f"audit_out_{o}" in TEXT else o
                 for o in events["outcome"]],
        at=events["at"].map(lambda at: f"{at:%Y-%m-%d %H:%M:%S}"))
    return [html.P(note, className="muted"),
            table_section(AUDIT_TABLE, t("audit_log", lang), events, columns, lang,
                          "audit_log", height=640)]
