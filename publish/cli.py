"""Build the release into dist/: `china-ai-release` or `python scripts/release.py [--root DIR] [--dist DIR] [--archive DIR] [--cache DIR]`.

Writes dist/<name>-<version>.zip (the package with a checksummed descriptor),
.sqlite, .xlsx, -parquet/ and a .sha256 list, all or nothing.
Exit status: 0 released, 1 refused (invalid package, version without a
changelog entry, invalid citation, data an export cannot hold), 2 unusable
input (no readable descriptor, no archive folder where one was named).
"""
from __future__ import annotations

import argparse
import sys

from schemas.descriptor import UnusableInput

from . import release


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="the package folder (default: here)")
    parser.add_argument("--dist", help="where the release goes (default: ROOT/dist)")
    parser.add_argument("--archive", help="folder of archived article texts; without it quotes are not checked")
    parser.add_argument("--cache", metavar="DIR",
                        help="reuse the validation kept in DIR if it is of the same bytes, else keep this one there")
    args = parser.parse_args(argv)
    try:
        built = release.build(args.root, args.dist, args.archive or None, args.cache)
    except UnusableInput as exc:
        print(f"unusable input: {exc}", file=sys.stderr)
        return 2
    except release.Refused as exc:
        print(exc.text, file=sys.stderr, end="" if exc.text.endswith("\n") else "\n")
        return 1
    sys.stdout.write(built.to_text())
    return 0

