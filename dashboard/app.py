"""The app factory: create_app(settings) -> Dash, with every callback registered on that app."""

from __future__ import annotations

from dash import Dash

from callbacks import (
    economy,
    exports,
    inspections,
    navigation,
    router,
    services,
    volunteers,
    wall,
    weekly,
)
from dashboard import api, pdf
from dashboard.config import ASSETS_DIR, Settings
from callbacks.context import AppContext
from data_access.db import get_engine
from layouts.shell import app_layout


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or Settings.from_env()
    context = AppContext(settings, get_engine(settings.database_url))
    app = Dash(
        __name__,
        title="石首督导看板",
        assets_folder=str(ASSETS_DIR),
        serve_locally=True,
        suppress_callback_exceptions=True,
        update_title=None,
    )
    app.layout = app_layout()
    for module in (router, navigation, exports, economy, services, volunteers, inspections, weekly,
                   wall):
        module.register(app, context)
    api.register(app.server, context)
    pdf.register(app.server, context, settings.internal_url)
    return app
