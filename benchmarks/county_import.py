"""A synthetic county's service cases sent again: issue 15's import target (rows/s) on a
database that `python -m data_access.demo --synthetic-counties N` built, with the same --as-of:

    python -m benchmarks.county_import --database-url postgresql+psycopg://... \\
        --as-of 2026-11-15 [--county 10] [--runs 3]

The file is the county's 800,000 cases as the build imported them, so every run reads, checks
and derives the whole file, compares it with the stored cases and writes none of them (a county
that sends its whole history each week). A new county's import is timed by the build itself
(its `import` column).
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from benchmarks.report import print_table
from benchmarks.settings import TARGET_IMPORT_ROWS_PER_S
from benchmarks.stats import fmt_s, median
from data_access.db import get_engine
from data_access.demo.synthetic import county_code, county_file
from data_access.importing.runner import import_file

DOMAIN = "service_cases"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--county", type=int, default=1, help="the synthetic county's number")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, required=True,
                        help="the build's --as-of (the rows depend on it)")
    args = parser.parse_args(argv)
    engine = get_engine(args.database_url)
    with tempfile.TemporaryDirectory(prefix="county-import-") as folder:
        path = county_file(DOMAIN, args.county, args.as_of, Path(folder))
        rows = []
        for run in range(1, args.runs + 1):
            started = time.perf_counter()
            report = import_file(engine, path, DOMAIN)
            took = time.perf_counter() - started
            rows.append((run, took, report.rows_in_file, report.rows_inserted))
    print(f"{DOMAIN} of county {county_code(args.county)} sent again")
    print_table(["run", "time", "rows", "new rows", "rows/s"],
                [[str(run), fmt_s(took), f"{count:,}", f"{new:,}", f"{count / took:,.0f}"]
                 for run, took, count, new in rows])
    typical = median([count / took for _, took, count, _ in rows])
    met = typical >= TARGET_IMPORT_ROWS_PER_S
    print(f"median {typical:,.0f} rows/s, target >= {TARGET_IMPORT_ROWS_PER_S:,.0f}: "
          f"{'yes' if met else 'NO'}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
