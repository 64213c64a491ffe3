"""Build the site (and serve it): validate, run MkDocs strictly into a temporary folder, audit, then swap.

A build that fails at any step (an invalid package, a MkDocs warning in strict
mode, a failed audit) leaves the existing site as it was.
"""
from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# Material and MkDocs print notices about their successors on import; they are no news to a reader of this build.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")

from mkdocs.commands.build import build as mkdocs_build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402

from publish import swap  # noqa: E402
from . import audit, hooks, package  # noqa: E402
from .package import SiteError  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
CONFIG = PROJECT / "mkdocs.yml"


@dataclass(frozen=True)
class Built:
    site_dir: Path
    pages: int
    records: int
    seconds: float


def build(root: Path | str = PROJECT, site_dir: Path | str | None = None, archive: Path | str | None = None,
          config_file: Path | str = CONFIG, verbose: bool = False, cache_dir: Path | str | None = None) -> Built:
    """Build the docs of the package at `root` into `site_dir` (default: site/ beside mkdocs.yml); with
    `cache_dir`, reuse the validation kept there if it is of the same bytes (schemas.cache).

    Raises package.InvalidPackage, descriptor.UnusableInput, SiteError or a mkdocs MkDocsException."""
    start = time.perf_counter()
    config_file = Path(config_file)
    site_dir = Path(site_dir) if site_dir else config_file.parent / "site"
    _check_replaceable(site_dir)
    pkg = package.load(root, archive, cache_dir)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    # beside the site, so that the final move is a rename on one file system
    tmp = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.building-", dir=site_dir.parent))
    try:
        hooks.prepare(Path(root), Path(archive) if archive else None, pkg)
        with _mkdocs_log(verbose):
            config = load_config(str(config_file), site_dir=str(tmp), strict=True)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                mkdocs_build(config)
            finally:
                config.plugins.on_shutdown()
        problems = audit.check(tmp, pkg)
        if problems:
            raise SiteError(audit.summary(problems))
        pages = sum(1 for _ in tmp.rglob("*.html"))
        swap.replace_all([(tmp, site_dir)])
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        hooks.prepare()
    return Built(site_dir, pages, len(pkg.records), time.perf_counter() - start)


def serve(root: Path | str = PROJECT, archive: Path | str | None = None, config_file: Path | str = CONFIG,
          dev_addr: str | None = None) -> None:
    """Preview with live reload; every rebuild validates the package again."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    pkg = package.load(root, archive)  # fail here, with the validator's report, rather than inside MkDocs
    hooks.prepare(Path(root), Path(archive) if archive else None, pkg)
    root = Path(root).resolve()
    watch = [str(p) for p in (root / "data", root / "datapackage.json") if p.exists()]
    with _mkdocs_log(verbose=True):
        mkdocs_serve(config_file=str(config_file), livereload=True, watch=watch, dev_addr=dev_addr, strict=True)


def _check_replaceable(site_dir: Path) -> None:
    """Refuse to replace a folder that is not an earlier build: a mistyped --site-dir must not cost a folder."""
    if site_dir.is_file() or (site_dir.is_dir() and any(site_dir.iterdir())
                              and not (site_dir / "index.html").is_file()):
        raise SiteError(f"{site_dir}: not an earlier build of the site (no index.html), so it will not be "
                        "replaced; expected an empty folder, a missing one, or an earlier build")


@contextlib.contextmanager
def _mkdocs_log(verbose: bool):
    """Show MkDocs' warnings (and its progress when verbose) as its command line would."""
    logger = logging.getLogger("mkdocs")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
    handler.setLevel(logging.INFO if verbose else logging.WARNING)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
