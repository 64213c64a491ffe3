"""The structure layer on Polars: types, keys and foreign keys of small tables written for each case, and the
pandas view of a typed table that the site and the exports read."""
from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

from schemas import csvfile, descriptor, structure
from schemas.frames import CATEGORIES


def _package(tmp_path, tables: dict[str, tuple[list[dict], list[list[str]]]], keys: dict | None = None):
    """A package of the given tables (fields, then rows of text cells); `keys` adds schema keys by table."""
    resources = []
    for name, (fields, rows) in tables.items():
        (tmp_path / f"{name}.csv").write_text(
            "\n".join(",".join(r) for r in [[f["name"] for f in fields], *rows]) + "\n", encoding="utf-8")
        schema = {"fields": fields, **(keys or {}).get(name, {})}
        resources.append({"name": name, "path": f"{name}.csv", "schema": schema})
    # the resources alone (descriptor.load wants the whole package's)
    desc = descriptor.Descriptor(tmp_path, {}, {r["name"]: descriptor._resource(r, tmp_path) for r in resources})
    typed, problems = {}, []
    for name, res in desc.resources.items():
        table, read_problems = csvfile.read(tmp_path, res)
        assert not read_problems
        typed[name], cast_problems = structure.cast(table)
        problems += cast_problems
    return desc, typed, problems


def _said(problems) -> list[tuple[int, str, str]]:
    return sorted((p.line, p.field, p.message) for p in problems)


def test_the_pandas_view_has_the_types_the_checks_read(tmp_path):
    fields = [{"name": "t", "type": "string"}, {"name": "i", "type": "integer"}, {"name": "n", "type": "number"},
              {"name": "b", "type": "boolean"}, {"name": "d", "type": "date"},
              {"name": "u", "type": "string", "format": "uri"}]
    rows = [["z", "1", "1.5", "true", "2024-02-29", "https://a.org"], ["y", "", "", "", "", ""],
            ["", "-7", "2e3", "0", "2023-02-29", "no uri"], ["z", "x", "NaN", "yes", "2023-01-05", "http://b.org"]]
    _, typed, problems = _package(tmp_path, {"x": (fields, rows)})
    frame = typed["x"].frame
    assert typed["x"].frame is frame  # made once
    assert list(frame.columns) == ["t", "i", "n", "b", "d", "u"] and isinstance(frame.index, pd.RangeIndex)
    t = frame["t"]
    assert isinstance(t.dtype, pd.CategoricalDtype) and t.cat.categories.dtype == CATEGORIES
    assert list(t.cat.categories) == ["z", "y"] and t.cat.codes.tolist() == [0, 1, -1, 0]  # first seen first; "" none
    assert list(frame["u"].cat.categories) == ["https://a.org", "http://b.org"]  # a text that failed is no category
    assert str(frame["i"].dtype) == "Int64" and frame["i"].tolist()[0::2] == [1, -7]
    assert frame["n"].dtype == np.float64 and frame["n"].tolist()[0::2] == [1.5, 2000.0] and frame["n"].isna()[3]
    assert str(frame["b"].dtype) == "boolean" and frame["b"].tolist()[0::2] == [True, False]
    assert pd.api.types.is_datetime64_dtype(frame["d"]) and frame["d"].iloc[0] == pd.Timestamp("2024-02-29")
    assert frame.iloc[1, 1:].isna().all()  # every empty cell missing
    assert _said(problems) == [(4, "d", "'2023-02-29' is not a date"), (4, "u", "'no uri' is not an uri"),
                               (5, "b", "'yes' is not a boolean"), (5, "i", "'x' is not an integer"),
                               (5, "n", "'NaN' is not a number")]
    assert typed["x"].failed["i"].tolist() == [False, False, False, True]


@pytest.mark.parametrize("cell, cast", [
    ("99999999999999999999", False),  # beyond 64 bits: once read as -9223372036854775808
    ("-9223372036854775808", True), ("+12", True), ("1.0", False), (" 1", False),
])
def test_an_integer_is_one_that_64_bits_hold(tmp_path, cell, cast):
    _, typed, problems = _package(tmp_path, {"x": ([{"name": "i", "type": "integer"}], [[cell]])})
    assert (not problems) == cast
    assert typed["x"].frame["i"].tolist() == [int(cell) if cast else pd.NA]


@pytest.mark.parametrize("space", ["\u00a0", "\x1c", "\x0b", "\u2028", " "])
def test_a_uri_holds_no_white_space_as_python_knows_it(tmp_path, space):
    rows = [[f"https://a.org/x{space}y"], ["https://a.org/xy"]]
    _, _, problems = _package(tmp_path, {"x": ([{"name": "u", "type": "string", "format": "uri"}], rows)})
    assert [p.line for p in problems] == [2]


KEYED = {"x": {"primaryKey": ["k", "n"]}}
KEY_FIELDS = [{"name": "k", "type": "string"}, {"name": "n", "type": "integer"},
              {"name": "u", "type": "string", "constraints": {"unique": True}}]


def test_each_repeat_names_the_first_line_of_its_key(tmp_path):
    rows = [["a", "1", "p"], ["a", "2", "q"], ["b", "1", "p"], ["a", "1", "r"], ["", "1", "s"], ["a", "x", "t"],
            ["a", "1", "q"], ["b", "1", ""], ["a", "2", ""]]
    _, typed, problems = _package(tmp_path, {"x": (KEY_FIELDS, rows)}, KEYED)
    assert _said(problems) == [(7, "n", "'x' is not an integer")]
    assert _said(structure.unique_keys(typed["x"])) == [
        (4, "u", "unique field 'p' repeats line 2"),
        (5, "k,n", "primary key 'a,1' repeats line 2"),  # not line 4: the first, whatever lies between
        (6, "k,n", "primary key is empty"),  # the cell that failed its type (line 7) is compared with none
        (8, "k,n", "primary key 'a,1' repeats line 2"),
        (8, "u", "unique field 'q' repeats line 3"),
        (9, "k,n", "primary key 'b,1' repeats line 4"),
        (10, "k,n", "primary key 'a,2' repeats line 3"),
    ]
    typed["x"].mark("u", [6])  # its 'q' reported by an earlier check: no repeat of it
    assert (8, "u", "unique field 'q' repeats line 3") not in _said(structure.unique_keys(typed["x"]))


def test_a_foreign_key_finds_rows_of_the_other_table_only(tmp_path):
    parent = ([{"name": "k", "type": "string"}, {"name": "n", "type": "integer"}, {"name": "f", "type": "number"}],
              [["a", "1", "1"], ["a", "2", "2.5"], ["b", "1", "3"]])
    child = ([{"name": "k", "type": "string"}, {"name": "n", "type": "integer"}, {"name": "t", "type": "string"}],
             [["a", "1", "1"], ["b", "2", "2.5"], ["b", "1", "3"], ["", "2", "x"], ["c", "x", "2"], ["a", "2", "3"]])
    keys = {"child": {"foreignKeys": [{"fields": ["k", "n"], "reference": {"resource": "parent", "fields": ["k", "n"]}},
                                      {"fields": ["n"], "reference": {"resource": "parent", "fields": ["f"]}},
                                      {"fields": ["t"], "reference": {"resource": "parent", "fields": ["f"]}}]}}
    desc, typed, problems = _package(tmp_path, {"parent": parent, "child": child}, keys)
    assert _said(problems) == [(6, "n", "'x' is not an integer")]  # not looked up again
    found = structure.foreign_keys(desc, typed["child"], typed)
    assert _said(found) == [
        (2, "t", "'1' is not in parent.csv:f"),  # a text is never a number
        (3, "k,n", "'b,2' is not in parent.csv:k,n"),  # each cell is somewhere, not the two together
        (3, "t", "'2.5' is not in parent.csv:f"),  # its n is reported already (above): not looked up again
        (4, "t", "'3' is not in parent.csv:f"),
        (5, "n", "'2' is not in parent.csv:f"),  # a whole number may equal a number: 1 does, 2 does not
        (5, "t", "'x' is not in parent.csv:f"),
        (6, "t", "'2' is not in parent.csv:f"),
        (7, "n", "'2' is not in parent.csv:f"),
        (7, "t", "'3' is not in parent.csv:f"),
    ]
    assert typed["child"].bad("k").tolist() == [False, True, False, False, False, False]  # reported once


def test_a_key_may_be_named_as_anything(tmp_path):
    """The line beside a key's cells is no column the key could have: a field named `line` is a field."""
    fields = [{"name": "line", "type": "integer"}, {"name": "first", "type": "string"}]
    rows = [["7", "a"], ["7", "b"], ["7", "a"], ["8", "a"]]
    desc, typed, _ = _package(tmp_path, {"x": (fields, rows)}, {"x": {"primaryKey": ["line", "first"], "foreignKeys": [
        {"fields": ["line"], "reference": {"resource": "x", "fields": ["first"]}}]}})
    assert _said(structure.unique_keys(typed["x"])) == [(4, "line,first", "primary key '7,a' repeats line 2")]
    assert [p.line for p in structure.foreign_keys(desc, typed["x"], typed)] == [2, 3, 4, 5]


def test_a_table_without_a_known_column_keeps_its_rows(tmp_path):
    """A header of none of the descriptor's fields: the rows are still there, with no cells to check."""
    desc, typed, problems = _package(tmp_path, {"x": ([{"name": "a", "type": "integer"}], [["1"], ["2"]])})
    (tmp_path / "x.csv").write_text("b\n1\n2\n", encoding="utf-8")
    table, _ = csvfile.read(tmp_path, desc.resources["x"])
    t, problems = structure.cast(table)
    assert not problems and t.pl.shape == (2, 0) and t.frame.shape == (2, 0) and t.bad("a").tolist() == [False] * 2
    assert structure.keys(desc, {"x": t}) == []


def test_repeated_hashes_are_found_at_any_size():
    """Keys are compared by 64-bit hashes: a repeat is found whatever the hash (above 2**63 too), and a missing
    one (a key not compared) repeats nothing."""
    values = pl.Series([2**64 - 1, 5, None, 2**64 - 1, 2**63, 5, 7, None, 2**63 + 1], dtype=pl.UInt64)
    assert structure._repeated(values).to_list() == [True, True, False, True, False, True, False, False, False]
