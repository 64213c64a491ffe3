"""Build or preview the documentation site: `china-ai-docs` or `python scripts/docs.py build|serve [--root DIR] [--archive DIR] [--cache DIR]`.

build: validate the package, generate the pages and charts, run `mkdocs build --strict` into a temporary
folder, audit the links and the provenance of every record, then replace --site-dir (default site/).
serve: the same, previewed with live reload on http://127.0.0.1:8000/.

Exit status: 0 built, 1 the package is invalid or the build failed (the site is left as it was),
2 unusable input (no readable descriptor, no archive folder where one was named).
"""
from __future__ import annotations

import argparse
import sys

from mkdocs.exceptions import MkDocsException

from schemas.descriptor import UnusableInput

from . import build as site
from .package import InvalidPackage, SiteError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("build", "serve"))
    parser.add_argument("--root", default=str(site.PROJECT), help="the package folder (default: this repository)")
    parser.add_argument("--archive", help="folder of archived article texts; without it quotes are not checked")
    parser.add_argument("--site-dir", help="where to build (default: site/ beside mkdocs.yml)")
    parser.add_argument("--dev-addr", help="serve: address to listen on (default 127.0.0.1:8000)")
    parser.add_argument("--cache", metavar="DIR",
                        help="build: reuse the validation kept in DIR if it is of the same bytes, else keep this one there")
    parser.add_argument("-v", "--verbose", action="store_true", help="build: show MkDocs' progress too")
    args = parser.parse_args(argv)
    try:
        if args.command == "serve":
            site.serve(args.root, args.archive or None, dev_addr=args.dev_addr)
            return 0
        built = site.build(args.root, args.site_dir, args.archive or None, verbose=args.verbose,
                           cache_dir=args.cache)
    except UnusableInput as exc:
        print(f"unusable input: {exc}", file=sys.stderr)
        return 2
    except InvalidPackage as exc:
        sys.stdout.write(exc.report.to_text())
        print("docs: the package is invalid, so the site was not built; the existing site is unchanged.",
              file=sys.stderr)
        return 1
    except (SiteError, MkDocsException) as exc:
        print(f"docs: the build failed, the existing site is unchanged: {exc}", file=sys.stderr)
        return 1
    print(f"docs: built {built.pages} pages for {built.records} records into {built.site_dir} "
          f"in {built.seconds:.1f} s")
    return 0

