"""The contributor's commands: `china-ai-add`, `china-ai-todo` and `china-ai-verify` (scripts/add.py, todo.py,
verify.py; `make add`, `make todo`, `make verify`). CONTRIBUTING.md walks through them.

Exit status: add 0 archived, 1 refused (nothing written); todo 0 listed (`make validate` is the check that
fails while numbers are left); verify 0 every span found, 1 one not; each 2 for unusable input.
"""
from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path
from typing import Callable

from schemas import descriptor

from . import archive, article, compare, todo, verify

SHOWN = 100  # characters of a span or passage shown in a line of the verify report


def add_main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="china-ai-add", description="Archive a new article (plain text or a saved web "
                                "page) and append its row to sources.csv.")
    p.add_argument("file", help="the article: a plain-text file (first line the headline) or a saved web page")
    p.add_argument("--package", default=".", help="the package folder (default: here)")
    p.add_argument("--archive", default=archive.DEFAULT_ARCHIVE, help="the archive folder (default: %(default)s)")
    for name in ("source-id", "title", "url", "publisher", "author", "published"):
        p.add_argument(f"--{name}", default="", help=f"the {name.replace('-', '_')} when the page does not state it")
    args = p.parse_args(argv)
    stated = {k: getattr(args, k) for k in ("source_id", "title", "url", "publisher", "author", "published")}

    def run() -> int:
        added = archive.add(args.file, args.package, args.archive, stated)
        line = added.sources.read_text("utf-8").count("\n")  # the appended row is the file's last line
        print(f"archived {added.archive_file} (SHA-256 {added.row['sha256']})")
        print(f"{added.sources}:{line}: source {added.row['source_id']!r} added: "
              + "; ".join(f"{k} {added.row.get(k) or '(not stated)'}"
                          for k in ("title", "url", "publisher", "author", "published")))
        for name in added.blank_required:
            print(f"{added.sources}:{line}:{name}: the page does not state it; expected you to fill it in "
                  "(the column is required)")
        print(f"next: make todo SOURCE={added.row['source_id']}")
        return 0

    return _guarded(run)


def todo_main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="china-ai-todo", description="Each number of the archived articles that is "
                                "neither a traced figure nor set aside, with a drafted record to finish.")
    p.add_argument("package", nargs="?", default=".", help="the package folder (default: here)")
    p.add_argument("--archive", default=archive.DEFAULT_ARCHIVE, help="the archive folder (default: %(default)s)")
    p.add_argument("--source", action="append", help="only this source_id (repeat for more; default: all)")
    p.add_argument("--drafts", help="write the listing and the drafted CSV rows into this folder, not to the screen")
    args = p.parse_args(argv)

    def run() -> int:
        drafts = todo.todo(args.package, args.archive, args.source)
        if args.drafts:
            for path in todo.write_drafts(args.package, drafts, args.drafts):
                print(f"wrote {path}")
            print(todo.listing(drafts).splitlines()[-1])
        else:
            sys.stdout.write(todo.listing(drafts))
            for name, text in todo.tables(args.package, drafts).items():
                sys.stdout.write(f"\n# drafted rows for data/{name} (header first)\n{text}")
        return 0

    return _guarded(run)


def verify_main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="china-ai-verify", description="Check every quote and evidence span of one "
                                "source against your own saved copy of its article.")
    p.add_argument("source", help="the source_id (data/sources.csv)")
    p.add_argument("copy", help="your copy of the article: a saved web page or a plain-text file")
    p.add_argument("--package", default=".", help="the package folder (default: here)")
    args = p.parse_args(argv)

    def run() -> int:
        checked = verify.verify(args.package, args.source, args.copy)
        missing = 0
        for c in checked:
            where = f"{c.span.file}:{c.span.line}:{c.span.field}"
            if c.result.found:
                print(f"{where}: found {_short(c.span.text)!r}")
                continue
            missing += 1
            print(f"{where}: {_short(c.span.text)!r} is not in {args.copy}; closest passage "
                  f"{_short(c.result.closest)!r}: {'; '.join(c.result.differences)}; expected the span verbatim "
                  f"({compare.SAME})")
        print(f"{len(checked) - missing} of {len(checked)} quotes and evidence spans of {args.source} found in "
              f"{args.copy}")
        return 1 if missing else 0

    return _guarded(run)


def _guarded(run: Callable[[], int]) -> int:
    """Refusals and unusable input as one clear line on stderr, never a traceback."""
    try:
        return run()
    except archive.Refused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    except (article.Unusable, descriptor.UnusableInput) as exc:
        print(f"unusable input: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"unusable input: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug of ours, said apart from a verdict on the input
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        print(f"internal error: {type(exc).__name__}: {exc} at {Path(frame.filename).name}:{frame.lineno}; this is "
              "a bug in the command, not a verdict on the input", file=sys.stderr)
        return 2


def _short(text: str, n: int = SHOWN) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def run_add() -> None:
    sys.exit(add_main())


def run_todo() -> None:
    sys.exit(todo_main())


def run_verify() -> None:
    sys.exit(verify_main())
