"""Version, changelog and citation: each valid on its own terms, and all in agreement with the data."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from publish import citation, versions
from conftest import VENV_BIN
from schemas import descriptor


def check_jsonschema(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "check-jsonschema"), "--builtin-schema", "vendor.citation-file-format",
                           str(path)], capture_output=True, text=True)


@pytest.mark.parametrize("version", ["0.1.0", "1.0.0", "10.20.30", "1.0.0-rc.1", "1.0.0-alpha.beta+exp.sha.5114f85"])
def test_semver_accepts(version):
    assert versions.check_version(version, 3) == []


@pytest.mark.parametrize("version", ["v0.1.0", "0.1", "01.0.0", "1.0.0-", "1.0.0+", "", None, 1.0])
def test_semver_refuses(version):
    [p] = versions.check_version(version, 3)
    assert p.location() == "datapackage.json:3:version"


def test_changelog_parsing_finds_headings_lines_and_bodies():
    entries = versions.parse("# Changelog\n\n## [Unreleased]\n\n## [1.1.0] - 2026-12-01\n### Fixed\n- a\n\n"
                             "## 1.0.0 - 2026-11-01\n- b\n[1.1.0]: https://example.org\n")
    assert [(e.version, e.date, e.line, e.body) for e in entries] == [
        ("Unreleased", None, 3, []), ("1.1.0", "2026-12-01", 5, ["### Fixed", "- a"]),
        ("1.0.0", "2026-11-01", 9, ["- b"])]


@pytest.mark.parametrize("text, message", [
    ("## [0.1.0] - 2026-11-22\n- x\n## [0.1.0] - 2026-11-20\n- y\n", "CHANGELOG.md:3: a second entry for 0.1.0"),
    ("## [0.1.0] - 2026-11-31\n- x\n", "CHANGELOG.md:1: release date '2026-11-31' is not a date"),
    ("## [0.1.0] - 2026-11-22\n\n## [0.0.1] - 2026-01-01\n- y\n", "CHANGELOG.md:1: the entry for 0.1.0 is empty"),
    ("## [0.2.0] - 2026-12-22\n- z\n## [0.1.0] - 2026-11-22\n- x\n", "CHANGELOG.md:1: the newest entry is 0.2.0"),
])
def test_changelog_problems(tmp_path, text, message):
    (tmp_path / versions.CHANGELOG).write_text(text, encoding="utf-8")
    problems, _ = versions.check_changelog(tmp_path, "0.1.0")
    assert [p.text() for p in problems if p.text().startswith(message)], [p.text() for p in problems]


def test_version_changelog_and_citation_agree(repo):
    desc = descriptor.load(repo)
    problems, entry = versions.check_changelog(repo, desc.version)
    assert problems == [] and entry.released is not None
    cff, _, unreadable = citation.load(repo)
    assert unreadable == []
    assert (cff["version"], cff["date-released"]) == (desc.version, entry.date)
    assert cff["title"] == desc.raw["title"] and cff["license"] == desc.raw["licenses"][0]["name"]
    assert cff["authors"] == [{"name": "China AI industry data package maintainers"}]
    assert citation.check(repo, version=desc.version, released=entry.date, title=desc.raw["title"],
                          licenses=[desc.raw["licenses"][0]["name"]]) == []


def test_changelog_counts_are_the_data(repo, repo_report_archived):
    """The first entry says how many rows each table has: they must be the rows the data has. While changes
    not yet released have changed them, the [Unreleased] entry says so in the same words, and it is read."""
    desc = descriptor.load(repo)
    entries = versions.parse((repo / versions.CHANGELOG).read_text(encoding="utf-8"))
    said = [(e.version, {name: int(n) for name, n in re.findall(r"`(\w+)\.csv`: (\d+)", "\n".join(e.body))})
            for e in entries if e.version.lower() == versions.UNRELEASED or e.version == desc.version]
    version, stated = next(((v, counts) for v, counts in said if counts), (desc.version, {}))
    report = repo_report_archived
    assert stated == report.rows, (f"CHANGELOG.md's {version} entry states {stated}; the data has "
                                   f"{report.rows}: correct the entry")


def test_citation_valid_by_check_jsonschema_and_by_ours(repo, tmp_path):
    result = check_jsonschema(repo / citation.CITATION)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / citation.CITATION
    shutil.copy(repo / citation.CITATION, broken)
    text = broken.read_text(encoding="utf-8").replace("cff-version: 1.2.0", "cff-version: 1.1.0")
    broken.write_text(text, encoding="utf-8")
    assert check_jsonschema(broken).returncode == 1
    [p] = citation.check(tmp_path, version="0.1.0", released=None, title=None, licenses=[])
    assert p.text().startswith("CITATION.cff:1:cff-version: '1.1.0' does not match '^1\\\\.2\\\\.0$'")


def test_vendored_schema_is_the_official_one_check_jsonschema_ships():
    import check_jsonschema

    shipped = Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor" / "citation-file-format.json"
    assert citation.SCHEMA.read_bytes() == shipped.read_bytes()
    assert citation.schema()["$id"] == "https://citation-file-format.github.io/1.2.0/schema.json"


def test_dates_stay_strings_as_the_cff_schema_requires(tmp_path):
    (tmp_path / citation.CITATION).write_text("date-released: 2026-11-22\n", encoding="utf-8")
    data, lines, problems = citation.load(tmp_path)
    assert data == {"date-released": "2026-11-22"} and lines[("date-released",)] == 1 and problems == []
