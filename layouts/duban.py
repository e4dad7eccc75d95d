"""The 督办 ledger's pages: the list (with the form that opens an item, pre-filled from the
weekly report), and one item with its steps and the actions the viewer may take."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from layouts import ids
from layouts.attributes import attributes
from layouts.formatting import indicator_name
from layouts.grid import ColumnSpec, display_frame, link_column, table_section
from layouts.i18n import Lang, in_language, t
from layouts.places import place_name
from layouts.tables import plain_table
from metrics.duban import DUE_WORKING_DAYS
from metrics.indicators import INDICATORS
from metrics.red_flags import FLAG_DEFINITIONS

ITEM_PATH = "/duban/"
TABLE = "duban-items"


def refusal(message: str, lang: Lang) -> html.P:
    """A refused step, in the page's language."""
    return html.P(in_language(message, lang), className="error")


def opened_note(item_id: int, lang: Lang) -> html.P:
    return html.P([t("duban_opened", lang).format(id=item_id), " ",
                   dcc.Link(f"#{item_id}", href=f"{ITEM_PATH}{item_id}")], className="duban-done")


def step_note(state: str, lang: Lang) -> html.P:
    """A step taken: the item's new state (the item below is redrawn with it)."""
    return html.P(t("duban_done", lang).format(state=t(f"duban_state_{state}", lang)),
                  className="duban-done", **attributes({"data-state": state}))


def state_text(state: str, overdue: bool, lang: Lang, closed_late: bool = False) -> str:
    text = t(f"duban_state_{state}", lang)
    if closed_late and state == "closed":
        return f"{text} · {t('duban_closed_late_word', lang)}"
    return f"{text} · {t('duban_overdue', lang)}" if overdue and state != "closed" else text


def item_list(frame: pd.DataFrame, lang: Lang, counts: dict[str, int]) -> list:
    """The items as an exportable table (number linked to the item) and the counts above."""
    shown = frame.assign(
        state_text=[state_text(s, o, lang, late) for s, o, late in
                    zip(frame["state"], frame["overdue"], frame["closed_late"], strict=True)],
        subject=[subject_text(s, i, lang) for s, i in zip(frame["subject"],
                                                          frame["indicator_id"], strict=True)],
        due=frame["due_on"].map(lambda d: d.isoformat() if d is not None else ""))
    columns = [ColumnSpec("id", t("duban_number", lang)),
               ColumnSpec("township", t("insp_township", lang), place=True),
               ColumnSpec("subject", t("duban_subject", lang), wide=True),
               ColumnSpec("request", t("duban_request", lang), wide=True),
               ColumnSpec("state_text", t("duban_state", lang)),
               ColumnSpec("due", t("duban_due", lang)),
               ColumnSpec("opened_at", t("duban_opened_at", lang)),
               ColumnSpec("week", t("duban_meeting_week", lang)),
               ColumnSpec("opened_by", t("duban_opened_by", lang))]
    summary = html.Div([
        html.Div([html.Span(str(counts[key]), className="duban-count"),
                  html.Span(t(f"duban_count_{key}", lang), className="muted")],
                 className=f"duban-count-tile duban-{key}" + ("" if counts[key] else " zero"),
                 **attributes({"data-key": key}))
        for key in ("waiting", "answered", "overdue", "closed")], className="duban-counts")
    table = link_column(table_section(TABLE, t("duban_items", lang), shown, columns, lang,
                                      "duban", height=520), "id", ITEM_PATH)
    return [summary, table]


def new_item_form(prefill: dict[str, str], township_name: str, lang: Lang) -> html.Section:
    """Opens an item; the weekly report's links fill in the township, the week, the indicator
    or row and the figure as shown."""
    facts = [f"{t('insp_township', lang)}：{township_name}", f"{t('week_label', lang)}："
             f"{prefill.get('week', '')}"]
    if prefill.get("subject"):
        facts.append(f"{t('duban_subject', lang)}：{prefill['subject']}")
    if prefill.get("figure"):
        facts.append(f"{t('duban_figure', lang)}：{prefill['figure']}")
    return html.Section([
        html.H3(t("duban_new", lang), className="section-title"),
        html.P(" · ".join(facts), className="duban-facts"),
        html.Label(t("duban_request", lang), htmlFor=ids.DUBAN_REQUEST),
        dcc.Textarea(id=ids.DUBAN_REQUEST, value=prefill.get("suggested", ""),
                     className="duban-text", rows=3),
        html.Label(t("duban_due_days", lang), htmlFor=ids.DUBAN_DUE_DAYS),
        dcc.Input(id=ids.DUBAN_DUE_DAYS, type="number", min=1, max=60, step=1,
                  value=DUE_WORKING_DAYS, className="duban-days"),
        dcc.Store(id=ids.DUBAN_PREFILL, data=prefill),
        html.Button(t("duban_open", lang), id=ids.DUBAN_CREATE, n_clicks=0,
                    className="button primary"),
        html.Div(id=ids.DUBAN_CREATE_RESULT, role="status"),
    ], className="panel duban-new")


def item_detail(item: dict, steps: pd.DataFrame, overdue: bool, actions: list[str],
                lang: Lang) -> list:
    """One item: what was asked, its state, every step, and the viewer's possible actions."""
    facts = html.Dl([
        *[part for key, value in (
            ("insp_township", item["township"]), ("week_label", item["week"]),
            ("duban_subject", item["subject"] or "—"), ("duban_figure", item["figure"] or "—"),
            ("duban_due", item["due_on"].isoformat()),
            ("duban_state", state_text(item["state"], overdue, lang,
                                       bool(item.get("closed_late")))),
            ("duban_opened_by", f"{item['opened_by']} · {item['opened_at']:%Y-%m-%d %H:%M}"))
          for part in (html.Dt(t(key, lang)), html.Dd(value))],
    ], className="duban-facts-list", **attributes({"data-state": item["state"],
                                                   "data-overdue": str(overdue).lower()}))
    history = html.Ol([
        html.Li([html.Span(f"{row.at:%Y-%m-%d %H:%M}", className="duban-at"),
                 html.Span(f" {row.username} · {t('duban_action_' + row.action, lang)}",
                           className="duban-who"),
                 html.P(row.text, className="duban-step-text") if row.text else None,
                 html.A(f"📎 {row.attachment_name}", href=f"/duban/attachment/{row.id}",
                        className="duban-attachment")
                 if isinstance(row.attachment_name, str) else None],
                className=f"duban-step duban-step-{row.action}")
        for row in steps.itertuples()], className="duban-history")
    return [html.Section([html.H3(item["request"], className="duban-request"), facts],
                         className="panel"),
            html.Section([html.H3(t("duban_history", lang), className="section-title"),
                          history], className="panel"),
            action_panel(int(item["id"]), actions, lang)]


def action_panel(item_id: int, actions: list[str], lang: Lang) -> html.Section | None:
    if not actions:
        return None
    # The text and the upload are always there (the step callback reads them); shown when
    # the viewer's actions use them.
    needs_text = any(a in ("answer", "return") for a in actions)
    hidden = {"display": "none"}
    return html.Section([
        html.H3(t("duban_next", lang), className="section-title"),
        dcc.Store(id=ids.DUBAN_ITEM, data=item_id),
        html.Label(t("duban_step_text", lang), htmlFor=ids.DUBAN_STEP_TEXT,
                   style=None if needs_text else hidden),
        dcc.Textarea(id=ids.DUBAN_STEP_TEXT, className="duban-text", rows=3,
                     style=None if needs_text else hidden),
        dcc.Upload(html.Span(t("duban_attach", lang)), id=ids.DUBAN_UPLOAD,
                   className="duban-upload", max_size=10 * 1024 * 1024,
                   style=None if "answer" in actions else hidden),
        html.Div([html.Button(t(f"duban_do_{action}", lang), id=ids.duban_step(action),
                              n_clicks=0, className="button" + (
                                  " primary" if action in ("answer", "close") else ""))
                  for action in actions], className="duban-actions"),
    ], className="panel duban-act")


def item_page(detail: list) -> list:
    """An item's page: the note of the step just taken above the item, which the step
    redraws (its new state, history and the actions left)."""
    return [html.Div(id=ids.DUBAN_STEP_RESULT, role="status"),
            html.Div(detail, id=ids.DUBAN_DETAIL)]


def subject_text(subject: str | None, indicator_id: str | None, lang: Lang) -> str:
    """What an item is about: the row it names, else its indicator's or red flag's name."""
    if subject:
        return subject
    if indicator_id in INDICATORS:
        return indicator_name(indicator_id, lang)
    return t(f"flag_{indicator_id}", lang) if indicator_id in FLAG_DEFINITIONS else ""


SHEET_COLUMNS = (("id", "duban_number"), ("township", "insp_township"),
                 ("subject", "duban_subject"), ("request", "duban_request"),
                 ("opened_at", "duban_opened_at"), ("due_on", "duban_due"),
                 ("state", "duban_state_week_end"), ("closed_at", "duban_closed_at"),
                 ("overdue", "duban_overdue_week_end"))


def _overdue_word(overdue: bool, closed_at: object, due_on: object, lang: Lang) -> str:
    """Overdue at the week's end (yes), closed by then but late (closed late), or no."""
    if overdue:
        return t("insp_yes", lang)
    closed, due = pd.to_datetime(closed_at), pd.to_datetime(due_on)
    late = not pd.isna(closed) and not pd.isna(due) and closed.normalize() > due
    return t("duban_closed_late_word" if late else "insp_no", lang)


def items_sheet(frame: pd.DataFrame, lang: Lang) -> tuple[str, pd.DataFrame, list[str]]:
    """The week's items as they stood at its end (data_access.duban.week_items, or as stored
    with an export), as a workbook sheet: name, rows, headers."""
    shown = display_frame(frame).assign(
        subject=[subject_text(s, i, lang) for s, i in zip(frame["subject"],
                                                          frame["indicator_id"], strict=True)],
        state=[t(f"duban_state_{state}", lang) for state in frame["state"]],
        overdue=[_overdue_word(late, closed, due, lang) for late, closed, due in
                 zip(frame["overdue"], frame["closed_at"], frame["due_on"], strict=True)])
    return (t("duban_items", lang), shown[[field for field, _ in SHEET_COLUMNS]],
            [t(key, lang) for _, key in SHEET_COLUMNS])


def week_panel(summary: list[dict], week: str, lang: Lang) -> html.Section:
    """督办事项办理情况 of the week, by township (aggregates: every viewer sees them); as stored
    with an export, the ledger as it stood."""
    title = html.H3(t("duban_section", lang), className="section-title")
    if not summary:
        return html.Section([title, html.P(t("duban_section_none", lang), className="muted")],
                            className="panel duban-week", **attributes({"data-week": week}))
    keys = ("opened", "closed_on_time", "closed_late", "overdue")
    heads = ("duban_opened_col", "duban_on_time_col", "duban_late_col", "duban_overdue_col")
    total = {key: sum(int(row[key]) for row in summary) for key in keys}
    rows = [html.Tr([html.Th(place_name(row["township"], lang), scope="row"),
                     *[html.Td(str(int(row[key])), className="num" + (
                         " bad" if key == "overdue" and int(row[key]) else ""))
                       for key in keys]], **attributes({"data-code": row["township_code"]}))
            for row in summary]
    rows.append(html.Tr([html.Th(t("county_value", lang), scope="row"),
                         *[html.Td(str(total[key]), className="num") for key in keys]],
                        className="total"))
    return html.Section([
        title,
        plain_table(html.Thead(html.Tr([html.Th(t("insp_township", lang), scope="col"),
                                        *[html.Th(t(h, lang), scope="col") for h in heads]])),
                    rows, "print-table duban-week-table", t("duban_section", lang)),
        html.P(t("duban_rule", lang), className="muted small"),
    ], className="panel duban-week", **attributes({"data-week": week, **{
        f"data-{key.replace('_', '-')}": str(total[key]) for key in keys}}))
