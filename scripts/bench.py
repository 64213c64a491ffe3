"""Benchmark the validator, `frictionless validate` and the docs build on synthetic packages of growing size.

`python scripts/bench.py [--sizes 1000,10000] [--runs N] [--docs-sizes 1000,10000] [--out docs/benchmark.md]`
(`make bench BENCH_ARGS="..."`). It prints the table and writes it, with the
machine it ran on, to the Markdown page the docs site shows.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aidata.bench import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
