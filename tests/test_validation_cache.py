"""`make` validates once: the release and the site reuse a validation of the same bytes, and only of those.

Each test counts the validations actually run (schemas.validate.validate, wrapped), changes one byte of one
input, or damages the kept entry, and compares what is built from a reused validation with what is built
from a fresh one, byte for byte.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO, copy_package, snapshot, table, validate_cli
from docsite import build as site
from publish import release
from schemas import cache
from schemas import validate as validation


@pytest.fixture
def calls(monkeypatch) -> list:
    """The validations run from now on, one item each."""
    made = []
    real = validation.validate

    def counted(*args, **kwargs):
        made.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(validation, "validate", counted)
    return made


@pytest.fixture
def inputs(tmp_path, archive) -> tuple[Path, Path]:
    """A copy of the package and of the archive, whose bytes a test may change."""
    pkg = copy_package(tmp_path / "pkg")
    arch = tmp_path / "archive"
    shutil.copytree(archive, arch)
    return pkg, arch


def flip(path: Path, at: int | None = None) -> None:
    """Change one byte of `path`: at `at`, else the first letter of the first description (which leaves the
    descriptor readable JSON)."""
    data = bytearray(path.read_bytes())
    if at is None:
        at = data.index(b'"description": "') + len(b'"description": "')
    data[at] ^= 0x20  # a letter's case
    path.write_bytes(bytes(data))


def same_report(a, b) -> None:
    assert a.to_text() == b.to_text()
    assert a.problems == b.problems and a.rows == b.rows and a.archive == b.archive
    assert [vars(f) for f in a.findings] == [vars(f) for f in b.findings]
    assert a.tables.keys() == b.tables.keys()
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_exact=True)


def test_the_same_bytes_are_validated_once(inputs, tmp_path, calls):
    pkg, arch = inputs
    first = cache.validate(pkg, arch, tmp_path / "cache")
    again = cache.validate(pkg, arch, tmp_path / "cache")
    assert len(calls) == 1
    same_report(again, first)
    fresh = validation.validate(pkg, arch)  # neither kept nor read back: the reference
    same_report(again, fresh)


def test_without_a_cache_folder_every_run_validates_and_nothing_is_written(inputs, calls):
    pkg, arch = inputs
    before = snapshot(pkg.parent)
    cache.validate(pkg, arch)
    cache.validate(pkg, arch)
    assert len(calls) == 2
    assert snapshot(pkg.parent) == before


def _data_file(pkg, arch):
    return pkg / "data" / "provenance.csv"


def _descriptor(pkg, arch):
    return pkg / "datapackage.json"


def _archive_file(pkg, arch):
    return sorted(arch.glob("*.txt"))[0]


@pytest.mark.parametrize("which", [_data_file, _descriptor, _archive_file], ids=["data file", "descriptor",
                                                                                  "archive file"])
def test_one_changed_byte_of_an_input_validates_again(inputs, tmp_path, calls, which):
    pkg, arch = inputs
    cache.validate(pkg, arch, tmp_path / "cache")
    path = which(pkg, arch)
    flip(path, at=None if path.suffix == ".json" else len(path.read_bytes()) // 2)
    changed = cache.validate(pkg, arch, tmp_path / "cache")
    assert len(calls) == 2
    same_report(changed, validation.validate(pkg, arch))  # and the verdict is the new bytes'


def test_one_changed_byte_of_the_validators_code_validates_again(inputs, tmp_path, calls, monkeypatch):
    assert cache.CODE == Path(validation.__file__).resolve().parent  # the code that runs is the code in the key
    code = tmp_path / "schemas"
    shutil.copytree(cache.CODE, code, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "CODE", code)
    pkg, arch = inputs
    cache.validate(pkg, arch, tmp_path / "cache")
    cache.validate(pkg, arch, tmp_path / "cache")
    assert len(calls) == 1
    flip(code / "pandera_schemas.py", at=-1)  # its last newline
    cache.validate(pkg, arch, tmp_path / "cache")
    assert len(calls) == 2


def test_a_different_archive_folder_or_none_validates_again(inputs, tmp_path, calls):
    pkg, arch = inputs
    cache.validate(pkg, arch, tmp_path / "cache")
    no_archive = cache.validate(pkg, None, tmp_path / "cache")
    assert len(calls) == 2 and no_archive.archive is None


def _entry(folder: Path) -> Path:
    (entry,) = [p for p in folder.iterdir() if cache.ENTRY.match(p.name)]
    return entry


def _flip_report(entry):
    flip(entry / cache.REPORT, at=len((entry / cache.REPORT).read_bytes()) // 2)


def _flip_table(entry):
    flip(sorted(entry.glob("table-*.arrow"))[-1], at=400)


def _truncate_table(entry):
    path = sorted(entry.glob("table-*.arrow"))[0]
    path.write_bytes(path.read_bytes()[:100])


def _broken_manifest(entry):
    path = entry / cache.MANIFEST
    path.write_text(path.read_text()[:-5])


def _extra_file(entry):
    (entry / "table-99.arrow").write_bytes(b"planted")


def _foreign(entry):
    """A whole, consistent entry of other bytes (another package's validation) under this key's name."""
    text = (entry / cache.MANIFEST).read_text()
    key = entry.name
    (entry / cache.MANIFEST).write_text(text.replace(key, "0" * 64))


def _report_of_other_bytes(entry):
    """A report rewritten to say something else, its checksum in the manifest made to match: still another
    key's report, since the manifest was made for another archive folder."""
    import hashlib
    import json

    data = (entry / cache.REPORT).read_bytes().replace(b'"archive":"', b'"archive":"/elsewhere', 1)
    (entry / cache.REPORT).write_bytes(data)
    manifest = json.loads((entry / cache.MANIFEST).read_text())
    manifest["files"][cache.REPORT] = hashlib.sha256(data).hexdigest()
    (entry / cache.MANIFEST).write_text(json.dumps(manifest))


@pytest.mark.parametrize("damage", [_flip_report, _flip_table, _truncate_table, _broken_manifest, _extra_file,
                                    _foreign, _report_of_other_bytes])
def test_a_damaged_or_foreign_entry_is_never_trusted(inputs, tmp_path, calls, damage):
    pkg, arch = inputs
    folder = tmp_path / "cache"
    first = cache.validate(pkg, arch, folder)
    damage(_entry(folder))
    again = cache.validate(pkg, arch, folder)
    assert len(calls) == 2  # validated again
    same_report(again, first)
    cache.validate(pkg, arch, folder)
    assert len(calls) == 2  # and the damaged entry was replaced by a whole one


def test_the_cache_keeps_one_entry_and_touches_nothing_else(inputs, tmp_path):
    pkg, arch = inputs
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "notes.txt").write_text("someone else's")
    (folder / "keep").mkdir()
    cache.validate(pkg, arch, folder)
    table(pkg, "regions").set(4, "name_en", "Shanghai City").save()
    cache.validate(pkg, arch, folder)
    assert sorted(p.name for p in folder.iterdir() if not cache.ENTRY.match(p.name)) == ["keep", "notes.txt"]
    assert len([p for p in folder.iterdir() if cache.ENTRY.match(p.name)]) == 1


def test_an_invalid_package_is_reported_the_same_from_the_cache(inputs, tmp_path, calls):
    pkg, arch = inputs
    table(pkg, "regions").set(4, "iso_3166_2", "CN-Shanghai").save()
    first = cache.validate(pkg, arch, tmp_path / "cache")
    again = cache.validate(pkg, arch, tmp_path / "cache")
    assert len(calls) == 1 and not again.valid
    same_report(again, first)


def test_the_command_prints_the_same_report_from_the_cache(inputs, tmp_path):
    pkg, arch = inputs
    table(pkg, "regions").set(4, "iso_3166_2", "CN-Shanghai").save()  # errors and findings both
    for fmt in ("text", "json"):
        folder = tmp_path / f"cache-{fmt}"
        plain = validate_cli(pkg, "--archive", arch, "--format", fmt)
        kept = validate_cli(pkg, "--archive", arch, "--format", fmt, "--cache", folder)
        reused = validate_cli(pkg, "--archive", arch, "--format", fmt, "--cache", folder)
        assert plain.returncode == kept.returncode == reused.returncode == 1
        assert plain.stdout == kept.stdout == reused.stdout
        assert "reused" not in kept.stderr and "the same bytes were validated before" in reused.stderr


def test_a_release_from_the_cache_is_byte_identical(inputs, tmp_path, calls):
    pkg, arch = inputs
    for name in ("README.md", "LICENSE", "CHANGELOG.md", "CITATION.cff"):
        shutil.copy(REPO / name, pkg / name)
    fresh = release.build(pkg, tmp_path / "fresh", arch)
    folder = tmp_path / "cache"
    validate_cli(pkg, "--archive", arch, "--cache", folder)  # as `make validate` does, in its own process
    assert len(calls) == 1
    reused = release.build(pkg, tmp_path / "reused", arch, folder)
    assert len(calls) == 1  # the release validated nothing itself
    assert snapshot(reused.dist) == snapshot(fresh.dist)
    assert reused.to_text().split("Released")[0] == fresh.to_text().split("Released")[0]


def test_a_site_from_the_cache_is_byte_identical(archive, tmp_path, calls):
    folder = tmp_path / "cache"
    cache.validate(REPO, archive, folder)
    assert len(calls) == 1
    built = site.build(REPO, tmp_path / "reused", archive, cache_dir=folder)
    assert len(calls) == 1  # the site validated nothing itself
    fresh = site.build(REPO, tmp_path / "fresh", archive)
    assert len(calls) == 2
    assert built.pages == fresh.pages
    assert snapshot(built.site_dir) == snapshot(fresh.site_dir)


def test_make_validates_once(tmp_path, archive):
    """`make validate release` in a copy of the repository: the release reuses `make validate`'s validation,
    and a second `make validate` reuses it too; `make clean` removes it."""
    pkg = copy_package(tmp_path / "repo")
    for part in ("Makefile", "requirements.txt", "pyproject.toml", "schemas", "publish", ".venv", "README.md",
                 "LICENSE", "CHANGELOG.md", "CITATION.cff"):
        (pkg / part).symlink_to(REPO / part)
    make = ["make", "-s", "validate", "release", f"ARCHIVE={archive}"]
    first = subprocess.run(make, cwd=pkg, capture_output=True, text=True)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "the same bytes were validated before" not in first.stderr
    entry = _entry(pkg / ".cache" / "validation")
    stamp = (entry / cache.MANIFEST).stat().st_mtime_ns
    again = subprocess.run(["make", "-s", "validate", f"ARCHIVE={archive}"], cwd=pkg, capture_output=True, text=True)
    assert again.returncode == 0 and "the same bytes were validated before" in again.stderr
    assert first.stdout.startswith(again.stdout)  # the same report, then the release's lines
    assert (entry / cache.MANIFEST).stat().st_mtime_ns == stamp  # read, not written again
    subprocess.run(["make", "-s", "clean"], cwd=pkg, check=True)
    assert not (pkg / ".cache").exists()


def test_the_command_with_a_cache_reuses_without_importing_pandas(inputs, tmp_path):
    """A reused report is printed without loading the engine: the point of keeping it."""
    pkg, arch = inputs
    folder = tmp_path / "cache"
    validate_cli(pkg, "--archive", arch, "--cache", folder)
    probe = ("import sys; sys.argv = ['validate', %r, '--archive', %r, '--cache', %r]\n"
             "from schemas import cli\n"
             "code = cli.main()\n"
             "print('pandas' in sys.modules, code)") % (str(pkg), str(arch), str(folder))
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert out.stdout.strip().splitlines()[-1] == "False 0", out.stdout + out.stderr


def test_a_validation_that_cannot_be_kept_still_gives_its_verdict(inputs, tmp_path, calls, monkeypatch, capsys):
    pkg, arch = inputs

    def refuse(frame):
        raise ValueError("a column Arrow cannot hold")

    monkeypatch.setattr(cache, "_table_bytes", refuse)
    report = cache.validate(pkg, arch, tmp_path / "cache")
    assert report.valid and report.tables
    assert "the validation was not kept" in capsys.readouterr().err
    cache.validate(pkg, arch, tmp_path / "cache")
    assert len(calls) == 2  # nothing half-kept was reused
    assert not [p for p in (tmp_path / "cache").iterdir()]  # and nothing half-written was left
