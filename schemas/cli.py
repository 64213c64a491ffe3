"""Validate the data package: `china-ai-validate` or `python scripts/validate.py [ROOT] [--archive DIR] [--format text|json] [--cache DIR]`.

It writes no file, unless given --cache DIR: then it keeps its validation there, and reuses it while the same
bytes are validated again (schemas/cache.py), as `make` does for the release and the docs.

Exit status: 0 valid, 1 invalid, 2 unusable input (no readable descriptor, no
archive folder where one was named) or an internal error of the validator.
"""
from __future__ import annotations

import gc
import sys
import time
from contextlib import contextmanager, nullcontext

# Pandera imports hypothesis (a tool that makes test data) whenever it is installed, as it is beside the
# tests; validating never uses it, and on a small package its import is a tenth of the run. The command
# line runs as it does where only the requirements of `make` are installed: without it.
sys.modules.setdefault("hypothesis", None)

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import traceback  # noqa: E402
from pathlib import Path  # noqa: E402

from . import descriptor  # noqa: E402  (the standard library and orjson: it loads in milliseconds)
from .report import TIMINGS, timings  # noqa: E402

# Tables of fewer bytes than this are checked with Polars on one thread: their work comes in some thousand pieces
# of microseconds each, and a second thread, handed each piece and spinning idle between them, cost more than it
# gained (0.1 s of 0.9 on the package itself and at 10 MB of tables; at 100 MB, one thread or two take as long)
ONE_THREAD_BELOW = 32 * 2**20


def main(argv: list[str] | None = None, process: bool = False) -> int:
    """The validation of the command line `argv`; `process`: the run is the whole process (the command), which
    may be started to suit it."""
    started = time.perf_counter()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=".", help="the package folder (default: here)")
    parser.add_argument("--archive", help="folder of archived article texts; without it quotes are not checked")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--timings", action="store_true",
                        help="afterwards, print to stderr the seconds each layer took, as JSON")
    parser.add_argument("--cache", metavar="DIR",
                        help="keep this validation in DIR, and reuse the one kept there if the files, the archive and "
                             "the validator are byte for byte the same (default: no cache, no file written)")
    args = parser.parse_args(argv)
    standard = None
    try:
        if args.cache:
            return _cached(args, started)
        # The official descriptor check runs in a second process: started before the half second of
        # importing pandas and pandera, it is done by the time the tables are.
        standard = descriptor.start_standard_check(args.root)
        with _starting(args.root) if process else nullcontext():
            from .validate import validate
        report = validate(args.root, args.archive or None, keep_tables=False, standard=standard,
                          findings_json=args.format == "json")
    except descriptor.UnusableInput as exc:
        _reap(standard)
        print(f"unusable input: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        _reap(standard)
        return _internal_error(exc)
    return _write(report, args, started)


@contextmanager
def _starting(root: str):
    """The process of the command on the package at `root`, started to suit it, around the import of the
    validation. A setting of the user's is kept."""
    if _table_bytes(root) < ONE_THREAD_BELOW:  # read when Polars is imported
        os.environ.setdefault("POLARS_MAX_THREADS", "1")
    # numpy starts OpenBLAS with a thread per core, which spin a while (0.06 s of processor time, taken from the
    # descriptor check running beside); the validator does no linear algebra
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # Importing pandas, pandera and Polars makes some hundred thousand objects that live as long as the run, and
    # next to no garbage: the collector, run over them again and again, took a sixth of the import (0.08 s of
    # 0.5). It is paused meanwhile, and then leaves them out of its rounds (gc.freeze).
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _table_bytes(root: str) -> int:
    """The bytes of the package's tables (none when its descriptor cannot be read: the validation says why)."""
    try:
        resources = descriptor.load(root).resources.values()
    except descriptor.UnusableInput:
        return 0
    return sum(r.file.stat().st_size for r in resources if r.file is not None and r.file.is_file())


def _cached(args, started: float) -> int:
    """The run with --cache: the kept report when its key matches, else a validation that is then kept."""
    from . import cache

    # the report alone is printed: the tables are the release's and the site's
    report, reused = cache.reuse_or_validate(args.root, args.archive or None, args.cache, tables=False)
    if reused:
        print(f"validate: the same bytes were validated before; the report kept in {args.cache} is reused",
              file=sys.stderr)
    return _write(report, args, started)


def _write(report, args, started: float) -> int:
    writing = time.perf_counter()
    try:
        (report.write_json if args.format == "json" else report.write_text)(sys.stdout)
    except BrokenPipeError:
        pass  # the reader stopped early (`| head`): the verdict still stands in the exit status
    except Exception as exc:  # a report that cannot be written is no verdict either
        return _internal_error(exc)
    if args.timings:
        print(TIMINGS + json.dumps(timings(report.seconds, started, writing, time.perf_counter())), file=sys.stderr)
    return 0 if report.valid else 1


def _internal_error(exc: Exception) -> int:
    """A bug, not the data: said apart from 'invalid' (1), with where it arose."""
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    print(f"internal error: the validator failed ({type(exc).__name__}: {exc}) at {Path(frame.filename).name}:"
          f"{frame.lineno}; this is a bug in the validator, not a verdict on the data", file=sys.stderr)
    return 2


def _reap(standard) -> None:
    """Wait for the second process when the run stops early: its verdict no longer matters."""
    if standard is not None:
        standard()


def run() -> None:
    """The command `china-ai-validate` (and `scripts/validate.py`)."""
    code = main(process=True)
    # Everything is written: end without the interpreter's teardown of pandas, pyarrow and the tables,
    # which on a small package is a sixth of the run (about 0.18 s of 1 s) and checks nothing.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)
