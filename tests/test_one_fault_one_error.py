"""One fault, one error: a cell that breaks a check is reported once, at its own file, line and field, and no
later check (keys, rules, provenance, consistency) says anything more about it, in that file or another.

Each case damages one cell of a copy of the valid package and asserts that the report holds exactly one
problem, the expected one: a second problem is an echo of the same fault.
"""
from __future__ import annotations

import pytest
from conftest import copy_package, table
from damage import GD, PROV, SZ_SHARE, set_cell

from schemas.validate import validate

IND = "data/indicators.csv"


def _provenance(record, field, column, value):
    def damage(pkg):
        t = table(pkg, "provenance")
        line = t.line_of(("record_id", "field"), (record, field))
        t.set(line, column, value).save()
        return PROV, line, column
    return damage


def _short_row(name, key, record, cells):
    """A row cut to its first `cells` cells: the short row is the fault, not each cell it lacks."""
    def damage(pkg):
        t = table(pkg, name)
        line = t.line_of(key, record)
        t.rows[line - 1] = t.rows[line - 1][:cells]
        t.save()
        return f"data/{name}.csv", line, None
    return damage


CASES = {
    # a row with fewer cells than the header was also 'cell is empty' at each required cell it lacked
    "row-too-short": (_short_row("indicators", "record_id", SZ_SHARE, 5), "missing-cell"),
    "provenance-row-too-short": (_short_row("provenance", ("record_id", "field"), (GD, "unit"), 4), "missing-cell"),
    # a value that is not a number was also 'value of ... is empty or not traced' in provenance.csv
    "value-not-a-number": (set_cell("indicators", "record_id", GD, "value", "abc"), "type-error"),
    # a share of 440 per cent was outside its indicator's range and out of percent bounds, and not in its quote
    "percent-440": (set_cell("indicators", "record_id", SZ_SHARE, "value", "440"), "rule:value"),
    # a broken year, region, indicator or source of GD was also a currency link mismatch at the US-dollar row
    "year-not-a-number": (set_cell("indicators", "record_id", GD, "period", "20x3"), "type-error"),
    "year-out-of-range": (set_cell("indicators", "record_id", GD, "period", "1890"), "greater_than_or_equal_to(1990)"),
    "unknown-region": (set_cell("indicators", "record_id", GD, "region_id", "atlantis"), "foreign-key"),
    "region-breaks-its-pattern": (set_cell("indicators", "record_id", GD, "region_id", "Atlantis!"), "pattern"),
    "unknown-indicator": (set_cell("indicators", "record_id", GD, "indicator", "gdp_growth"), "foreign-key"),
    "unknown-source": (set_cell("indicators", "record_id", GD, "source_id", "nosuch"), "foreign-key"),
    "comparator-of-words": (set_cell("indicators", "record_id", GD, "comparator", "about"),
                            "isin(['=', '~', '>', '>=', '<', '<='])"),
    "unit-of-words": (set_cell("indicators", "record_id", GD, "unit", "yen"),
                      "isin(['CNY', 'USD', 'EFLOPS', 'percent', 'count', 'rank'])"),
    "provenance-unknown-source": (_provenance(GD, "unit", "source_id", "nosuch"), "foreign-key"),
    "provenance-unknown-field": (_provenance(GD, "unit", "field", "colour"), None),
    "provenance-evidence-control": (_provenance(GD, "unit", "evidence", "yuan\x07"), "no_control"),
    # a key that breaks its pattern was also every reference to it, and its article's numbers unaccounted for
    "source-id-breaks-its-pattern": (set_cell("sources", "source_id", "scmp", "source_id", "Zz!"), "pattern"),
    "record-id-breaks-its-pattern": (set_cell("indicators", "record_id", GD, "record_id", "Zz!"), "pattern"),
    "region-id-empty": (set_cell("regions", "region_id", "china", "region_id", ""), "not_nullable"),
    "definition-bound-nan": (set_cell("indicator_definitions", "indicator", "ai_industry_value", "max", "NaN"),
                             "type-error"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_one_fault_is_one_error_at_its_place(tmp_path, archive, case):
    damage, code = CASES[case]
    pkg = copy_package(tmp_path / "pkg")
    where = damage(pkg)
    report = validate(pkg, archive)
    found = [(p.file, p.line, p.field, p.code) for p in report.problems]
    assert len(found) == 1, f"{case}: one fault, {len(found)} errors:\n{report.to_text()}"
    assert found[0][:3] == where and (code is None or found[0][3] == code), report.to_text()


def test_two_faults_in_one_row_are_two_errors(tmp_path, archive):
    """Quiet is per cell and what reads it: another cell's own fault in the same row is still said."""
    pkg = copy_package(tmp_path / "pkg")
    t = table(pkg, "indicators")
    line = t.line_of("record_id", SZ_SHARE)
    t.set(line, "comparator", "about").set(line, "value", "440").save()
    report = validate(pkg, archive)
    assert sorted((p.line, p.field) for p in report.problems) == [(line, "comparator"), (line, "value")], \
        report.to_text()
