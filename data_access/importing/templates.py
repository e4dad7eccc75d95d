"""Every import template: the declared domains' (domains.py, in import order) and the
reference templates, which belong to no domain and are listed apart (the divisions and the
county-kept holiday calendar). The importer and the CLI look templates up here."""

from __future__ import annotations

from data_access.importing.divisions_template import DIVISIONS
from data_access.importing.domains import DOMAINS, detect_domain
from data_access.importing.holidays import HOLIDAY_CALENDAR
from data_access.importing.spec import Domain

REFERENCE_TEMPLATES: dict[str, Domain] = {template.id: template
                                          for template in (DIVISIONS, HOLIDAY_CALENDAR)}
if set(REFERENCE_TEMPLATES) & set(DOMAINS):
    raise LookupError(f"template ids used twice: {set(REFERENCE_TEMPLATES) & set(DOMAINS)}")
TEMPLATES: dict[str, Domain] = {**DOMAINS, **REFERENCE_TEMPLATES}


def detect_template(headers: list[str], sheet: str) -> Domain | None:
    """The template named by the sheet, else the one whose columns the headers match best."""
    return detect_domain(headers, sheet, TEMPLATES)
