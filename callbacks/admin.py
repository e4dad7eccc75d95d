"""Administrators' pages: the audit log."""

from __future__ import annotations

from callbacks.context import AppContext
from callbacks.trails import home_step
from data_access import access
from data_access.audit import audit_count, audit_events
from layouts.audit import audit_body
from layouts.i18n import Lang, t

ADMIN_ROLES = ("admin",)


def audit_page(context: AppContext, lang: Lang, query: dict[str, str]) -> tuple[str, list, list]:
    # The guard keeps /admin/ pages to administrators; a crafted callback naming this path
    # reaches the router, which asks again.
    access.require_role(ADMIN_ROLES)
    trail = [home_step(context, lang, query), (t("audit_log", lang), None)]
    return t("audit_log", lang), trail, audit_body(audit_events(context.engine),
                                                   audit_count(context.engine), lang)
