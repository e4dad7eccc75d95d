"""The weekly report's first screen, made for the projector (1920 x 1080, no scrolling): each
domain's headline, the townships that need attention and why, and the red flags with their
counts. Every township and flag links to where its causes are: the township's summary and page,
its filtered worklist, and the rows behind the flag."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from layouts.attributes import attributes
from layouts.formatting import indicator_name, target_label, value_with_unit
from layouts.grid import DATA_WORDS
from layouts.i18n import Lang, for_ranked, t
from layouts.places import place_name
from layouts.status import status_badge
from layouts.urls import area_path
from metrics.domains import DOMAIN_BY_ID
from metrics.indicators import INDICATORS
from metrics.red_flags import FLAG_DEFINITIONS
from metrics.targets import TARGETS, ranked_status
from metrics.weekly import DOMAIN_ORDER, HEADLINE, Card, Flag, Ranking, WeeklyReport, laggards

ATTENTION_SHOWN = 8  # townships listed on the first screen; the rest are in the rankings
REASONS_SHOWN = 3
# Where each flag's cause is worked on, for the flag's own period (its rows are the flag's
# table on this page): the worklist as of the week's Sunday, the month's volunteers, the
# income report's year. Cases due unfinished are listed by no other page.
FLAG_PAGES = {"overdue_rectifications": "/inspections/worklist",
              "inactive_villages": "/volunteers", "fell_below_50k": "/economy"}


def _flag_page(flag: Flag, report: WeeklyReport) -> tuple[str | None, dict[str, str]]:
    page = FLAG_PAGES.get(flag.kind)
    if flag.kind == "overdue_rectifications":
        return page, {"as_of": report.last_day}
    if flag.kind == "inactive_villages":
        return page, {"period": report.last_day[:7]}
    if flag.kind == "fell_below_50k" and flag.rows:
        return page, {"period": flag.rows[0].date}
    return page, {}


def _href(path: str, lang: Lang, **query: str) -> str:
    given = {**query, **({"lang": "en"} if lang == "en" else {})}
    return f"{path}?{urlencode(given)}" if given else path


def unit_href(code: str, level: str, week: str, lang: Lang) -> str:
    """Where a ranked unit's name leads: a township's summary of the week; a county (ranked
    when the area has several) has no summary of its own, so its overview, which ranks its
    townships."""
    if level == "township":
        return _href(f"/weekly/{code}", lang, week=week)
    return _href(area_path(code), lang)


def _domain_tile(ranking: Ranking, lang: Lang) -> html.A:
    indicator_id = ranking.indicator_id
    domain = DOMAIN_BY_ID[INDICATORS[indicator_id].domain]
    state = ranked_status(indicator_id, ranking.county, False, ranking.county_denominator)
    counts = {key: sum(1 for c in ranking.cards if c.status == key)
              for key in ("green", "yellow", "red", "few")}
    bottom = [c.name for group in laggards(ranking) for c in group]
    zh, en = domain.names
    return html.A([
        html.Span(en if lang == "en" else zh, className="tile-domain"),
        html.Span(indicator_name(indicator_id, lang), className="tile-indicator"),
        html.Span(value_with_unit(indicator_id, ranking.county, lang), className="tile-value"),
        status_badge(state, lang) if state != "none" else None,
        html.Span(f"{target_label(indicator_id, lang)} · {ranking.period}".lstrip(" ·"),
                  className="tile-meta"),
        html.Span(t("status_counts", lang).format(**counts)
                  + (t("status_counts_few", lang).format(few=counts["few"])
                     if counts["few"] else ""), className="tile-meta")
        if indicator_id in TARGETS else None,
        html.Span(t("bottom_names", lang) + t("colon", lang) + t("list_separator", lang).join(
            place_name(name, lang) for name in bottom) if bottom else "",
                  className="tile-bottom"),
    ], href=f"#ranking-{indicator_id}", className=f"first-tile card-{state}",
        **attributes({"data-indicator": indicator_id, "data-status": state,
                      "data-value": "" if ranking.county is None else repr(ranking.county)}))


# Red flags whose rows name a village (the others name an item, a business or an indicator).
PLACE_SUBJECTS = frozenset({"inactive_villages", "fell_below_50k"})


def flag_subject(kind: str, subject: str, lang: Lang) -> html.Span:
    """A flag row's subject in the page's language: an indicator's name, a village's place
    name, or the data's own words (an item, a business) marked as such."""
    if kind == "red_three_weeks":
        return html.Span(indicator_name(subject, lang))
    if kind in PLACE_SUBJECTS:
        return html.Span(place_name(subject, lang))
    return html.Span(subject, className=DATA_WORDS)


def _reasons(report: WeeklyReport) -> dict[str, list[tuple[Card, str]]]:
    """Each township's red cards, in the report's order of indicators."""
    found: dict[str, list[tuple[Card, str]]] = {}
    for ranking in report.rankings:
        for card in ranking.cards:
            if card.status == "red":
                found.setdefault(card.code, []).append((card, ranking.indicator_id))
    return found


def _reason_text(card: Card, indicator_id: str, lang: Lang) -> str:
    target = target_label(indicator_id, lang)
    bottom = (", " if lang == "en" else "，") + t("bottom_names", lang) if card.bottom else ""
    value = value_with_unit(indicator_id, card.value, lang)
    return (f"{indicator_name(indicator_id, lang)} {value}（{target}{bottom}）" if lang == "zh"
            else f"{indicator_name(indicator_id, lang)} {value} ({target}{bottom})")


def _attention_row(code: str, reasons: list[tuple[Card, str]], report: WeeklyReport,
                   lang: Lang) -> html.Li:
    name = reasons[0][0].name
    shown = [_reason_text(card, i, lang) for card, i in reasons[:REASONS_SHOWN]]
    more = len(reasons) - REASONS_SHOWN
    flags = [f"{t(f'flag_{f.kind}', lang)} {f.by_township()[code]}" for f in report.flags
             if f.covered and f.kind != "red_three_weeks" and code in f.by_township()]
    return html.Li([
        dcc.Link(place_name(name, lang),
                 href=unit_href(code, report.ranked_level, report.week, lang),
                 className="attention-name"),
        html.Span(f"{len(reasons)}", className="attention-count",
                  title=t(for_ranked("needs_attention", report.ranked_level), lang)),
        html.Span(("；" if lang == "zh" else "; ").join(shown)
                  + ((f" …（+{more}）" if lang == "zh" else f" … (+{more})") if more > 0 else ""),
                  className="attention-reasons"),
        html.Span(" · ".join(flags), className="attention-flags") if flags else None,
        _township_links(code, reasons, report, lang) if report.ranked_level == "township"
        else None,
    ], className="attention-row", **attributes({"data-code": code,
                                                 "data-reasons": str(len(reasons))}))


def _township_links(code: str, reasons: list[tuple[Card, str]], report: WeeklyReport,
                    lang: Lang) -> html.Span:
    """Where a township's causes are: its page, its worklist, its summary, and the 督办 form
    (a county's are its overview's, which its name links to)."""
    return html.Span([
        dcc.Link(t("township_page_link", lang),
                 href=_href(f"/township/{code}", lang, period=report.week)),
        dcc.Link(t("worklist_link", lang),
                 href=_href("/inspections/worklist", lang, township=code, as_of=report.last_day)),
        dcc.Link(t("township_summary_link", lang),
                 href=_href(f"/weekly/{code}", lang, week=report.week)),
        dcc.Link(t("duban_link", lang), className="duban-open-link",
                 href=duban_href(code, report.week, reasons[0][1], lang, reasons[0][0]))],
        className="attention-links")


def duban_href(code: str, week: str, indicator_id: str, lang: Lang, card: Card | None = None,
               source: str = "card", subject: str = "", figure: str = "") -> str:
    """The 督办 form pre-filled with a township, the meeting's week, the indicator (or flag) and
    the figure as shown: a red card's value, or a listed row's, `subject` naming the row."""
    figure = value_with_unit(indicator_id, card.value, lang) if card else figure
    return _href("/duban", lang, township=code, week=week, source=source,
                 indicator=indicator_id, **({"subject": subject} if subject else {}),
                 **({"figure": figure} if figure else {}))


def _severity(code: str, reds: int, report: WeeklyReport) -> tuple[int, ...]:
    """Most pressing first: indicators red three weeks running, then red indicators now, then
    overdue rectifications and cases due unfinished (the flags with a township's own rows)."""
    def rows(kind: str) -> int:
        flag = report.flag(kind)
        return flag.by_township().get(code, 0) if flag.covered else 0
    return (-rows("red_three_weeks"), -reds, -rows("overdue_rectifications"),
            -rows("new_overdue_cases"))


def attention_panel(report: WeeklyReport, lang: Lang) -> html.Div:
    reasons = _reasons(report)
    ordered = sorted(reasons.items(),
                     key=lambda item: (*_severity(item[0], len(item[1]), report),
                                       item[1][0][0].name))
    rows = [_attention_row(code, items, report, lang) for code, items in
            ordered[:ATTENTION_SHOWN]]
    rest = [items[0][0] for _, items in ordered[ATTENTION_SHOWN:]]
    return html.Div([
        html.H3(t(for_ranked("needs_attention", report.ranked_level), lang)),
        html.Ol(rows, className="attention-list") if rows
        else html.P(t("attention_none", lang), className="muted"),
        html.P([t(for_ranked("attention_more", report.ranked_level), lang).format(n=len(rest)),
                " ",
                *[part for index, card in enumerate(rest) for part in (
                    "、" if index and lang == "zh" else ", " if index else None,
                    dcc.Link(place_name(card.name, lang), className="attention-more-link",
                             href=unit_href(card.code, report.ranked_level, report.week,
                                            lang)))
                  if part is not None]],
               className="muted small") if rest else None,
    ], className="first-attention", **attributes({"data-townships": str(len(ordered))}))


def _flag_tile(flag: Flag, report: WeeklyReport, lang: Lang) -> html.Div:
    page, query = _flag_page(flag, report)
    return html.Div([
        html.A(str(flag.count) if flag.covered else "—", href=f"#flag-{flag.kind}",
               className="flag-tile-count"),
        html.Span(t(f"flag_{flag.kind}", lang), className="flag-tile-name",
                  title=FLAG_DEFINITIONS[flag.kind].explained(lang)),
        html.Span(t("flag_not_covered", lang), className="muted small")
        if not flag.covered else None,
        html.Span([html.A(t("flag_rows_link", lang), href=f"#flag-{flag.kind}"),
                   dcc.Link(t("flag_page_link", lang), href=_href(page, lang, **query))
                   if page else None], className="flag-tile-links"),
    ], className=f"flag-tile {'flag-on' if flag.count else 'flag-off'}",
        **attributes({"data-flag": flag.kind, "data-count": str(flag.count),
                      "data-place": "first-screen"}))


def first_screen(report: WeeklyReport, lang: Lang) -> html.Section:
    tiles = [_domain_tile(ranking, lang) for domain in DOMAIN_ORDER
             if (ranking := report.ranking(HEADLINE[domain])) is not None]
    return html.Section([
        html.H3(t("first_screen", lang), className="section-title"),
        html.Div(tiles, className="first-tiles"),
        html.Div([attention_panel(report, lang),
                  html.Div([html.H3(t("red_flags", lang)),
                            html.Div([_flag_tile(f, report, lang) for f in report.flags],
                                     className="flag-tiles")], className="first-flags")],
                 className="first-lower"),
    ], className="weekly-first-screen", id="weekly-first-screen")


def no_data_panel(report: WeeklyReport, lang: Lang) -> html.Section:
    """One message for a week the data do not reach, instead of a page of empty cards."""
    return html.Section(html.P(t("weekly_no_data", lang).format(week=report.week)),
                        className="panel weekly-no-data", role="status")
