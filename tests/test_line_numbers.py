"""Line numbers after a quoted cell that holds line breaks.

README promises `file:line:field` with the header as line 1, a line being a line of the file as an editor
shows it: a cell of three lines moves every row after it down by two. frictionless's rowNumber counts rows
instead (the header is row 1 too), so after such a cell the two differ; this test pins both, so that the
difference is a documented choice and not an accident.
"""
from __future__ import annotations

import json

import pytest
from conftest import frictionless, table
from damage import GD, SH_COMPANIES

from schemas.validate import validate

BREAKS = "first line\nsecond line\nthird line"  # two line breaks: the rows after it move down two lines


def physical_line(path, key: str) -> int:
    """The line of the file (header = 1) on which the row starting with `key` starts, counted in its bytes."""
    data = path.read_bytes()
    return data[:data.index(b"\n" + key.encode() + b",") + 1].count(b"\n") + 1


@pytest.mark.parametrize("name, key, record, field, value, code", [
    ("indicators", "record_id", SH_COMPANIES, "comparator", "about", "isin(['=', '~', '>', '>=', '<', '<='])"),
    ("provenance", ("record_id", "field"), (SH_COMPANIES, "unit"), "method", "guessed",
     "isin(['stated', 'inferred', 'converted', 'normalized'])"),
])
def test_a_line_after_a_cell_with_line_breaks_is_the_files_line(package, name, key, record, field, value, code):
    t = table(package, name)
    first = t.line_of(key, record)
    row = 2 if name == "indicators" else t.line_of(("record_id", "field"), (GD, "region_id"))
    assert row < first
    t.set(row, "notes" if name == "indicators" else "note", BREAKS)
    t.set(first, field, value).save()
    path = package / "data" / f"{name}.csv"
    line = physical_line(path, ",".join(t.rows[first - 1][:3]))
    assert line == first + 2  # the row's place among rows, plus the two line breaks above it
    report = validate(package)
    assert [(p.file, p.line, p.field, p.code) for p in report.problems] == [(f"data/{name}.csv", line, field, code)]
    theirs = json.loads(frictionless("validate", "--json", package / "datapackage.json").stdout)
    rows = [e["rowNumber"] for task in theirs["tasks"] for e in task["errors"] if e.get("fieldName") == field]
    assert rows == [first]  # frictionless: the row's number, not its line


def test_a_short_row_after_a_cell_with_line_breaks(package):
    """A row of the wrong width is set aside by the parser and put back in its place: at its own line too."""
    t = table(package, "indicators")
    t.set(2, "notes", BREAKS)
    short = t.line_of("record_id", SH_COMPANIES)
    t.rows[short - 1] = t.rows[short - 1][:5]
    t.save()
    line = physical_line(package / "data" / "indicators.csv", SH_COMPANIES)
    assert line == short + 2
    found = [(p.file, p.line, p.code) for p in validate(package).problems if p.code == "missing-cell"]
    assert found == [("data/indicators.csv", line, "missing-cell")]


def test_cells_with_line_breaks_across_parse_blocks(package, monkeypatch):
    """The parser reads a file a block at a time: a quoted line break must not be taken for a block's end, and
    every row after many such cells keeps its own line."""
    from schemas import csvfile

    monkeypatch.setattr(csvfile, "PARSE_BLOCK", 4096)  # a few dozen rows a block: cells with breaks cross blocks
    t = table(package, "provenance")
    for line in range(2, len(t.rows) + 1):
        t.set(line, "note", BREAKS)
    bad = t.line_of(("record_id", "field"), (SH_COMPANIES, "unit"))
    t.set(bad, "method", "guessed").save()
    path = package / "data" / "provenance.csv"
    line = physical_line(path, ",".join(t.rows[bad - 1][:3]))
    assert line == 2 + (bad - 2) * 3  # every row above it is three lines
    report = validate(package)
    assert [(p.file, p.line, p.field) for p in report.problems] == [("data/provenance.csv", line, "method")]


def test_a_row_ended_by_a_carriage_return_alone_keeps_the_lines_after_a_cell_with_a_line_break(package):
    """Whether any row spans lines is told from the file's line feeds: a row ended by a carriage return alone
    has one feed fewer, and must not pass for the line break a cell holds."""
    t = table(package, "indicators")
    t.set(2, "notes", "first line\nsecond line")
    bad = t.line_of("record_id", SH_COMPANIES)
    assert bad < len(t.rows) - 1
    t.set(bad, "comparator", "about").save()
    path = package / "data" / "indicators.csv"
    line = physical_line(path, SH_COMPANIES)
    assert line == bad + 1
    data = path.read_bytes()
    before_last = data.rstrip(b"\n").rindex(b"\n")
    path.write_bytes(data[:before_last] + b"\r" + data[before_last + 1:])
    assert [(p.line, p.field) for p in validate(package).problems if p.file == "data/indicators.csv"] == [
        (line, "comparator")]
