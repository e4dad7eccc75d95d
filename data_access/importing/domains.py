"""Every import template, in the order a county fills them in (directories before facts).

The templates are those the declared domains name (metrics/domains.py), each found in the
domain's `data_access/importing/domains_<module>.py` (its `TEMPLATES`).
"""

from __future__ import annotations

from collections.abc import Mapping

from data_access.importing.spec import Domain
from metrics.domains import DOMAINS as DECLARED_DOMAINS
from metrics.domains import DomainSpec, domain_part


def domain_templates(domain: DomainSpec) -> tuple[Domain, ...]:
    """The declared domain's templates, in the order its declaration names them."""
    module = domain_part(domain, "data_access.importing", "TEMPLATES", prefix="domains_")
    by_id = {template.id: template for template in module.TEMPLATES}
    missing = [name for name in domain.templates if name not in by_id]
    if missing:
        raise LookupError(f"data_access/importing/domains_{domain.module}.py has no template "
                          f"{', '.join(missing)} (domain {domain.id!r}, metrics/domains.py)")
    return tuple(by_id[name] for name in domain.templates)


DOMAINS: dict[str, Domain] = {
    template.id: template
    for domain in DECLARED_DOMAINS
    for template in domain_templates(domain)
}


def detect_domain(headers: list[str], sheet: str,
                  templates: Mapping[str, Domain] = DOMAINS) -> Domain | None:
    """The domain named by the sheet, else the one whose columns the headers match best
    (among `templates`: the domains' by default).

    A file missing a few required columns is still recognised, so that the missing ones can be
    named; fewer than half of a domain's required columns is not a match.
    """
    if sheet in templates:
        return templates[sheet]
    given = {h.strip().lower() for h in headers}
    best: tuple[float, Domain] | None = None
    for domain in templates.values():
        required = [c for c in domain.columns if c.required]
        hits = sum(1 for c in required
                   if {c.header.lower(), c.key, c.zh.lower(), c.en.lower()} & given)
        score = hits / len(required)
        if score >= 0.5 and (best is None or score > best[0]):
            best = (score, domain)
    return best[1] if best else None
