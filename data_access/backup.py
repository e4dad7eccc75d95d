"""Backup of the whole database to one file, and its restore, all or nothing.

SQLite: the online backup API (a consistent copy while the app keeps reading and writing).
PostgreSQL: pg_dump's custom format and pg_restore in a single transaction. A backup is
written beside its final name and renamed when complete, so a failed one leaves no file that
looks good.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NoReturn

from sqlalchemy.engine import URL, make_url

from data_access.models import Base, ImportLog

Kind = Literal["sqlite", "postgresql"]
# Split into partitions on PostgreSQL (data_access/importing/case_partitions.py).
PARTITIONED_TABLES = tuple(table.name for table in Base.metadata.sorted_tables
                           if table.dialect_options["postgresql"]["partition_by"])
# What each kind of backup file starts with.
MAGIC: dict[Kind, bytes] = {"sqlite": b"SQLite format 3\x00", "postgresql": b"PGDMP"}
KIND_NAMES: dict[Kind, str] = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# A backup of this dashboard has this table (every migration since the first).
DASHBOARD_TABLE = ImportLog.__tablename__
POSTGRES_ROOT = Path("/usr/lib/postgresql")  # Debian's postgresql-client, one bin per version
SQLITE_BUSY_SECONDS = 30


class BackupError(Exception):
    """Nothing was backed up or restored; the message in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


class BackupRefused(BackupError):
    """The request was wrong (a missing or wrong kind of file, a file in the way)."""


class BackupFailed(BackupError):
    """The database or its tools failed."""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    kind: Kind
    size: int


def backup_database(database_url: str, target: Path) -> BackupFile:
    """Writes a backup of the whole database to target, which must not exist yet."""
    url = make_url(database_url)
    kind = _kind(url)
    if target.exists():
        raise BackupRefused(f"{target} 已存在，不覆盖", f"{target} exists; not overwritten")
    target.parent.mkdir(parents=True, exist_ok=True)
    with _written_beside(target) as partial:
        if kind == "sqlite":
            _sqlite_backup(_sqlite_path(url, must_exist=True), partial)
        else:
            _run_pg("pg_dump", url, ["--format=custom", f"--file={partial}"],
                    "备份失败", "backup failed")
    return BackupFile(target, kind, target.stat().st_size)


def restore_database(database_url: str, source: Path) -> BackupFile:
    """Replaces the database's contents with the backup in source, in one transaction: if
    anything fails the database is as it was."""
    url = make_url(database_url)
    kind = _kind(url)
    _check_kind(source, kind)
    if kind == "sqlite":
        _sqlite_restore(source, _sqlite_path(url, must_exist=False))
    else:
        _check_pg_archive(source)
        _pg_restore(url, source)
    return BackupFile(source, kind, source.stat().st_size)


def _kind(url: URL) -> Kind:
    backend = url.get_backend_name()
    if backend in ("sqlite", "postgresql"):
        return backend  # type: ignore[return-value]
    raise BackupRefused(f"不支持的数据库类型 {backend}，只支持 SQLite 和 PostgreSQL",
                        f"unsupported database {backend}: only SQLite and PostgreSQL")


@contextmanager
def _written_beside(target: Path) -> Iterator[Path]:
    """A temporary path in target's folder, renamed to target if the block succeeds."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial",
                                    dir=target.parent)
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


# --- SQLite ------------------------------------------------------------------------------


def _sqlite_path(url: URL, must_exist: bool) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupRefused("内存数据库无法备份或恢复",
                            "an in-memory database cannot be backed up or restored")
    path = Path(url.database)
    if must_exist and not path.is_file():
        raise BackupRefused(f"数据库文件 {path} 不存在", f"database file {path} not found")
    return path


def _sqlite_backup(source: Path, target: Path) -> None:
    try:
        with closing(sqlite3.connect(source, timeout=SQLITE_BUSY_SECONDS)) as reading, \
                closing(sqlite3.connect(target)) as writing:
            reading.backup(writing)
            # The copy inherits the live file's WAL mode; one self-contained file is wanted.
            writing.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as error:
        raise BackupFailed(f"备份失败：{error}", f"backup failed: {error}") from error


def _sqlite_restore(source: Path, target: Path) -> None:
    """Copies the backup to a temporary file and checks it; then the live file takes the
    copy's pages in one step (pages=-1), a single transaction that readers see whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".restore-") as scratch, \
            closing(sqlite3.connect(Path(scratch) / "restore.sqlite3")) as copy:
        _stage_sqlite(source, copy)
        try:
            with closing(sqlite3.connect(target, timeout=SQLITE_BUSY_SECONDS)) as live:
                copy.backup(live)
        except sqlite3.Error as error:
            raise BackupFailed(f"恢复失败，数据库未改变：{error}",
                               f"restore failed; the database is unchanged: {error}") from error


def _stage_sqlite(source: Path, copy: sqlite3.Connection) -> None:
    """The backup into copy, refused if it is damaged or not the dashboard's."""
    try:
        with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro",
                                     uri=True)) as backup:
            backup.backup(copy)
        check = copy.execute("PRAGMA quick_check").fetchone()[0]
        tables = {row[0] for row in copy.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as error:
        check = str(error)
    if check != "ok":
        raise BackupRefused(f"{source} 已损坏（{check}），数据库未改变",
                            f"{source} is damaged ({check}); the database is unchanged")
    if DASHBOARD_TABLE not in tables:
        _not_ours(source)


# --- PostgreSQL ----------------------------------------------------------------------------


def _pg_version(bindir: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", bindir.parent.name)) or (0,)


def _pg_tool(name: str) -> Path:
    """The newest Debian /usr/lib/postgresql/<version>/bin/<name>, else <name> on PATH: a
    newer pg_dump reads older servers, and Debian's wrapper on PATH may choose the version of
    a local cluster, older than the server."""
    for bindir in sorted(POSTGRES_ROOT.glob("*/bin"), key=_pg_version, reverse=True):
        if (bindir / name).is_file():
            return bindir / name
    found = shutil.which(name)
    if found is None:
        raise BackupFailed(f"找不到 {name}，请安装 PostgreSQL 客户端（Debian：postgresql-client）",
                           f"{name} not found: install the PostgreSQL client "
                           f"(Debian: postgresql-client)")
    return Path(found)


def _connection_of(url: URL) -> tuple[str, dict[str, str]]:
    """The libpq address and environment of the database. The password goes through the
    environment, not the command line, where every user of the machine could read it."""
    libpq = url.set(drivername="postgresql", password=None).render_as_string(
        hide_password=False)
    return libpq, {**os.environ, **({"PGPASSWORD": str(url.password)} if url.password else {})}


def _run_pg(tool: str, url: URL, arguments: list[str], zh: str, en: str) -> None:
    """Runs pg_dump on the database."""
    libpq, env = _connection_of(url)
    done = subprocess.run([str(_pg_tool(tool)), "--no-password", f"--dbname={libpq}",
                           *arguments], env=env, capture_output=True, text=True, check=False,
                          stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        detail = done.stderr.strip() or f"exit code {done.returncode}"
        raise BackupFailed(f"{zh}：{detail}", f"{en}: {detail}")


def _pg_restore(url: URL, source: Path) -> None:
    """pg_restore's script of the archive, run by psql in one transaction after the tables
    split into partitions are dropped whole. pg_restore --clean drops a partition's key and
    indexes one by one, which PostgreSQL refuses while the partition belongs to its table."""
    libpq, env = _connection_of(url)
    drops = "".join(f"DROP TABLE IF EXISTS {name} CASCADE;\n" for name in PARTITIONED_TABLES)
    with tempfile.TemporaryFile() as script_errors, tempfile.TemporaryFile() as errors:
        script = subprocess.Popen(
            [str(_pg_tool("pg_restore")), "--clean", "--if-exists", "--no-owner", "--file=-",
             str(source)], stdout=subprocess.PIPE, stderr=script_errors,
            stdin=subprocess.DEVNULL)
        run = subprocess.Popen(
            [str(_pg_tool("psql")), "--no-password", "--no-psqlrc", "--quiet",
             "--single-transaction", "--set=ON_ERROR_STOP=1", f"--dbname={libpq}",
             "--file=-"], env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=errors)
        assert script.stdout is not None and run.stdin is not None  # both piped
        try:
            run.stdin.write(drops.encode())
            shutil.copyfileobj(script.stdout, run.stdin, 1 << 20)
            if script.wait() != 0:
                # A script cut short (a broken archive) must not reach its end, where psql
                # commits: killed first, psql's transaction is rolled back by the server.
                run.kill()
            run.stdin.close()
        except BrokenPipeError:  # psql stopped at an error: its message says which
            pass
        failed = [(process, output) for process, output in
                  ((run, errors), (script, script_errors)) if process.wait() != 0]
        if failed:  # pg_restore's message first, the reason psql was stopped
            process, output = failed[-1]
            output.seek(0)
            detail = (output.read().decode(errors="replace").strip()
                      or f"exit code {process.returncode}")
            raise BackupFailed(f"恢复失败，数据库未改变：{detail}",
                               f"restore failed; the database is unchanged: {detail}")


def _check_pg_archive(source: Path) -> None:
    """The archive's table of contents must be readable and hold the dashboard's tables."""
    listing = subprocess.run([str(_pg_tool("pg_restore")), "--list", str(source)],
                             capture_output=True, text=True, check=False,
                             stdin=subprocess.DEVNULL)
    if listing.returncode != 0:
        detail = listing.stderr.strip()
        raise BackupRefused(f"{source} 无法读取（{detail}），数据库未改变",
                            f"{source} cannot be read ({detail}); the database is unchanged")
    if not re.search(rf"\bTABLE \S+ {DASHBOARD_TABLE}\b", listing.stdout):
        _not_ours(source)


# --- both --------------------------------------------------------------------------------


def _check_kind(source: Path, kind: Kind) -> None:
    if not source.is_file():
        raise BackupRefused(f"备份文件 {source} 不存在", f"backup file {source} not found")
    with source.open("rb") as file:
        head = file.read(max(len(magic) for magic in MAGIC.values()))
    found = next((k for k, magic in MAGIC.items() if head.startswith(magic)), None)
    if found == kind:
        return
    if found is None:
        raise BackupRefused(f"{source} 不是本看板的备份文件（既非 SQLite 也非 pg_dump 格式），"
                            f"数据库未改变",
                            f"{source} is not a backup of this dashboard (neither SQLite nor "
                            f"pg_dump's custom format); the database is unchanged")
    raise BackupRefused(f"{source} 是 {KIND_NAMES[found]} 备份，而 DATABASE_URL 是 "
                        f"{KIND_NAMES[kind]} 数据库，数据库未改变",
                        f"{source} is a {KIND_NAMES[found]} backup but DATABASE_URL is a "
                        f"{KIND_NAMES[kind]} database; the database is unchanged")


def _not_ours(source: Path) -> NoReturn:
    raise BackupRefused(f"{source} 不是本看板的备份（没有 {DASHBOARD_TABLE} 表），数据库未改变",
                        f"{source} is not a backup of this dashboard (no {DASHBOARD_TABLE} "
                        f"table); the database is unchanged")
