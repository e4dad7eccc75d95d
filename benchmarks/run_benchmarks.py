"""`make bench`: python benchmarks/run_benchmarks.py [--help]; the benchmark is the benchmarks
package (benchmarks/__init__.py lists its modules, benchmarks/cli.py its options)."""

import sys
from pathlib import Path

if __name__ == "__main__":
    # Run as a script, Python puts benchmarks/ itself first on sys.path, where its modules would
    # shadow top-level ones of the same name; the package and tests/ import from the checkout.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

    from benchmarks.cli import main

    sys.exit(main())
