"""The parse floor: the time to only parse a package's CSV files, with pyarrow on all cores and no checks.

No validator can check a file faster than it can read it, so the benchmark puts this beside each size and
our validator's time as a multiple of it. It runs as a child process like the validators
(`python -m benchmark.floor PKG`), so that it pays the same interpreter start and the import of pyarrow
(but not of pandas or pandera, which only checks need), and prints the rows of each resource as JSON.
Every column is read as text: parsing the CSV, not converting its types, is the floor.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from schemas import descriptor


def parse(root: Path | str) -> dict[str, int]:
    """Rows of each resource of the package at `root`, as CSV records (a quoted line break stays in its row);
    each file is parsed whole by pyarrow's multi-threaded reader, then let go."""
    root = Path(root)
    return {name: pacsv.read_csv(root / r.path, read_options=pacsv.ReadOptions(use_threads=True),
                                 convert_options=pacsv.ConvertOptions(
                                     column_types={f: pa.string() for f in r.field_names})).num_rows
            for name, r in descriptor.load(root).resources.items()}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m benchmark.floor PKG (a data package folder)", file=sys.stderr)
        return 2
    json.dump({"rows": parse(args[0])}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
