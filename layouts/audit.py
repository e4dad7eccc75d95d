"""The administrators' audit log page: every recorded event, newest first, exportable."""

from __future__ import annotations

import pandas as pd
from dash import html

from layouts.grid import ColumnSpec, table_section
from layouts.i18n import Lang, t

AUDIT_TABLE = "audit-log"


def audit_body(events: pd.DataFrame, total: int, lang: Lang) -> list:
    columns = [ColumnSpec("at", t("audit_at", lang), "date"),
               ColumnSpec("username", t("username", lang)),
               ColumnSpec("event", t("audit_event", lang)),
               ColumnSpec("outcome", t("audit_outcome", lang)),
               ColumnSpec("ip", t("audit_ip", lang)),
               ColumnSpec("detail", t("audit_detail", lang), wide=True)]
    note = t("audit_note", lang).format(shown=len(events), total=total)
    return [html.P(note, className="muted"),
            table_section(AUDIT_TABLE, t("audit_log", lang), events, columns, lang,
                          "audit_log", height=640)]
