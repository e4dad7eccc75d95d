"""Is the database reachable, and how fresh are its data?"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from data_access.cache import cached
from data_access.calendar import TEMPLATE_ID as CALENDAR_TEMPLATE
from data_access.models import ImportLog, ServiceCase


@dataclass(frozen=True)
class DataStatus:
    database_ok: bool
    last_import_at: dt.datetime | None
    latest_record_at: dt.datetime | None
    error: str = ""


def data_status(engine: Engine) -> DataStatus:
    try:
        with engine.connect() as connection:
            last_import = connection.scalar(_LAST_IMPORT)
            latest = connection.scalar(select(func.max(ServiceCase.accepted_at)))
    except SQLAlchemyError as error:
        return DataStatus(False, None, None, type(error).__name__)
    return DataStatus(True, last_import, latest)


# Boundary files and the holiday calendar say nothing about how fresh the figures are.
_LAST_IMPORT = select(func.max(ImportLog.imported_at)).where(
    ImportLog.domain.not_like("boundaries%"), ImportLog.domain != CALENDAR_TEMPLATE)


@cached
def figures_as_of(engine: Engine) -> dt.datetime | None:
    """When the figures were last imported (data_status's last import), as every page's frame
    says: kept with the data version, which an import changes, not asked of the database on
    every page."""
    with engine.connect() as connection:
        return connection.scalar(_LAST_IMPORT)
