"""The domain registry (metrics/domains.py): every declared domain has every piece each floor
needs, and every list of domains the app shows is derived from the registry."""

from __future__ import annotations

import dataclasses
import importlib
import re

import pytest
from dash import Dash

from callbacks.context import AppContext
from callbacks.domains import domain_module, domain_modules
from callbacks.pages import PAGES
from data_access.aggregates import has_aggregate
from data_access.demo.build import STEPS
from data_access.importing.domains import DOMAINS as TEMPLATES
from data_access.importing.domains import domain_templates
from layouts.i18n import t
from layouts.shell import NAV_ITEMS
from metrics.domains import DOMAIN_BY_ID, DOMAINS, DomainSpec, village_columns, village_trends
from metrics.indicators import INDICATORS
from metrics.weekly import DOMAIN_ORDER, HEADLINE, WEEKLY_INDICATORS

SPECS = pytest.mark.parametrize("domain", DOMAINS, ids=[d.id for d in DOMAINS])


def test_every_indicator_belongs_to_a_declared_domain_and_every_domain_has_indicators() -> None:
    assert {i.domain for i in INDICATORS.values()} == set(DOMAIN_BY_ID)
    assert len(DOMAIN_BY_ID) == len(DOMAINS)


@SPECS
def test_the_declaration_names_only_the_domains_own_indicators(domain: DomainSpec) -> None:
    own = {i.id for i in domain.indicators}
    assert domain.headline in own
    assert set(domain.weekly.indicators if domain.weekly else ()) <= own
    assert set(domain.village_columns) <= own
    assert {i for chart in domain.village_trends for i in chart.indicators} <= own
    assert domain.route == domain.nav[0].path
    assert set(domain.page_params) <= {"indicator", "period", "year"}


@SPECS
def test_navigation_texts_exist_in_both_languages(domain: DomainSpec) -> None:
    for entry in domain.nav:
        assert (entry.path, entry.text_key) in NAV_ITEMS
        assert t(entry.text_key, "zh") != t(entry.text_key, "en")


@SPECS
def test_every_floor_has_the_domains_module(domain: DomainSpec) -> None:
    for floor in ("callbacks", "layouts", "data_access"):
        importlib.import_module(f"{floor}.{domain.module}")
    assert has_aggregate(domain.id)
    module = domain_module(domain)
    patterns = [re.compile(pattern) for pattern, _ in module.PAGES]
    assert any(p.match(domain.route) for p in patterns), "the route has no page"
    assert {pattern for pattern, _ in module.PAGES} <= {pattern for pattern, _ in PAGES}


def test_templates_and_demo_steps_follow_the_declarations() -> None:
    declared = [name for domain in DOMAINS for name in domain.templates]
    assert list(TEMPLATES) == declared
    assert [step.domain_id for step in STEPS] == declared


def test_weekly_report_wall_and_village_page_derive_from_the_registry() -> None:
    weekly = [d for d in DOMAINS if d.weekly]
    assert set(DOMAIN_ORDER) == {d.id for d in weekly}
    assert {d.id: d.headline for d in weekly} == HEADLINE
    assert set(WEEKLY_INDICATORS) == {i for d in weekly if d.weekly for i in d.weekly.indicators}
    assert village_columns() == tuple(c for d in DOMAINS for c in d.village_columns)
    assert len(village_trends()) == sum(len(d.village_trends) for d in DOMAINS)


def test_a_domain_without_its_callbacks_module_fails_loudly() -> None:
    missing = dataclasses.replace(DOMAINS[0], id="elderly_care", module="elderly_care")
    with pytest.raises(ModuleNotFoundError):
        domain_module(missing)
    with pytest.raises(ModuleNotFoundError):
        domain_templates(missing)


def _callback_keys(app: Dash) -> set[str]:
    return set(app.callback_map)


def test_the_app_registers_every_domains_callbacks_on_each_app(tmp_path) -> None:
    from dashboard.app import create_app
    from dashboard.config import Settings

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    first, second = create_app(settings), create_app(settings)
    assert _callback_keys(first) == _callback_keys(second) != set()
    for module in domain_modules():
        alone = Dash(__name__)
        module.register(alone, AppContext(settings, None))  # type: ignore[arg-type]
        assert _callback_keys(alone), f"{module.__name__} registers no callback"
        assert _callback_keys(alone) <= _callback_keys(first), module.__name__
