"""The package's version and its CHANGELOG.md entry: a release needs both, and they must agree.

CHANGELOG.md follows Keep a Changelog (https://keepachangelog.com/en/1.1.0/):
one `## [X.Y.Z] - YYYY-MM-DD` heading per release, newest first, an optional
`## [Unreleased]` on top.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

# the validator holds a package's version to the same rule first
from schemas.releasable import SEMVER, check_version, json_line  # noqa: F401 (the release's names for them)
from schemas.report import Problem

CHANGELOG = "CHANGELOG.md"
HEADING = re.compile(r"^##\s+\[?(?P<version>[^\]\s]+)\]?(?:\s+-\s+(?P<date>\S+))?\s*$")
UNRELEASED = "unreleased"
EXPECTED_HEADING = "a heading '## [{version}] - YYYY-MM-DD' (Keep a Changelog) with the changes of this version"


@dataclass
class Entry:
    version: str
    date: str | None
    line: int  # of its heading
    body: list[str] = field(default_factory=list)

    @property
    def released(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.date) if self.date else None
        except ValueError:
            return None


def problem(file: str, line: int | None, fld: str | None, message: str, expected: str) -> Problem:
    return Problem("release", file, line, fld, message, expected, "release")


def parse(text: str) -> list[Entry]:
    entries: list[Entry] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = HEADING.match(line)
        if match:
            entries.append(Entry(match["version"], match["date"], number))
        elif line.startswith("# ") or line.startswith("[") and "]:" in line:
            continue  # the title and link definitions belong to no entry
        elif entries and line.strip():
            entries[-1].body.append(line)
    return entries


def check_changelog(root: Path, version: str) -> tuple[list[Problem], Entry | None]:
    """Problems with the entry for `version`, and the entry itself when there is one."""
    path = root / CHANGELOG
    expected = EXPECTED_HEADING.format(version=version)
    if not path.is_file():
        return [problem(CHANGELOG, None, None, "file is missing", f"a changelog with {expected}")], None
    entries = parse(path.read_text(encoding="utf-8"))
    released = [e for e in entries if e.version.lower() != UNRELEASED]
    mine = [e for e in released if e.version == version]
    if not mine:
        listed = ", ".join(e.version for e in released) or "none"
        return [problem(CHANGELOG, None, None, f"no entry for version {version} (entries: {listed})", expected)], None
    entry, problems = mine[0], []
    for extra in mine[1:]:
        problems.append(problem(CHANGELOG, extra.line, None, f"a second entry for {version} (the first is on line "
                                f"{entry.line})", "one entry per version"))
    if entry.date is None:
        problems.append(problem(CHANGELOG, entry.line, None, f"the entry for {version} has no release date", expected))
    elif entry.released is None:
        problems.append(problem(CHANGELOG, entry.line, None, f"release date {entry.date!r} is not a date",
                                "an ISO date YYYY-MM-DD"))
    if not entry.body:
        problems.append(problem(CHANGELOG, entry.line, None, f"the entry for {version} is empty",
                                "the changes this version brings (### Added, ### Changed, ### Fixed ...)"))
    if released[0] is not entry:
        problems.append(problem(CHANGELOG, released[0].line, None,
                                f"the newest entry is {released[0].version}, not {version} as datapackage.json says",
                                "the version being released at the top, above older entries"))
    return problems, entry
