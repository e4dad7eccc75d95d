"""Which pages the load mix's viewers open: the page classes of issue 15, each with every URL of
its kind (townships and villages from the database's division table), drawn by their shares."""

from __future__ import annotations

import datetime as dt
import random
import urllib.parse
from dataclasses import dataclass

from benchmarks.settings import MIX_SHARES


@dataclass(frozen=True)
class Visit:
    page_class: str
    pathname: str
    search: str

    @property
    def url(self) -> str:
        return self.pathname + self.search


def other_views(as_of: dt.date) -> list[tuple[str, str]]:
    """The overview on every indicator, each in the latest two complete periods of every kind
    it is reported in (the overview's indicator and period query parameters)."""
    from metrics.domains import DOMAIN_BY_ID
    from metrics.indicators import INDICATORS
    from metrics.periods import last_complete

    views = []
    for indicator in INDICATORS.values():
        for kind in DOMAIN_BY_ID[indicator.domain].period_kinds:
            latest = last_complete(kind, as_of)
            for period in (latest, latest.previous()):
                query = urllib.parse.urlencode({"indicator": indicator.id,
                                                "period": period.label})
                views.append(("/", f"?{query}"))
    return views


def division_codes(database_url: str, level: str) -> list[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.scalars(text(
                "SELECT code FROM division WHERE level = :level ORDER BY code"),
                {"level": level}))
    finally:
        engine.dispose()


class MixPlan:
    """page class -> its URLs (pathname, search); `draw` picks a class by its share in
    MIX_SHARES, then one of its URLs, all equally likely."""

    def __init__(self, database_url: str, as_of: dt.date) -> None:
        from metrics.domains import DOMAINS

        townships = division_codes(database_url, "township")
        villages = division_codes(database_url, "village")
        # With several counties the overview class holds each county's overview too.
        counties = division_codes(database_url, "county")
        areas = [(f"/area/{code}", "") for code in counties] if len(counties) > 1 else []
        if not townships or not villages:
            raise RuntimeError("the division table has no townships or no villages")
        self.urls: dict[str, list[tuple[str, str]]] = {
            "overview": [("/", ""), *areas],
            "township": [(f"/township/{code}", "") for code in townships],
            "village": [(f"/village/{code}", "") for code in villages],
            "domain": [(domain.route, "") for domain in DOMAINS],
            "weekly": [("/weekly", "")],
            "overview, other view": other_views(as_of),
        }
        self.classes = list(MIX_SHARES)
        self.weights = [MIX_SHARES[name] for name in self.classes]

    def draw(self, rng: random.Random) -> Visit:
        page_class = rng.choices(self.classes, self.weights)[0]
        pathname, search = rng.choice(self.urls[page_class])
        return Visit(page_class, pathname, search)

    def describe(self) -> list[list[str]]:
        """Rows: class, share, how many URLs, examples."""
        return [[name, f"{MIX_SHARES[name]:.0%}", str(len(self.urls[name])),
                 ", ".join(p + s for p, s in self.urls[name][:2])
                 + (", ..." if len(self.urls[name]) > 2 else "")]
                for name in self.classes]
