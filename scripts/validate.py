"""Validate the data package: `python scripts/validate.py [ROOT] [--archive DIR] [--format text|json]`.

Exit status: 0 valid, 1 invalid, 2 unusable input (no readable descriptor, no
archive folder where one was named) or an internal error of the validator.
"""
from __future__ import annotations

import sys

# Pandera imports hypothesis (a tool that makes test data) whenever it is installed, as it is beside the
# tests; validating never uses it, and on a small package its import is a tenth of the run. The command
# line runs as it does where only the requirements of `make` are installed: without it.
sys.modules.setdefault("hypothesis", None)

import argparse  # noqa: E402
import traceback  # noqa: E402
from pathlib import Path  # noqa: E402

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
        report = validate(args.root, args.archive or None, keep_tables=False)
    except UnusableInput as exc:
        print(f"unusable input: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug, not the data: say so apart from 'invalid' (1), and where it arose
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        print(f"internal error: the validator failed ({type(exc).__name__}: {exc}) at {Path(frame.filename).name}:"
              f"{frame.lineno}; this is a bug in the validator, not a verdict on the data", file=sys.stderr)
        return 2
    if args.format == "json":
        report.write_json(sys.stdout)
    else:
        report.write_text(sys.stdout)
    return 0 if report.valid else 1


if __name__ == "__main__":
    sys.exit(main())
