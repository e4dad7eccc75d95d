"""Commands `backup FILE` and `restore FILE` of python -m dashboard (data_access/backup.py).

Exit codes: 0 done; 2 refused, nothing changed (a missing file, a file in the way, a backup of
the wrong kind); 1 the database or pg_dump / pg_restore failed (a restore is then undone).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from dashboard.config import Settings
from data_access.backup import (
    KIND_NAMES,
    BackupError,
    BackupFile,
    BackupRefused,
    backup_database,
    restore_database,
)

Subcommands = argparse._SubParsersAction  # what ArgumentParser.add_subparsers returns


def add_commands(commands: Subcommands) -> None:
    saving = commands.add_parser(
        "backup", help="back up the whole database to one file",
        description="SQLite: a copy made with SQLite's online backup (the app may keep "
                    "running); PostgreSQL: pg_dump --format=custom. Never overwrites a file.")
    saving.add_argument("file", type=Path, help="the backup file to write (must not exist)")
    loading = commands.add_parser(
        "restore", help="replace the database's contents with a backup",
        description="All or nothing: the backup is checked first, then written in one "
                    "transaction (PostgreSQL: pg_restore --single-transaction --clean "
                    "--if-exists --no-owner). Refuses a file that is not a backup of this "
                    "dashboard for this kind of database. Restart the service afterwards.")
    loading.add_argument("file", type=Path, help="a file written by the backup command")


def _done_or_exit_code(run: Callable[[], BackupFile]) -> BackupFile | int:
    try:
        return run()
    except BackupError as error:
        print(f"{error.zh}\n{error.en}", file=sys.stderr)
        return 2 if isinstance(error, BackupRefused) else 1


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    done = _done_or_exit_code(lambda: backup_database(settings.database_url, args.file))
    if isinstance(done, int):
        return done
    print(f"已备份 / backed up: {done.path} ({KIND_NAMES[done.kind]}, {done.size:,} 字节/bytes)")
    return 0


def _restore(settings: Settings, args: argparse.Namespace) -> int:
    done = _done_or_exit_code(lambda: restore_database(settings.database_url, args.file))
    if isinstance(done, int):
        return done
    print(f"已恢复 / restored from {done.path} ({KIND_NAMES[done.kind]})\n"
          "请重启服务，并运行 init-db（备份早于升级时补齐迁移） / restart the service, and run "
          "init-db (migrates a backup older than the code)")
    return 0


HANDLERS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "backup": _backup, "restore": _restore}
