"""Each declared domain's callbacks module, found by the domain's `module` name.

`callbacks/<module>.py` of a domain (metrics/domains.py) has:
- `PAGES`: (URL pattern, page function) of the domain's pages, its `route` among them;
- `register(app, context)`: its callbacks;
- optionally `DATA_ONLY`: those of its pages drawn from imported data, the URL, the day and the
  viewer's scope alone, which the router keeps as rendered until the next import.
The router and the app factory take both from here, so a domain's pages exist by its being
declared, and a missing module or attribute fails at start-up (and in tests/unit/test_domains.py).
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from metrics.domains import DOMAINS, DomainSpec, domain_part

Page = Callable[..., object]


def domain_module(domain: DomainSpec) -> ModuleType:
    return domain_part(domain, "callbacks", "PAGES", "register")


def domain_modules() -> tuple[ModuleType, ...]:
    return tuple(domain_module(domain) for domain in DOMAINS)


def domain_pages() -> tuple[tuple[str, Page], ...]:
    """(URL pattern, page function) of every domain's pages, in the domains' order."""
    return tuple(page for module in domain_modules() for page in module.PAGES)


def domain_data_only_pages() -> tuple[Page, ...]:
    return tuple(page for module in domain_modules() for page in getattr(module, "DATA_ONLY", ()))
