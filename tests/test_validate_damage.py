"""The validator against damaged copies of the package: each damage is reported
with its file, line and field, the undamaged package passes, and every error
the official `frictionless validate` finds on the same copy we find too."""
from __future__ import annotations

import json
import shutil

import pytest
from conftest import copy_package, frictionless
from damage import CASES, broken_descriptor

from schemas.descriptor import UnusableInput
from schemas.validate import validate


@pytest.fixture(scope="module")
def damaged_copies(tmp_path_factory, archive):
    """Each case's damaged copy, damaged and validated once for every test of this module that reads it
    (none writes to it): case name -> (case, pkg, archive copy, expected problems, report with the archive)."""
    cache: dict[str, tuple] = {}

    def get(case):
        if case.name not in cache:
            base = tmp_path_factory.mktemp(case.name)
            pkg = copy_package(base / "pkg")
            arch = base / "archive"
            shutil.copytree(archive, arch)
            expected = case.damage(pkg, arch)
            cache[case.name] = (case, pkg, arch, expected, validate(pkg, arch))
        return cache[case.name]

    return get


@pytest.fixture
def damaged(damaged_copies, request):
    return damaged_copies(request.param)


def test_undamaged_package_passes(repo_report_archived):
    report = repo_report_archived
    assert report.valid, report.to_text()
    assert report.rows["indicators"] > 0 and report.findings


@pytest.mark.parametrize("damaged", CASES, ids=[c.name for c in CASES], indirect=True)
def test_damage_is_reported_where_it_is(damaged):
    case, _pkg, _arch, expected, report = damaged
    assert not report.valid
    found = {(p.file, p.line, p.field, p.code) for p in report.problems}
    for want in expected:
        assert want in found, f"{case.name}: {want} not reported; got:\n{report.to_text()}"
    for p in report.problems:  # every message says where, what and what was expected
        assert p.file and p.message and p.expected
        assert p.text().startswith(p.location() + ": ") and "; expected " in p.text()


@pytest.mark.parametrize("damaged", [c for c in CASES if c.archive], ids=[c.name for c in CASES if c.archive],
                         indirect=True)
def test_archive_damage_is_invisible_without_the_archive(damaged):
    """Without an archive the report says quotes were not checked, and these cases pass for that reason."""
    case, pkg, _arch, expected, _report = damaged
    report = validate(pkg)
    assert not {(p.file, p.line, p.field, p.code) for p in report.problems} & set(expected)
    assert "NOT checked" in report.to_text()


def _frictionless(pkg) -> dict:
    return json.loads(frictionless("validate", "--json", "--limit-errors", "0", pkg / "datapackage.json").stdout)


# Which of our problem codes answer each kind of error frictionless reports.
KINDS = {
    "type-error": ("type-error",),
    "constraint-error": ("not_nullable", "isin", "pattern", "greater_than", "less_than", "str_length", "primary-key"),
    "foreign-key": ("foreign-key",),
    "primary-key": ("primary-key", "blank-row"),  # a blank row's key is empty: one problem, reported once
    "unique-error": ("unique-error", "primary-key"),
    "missing-cell": ("missing-cell",),
    "extra-cell": ("extra-cell",),
    "blank-row": ("blank-row",),
    "encoding-error": ("encoding-error",),
    "scheme-error": ("missing-file",),
    "source-error": ("missing-file", "empty-file", "source-error"),
    "field-error": ("field-error",),
}
HEADER = ("missing-label", "extra-label", "incorrect-label", "duplicate-label", "blank-label", "blank-header")
WIDTH = ("missing-cell", "extra-cell")


@pytest.mark.parametrize("damaged", [c for c in CASES if not c.archive], ids=[c.name for c in CASES if not c.archive],
                         indirect=True)
def test_parity_with_frictionless(damaged):
    """Every error frictionless reports on a damaged copy we report too: at the same file and line, of a
    corresponding kind. Frictionless reads cells by position, so once a header is wrong every row of that
    file shifts and its row errors there are echoes of the header; for such a file we must report the
    header itself (line 1). Likewise the empty cells that a row too short lacks are echoes of its width,
    which we must report at that row's line."""
    case, pkg, _arch, _, ours = damaged
    theirs = _frictionless(pkg)
    errors = [(None, e) for e in theirs["errors"]] + [(t, e) for t in theirs["tasks"] for e in t["errors"]]
    assert errors or case.name in NOT_FRICTIONLESS, \
        f"{case.name}: frictionless found nothing; list it in NOT_FRICTIONLESS if that is expected"
    for task, err in errors:
        file = "datapackage.json" if task is None else _file_of(task, pkg)
        mine = [p for p in ours.problems if p.file == file or (task is None and p.layer == "descriptor")]
        if err["type"] in HEADER or any(p.code in HEADER for p in mine):
            assert any(p.code in HEADER and p.line == 1 for p in mine), f"{case.name}: header error not reported"
            continue
        beyond = err.get("fieldNumber", 0) > len(err.get("cells", ()))  # a cell past the end of its row
        if beyond and any(p.code in WIDTH and p.line == err.get("rowNumber") for p in mine):
            continue  # a cell a short row lacks: the row's width, reported at its line, is the one error
        kinds = KINDS.get(err["type"])
        assert kinds, f"{case.name}: frictionless error type {err['type']!r} has no counterpart in KINDS"
        # a file-level error is also echoed by every table whose foreign keys read that file
        where = [p for p in mine if p.line == err["rowNumber"]] if err.get("rowNumber") else ours.problems
        assert any(p.code.startswith(kinds) for p in where), (
            f"{case.name}: frictionless {err['type']} at {file}:{err.get('rowNumber')} ({err['message']}) "
            f"has no counterpart in our report:\n{ours.to_text()}")


# Damage that only the data model's rules see: frictionless has nothing to say about these.
NOT_FRICTIONLESS = {
    "negative-money", "percent-over-100", "swapped-unit", "duplicate-figure", "value-not-in-quote",
    "value-evidence-wrong", "stated-year-wrong", "hedge-swapped", "lost-provenance", "provenance-wrong-source",
    "formula-text", "count-not-whole", "qualitative-with-value", "target-before-announcement",
    "currency-link-mismatch", "finding-unknown-record", "finding-repeats-source", "finding-unknown-source",
    "byte-order-mark", "crlf", "record-id-in-both-tables",
    "parent-cycle-of-two", "parent-cycle-of-three", "country-with-a-parent",
}


def _file_of(task, pkg) -> str:
    place = task.get("place", "")
    return str(place).replace(str(pkg) + "/", "") if place else f"data/{task['name']}.csv"


def test_broken_descriptor_is_unusable(package):
    broken_descriptor(package, None)
    with pytest.raises(UnusableInput, match=r"datapackage.json:1: broken JSON"):
        validate(package)


def test_missing_archive_folder_is_unusable(repo, tmp_path):
    with pytest.raises(UnusableInput, match="archive folder not found"):
        validate(repo, tmp_path / "nowhere")
