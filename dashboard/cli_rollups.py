"""Command `rollups check|rebuild` of python -m dashboard (data_access/rollup_check.py)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from dashboard.config import Settings
from data_access.db import get_engine
from data_access.rollup_check import ROLLUPS, differences, rebuild

SHOWN = 50


def add_commands(commands: argparse._SubParsersAction) -> None:
    rollups = commands.add_parser(
        "rollups", help="check the roll-up tables against their rows, or rebuild them",
        description="check: recompute every roll-up from its rows and list each stored value "
                    "that differs (exit code 1 when any does); rebuild: rewrite them from the "
                    "rows, in one transaction. Roll-ups: "
                    + ", ".join(rollup.name for rollup in ROLLUPS))
    rollups.add_argument("action", choices=("check", "rebuild"))


def _rollups(settings: Settings, args: argparse.Namespace) -> int:
    engine = get_engine(settings.database_url)
    if args.action == "rebuild":
        count = rebuild(engine)
        print(f"已重建 / rebuilt {count} roll-up(s)")
        return 0
    found = differences(engine)
    if found.empty:
        print("汇总表与明细一致 / the roll-ups agree with their rows")
        return 0
    print(f"汇总表与明细不一致 / the roll-ups differ from their rows: {len(found)} value(s); "
          f"run `python -m dashboard rollups rebuild`", file=sys.stderr)
    print(found.head(SHOWN).to_string(index=False), file=sys.stderr)
    return 1


HANDLERS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {"rollups": _rollups}
