"""Which logged imports the demo made, so that demo data never goes into a real database.

The demo's files carry nothing a county's could not: their names (`NN_<template>`) are kept
with `demo-data --keep-files`, and such a file may well be filled with real rows and imported.
So after its imports the demo logs one more row in `import_log` (domain `DEMO_LOG_DOMAIN`):
`rows_in_file` is how many imports it made, `sha256` a digest of their log rows (template,
file name, file SHA-256, rows). It certifies the rows logged just before it, and only if they
still give that digest: an import made by hand, even of a demo file, is certified by none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, inspect, select

from data_access.draw import DRAW_LOG_DOMAIN
from data_access.importing.runner import ImportReport
from data_access.models import ImportLog

DEMO_LOG_DOMAIN = "demo_data"
# Logged like imports, but no file's rows: a draw only records who inspects tasks that were
# themselves imported, so whether the data are real is told by the tasks' import.
NOT_FILE_IMPORTS = frozenset({DEMO_LOG_DOMAIN, DRAW_LOG_DOMAIN})


@dataclass(frozen=True)
class LoggedImport:
    id: int
    domain: str
    file_name: str
    imported_at: dt.datetime


def _digest(rows: Iterable[tuple[str, str, str, int]]) -> str:
    lines = "".join(f"{domain}\t{name}\t{sha256}\t{count}\n"
                    for domain, name, sha256, count in rows)
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def mark_demo_imports(engine: Engine, reports: Sequence[ImportReport], as_of: dt.date,
                      now: dt.datetime | None = None) -> None:
    """Logs the marker that certifies these imports, the last ones logged, as the demo's."""
    with engine.begin() as connection:
        connection.execute(ImportLog.__table__.insert().values(
            domain=DEMO_LOG_DOMAIN, file_name=f"demo-data --as-of {as_of.isoformat()}",
            sha256=_digest((r.domain, r.file_name, r.sha256, r.rows_in_file) for r in reports),
            rows_in_file=len(reports), rows_inserted=sum(r.rows_inserted for r in reports),
            rows_updated=sum(r.rows_updated for r in reports),
            imported_at=now or dt.datetime.now()))


def real_imports(engine: Engine) -> list[LoggedImport]:
    """The logged imports of files that no demo marker certifies, oldest first (none in a
    database without tables)."""
    if not inspect(engine).has_table(ImportLog.__tablename__):
        return []
    with engine.connect() as connection:
        rows = connection.execute(select(
            ImportLog.id, ImportLog.domain, ImportLog.file_name, ImportLog.sha256,
            ImportLog.rows_in_file, ImportLog.imported_at).order_by(ImportLog.id)).all()
    demo: set[int] = set()
    for position, marker in enumerate(rows):
        if marker.domain != DEMO_LOG_DOMAIN or not 0 < marker.rows_in_file <= position:
            continue
        run = rows[position - marker.rows_in_file:position]
        if _digest((r.domain, r.file_name, r.sha256, r.rows_in_file) for r in run) \
                == marker.sha256:
            demo.update(r.id for r in run)
    return [LoggedImport(r.id, r.domain, r.file_name, r.imported_at) for r in rows
            if r.id not in demo and r.domain not in NOT_FILE_IMPORTS]
