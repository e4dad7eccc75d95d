"""On PostgreSQL the service cases are split by county: a partition of service_case each.

A county's first import writes its cases into a new table that has no index or key yet, then
attaches it to service_case: PostgreSQL builds the table's indexes once over its rows and checks
each foreign key in one query. Adding the same 800,000 rows one by one to indexes that every
county shares took 20 of the 43 seconds of such an import at ten counties; loading, indexing and
attaching take about 5. Attaching locks service_case only against other changes to its
partitions, so pages keep reading cases meanwhile. A county's later imports write into its
partition through the usual upsert.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import Connection, Index, MetaData, text

from data_access.divisions import significant_digits
from data_access.importing.bulk import copy_frame
from data_access.models import ServiceCase

TABLE = ServiceCase.__table__
# Sorting and index building of a county's cases, in memory rather than on disk.
BUILD_MEMORY = "256MB"


def partition_name(county_code: str) -> str:
    """A county's partition (as migration 0018 names those it makes)."""
    if not county_code.isdigit():  # a name written into the SQL
        raise ValueError(f"not a division code: {county_code!r}")
    return f"{TABLE.name}_{_county_digits(county_code)}"


def _county_digits(county_code: str) -> str:
    """The digits that tell a county's code from others (a partition's and its indexes' names
    end with them)."""
    return county_code[:significant_digits("county")]


def partitioned_counties(connection: Connection) -> set[str]:
    """The counties whose cases have a partition."""
    bounds = connection.execute(text(
        "SELECT pg_get_expr(part.relpartbound, part.oid) FROM pg_inherits "
        "JOIN pg_class AS part ON part.oid = pg_inherits.inhrelid "
        "WHERE pg_inherits.inhparent = CAST(:table AS regclass)"), {"table": TABLE.name})
    # Each bound reads FOR VALUES IN ('429911000000').
    return {bound.split("'")[1] for bound in bounds.scalars()}


def write_new_counties(connection: Connection, frame: pd.DataFrame) -> pd.DataFrame:
    """Writes the cases of counties without a partition, each county's into a new one, and
    returns the other rows. Elsewhere than PostgreSQL, returns every row."""
    if connection.dialect.name != "postgresql" or frame.empty:
        return frame
    stored = frame["county_code"].isin(partitioned_counties(connection))
    if stored.all():
        return frame
    new = frame if not stored.any() else frame[~stored]  # a new county's file: not copied
    counties = new["county_code"].unique()
    for county in counties:
        _attach_new(connection, str(county),
                    new if len(counties) == 1 else new[new["county_code"] == county])
    return frame[stored]


def add_partitions(connection: Connection, counties: Iterable[str]) -> None:
    """Empty partitions for those of the counties that have none, before a writer other than
    the importer (a copy of a database, a test's rows) adds their cases.
    Nothing to do elsewhere than on PostgreSQL."""
    if connection.dialect.name != "postgresql":
        return
    have = partitioned_counties(connection)
    for county in sorted(set(counties) - have):
        _attach_new(connection, county, pd.DataFrame(columns=["county_code", "accepted_at"]))


def _attach_new(connection: Connection, county: str, rows: pd.DataFrame) -> None:
    name = connection.dialect.identifier_preparer.quote(partition_name(county))
    parent = connection.dialect.identifier_preparer.quote(TABLE.name)
    # The county's check lets the attachment skip reading every row to prove it.
    connection.exec_driver_sql(f"CREATE TABLE {name} (LIKE {parent} INCLUDING DEFAULTS, "
                               f"CHECK (county_code = '{county}'))")
    columns = [c.name for c in TABLE.columns if c.name in rows.columns]
    # In order of acceptance, so that a period's cases lie together on disk.
    ordered = rows.sort_values("accepted_at", kind="stable")
    if not ordered.empty:
        copy_frame(connection, name, TABLE, ordered[columns], frozen=True)
    connection.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
    # Built here under names that say whose they are (PostgreSQL would number its own), and
    # taken by the attachment as the partition's part of service_case's indexes.
    partition = TABLE.to_metadata(MetaData(), name=partition_name(county))
    for index in TABLE.indexes:
        Index(f"{index.name}_{_county_digits(county)}",
              *(partition.c[c.name] for c in index.columns),
              **index.dialect_kwargs).create(connection)
    connection.exec_driver_sql(f"ALTER TABLE {parent} ATTACH PARTITION {name} "
                               f"FOR VALUES IN ('{county}')")


def stored_in(connection: Connection, frame: pd.DataFrame) -> tuple[str, ...]:
    """The tables that hold these cases: on PostgreSQL their counties' partitions alone, so
    that an import samples its own county's cases, not every county's."""
    if connection.dialect.name != "postgresql":
        return (TABLE.name,)
    # unique(): hashed at once, where set() would walk the 800,000 values one by one.
    return tuple(partition_name(county) for county in sorted(frame["county_code"].unique()))
