"""Validator and release agree: whatever the release refuses, the validator rejects first.

The release (publish/release.py) refuses a package for these reasons, each answered here or elsewhere:
- the validator's own verdict (it runs the validator);
- its own files, which are not the package's: README.md and LICENSE missing, no CHANGELOG.md entry,
  CITATION.cff (tests/test_release.py, tests/test_release_citation.py); the version, which is the
  descriptor's, is the validator's too (below);
- frictionless not accepting the built zip: every error frictionless finds we find too
  (tests/test_validate_damage.py::test_parity_with_frictionless);
- an export that cannot hold the data (publish/exports, ExportError, and SQLite's own refusals): each case
  below damages a copy, shows that the exports refuse it, and that the validator rejects it at its place.
  SQLite's NOT NULL, UNIQUE, enum and range CHECKs and foreign keys are the descriptor's constraints, which
  the validator enforces (tests/test_validate_damage.py); the type conversions of typemap.cells and the
  Parquet casts cannot fail on what the structure layer typed.
"""
from __future__ import annotations

import json
import sqlite3

import numpy as np
import pandas as pd
import pytest
from conftest import copy_package, table
from damage import GD, set_cell
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from publish import exports, release
from publish.exports import excel, typemap
from schemas import descriptor, releasable
from schemas.validate import validate

DESC = "datapackage.json"


def _descriptor(change, where):
    def damage(pkg):
        path = pkg / DESC
        raw = json.loads(path.read_text(encoding="utf-8"))
        change(raw)
        path.write_text(json.dumps(raw, indent=2), encoding="utf-8")
        return DESC, None, where
    return damage


def _extra(name, fields=("a",)):
    """A resource of the descriptor beside the seven, with a file of one row."""
    def change(raw):
        raw["resources"].append({"name": name, "path": "data/extra.csv",
                                 "schema": {"fields": [{"name": f, "type": "string"} for f in fields]}})

    def damage(pkg):
        (pkg / "data" / "extra.csv").write_text(",".join(fields) + "\n" + ",".join("x" for _ in fields) + "\n",
                                                encoding="utf-8")
        return _descriptor(change, f"resources[{name}]" + (f".{fields[-1]}" if len(fields) > 1 else ""))(pkg)
    return damage


def _field(resource, field, key, value, where=None):
    """A field's `key` in the descriptor set to `value`; the problem is at the field, or at `where`."""
    def change(raw):
        res = next(r for r in raw["resources"] if r["name"] == resource)
        f = next(f for f in res["schema"]["fields"] if f["name"] == field)
        f[key] = value(f.get(key)) if callable(value) else value
    return _descriptor(change, where or f"resources[{resource}].{field}")


def _exports_refuse(pkg, tmp_path):
    report = validate(pkg)
    with pytest.raises((typemap.ExportError, sqlite3.Error)):
        exports.write_all(descriptor.load(pkg), report.tables, tmp_path / "out", "x")


def _excel_refuses(value):
    def probe(_pkg, _tmp):
        with pytest.raises(typemap.ExportError):
            excel.write_cell(Workbook().active, 1, 1, value, "probe")
    return probe


def _preflight_refuses(pkg, _tmp):
    problems, _ = release.preflight(pkg, descriptor.load(pkg))  # (the copy has no README or LICENSE: also said)
    assert "version" in [p.field for p in problems]


# name: (damage, the validator's problem code, how the release is shown to refuse it)
CASES = {
    "nul-in-text": (set_cell("indicators", "record_id", GD, "notes", "a\x00b"), "no_control", _exports_refuse),
    "escape-in-text": (set_cell("regions", "region_id", "shenzhen", "notes", "\x1b[31mred"), "no_control",
                       _exports_refuse),
    "sixteen-digits": (set_cell("indicator_definitions", "indicator", "ai_industry_value", "min", "0.1234567890123456"),
                       "excel_digits", _exports_refuse),
    "infinite-bound": (set_cell("indicator_definitions", "indicator", "ai_industry_value", "max", "INF"), "type-error",
                       _excel_refuses(float("inf"))),
    "type-without-export": (_field("sources", "notes", "type", "year"), "not-exportable", _exports_refuse),
    "control-in-descriptor": (_field("regions", "notes", "description", "bell \x07",
                                     "resources[1].schema.fields[7].description"), "not-exportable",
                              _exports_refuse),
    "enum-of-a-boolean": (_field("regions", "level", "constraints", lambda c: {**c, "enum": [*c["enum"], True]}),
                          "not-exportable", _exports_refuse),
    "name-too-long-for-a-sheet": (_extra("a" * 32), "not-exportable", _exports_refuse),
    "name-of-the-fields-sheet": (_extra("fields"), "not-exportable", _exports_refuse),
    "name-of-the-sqlite-table": (_extra("_datapackage"), "not-exportable", _exports_refuse),
    "field-names-one-to-sqlite": (_extra("extra", ("a", "A")), "not-exportable", _exports_refuse),
    "reference-to-no-key": (_descriptor(lambda raw: raw["resources"][1]["schema"]["foreignKeys"][0]["reference"]
                                        .update(fields=["name_en"]), "resources[regions].foreignKeys"),
                            "not-exportable", None),
    "version-not-semantic": (_descriptor(lambda raw: raw.update(version="v1"), "version"), "version",
                             _preflight_refuses),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_validator_rejects_what_the_release_refuses(tmp_path, case):
    damage, code, refuses = CASES[case]
    pkg = copy_package(tmp_path / "pkg")
    file, line, field = damage(pkg)
    if refuses is not None:
        refuses(pkg, tmp_path)  # the release would refuse this (and so it must never see it)
    report = validate(pkg)
    found = {(p.file, p.line if line is not None else None, p.field, p.code) for p in report.problems}
    assert (file, line, field, code) in found, report.to_text()


def test_a_reference_to_no_key_with_a_repeat_is_refused_by_sqlite(tmp_path):
    """The case above without a probe: SQLite refuses it only once the referenced field repeats a value."""
    pkg = copy_package(tmp_path / "pkg")
    CASES["reference-to-no-key"][0](pkg)
    t = table(pkg, "regions")
    t.set(t.line_of("region_id", "shenzhen"), "name_en", "China").save()
    _exports_refuse(pkg, tmp_path)


def test_the_control_characters_are_openpyxls():
    """The validator refuses exactly the characters the Excel export cannot write."""
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert set(ILLEGAL_CHARACTERS_RE.findall(every)) == releasable.CONTROL_CHARACTERS
    assert all(releasable.has_control(c) for c in releasable.CONTROL_CHARACTERS)
    assert not releasable.has_control("tab\tline\nreturn\r")


def test_the_export_types_are_the_ones_the_validator_allows():
    assert tuple(typemap.TYPES) == releasable.TYPES


def test_a_text_starting_with_a_tab_or_return_before_a_formula_is_refused(tmp_path):
    """OWASP's formula triggers include a tab and a carriage return before =, +, - or @."""
    pkg = copy_package(tmp_path / "pkg")
    path = pkg / "data" / "indicators.csv"
    for text in ("\t=1+1", "\r@SUM(A1)", "\t\r-2", "=1"):
        t = table(pkg, "indicators")
        line = t.line_of("record_id", GD)
        t.set(line, "notes", text).save()
        # quoted, as a CSV writer must quote a carriage return (Python's, ending lines with \n alone, does not)
        path.write_bytes(path.read_bytes().replace(f",{text}\n".encode(), f',"{text}"\n'.encode()))
        found = [(p.line, p.field, p.code) for p in validate(pkg).problems]
        assert found == [(line, "notes", "no_formula")], (text, found)
    t.set(line, "notes", "a tab\t= inside is text").save()
    assert validate(pkg).valid


def test_the_columns_digit_count_is_the_exports():
    """The validator counts a column's significant digits in Arrow; the Excel export, one Decimal at a time."""
    rng = np.random.default_rng(5)
    values = np.concatenate([rng.random(2_000) * 10.0 ** rng.integers(-12, 22, 2_000),
                             np.round(rng.random(500) * 1e6, 3), rng.integers(0, 10**17, 500).astype(float),
                             [0.0, -0.0, 1e21, 1e-7, 180_000_000_000.0, 0.1234567890123456, 1234567890123456.0,
                              123456789012345.0, -5.5, 13.9]])
    expected = [excel.significant_digits(float(v)) > releasable.EXCEL_DIGITS for v in values]
    assert releasable.too_precise_each(pd.Series(values)).tolist() == expected
    whole = pd.Series([1234567890123456, 123456789012345, None, 10**18], dtype="Int64")
    assert releasable.too_precise_each(whole).tolist() == [True, False, False, False]
