"""The release: the zip validates on its own, checksums match, refusals leave dist/ as it was."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from publish import exports, release
from conftest import REPO, frictionless, snapshot, table
from schemas import descriptor
from schemas.validate import validate

SCRIPT = REPO / "scripts" / "release.py"


def run(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def stem(built_release) -> str:
    """What the release's files are named from, spelled out here so the tests check the names the code makes."""
    return f"{built_release.name}-{built_release.version}"


@pytest.fixture(scope="module")
def zip_path(built_release, stem) -> Path:
    return built_release.dist / f"{stem}.zip"


@pytest.fixture
def unpacked(zip_path, tmp_path) -> Path:
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(folder)
    return folder


@pytest.fixture
def pkg(package) -> Path:
    """A copy of everything the release reads, to damage."""
    for name in release.SHIPPED:
        shutil.copy(REPO / name, package / name)
    return package


# --- what the zip holds -------------------------------------------------------------------------------

def test_zip_holds_the_package_and_its_documents(zip_path, repo):
    desc = descriptor.load(repo)
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        assert sorted(names) == sorted(["datapackage.json", *(r.path for r in desc.resources.values()),
                                        "README.md", "LICENSE", "CHANGELOG.md", "CITATION.cff"])
        for name in names:
            if name != "datapackage.json":
                assert zf.read(name) == (repo / name).read_bytes(), name


def test_shipped_descriptor_declares_computed_bytes_and_hashes(unpacked, repo):
    shipped = json.loads((unpacked / "datapackage.json").read_text(encoding="utf-8"))
    source = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    for res in shipped["resources"]:
        data = (unpacked / res["path"]).read_bytes()
        assert res["bytes"] == len(data)
        assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert re.fullmatch(r"\d+\.\d+\.\d+", shipped["version"]) and shipped["created"]
    # nothing else differs from the repository's descriptor
    stripped = [{k: v for k, v in r.items() if k not in ("bytes", "hash")} for r in shipped["resources"]]
    assert {**shipped, "resources": stripped, "created": None} == {**source, "created": None}


def test_unpacked_zip_passes_frictionless_cli_and_our_validator(unpacked, archive):
    result = frictionless("validate", "datapackage.json", cwd=unpacked)
    assert result.returncode == 0, result.stdout[-3000:]
    report = validate(unpacked, archive)
    assert report.valid, report.to_text()


def test_frictionless_cli_reads_the_zip_itself(zip_path, tmp_path):
    result = frictionless("validate", zip_path, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]


def test_a_changed_byte_in_the_unpacked_zip_fails_both_validators(unpacked):
    path = unpacked / "data" / "regions.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("广东省", "广西省", 1), encoding="utf-8")  # same size: only the hash can tell
    result = frictionless("validate", "datapackage.json", cwd=unpacked)
    assert result.returncode == 1 and "hash-count" in result.stdout
    problems = validate(unpacked).problems
    assert [(p.file, p.code) for p in problems] == [("data/regions.csv", "hash-count")]


def test_checksum_list_covers_every_file_of_the_release(built_release, stem):
    sums = built_release.dist / f"{stem}.sha256"
    listed = dict(reversed(line.split("  ", 1)) for line in sums.read_text().splitlines())
    files = snapshot(built_release.dist)
    assert set(files) - set(listed) == {sums.name}
    assert {name: files[name] for name in listed} == listed
    assert [a.path for a in built_release.artifacts] == [built_release.dist / n for n in (*listed, sums.name)]


def test_release_files_are_named_by_version(built_release, stem):
    names = {p.name for p in built_release.dist.iterdir()}
    assert names == {f"{stem}.zip", f"{stem}.sha256", *exports.names(stem).values()}


def test_a_rebuild_is_byte_identical(built_release, repo, archive, tmp_path):
    again = release.build(repo, tmp_path / "dist", archive)
    assert snapshot(again.dist) == snapshot(built_release.dist)


# --- refusals leave dist/ as it was ------------------------------------------------------------------

@pytest.fixture
def dist(pkg) -> Path:
    """A dist/ with an older release and a file of someone else's in it."""
    folder = pkg / "dist"
    (folder / "china-ai-industry-regional-0.0.9-parquet").mkdir(parents=True)
    (folder / "china-ai-industry-regional-0.0.9-parquet" / "sources.parquet").write_bytes(b"old")
    (folder / "china-ai-industry-regional-0.1.0.zip").write_bytes(b"an earlier build")
    (folder / "notes.txt").write_text("keep me")
    return folder


def refused(pkg, dist, *expected: str, cli: bool = False) -> str:
    """Refuse to release `pkg`, saying each of `expected`, and leave `dist` as it was (cli: as the script)."""
    before = snapshot(dist)
    if cli:
        result = run("--root", pkg, "--dist", dist)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        text = result.stderr
    else:
        with pytest.raises(release.Refused) as caught:
            release.build(pkg, dist)
        text = caught.value.text
    assert "release refused" in text and "dist/ was left as it was" in text
    for line in expected:
        assert line in text, text
    assert snapshot(dist) == before
    return text


def test_refuses_an_invalid_package(pkg, dist):
    t = table(pkg, "indicators")
    t.set(2, "value", "lots").save()
    t = table(pkg, "targets")
    t.set(3, "comparator", "about").save()
    refused(pkg, dist, "data/indicators.csv:2:value: 'lots' is not a number",
            "data/targets.csv:3:comparator:", "INVALID", cli=True)


def test_refuses_a_version_without_a_changelog_entry(pkg, dist):
    path = pkg / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"version": "0.1.0"', '"version": "0.2.0"', 1),
                    encoding="utf-8")
    refused(pkg, dist, "CHANGELOG.md: no entry for version 0.2.0 (entries: 0.1.0); expected a heading "
                       "'## [0.2.0] - YYYY-MM-DD'",
            "CITATION.cff:8:version: says '0.1.0'; expected '0.2.0', the version in datapackage.json", cli=True)


def test_refuses_a_version_that_is_not_semantic(pkg, dist):
    path = pkg / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"version": "0.1.0"', '"version": "v0.1"', 1), encoding="utf-8")
    line = text[:text.index('"version"')].count("\n") + 1
    refused(pkg, dist, f"datapackage.json:{line}:version: 'v0.1' is not a semantic version; expected MAJOR.MINOR.PATCH")


def test_refuses_an_undated_changelog_entry(pkg, dist):
    path = pkg / "CHANGELOG.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("## [0.1.0] - 2026-11-22", "## [0.1.0]"), encoding="utf-8")
    line = text[:text.index("## [0.1.0]")].count("\n") + 1
    refused(pkg, dist, f"CHANGELOG.md:{line}: the entry for 0.1.0 has no release date; expected a heading "
                       "'## [0.1.0] - YYYY-MM-DD'")


@pytest.mark.parametrize("edit, expected", [
    (('date-released: "2026-11-22"', 'date-released: "2026-02-30"'),
     ["CITATION.cff:9:date-released: '2026-02-30' is not a 'date'; expected the date the work has been released",
      "CITATION.cff:9:date-released: says '2026-02-30'; expected '2026-11-22', the date of 0.1.0 in CHANGELOG.md"]),
    (("authors:\n  - name: China AI industry data package maintainers\n", ""),
     ["CITATION.cff::authors: missing; expected every key the Citation File Format 1.2.0 requires"]),
    (("license: CC-BY-4.0", "license: CC-BY-4"),
     ["CITATION.cff:10:license: 'CC-BY-4' is not an allowed value; expected an SPDX license identifier"]),
    (("  - name: China AI", "  - nam: China AI"), ["CITATION.cff:12:authors[0].nam: unknown key; expected only the keys"]),
    (("title: \"China's", "title: \"China’s"),
     ["CITATION.cff:7:title: says 'China’s AI industry, region by region'; expected \"China's AI industry, region by "
      "region\", the title in datapackage.json"]),
    (("authors:\n", "authors: [\n"), ["CITATION.cff:12: not readable YAML"]),
])
def test_refuses_a_bad_citation(pkg, dist, edit, expected):
    path = pkg / "CITATION.cff"
    text = path.read_text(encoding="utf-8")
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    refused(pkg, dist, *expected)


def test_refuses_without_readme(pkg, dist):
    (pkg / "README.md").unlink()
    refused(pkg, dist, "README.md: file is missing; expected README.md, shipped in the release zip", cli=True)


def test_unusable_descriptor_exits_2(pkg, dist):
    before = snapshot(dist)
    (pkg / "datapackage.json").write_text("{", encoding="utf-8")
    result = run("--root", pkg, "--dist", dist)
    assert result.returncode == 2 and result.stderr.startswith("unusable input: ")
    assert "Traceback" not in result.stderr and snapshot(dist) == before


@pytest.mark.parametrize("error", [exports.ExportError("data/x.csv:2:y: cannot; expected can"), OSError("disk full")])
def test_a_failed_build_leaves_dist_as_it_was(pkg, dist, monkeypatch, error):
    def fail(*args):
        raise error

    monkeypatch.setattr(exports.excel, "write", fail)  # the last export: everything else was built by then
    before = snapshot(dist)
    with pytest.raises(release.Refused if isinstance(error, exports.ExportError) else OSError) as caught:
        release.build(pkg, dist)
    if isinstance(error, exports.ExportError):
        assert caught.value.text.startswith("data/x.csv:2:y: cannot; expected can\nrelease refused")
    assert snapshot(dist) == before
    assert list(dist.glob(".staging-*")) == []


def test_a_failed_build_does_not_create_dist(pkg, monkeypatch, tmp_path):
    monkeypatch.setattr(exports.excel, "write", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        release.build(pkg, tmp_path / "new" / "dist")
    assert not (tmp_path / "new" / "dist").exists()


def test_a_release_replaces_its_namesakes_and_nothing_else(pkg, dist):
    result = run("--root", pkg, "--dist", dist)
    assert result.returncode == 0, result.stderr
    assert (dist / "notes.txt").read_text() == "keep me"
    assert (dist / "china-ai-industry-regional-0.0.9-parquet" / "sources.parquet").read_bytes() == b"old"
    zipfile.ZipFile(dist / "china-ai-industry-regional-0.1.0.zip").testzip()
    assert "quotes NOT checked" in result.stdout  # no --archive: said, not hidden
    assert list(dist.glob(".staging-*")) == []


def test_make_release_end_to_end(repo, archive):  # make checks quotes against ../shared/sources or ARCHIVE
    result = subprocess.run(["make", "release"], cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    desc = descriptor.load(repo)
    zip_name = f"{desc.name}-{desc.version}.zip"  # spelled out: the test checks the name the code makes
    assert zip_name in result.stdout and "quotes checked against" in result.stdout
    with zipfile.ZipFile(repo / "dist" / zip_name) as zf:
        assert json.loads(zf.read("datapackage.json"))["version"] == desc.version
