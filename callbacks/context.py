"""What callbacks and routes share: the settings they read, the engine and 'today'."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine

from data_access.divisions import Home, home


class ViewSettings(Protocol):
    """The settings pages read. dashboard.config.Settings has them; the app factory passes it
    in, so this floor never imports the floor above."""

    @property
    def today(self) -> dt.date | None: ...

    @property
    def stale_after_hours(self) -> int: ...

    @property
    def page_cache(self) -> bool: ...

    @property
    def upload_max_mb(self) -> int: ...


@dataclass(frozen=True)
class AppContext:
    settings: ViewSettings
    engine: Engine

    def today(self) -> dt.date:
        return self.settings.today or dt.date.today()

    def home(self) -> Home:
        """The area overseen (raises divisions.NoDivisions before any is loaded)."""
        return home(self.engine)

    def now(self) -> dt.datetime:
        """The time a change is recorded at (to the second): on the pinned day, when "today" is
        pinned, so that what users do falls in the weeks the screens show."""
        now = dt.datetime.now().replace(microsecond=0)
        return dt.datetime.combine(self.settings.today, now.time()) if self.settings.today \
            else now
