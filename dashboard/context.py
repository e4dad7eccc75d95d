"""What callbacks and routes share: settings, the engine and 'today'."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from dashboard.config import Settings


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    engine: Engine

    def today(self) -> dt.date:
        return self.settings.today or dt.date.today()
