"""What callbacks and routes share: the settings they read, the engine and 'today'."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine


class ViewSettings(Protocol):
    """The settings pages read. dashboard.config.Settings has them; the app factory passes it
    in, so this floor never imports the floor above."""

    @property
    def today(self) -> dt.date | None: ...

    @property
    def stale_after_hours(self) -> int: ...

    @property
    def page_cache(self) -> bool: ...


@dataclass(frozen=True)
class AppContext:
    settings: ViewSettings
    engine: Engine

    def today(self) -> dt.date:
        return self.settings.today or dt.date.today()

    def now(self) -> dt.datetime:
        """The time a change is recorded at (to the second)."""
        return dt.datetime.now().replace(microsecond=0)
