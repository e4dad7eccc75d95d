"""The app factory: create_app(settings) -> Dash, with every callback registered on that app."""

from __future__ import annotations

import contextlib

from dash import Dash
from flask import request
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from callbacks import data_entry, duban, exports, navigation, router, wall, weekly
from callbacks.context import AppContext
from callbacks.domains import domain_modules
from dashboard import api, auth, files, pdf, uploads
from dashboard.config import Settings
from data_access import cache, jobs
from data_access.calendar import sync_calendar
from data_access.db import get_engine
from data_access.divisions import english_names
from data_access.paths import ASSETS_DIR
from layouts.i18n import app_title, html_lang, parse_lang
from layouts.places import know_english_names
from layouts.shell import app_layout
from layouts.validation import validation_layout


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or Settings.from_env()
    context = AppContext(settings, get_engine(settings.database_url))
    _share_cache(settings)
    jobs.configure(settings.redis_url)  # jobs to Celery workers when several hosts serve
    app = Dash(
        __name__,
        # The tab's; the header names the area (the divisions are read per request, not here:
        # a new database gets its divisions after the app starts).
        title=app_title("", "zh"),
        assets_folder=str(ASSETS_DIR),
        serve_locally=True,
        update_title="",  # the tab keeps its title while callbacks run ("" as None: typed str)
    )
    _declare_language(app)
    # Sign-in first: its guard must run before every other before_request and route.
    auth.install(app, context, settings)
    app.layout = app_layout()
    # The pages' components, which the router draws later: callbacks are checked against them.
    app.validation_layout = validation_layout()  # type: ignore[assignment]  # Dash declares it None
    # The pages shared by all domains, then each declared domain's own (metrics/domains.py).
    for module in (router, navigation, exports, weekly, duban, data_entry, wall,
                   *domain_modules()):
        module.register(app, context)
    api.register(app.server, context)
    # The county's holiday calendar, loaded before the first request and again after imports.
    app.server.before_request(lambda: sync_calendar(context.engine))
    app.server.before_request(lambda: _know_place_names(context.engine))
    pdf.register(app.server, context, settings.internal_url)
    files.register(app.server, context)
    uploads.register(app.server, context, settings)
    return app


def _declare_language(app: Dash) -> None:
    """The page's html element names the language it is drawn in (?lang=en or Chinese), from
    the first byte: a screen reader picks its voice by it. The router's clientside callback
    keeps it so as the page changes language in the browser."""
    template = app.index_string
    app.index_string = template.replace("<html>", '<html lang="{%lang%}">', 1)
    if app.index_string == template:
        raise RuntimeError("Dash's index template has no <html> to give a lang")
    interpolate = app.interpolate_index

    def with_language(**parts: str) -> str:
        lang = html_lang(parse_lang(request.args.get("lang")))
        return interpolate(**parts).replace("{%lang%}", lang, 1)

    app.interpolate_index = with_language  # type: ignore[method-assign,assignment]


def _know_place_names(engine: Engine) -> None:
    """The divisions' English names for the English pages (cached until an import). Without a
    reachable database the names known stay; the health endpoint reports the database."""
    with contextlib.suppress(SQLAlchemyError):
        know_english_names(english_names(engine))


def _share_cache(settings: Settings) -> None:
    """What one worker computed, the others (and other hosts, through Redis) take from the
    shared level instead of computing it again."""
    if settings.shared_cache:
        cache.share(redis_url=settings.redis_url,
                    folder=settings.cache_dir or cache.DEFAULT_FOLDER)
    else:
        cache.stop_sharing()
