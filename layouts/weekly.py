"""The weekly meeting report: rank cards per indicator, red flags, the bulletin, the township
summary and the print / PDF controls. Pure functions of the report model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from dash import dcc, html

from layouts import ids
from layouts.attributes import attributes
from layouts.bulletin import bulletin_sections, title_lines
from layouts.formatting import (
    counts_text,
    format_value,
    indicator_name,
    shown_change,
    target_label,
    value_with_unit,
)
from layouts.grid import (
    DATA_WORDS,
    ColumnSpec,
    action_column,
    in_language,
    is_data_words,
    table_section,
)
from layouts.i18n import Lang, for_ranked, t
from layouts.places import joined_places, place_name
from layouts.status import bottom_badge, counts_label, rule_text, status_badge
from layouts.tables import plain_table
from layouts.weekly_first import (
    PLACE_SUBJECTS,
    duban_href,
    first_screen,
    flag_subject,
    no_data_panel,
    unit_href,
)
from metrics.domains import DOMAIN_BY_ID, domain_of
from metrics.indicators import INDICATORS, PERCENT, YUAN
from metrics.red_flags import FLAG_DEFINITIONS
from metrics.weekly import DOMAIN_ORDER, OWN_HALL_NAMES, Card, Flag, Ranking, WeeklyReport

# Column headers of each red-flag list: (subject, date, detail) text keys.
FLAG_COLUMNS = {
    "new_overdue_cases": ("flag_col_case", "flag_col_due", "flag_col_finished"),
    "overdue_rectifications": ("flag_col_object", "flag_col_rectify_due", "flag_col_workdays_late"),
    "inactive_villages": ("flag_col_village", "flag_col_last_activity", None),
    "fell_below_50k": ("flag_col_village", "flag_col_year", "flag_col_revenue"),
    "red_three_weeks": ("flag_col_indicator", None, "flag_col_weeks"),
}

# Whether a row of this township is listed to the viewer (data_access.access.row_visible).
RowFilter = Callable[[str], bool]


def weekly_href(path: str, week: str, lang: Lang) -> str:
    query = {"week": week, **({"lang": "en"} if lang == "en" else {})}
    return f"{path}?{urlencode(query)}"


def _delta_text(indicator_id: str, value: float | None, base: float | None) -> str:
    if value is None or base is None:
        return "—"
    delta = shown_change(indicator_id, value, base)
    unit = INDICATORS[indicator_id].unit
    if unit is PERCENT:
        return f"{delta:+.1f}pp"
    if unit is YUAN:
        return f"{'+' if delta >= 0 else '−'}{abs(delta):,.2f}"
    return f"{'+' if delta >= 0 else '−'}{format_value(abs(delta), unit, 'zh')}"


def _move(card: Card, lang: Lang) -> html.Span:
    change = card.rank_change
    if change is None:
        return html.Span("—", className="rank-move", title=t("rank_change", lang))
    word = "▲" if change > 0 else "▼" if change < 0 else "＝"
    return html.Span(f"{word}{abs(change) if change else ''}",
                     className=f"rank-move {'up' if change > 0 else 'down' if change < 0 else ''}",
                     title=t("rank_change", lang), **attributes({"data-change": str(change)}))


def _card_title(card: Card, indicator_id: str, lang: Lang) -> str:
    """What the card's colour rests on, for hover: the target, the unrounded value, a rate's
    counts and 末位."""
    parts = [target_label(indicator_id, lang) or t("no_target_ranked", lang)]
    if card.value is not None:
        parts.append(f"{t('value', lang)} {card.value:,.4g}" if abs(card.value) < 1e4
                     else f"{t('value', lang)} {card.value:,.0f}")
    counts = counts_label(card.numerator, card.denominator, lang)
    if counts:
        parts.append(counts)
    if card.bottom:
        parts.append(t("bottom_names", lang))
    return " · ".join(parts)


def rank_card(card: Card, indicator_id: str, week: str, lang: Lang,
              level: str = "township") -> html.Div:
    counts = counts_text(card.numerator, card.denominator)
    return html.Div([
        html.Span(card.rank or "—", className="rank-no"),
        dcc.Link(place_name(card.name, lang), href=unit_href(card.code, level, week, lang),
                 className="rank-card-name"),
        html.Span(value_with_unit(indicator_id, card.value, lang), className="rank-card-value"),
        html.Span([status_badge(card.status, lang), " " if card.bottom else None,
                   bottom_badge(lang) if card.bottom else None], className="rank-card-status"),
        html.Span(counts, className="rank-counts") if card.few and counts else None,
        _move(card, lang),
        html.Span(f"{t('wow', lang)} {_delta_text(indicator_id, card.value, card.previous)}",
                  className="rank-delta"),
        html.Span(f"{t('yoy', lang)} {_delta_text(indicator_id, card.value, card.year_before)}",
                  className="rank-delta"),
    ], className=f"rank-card card-{card.status}", title=_card_title(card, indicator_id, lang),
        **attributes({"data-code": card.code,
                      "data-rank": "" if card.rank is None else str(card.rank),
                      "data-value": "" if card.value is None else repr(card.value),
                      "data-status": card.status, "data-bottom": str(card.bottom).lower()}))


def _rows_href(ranking: Ranking, lang: Lang) -> str:
    """The domain page that lists the indicator's rows, for the ranking's period."""
    domain = domain_of(ranking.indicator_id)
    given = {"indicator": ranking.indicator_id, "period": ranking.period,
             "year": ranking.period[:4]}
    query = {key: given[key] for key in domain.page_params}
    if lang == "en":
        query["lang"] = "en"
    return f"{domain.route}?{urlencode(query)}"


def ranking_panel(ranking: Ranking, week: str, lang: Lang,
                  level: str = "township") -> html.Section:
    indicator = INDICATORS[ranking.indicator_id]
    definition = indicator.definition_en if lang == "en" else indicator.definition_zh
    county = (f"{t('county_value', lang)} {value_with_unit(indicator.id, ranking.county, lang)} · "
              f"{t('wow', lang)} "
              f"{_delta_text(indicator.id, ranking.county, ranking.county_previous)}"
              f" · {t('yoy', lang)} "
              f"{_delta_text(indicator.id, ranking.county, ranking.county_year_before)}")
    return html.Section([
        html.Div([
            html.H4(indicator_name(indicator.id, lang),
                    title=f"{t('definition', lang)}{t('colon', lang)}{definition}"),
            html.Span(f"{t('report_period', lang)} {ranking.period}", className="muted small"),
            html.Span(target_label(indicator.id, lang) or t("no_target_ranked", lang),
                      className="muted small"),
            html.Span(county, className="ranking-county"),
            dcc.Link(t("rows_behind", lang), href=_rows_href(ranking, lang),
                     className="rows-link"),
        ], className="ranking-head"),
        html.Details([html.Summary(t("definition", lang)), html.P(definition)],
                     className="kpi-definition"),
        html.Div([rank_card(c, indicator.id, week, lang, level) for c in ranking.cards],
                 className="rank-cards"),
    ], className="panel weekly-ranking", id=f"ranking-{indicator.id}",
        **attributes({"data-indicator": indicator.id}))


def rankings_section(report: WeeklyReport, lang: Lang) -> html.Section:
    blocks = []
    for domain in DOMAIN_ORDER:
        zh, en = DOMAIN_BY_ID[domain].names
        panels = [ranking_panel(r, report.week, lang, report.ranked_level)
                  for r in report.rankings
                  if INDICATORS[r.indicator_id].domain == domain]
        if panels:
            blocks.append(html.Div([html.H3(en if lang == "en" else zh), *panels],
                                   className="weekly-domain",
                                   **attributes({"data-domain": domain})))
    return html.Section([html.H3(t(for_ranked("weekly_rankings", report.ranked_level), lang),
                                 className="section-title"),
                         html.P(t("weekly_rankings_note", lang), className="muted small"),
                         legend(lang), *blocks], className="weekly-rankings")


def legend(lang: Lang) -> html.P:
    """The status rule as configured (metrics/targets.py), in words, on the page."""
    return html.P([html.Strong(f"{t('legend', lang)}："), rule_text(lang)],
                  className="status-legend small")


def _flag_frame(flag: Flag) -> pd.DataFrame:
    return pd.DataFrame([{"county": r.county, "township": r.township, "subject": r.subject,
                          "date": r.date, "detail": r.detail} for r in flag.rows],
                        columns=["county", "township", "subject", "date", "detail"])


def _by_county(flag: Flag, level: str) -> bool:
    """Whether the flag's rows name their county: at a prefecture, unless they are counties
    (the red streaks')."""
    return level == "county" and flag.kind != "red_three_weeks"


def _flag_rows_shown(flag: Flag, lang: Lang, level: str) -> pd.DataFrame:
    frame = _flag_frame(flag)
    if not _by_county(flag, level):
        frame = frame.drop(columns="county")
    if flag.kind == "red_three_weeks":
        frame["subject"] = frame["subject"].map(lambda i: indicator_name(i, lang))
    return frame


PRINT_ROWS = 40  # rows of a flag printed in the PDF; the rest are in its Excel export


def _print_rows(frame: pd.DataFrame, columns: list[ColumnSpec], lang: Lang) -> html.Div:
    """The flag's rows as a plain table for print and PDF (the grid draws only what is on
    screen): every row up to PRINT_ROWS, then "前N条，共M条"."""
    shown = in_language(frame.head(PRINT_ROWS), columns, lang)
    table = html.Table([
        html.Thead(html.Tr([html.Th(c.header, scope="col") for c in columns])),
        html.Tbody([html.Tr([html.Td("" if pd.isna(row[c.field]) else str(row[c.field]),
                                     className=DATA_WORDS if is_data_words(c) else None)
                             for c in columns]) for _, row in shown.iterrows()]),
    ], className="print-table")
    note = (html.P(t("print_rows_shown", lang).format(shown=len(shown), total=len(frame)),
                   className="muted small") if len(frame) > len(shown) else None)
    return html.Div([table, note], className="print-only")


def _flag_columns(flag: Flag, lang: Lang, level: str) -> list[ColumnSpec]:
    """The flag's table: rows by township, but a streak of red weeks is the ranked units'."""
    subject, date, detail = FLAG_COLUMNS[flag.kind]
    streak = flag.kind == "red_three_weeks"
    place = for_ranked("township", level) if streak else "township"
    # At a prefecture a township's county comes first (FlagRow.county).
    county = [ColumnSpec("county", t(for_ranked("township", level), lang), pinned=True,
                         place=True)] if _by_county(flag, level) else []
    columns = [*county, ColumnSpec("township", t(place, lang), pinned=True, place=True),
               ColumnSpec("subject", t(subject, lang), wide=True,
                          place=flag.kind in PLACE_SUBJECTS)]
    if date:
        columns.append(ColumnSpec("date", t(date, lang)))
    if detail:
        columns.append(ColumnSpec("detail", t(detail, lang)))
    return columns


def flag_sheets(report: WeeklyReport, lang: Lang) -> list[tuple[str, pd.DataFrame, list[str]]]:
    """Every flag's rows, all of them, as workbook sheets (name, rows, headers): the full
    lists the printed report refers to."""
    sheets = []
    for flag in report.flags:
        columns = _flag_columns(flag, lang, report.ranked_level)
        frame = _flag_rows_shown(flag, lang, report.ranked_level)[[c.field for c in columns]]
        sheets.append((t(f"flag_{flag.kind}", lang), frame, [c.header for c in columns]))
    return sheets


def _duban_hrefs(flag: Flag, week: str, lang: Lang, level: str) -> list[str | None]:
    """Each row's 督办 form, pre-filled with the row and its figures as listed; a township red
    three weeks running proposes a talk, as on its summary. The city hall answers to no
    township: its rows have none; nor have counties (red three weeks when the report ranks
    them), as 督办 items are a township's."""
    if flag.kind == "red_three_weeks":
        return [duban_href(r.township_code, week, r.subject, lang, source="talk")
                if level == "township" else None for r in flag.rows]
    _, date, detail = FLAG_COLUMNS[flag.kind]
    name = t(f"flag_{flag.kind}", lang)
    return [duban_href(r.township_code, week, flag.kind, lang, source="flag",
                       subject=t("duban_flag_subject", lang).format(flag=name, row=r.subject),
                       figure=("；" if lang == "zh" else "; ").join(
                           t("duban_fact", lang).format(label=t(key, lang), value=value)
                           for key, value in ((date, r.date), (detail, r.detail))
                           if key and value))
            if r.township not in OWN_HALL_NAMES else None for r in flag.rows]


def flag_panel(flag: Flag, week: str, lang: Lang, listed: RowFilter | None = None,
               follow_up: bool = False, level: str = "township") -> html.Div:
    """A flag: its count, its count by township (for everyone) and its rows (those of the
    townships `listed` accepts: a township officer's own), each with a link to the 督办 form
    when `follow_up`."""
    columns = _flag_columns(flag, lang, level)
    counts = sorted(flag.by_township().items(), key=lambda item: (-item[1], item[0]))
    names = {r.township_code: joined_places(r.places(), lang) for r in flag.rows}
    summary = html.Ul([html.Li(f"{names[code]} {n}") for code, n in counts],
                      className="flag-townships")
    shown = flag if listed is None else replace(
        flag, rows=tuple(r for r in flag.rows if listed(r.township_code)))
    frame = _flag_rows_shown(shown, lang, level)
    table = table_section(f"weekly-{flag.kind}", t("flag_rows", lang),
                          frame.assign(duban_href=_duban_hrefs(shown, week, lang, level))
                          if follow_up else frame, columns, lang,
                          f"{t(f'flag_{flag.kind}', lang)}_{week}", height=260)
    if follow_up:
        table = action_column(table, "duban_href", t("duban_link", lang))
    if not flag.covered:
        body: list = [html.P(t("flag_not_covered", lang), className="muted")]
    else:
        body = [summary if counts else html.P(t("flag_none", lang), className="muted"),
                html.P(t("flag_rows_own", lang).format(n=len(flag.rows)), className="muted small")
                if len(shown.rows) < len(flag.rows) else None,
                html.Div(table, className="screen-only"),
                _print_rows(frame, columns, lang) if counts else None]
    return html.Div([
        html.Div([html.Span(str(flag.count) if flag.covered else "—", className="flag-count"),
                  html.Span(t(f"flag_{flag.kind}", lang), className="flag-name",
                            title=FLAG_DEFINITIONS[flag.kind].explained(lang))],
                 className=f"flag-head {'flag-on' if flag.count else 'flag-off'}"),
        html.Details([html.Summary(t("definition", lang)),
                      html.P(FLAG_DEFINITIONS[flag.kind].explained(lang))],
                     className="kpi-definition"),
        *body,
    ], className="panel weekly-flag", id=f"flag-{flag.kind}",
        **attributes({"data-flag": flag.kind, "data-count": str(flag.count)}))


def flags_section(report: WeeklyReport, lang: Lang, workbook_href: str,
                  listed: RowFilter | None = None, follow_up: bool = False) -> html.Section:
    return html.Section([
        html.Div([html.H3(t("red_flags", lang), className="section-title"),
                  html.A(t("flags_workbook", lang), href=workbook_href, download="",
                         className="button flags-workbook"),
                  html.Span(t("flags_workbook_print", lang).format(href=workbook_href),
                            className="print-only small")], className="section-head"),
        html.Div([flag_panel(f, report.week, lang, listed, follow_up, report.ranked_level)
                  for f in report.flags],
                 className="weekly-flags")], className="weekly-flags-section")


def bulletin_panel(report: WeeklyReport, lang: Lang, text: str,
                   ledger: list[dict] | None = None) -> html.Section:
    """The bulletin as a notice, and a button that copies it as plain text. ledger: the week's
    督办 counts by township, as the ledger's section shows them."""
    title, subtitle, as_of = title_lines(report, lang)
    sections = [html.Div([html.H5(heading), *(html.P(p) for p in paragraphs)])
                for heading, paragraphs in bulletin_sections(report, lang, ledger)]
    return html.Section([
        html.Div([html.H3(t("bulletin", lang), className="section-title"),
                  dcc.Clipboard(target_id=ids.WEEKLY_BULLETIN_TEXT, title=t("copy_bulletin", lang),
                                className="button copy-button", id=ids.WEEKLY_BULLETIN_COPY),
                  html.Span(t("copy_bulletin", lang), className="muted small screen-only")],
                 className="section-head"),
        html.Article([html.H4(title, className="notice-title"),
                      html.P(subtitle, className="notice-subtitle"),
                      html.P(as_of, className="notice-subtitle muted"), *sections],
                     className="notice"),
        html.Pre(text, id=ids.WEEKLY_BULLETIN_TEXT, className="bulletin-text"),
    ], className="panel weekly-bulletin")


def report_body(report: WeeklyReport, lang: Lang, bulletin: str, workbook_href: str,
                listed: RowFilter | None = None, ledger: list[dict] | None = None,
                follow_up: bool = False) -> html.Div:
    """The report: the first screen, the rankings, the flags' rows and the bulletin; in print
    the bulletin comes first (style.css orders them). A week the data do not reach is one
    message. ledger: the week's 督办 counts (the bulletin's sentence on them); follow_up: the
    flags' rows link to the 督办 form."""
    if not report.has_data:
        return html.Div(no_data_panel(report, lang), className="weekly-report")
    return html.Div([first_screen(report, lang), rankings_section(report, lang),
                     flags_section(report, lang, workbook_href, listed, follow_up),
                     bulletin_panel(report, lang, bulletin, ledger)],
                    className="weekly-report")


def week_controls(week: str, weeks: list[str], previous: str | None, following: str | None,
                  pdf_href: str, form_token: str, lang: Lang) -> html.Div:
    """pdf_href: where the PDF export is POSTed (it stores an export), with the form's CSRF
    token."""
    return html.Div([
        html.Label(t("week_label", lang), htmlFor=ids.WEEKLY_WEEK, className="control-label"),
        dcc.Dropdown(id=ids.WEEKLY_WEEK, options=[{"label": w, "value": w} for w in weeks],
                     value=week, clearable=False, searchable=False, className="week-control"),
        dcc.Link(f"‹ {t('previous_week', lang)}", href=previous, className="button")
        if previous else None,
        dcc.Link(f"{t('next_week', lang)} ›", href=following, className="button")
        if following else None,
        html.Form([dcc.Input(type="hidden", name="csrf_token", value=form_token),
                   html.Button(t("export_pdf", lang), type="submit", id=ids.WEEKLY_PDF,
                               className="button primary")],
                  method="POST", action=pdf_href, className="pdf-form"),
        html.Button(t("print", lang), id=ids.WEEKLY_PRINT, n_clicks=0, className="button"),
        dcc.Store(id=ids.WEEKLY_PRINTED),
    ], className="controls weekly-controls")


def ready_marker(report: WeeklyReport) -> html.Div:
    """Marks a fully drawn report: the PDF renderer waits for it."""
    return html.Div(id=ids.WEEKLY_READY, hidden=True, **attributes({"data-week": report.week}))


def archive_notice(export: dict, lang: Lang) -> html.Div:
    created = export["created_at"]
    return html.Div(t("archived_notice", lang).format(
        id=export["id"], time=created.strftime("%Y-%m-%d %H:%M"), version=export["data_version"]),
        className="archive-notice", role="note")


def comparison_note(report: WeeklyReport, lang: Lang) -> html.P | None:
    """Says what "last week" is: the marked meeting copy, or last week recomputed."""
    if not report.has_data:
        return None
    parts = [t("compared_with_export", lang).format(export=report.compared_with)
             if report.compared_with else t("compared_recomputed", lang)]
    if report.corrections:
        parts.append(t("corrected_since", lang) + "、".join(indicator_name(i, lang)
                                                            for i in report.corrections))
    return html.P(" ".join(parts), className="comparison-note")


def exports_items(exports: pd.DataFrame, copy: dict | None, lang: Lang) -> list:
    """The week's stored exports, the meeting copy in force marked as such, the others with a
    button that marks them (a second mark needs a reason)."""
    if exports.empty:
        return [html.P(t("no_exports", lang), className="muted")]
    in_force = None if copy is None else int(copy["id"])
    items = []
    for row in exports.itertuples():
        whole = row.kind != "township"
        what = t("whole_report", lang) if whole else (row.township or row.township_code)
        mark: html.Strong | html.Button | None = None
        if whole and row.id == in_force and copy is not None:
            mark = html.Strong(t("meeting_copy_in_force", lang).format(
                time=pd.Timestamp(copy["marked_at"]).strftime("%Y-%m-%d %H:%M"),
                reason=copy["reason"] or "—"), className="meeting-copy")
        elif whole:
            mark = html.Button(t("mark_meeting_copy", lang), id=ids.meeting_mark(int(row.id)),
                               n_clicks=0, className="button")
        items.append(html.Li([
            html.Span(f"#{row.id} {pd.Timestamp(row.created_at):%Y-%m-%d %H:%M} · {what} · "
                      f"{row.lang} · {t('data_version', lang)} {row.data_version}"),
            dcc.Link(t("open_archived", lang), href=f"/weekly/export/{row.id}"
                     + ("?lang=en" if lang == "en" else "")),
            _pdf_link(row, lang),
            mark,
        ], **attributes({"data-export": str(row.id),
                         "data-meeting-copy": str(row.id == in_force).lower()})))
    return [html.Ul(items, className="exports-list")]


def _pdf_link(row: Any, lang: Lang) -> html.A | dcc.Link | None:
    """The stored PDF once made; while its job runs, the export's page that follows it."""
    if row.pdf_state == "done":
        return html.A("PDF", href=f"/weekly/export/{row.id}.pdf")
    if row.pdf_state in ("queued", "running"):
        return dcc.Link(t("pdf_pending", lang), href=f"/weekly/export/{row.id}")
    return None


def exports_list(exports: pd.DataFrame, copy: dict | None, lang: Lang) -> html.Section:
    return html.Section([
        html.H3(t("stored_exports", lang), className="section-title"),
        html.P(t("meeting_copy_note", lang), className="muted small"),
        html.Div(exports_items(exports, copy, lang), id=ids.WEEKLY_EXPORTS),
        html.Label([t("mark_reason", lang),
                    dcc.Input(id=ids.WEEKLY_MARK_REASON, type="text", value="", maxLength=200,
                              className="mark-reason")], className="control-label"),
        html.Div(id=ids.WEEKLY_MARK_RESULT, role="status"),
    ], className="panel weekly-exports screen-only")


def township_summary(report: WeeklyReport, code: str, lang: Lang) -> list:
    """One township's page of the report: its card on every indicator and its red flags; a
    week the data do not reach is one message."""
    if not report.has_data:
        return [no_data_panel(report, lang)]
    rows = []
    for ranking in report.rankings:
        card = ranking.card(code)
        if card is None:
            continue
        ranked = sum(1 for c in ranking.cards if c.rank is not None)
        rows.append(html.Tr([
            html.Th(indicator_name(ranking.indicator_id, lang), scope="row",
                    title=INDICATORS[ranking.indicator_id].definition_en if lang == "en"
                    else INDICATORS[ranking.indicator_id].definition_zh),
            html.Td(value_with_unit(ranking.indicator_id, card.value, lang)
                    + (f"（{counts_text(card.numerator, card.denominator)}）"
                       if card.few else ""), className="num",
                    title=_card_title(card, ranking.indicator_id, lang)),
            html.Td(f"{card.rank}/{ranked}" if card.rank else "—", className="num"),
            html.Td([status_badge(card.status, lang), " " if card.bottom else None,
                     bottom_badge(lang) if card.bottom else None]),
            html.Td(_move(card, lang)),
            html.Td(_delta_text(ranking.indicator_id, card.value, card.previous),
                    className="num"),
            html.Td(_delta_text(ranking.indicator_id, card.value, card.year_before),
                    className="num"),
            html.Td(value_with_unit(ranking.indicator_id, ranking.county, lang), className="num"),
            html.Td(ranking.period, className="small"),
        ], **attributes({"data-indicator": ranking.indicator_id, "data-status": card.status,
                         "data-bottom": str(card.bottom).lower(),
                         "data-value": "" if card.value is None else repr(card.value),
                         "data-rank": "" if card.rank is None else str(card.rank)})))
    header = html.Tr([html.Th(t(key, lang), scope="col") for key in (
        "indicator", "value", "rank", "status", "rank_change", "wow", "yoy", "county_value",
        "report_period")])
    flags = []
    for flag in report.flags:
        if not flag.covered:
            continue
        mine = [r for r in flag.rows if r.township_code == code]
        subjects = [flag_subject(flag.kind, r.subject, lang) for r in mine[:12]]
        flags.append(html.Li([html.Strong(f"{t(f'flag_{flag.kind}', lang)}{t('colon', lang)}"
                                          f"{len(mine)}"), " ",
                              *[part for index, subject in enumerate(subjects)
                                for part in ((t("list_separator", lang),) if index else ())
                                + (subject,)],
                              " …" if len(mine) > 12 else None,
                              " ",
                              dcc.Link(t("flag_rows_link", lang),
                                       href=weekly_href("/weekly", report.week, lang)
                                       + f"#flag-{flag.kind}") if mine else None,
                              # Red three weeks running: a 约谈 is proposed, one click away.
                              " ",
                              dcc.Link(t("duban_link", lang), className="duban-open-link",
                                       href=duban_href(code, report.week, mine[0].subject,
                                                       lang, source="talk"))
                              if mine and flag.kind == "red_three_weeks" else None],
                             **attributes({"data-flag": flag.kind, "data-count": str(len(mine))})))
    en = {"lang": "en"} if lang == "en" else {}
    links = html.Div([
        dcc.Link(t("township_page_link", lang), href=f"/township/{code}?{urlencode(en)}"
                 if en else f"/township/{code}", className="button"),
        dcc.Link(t("worklist_link", lang),
                 href=f"/inspections?{urlencode({'township': code, **en})}", className="button"),
    ], className="controls summary-links screen-only")
    return [
        links,
        legend(lang),
        plain_table(html.Thead(header), rows, "summary-table", t("township_summary_link", lang)),
        html.Section([html.H3(t("red_flags", lang), className="section-title"),
                      html.Ul(flags, className="township-flags")], className="panel"),
    ]
