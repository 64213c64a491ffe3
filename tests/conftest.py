"""Shared fixtures: the repository, the archive, and copies of the package to damage."""
from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = REPO / ".venv" / "bin"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


def archive_missing() -> str | None:
    """Why the archive cannot be had, or None when it is here. ARCHIVE names it (`make test` passes the folder
    it found); without ARCHIVE it is looked for at ../shared/sources."""
    given = os.environ.get("ARCHIVE")
    path = Path(given or REPO.parent / "shared" / "sources")
    if path.is_dir():
        return None
    if given:
        return f"ARCHIVE={given} is not a folder; expected the folder of archived article texts"
    return f"needs the archive of article texts, and there is none at {path} (give ARCHIVE=dir to run it)"


def archive_may_be_skipped() -> bool:
    """A missing archive skips the tests that need it, except where it was named (ARCHIVE) or on CI, which
    must never pass without them."""
    return not os.environ.get("ARCHIVE") and os.environ.get("CI") != "true"


def pytest_collection_modifyitems(config, items):
    """Without the archive, each test that needs it (directly or through a fixture such as built_site) is
    marked skipped before it runs, so that the summary (-ra) names every one with the reason."""
    reason = archive_missing()
    if reason is None or not archive_may_be_skipped():
        return
    for item in items:
        if "archive" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.skip(reason=f"{item.name}: {reason}"))


@pytest.fixture(scope="session")
def archive() -> Path:
    """The archived article texts; `make test` passes their folder as ARCHIVE."""
    reason = archive_missing()
    if reason is None:
        return Path(os.environ.get("ARCHIVE") or REPO.parent / "shared" / "sources")
    if archive_may_be_skipped():
        pytest.skip(reason)
    pytest.fail(f"{reason}; CI=true or ARCHIVE given: the tests that need the archive must run, not skip")


def frictionless(*args, cwd=None) -> subprocess.CompletedProcess:
    """The official `frictionless` command line, run from the virtualenv."""
    return subprocess.run([str(VENV_BIN / "frictionless"), *map(str, args)], cwd=cwd, capture_output=True, text=True)


def validate_cli(*args, **kw) -> subprocess.CompletedProcess:
    """`scripts/validate.py` as a user runs it; keyword arguments go to subprocess.run (cwd=...)."""
    return subprocess.run([sys.executable, str(REPO / "scripts" / "validate.py"), *map(str, args)],
                          capture_output=True, text=True, **kw)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (hidden ones too) with its checksum."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def rows(name: str) -> list[dict]:
    """The records of the repository's data/<name>.csv, read with the csv module alone."""
    with open(REPO / "data" / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def copy_package(dest: Path) -> Path:
    """The descriptor and data/ of the repository, as files a test may damage."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "datapackage.json", dest / "datapackage.json")
    shutil.copytree(REPO / "data", dest / "data")
    return dest


@pytest.fixture
def package(tmp_path) -> Path:
    return copy_package(tmp_path / "pkg")


class Csv:
    """Edit a package CSV cell by record key, keeping every other byte as the file had it."""

    def __init__(self, path: Path):
        self.path = path
        self.rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        self.header = self.rows[0]

    def lines_of(self, key_field: str | tuple[str, ...], key: str | tuple[str, ...]) -> list[int]:
        """CSV lines (header = 1) of the rows whose key_field is key; for a composite key both are tuples,
        as in lines_of(("record_id", "field"), (record, "value"))."""
        fields, keys = (key_field, key) if isinstance(key_field, tuple) else ((key_field,), (key,))
        cols = [self.header.index(f) for f in fields]
        return [i for i, row in enumerate(self.rows[1:], start=2) if all(row[c] == k for c, k in zip(cols, keys))]

    def line_of(self, key_field: str | tuple[str, ...], key: str | tuple[str, ...]) -> int:
        """CSV line (header = 1) of the first row whose key_field is key (a tuple of fields for a composite key)."""
        lines = self.lines_of(key_field, key)
        if not lines:
            raise KeyError(key)
        return lines[0]

    def get(self, line: int, field: str) -> str:
        return self.rows[line - 1][self.header.index(field)]

    def set(self, line: int, field: str, value: str) -> "Csv":
        self.rows[line - 1][self.header.index(field)] = value
        return self

    def save(self) -> None:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(self.rows)
        self.path.write_text(buf.getvalue(), encoding="utf-8")


def table(pkg: Path, name: str) -> Csv:
    return Csv(pkg / "data" / f"{name}.csv")


@pytest.fixture(scope="session")
def repo_report_archived(archive):
    """The validator's report on the repository's package, quotes checked against the archive, made once:
    tests read it, never change it."""
    from schemas.validate import validate

    return validate(REPO, archive)


@pytest.fixture(scope="session")
def built_release(archive, tmp_path_factory):
    """The release of the repository's package with the archive, built once: tests read it, never change it."""
    from publish import release

    return release.build(REPO, tmp_path_factory.mktemp("release") / "dist", archive)


@pytest.fixture(scope="session")
def built_site(archive, tmp_path_factory):
    """The docs site of the repository's package with the archive, built once, as (folder, what the build
    returned): tests read it, and a test that changes a page works on its own copy."""
    from docsite import build

    out = tmp_path_factory.mktemp("site") / "site"
    return out, build.build(REPO, out, archive)
