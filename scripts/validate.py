"""Validate the data package: `python scripts/validate.py [ROOT] [--archive DIR] [--format text|json]`.

Exit status: 0 valid, 1 invalid, 2 unusable input (no readable descriptor, no
archive folder where one was named).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from schemas.descriptor import UnusableInput  # noqa: E402
from schemas.validate import validate  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=".", help="the package folder (default: here)")
    parser.add_argument("--archive", help="folder of archived article texts; without it quotes are not checked")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    try:
        report = validate(args.root, args.archive or None)
    except UnusableInput as exc:
        print(f"unusable input: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(report.to_json() if args.format == "json" else report.to_text())
    return 0 if report.valid else 1


if __name__ == "__main__":
    sys.exit(main())
