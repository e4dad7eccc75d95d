"""Every import domain, in the order a county fills them in (directories before facts)."""

from __future__ import annotations

from data_access.importing.domains_economy import (
    COLLECTIVE_INCOME,
    COOPERATIVES,
    LAND_TRANSFER,
    POPULATION,
)
from data_access.importing.domains_inspections import (
    INSPECTION_ITEMS,
    INSPECTION_OBJECTS,
    INSPECTION_RESULTS_DOMAIN,
    INSPECTION_TASKS,
    INSPECTORS,
    SUPERVISION_THEMES,
)
from data_access.importing.domains_services import SERVICE_CASES, SERVICE_ITEMS
from data_access.importing.domains_volunteers import (
    VOLUNTEER_ACTIVITIES,
    VOLUNTEER_TEAMS,
)
from data_access.importing.spec import Domain

DOMAINS: dict[str, Domain] = {
    domain.id: domain
    for domain in (
        POPULATION, COLLECTIVE_INCOME, COOPERATIVES, LAND_TRANSFER,
        SERVICE_ITEMS, SERVICE_CASES,
        VOLUNTEER_TEAMS, VOLUNTEER_ACTIVITIES,
        INSPECTION_OBJECTS, INSPECTORS, INSPECTION_ITEMS, INSPECTION_TASKS,
        INSPECTION_RESULTS_DOMAIN, SUPERVISION_THEMES,
    )
}


def detect_domain(headers: list[str], sheet: str) -> Domain | None:
    """The domain named by the sheet, else the one whose columns the headers match best.

    A file missing a few required columns is still recognised, so that the missing ones can be
    named; fewer than half of a domain's required columns is not a match.
    """
    if sheet in DOMAINS:
        return DOMAINS[sheet]
    given = {h.strip().lower() for h in headers}
    best: tuple[float, Domain] | None = None
    for domain in DOMAINS.values():
        required = [c for c in domain.columns if c.required]
        hits = sum(1 for c in required
                   if {c.header.lower(), c.key, c.zh.lower(), c.en.lower()} & given)
        score = hits / len(required)
        if score >= 0.5 and (best is None or score > best[0]):
            best = (score, domain)
    return best[1] if best else None
