"""The 督办 ledger's pages and the two callbacks that change it (open an item, take a step)."""

from __future__ import annotations

import base64
import binascii

from dash import ALL, Dash, Input, Output, State, ctx, html, no_update
from dash.development.base_component import Component

from callbacks.context import AppContext
from callbacks.trails import home_step
from callbacks.url_state import parse_query
from callbacks.views import NotFound
from data_access import access
from data_access.audit import record_request
from data_access.divisions import division_table
from data_access.duban import (
    Attachment,
    DubanRefused,
    item_record,
    items,
    open_item,
    take_step,
)
from layouts import ids
from layouts.duban import (
    item_detail,
    item_list,
    item_page,
    new_item_form,
    opened_note,
    refusal,
    step_note,
    subject_text,
)
from layouts.i18n import Lang, parse_lang, t
from layouts.urls import view_href
from metrics.duban import ACTION_ROLES, SOURCES, closed_on_time, is_overdue, next_state
from metrics.periods import PeriodError, parse_period, period_containing

PREFILLED = ("township", "source", "indicator", "subject", "week", "figure")
STEPS = ("answer", "return", "close")


def _trail(context: AppContext, query: dict[str, str], lang: Lang,
           last: str | None = None) -> list:
    trail = [home_step(context, lang, query),
             (t("duban", lang), view_href("/duban", query) if last else None)]
    return trail + ([(last, None)] if last else [])


def _suggested(prefill: dict[str, str], lang: Lang) -> str:
    """The request a leader most often writes, to edit: the figure and what is expected."""
    subject = subject_text(prefill.get("subject"), prefill.get("indicator"), lang)
    source = prefill.get("source")
    if source == "talk":
        return t("duban_suggest_talk", lang).format(subject=subject)
    # A listed row is put right, not ranked.
    key = "duban_suggest_row" if source in ("flag", "worklist") else "duban_suggest"
    return t(key, lang).format(subject=subject, figure=prefill.get("figure", ""))


def _prefill(context: AppContext, query: dict[str, str], lang: Lang) -> dict[str, str] | None:
    """The new item's facts from the URL (the weekly report's 督办 links), or None."""
    towns = division_table(context.engine)
    code = query.get("township", "")
    if code not in towns.index or towns.at[code, "level"] != "township":
        return None
    prefill = {k: query[k][:255] for k in PREFILLED if query.get(k)}
    if prefill.get("source") not in SOURCES:
        prefill["source"] = "manual"
    try:
        week = parse_period(prefill.get("week", ""))
    except PeriodError:
        week = None
    # The meeting's week as the link gave it, else this week.
    prefill["week"] = (week if week is not None and week.kind == "week"
                       else period_containing("week", context.today())).label
    prefill["suggested"] = _suggested(prefill, lang)
    return prefill


def _listing(context: AppContext, lang: Lang) -> list:
    """The counts and the items the viewer may see."""
    frame = items(context.engine, context.today())
    waiting = frame["state"].isin(["open", "returned"])
    counts = {"waiting": int(waiting.sum()), "answered": int((frame["state"] == "answered").sum()),
              "overdue": int((frame["overdue"] & (frame["state"] != "closed")).sum()),
              "closed": int((frame["state"] == "closed").sum())}
    return item_list(frame, lang, counts)


def duban_page(context: AppContext, lang: Lang, query: dict[str, str]
               ) -> tuple[str, list, list]:
    body: list[Component] = []
    prefill = _prefill(context, query, lang)
    if prefill is not None and access.has_role(ACTION_ROLES["open"]):
        name = division_table(context.engine).at[prefill["township"], "short_name"]
        body.append(new_item_form(prefill, name, lang))
    # Redrawn when an item is opened above it.
    body.append(html.Div(_listing(context, lang), id=ids.DUBAN_LIST))
    body.append(html.P(t("duban_rule", lang), className="muted small"))
    return t("duban", lang), _trail(context, query, lang), body


def _actions(item: dict) -> list[str]:
    return [action for action in STEPS
            if next_state(action, item["state"]) and access.has_role(ACTION_ROLES[action])]


def _detail(context: AppContext, item_id: int, lang: Lang) -> list | None:
    """An item as its page shows it (None: unknown or not the viewer's)."""
    item, steps = item_record(context.engine, item_id)
    if item is None:
        return None
    overdue = is_overdue(item["state"], item["due_on"], context.today())
    closed = item.get("closed_at")
    item["closed_late"] = closed is not None and not closed_on_time(item["due_on"], closed.date())
    return item_detail(item, steps, overdue, _actions(item), lang)


def duban_item_page(context: AppContext, lang: Lang, query: dict[str, str],
                    item_id: str) -> tuple[str, list, list]:
    detail = _detail(context, int(item_id), lang)
    if detail is None:
        raise NotFound(f"#{item_id}", "duban_unknown")
    title = f"{t('duban', lang)} #{item_id}"
    return title, _trail(context, query, lang, f"#{item_id}"), item_page(detail)


def _attachment(contents: str | None, name: str | None) -> Attachment | None:
    if not contents or not name:
        return None
    try:
        return Attachment(name, base64.b64decode(contents.split(",", 1)[1], validate=True))
    except (IndexError, binascii.Error) as error:
        raise DubanRefused("附件无法读取 / the attachment could not be read") from error


def register(app: Dash, context: AppContext) -> None:
    @app.callback(Output(ids.DUBAN_CREATE_RESULT, "children"),
                  Output(ids.DUBAN_CREATE, "disabled"), Output(ids.DUBAN_LIST, "children"),
                  Input(ids.DUBAN_CREATE, "n_clicks"), State(ids.DUBAN_REQUEST, "value"),
                  State(ids.DUBAN_DUE_DAYS, "value"), State(ids.DUBAN_PREFILL, "data"),
                  State(ids.URL, "search"), prevent_initial_call=True)
    def create(clicks: int, request: str | None, days: int | None, prefill: dict | None,
               search: str | None) -> tuple:
        lang = parse_lang(parse_query(search).get("lang"))
        if not clicks or not prefill:
            return no_update, no_update, no_update
        try:
            item_id = open_item(context.engine, prefill.get("township", ""), request or "",
                                prefill.get("week", ""), context.now(),
                                prefill.get("source", "manual"), prefill.get("indicator"),
                                prefill.get("subject", ""), prefill.get("figure", ""),
                                int(days or 0))
        except (DubanRefused, ValueError) as refused:
            record_request(context.engine, "duban", f"open refused: {refused}", "refused")
            return refusal(str(refused), lang), False, no_update
        record_request(context.engine, "duban", f"#{item_id} opened")
        return opened_note(item_id, lang), True, _listing(context, lang)  # one click, one item

    @app.callback(Output(ids.DUBAN_STEP_RESULT, "children"), Output(ids.DUBAN_DETAIL, "children"),
                  Input(ids.duban_step(ALL), "n_clicks"), State(ids.DUBAN_ITEM, "data"),
                  State(ids.DUBAN_STEP_TEXT, "value"), State(ids.DUBAN_UPLOAD, "contents"),
                  State(ids.DUBAN_UPLOAD, "filename"), State(ids.URL, "search"),
                  prevent_initial_call=True)
    def step(clicks: list[int | None], item_id: int | None, text: str | None,
             contents: str | None, filename: str | None, search: str | None) -> tuple:
        lang = parse_lang(parse_query(search).get("lang"))
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not any(clicks) or item_id is None:
            return no_update, no_update
        action = str(trigger.get("action"))
        if action not in STEPS:
            return no_update, no_update
        try:
            state = take_step(context.engine, int(item_id), action, text or "", context.now(),
                              _attachment(contents, filename) if action == "answer" else None)
        except (DubanRefused, ValueError) as refused:
            record_request(context.engine, "duban", f"#{item_id} {action} refused: {refused}",
                           "refused")
            return refusal(str(refused), lang), no_update
        record_request(context.engine, "duban", f"#{item_id} {action} -> {state}")
        return step_note(state, lang), _detail(context, int(item_id), lang) or no_update

