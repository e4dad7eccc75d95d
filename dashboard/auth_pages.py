"""The sign-in pages: plain HTML forms served by Flask (they must work before Dash's scripts
are allowed to load), in the app's stylesheet, zh-CN first with an English switch."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from flask import Request, Response, current_app, render_template_string
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from data_access.access import Principal
from data_access.accounts import MIN_PASSWORD_LENGTH
from layouts.i18n import Lang, app_title, in_brackets, in_language, parse_lang, t

PAGE = """<!DOCTYPE html>
<html lang="{{ 'en' if lang == 'en' else 'zh-CN' }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · {{ app_title }}</title>
<link rel="stylesheet" href="/assets/style.css"></head>
<body class="auth-body">
<main class="auth-card">
  <h1 class="app-title">{{ app_title }}</h1>
  <h2>{{ title }}</h2>
  {% if error %}<p class="error" role="alert">{{ error }}</p>{% endif %}
  {% if note %}<p class="muted">{{ note }}</p>{% endif %}
  {% if fields %}
  <form method="post" action="{{ action }}" class="auth-form">
    <input type="hidden" name="csrf_token" value="{{ csrf }}">
    {% if next %}<input type="hidden" name="next" value="{{ next }}">{% endif %}
    {% for name, label, kind, complete in fields %}
    <label for="{{ name }}">{{ label }}</label>
    <input id="{{ name }}" name="{{ name }}" type="{{ kind }}" autocomplete="{{ complete }}"
           required {% if loop.first %}autofocus{% endif %}>
    {% endfor %}
    <button type="submit" class="button primary">{{ submit }}</button>
  </form>
  {% endif %}
  <p class="auth-links"><a href="{{ switch_href }}" class="lang-switch">{{ switch }}</a></p>
</main>
</body></html>"""


def lang_of(request: Request) -> Lang:
    return parse_lang(request.args.get("lang") or request.form.get("lang"))


def _page(lang: Lang, title: str, *, status: int = 200, error: str = "", note: str = "",
          fields: tuple = (), action: str = "", submit: str = "", next_path: str = "",
          switch_href: str | None = None) -> Response:
    other = "en" if lang == "zh" else "zh"
    # The area's name, once its divisions are loaded (auth.install keeps the function).
    place = current_app.config.get("AREA_TITLE", lambda _lang: "")(lang)
    body = render_template_string(
        PAGE, lang=lang, title=title, app_title=app_title(place, lang), error=error, note=note,
        fields=fields, action=action, submit=submit, next=next_path, csrf=generate_csrf(),
        switch=t("switch_language", lang),
        switch_href=switch_href or f"?lang={other}")
    return Response(body, status=status, mimetype="text/html")


def _failure(outcome: str, locked_until: dt.datetime | None, lang: Lang) -> str:
    if outcome == "locked" and locked_until is not None:
        return t("login_locked", lang).format(until=locked_until.strftime("%Y-%m-%d %H:%M"))
    return t("login_disabled" if outcome == "disabled" else "login_failed", lang)


def login_page(lang: Lang, next_path: str, outcome: str = "",
               locked_until: dt.datetime | None = None, status: int = 200) -> Response:
    fields = (("username", t("username", lang), "text", "username"),
              ("password", t("password", lang), "password", "current-password"))
    other = "en" if lang == "zh" else "zh"
    return _page(lang, t("login", lang), status=status,
                 error=_failure(outcome, locked_until, lang) if outcome else "",
                 fields=fields, action=f"/login?lang={lang}", submit=t("login", lang),
                 next_path=next_path,
                 switch_href="/login?" + urlencode({"lang": other, "next": next_path}))


def password_page(lang: Lang, principal: Principal, error: str = "",
                  status: int = 200, next_path: str = "") -> Response:
    fields = (("current_password", t("current_password", lang), "password", "current-password"),
              ("new_password", t("new_password", lang), "password", "new-password"),
              ("confirm_password", t("confirm_password", lang), "password", "new-password"))
    note = t("password_rule", lang).format(n=MIN_PASSWORD_LENGTH)
    if principal.must_change_password:
        note = t("password_first_login", lang) + " " + note
    return _page(lang, f"{t('change_password', lang)} · {principal.name}"
                       + in_brackets(t("role_" + principal.role, lang), lang),
                 status=status, error=in_language(error, lang), note=note, fields=fields,
                 action=f"/password?lang={lang}", submit=t("change_password", lang),
                 next_path=next_path)


def message_page(status: int, key: str, lang: Lang = "zh") -> Response:
    return _page(lang, t(key, lang), status=status, note=t(f"{key}_note", lang))


def account_bar(principal: Principal, lang: Lang, waiting: int | None = None) -> str:
    """The strip above every page: who is signed in, change password, sign out (a POST with
    the CSRF token), and the audit log for administrators. Plain HTML in Dash's index page:
    drawn per request, outside the pages a cache keeps."""
    suffix = "?lang=en" if lang == "en" else ""
    links = [f'<a href="/password{suffix}">{escape(t("change_password", lang))}</a>']
    if waiting:  # a township officer's open 督办 items
        links.insert(0, f'<a href="/duban{suffix}" class="duban-badge">'
                        f'{escape(t("duban_badge", lang).format(n=waiting))}</a>')
    if principal.role in ("admin", "township"):
        links.insert(0, f'<a href="/data{suffix}">{escape(t("data_entry", lang))}</a>')
    if principal.role == "admin":
        links.append(f'<a href="/admin/audit{suffix}">{escape(t("audit_log", lang))}</a>')
    return (
        '<div class="account-bar" role="navigation" aria-label="account">'
        f'<span>{escape(t("signed_in_as", lang))} <strong class="account-name">'
        f'{escape(principal.name)}</strong>'
        f'{escape(in_brackets(t("role_" + principal.role, lang), lang))}</span>'
        + "".join(links) +
        '<form method="post" action="/logout" class="logout-form">'
        f'<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">'
        f'<button type="submit" class="link-button">{escape(t("logout", lang))}</button>'
        "</form></div>")
