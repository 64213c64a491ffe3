"""The exports, read back by independent readers, cell for cell against the CSVs.

The reference is frictionless reading data/ by the descriptor's types (exact
decimals, dates, booleans, None for empty cells): an implementation that
shares no code with the exports. A number matches only if the exported
float's shortest form is the CSV's decimal, so nothing was rounded.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import duckdb
import frictionless
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from publish import distfiles, exports
from publish.exports import excel, sqlite as sqlite_export, typemap
from schemas import descriptor
from schemas.descriptor import Descriptor, Field, ForeignKey, Resource

SQLITE_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "BOOLEAN", "date": "DATE"}
ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
               "date": pa.date32()}
DUCKDB_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE"}


# --- the reference reading and the comparison ---------------------------------------------------------------

def canon(kind: str, value):
    """A cell as a strictly typed, comparable value: a bool is not an int, a float must equal its decimal."""
    if value is None:
        return None
    if kind == "number":
        assert isinstance(value, (Decimal, float, int)) and not isinstance(value, bool), value
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    wanted = {"integer": int, "boolean": bool, "date": dt.date, "string": str}[kind]
    assert type(value) is wanted, f"{value!r} is a {type(value).__name__}, expected {wanted.__name__}"
    return value


def diff(desc: Descriptor, name: str, expected: list[tuple], actual: list[tuple]) -> list[str]:
    """Every cell that differs, as 'file:line:field: expected X, got Y'."""
    res = desc.resources[name]
    out = []
    if len(actual) != len(expected):
        out.append(f"{res.path}: {len(actual)} rows, expected {len(expected)}")
    for line, (want, got) in enumerate(zip(expected, actual), start=2):
        for f, w, g in zip(res.fields, want, got):
            try:
                g = canon(f.type, g)
            except AssertionError as exc:
                out.append(f"{res.path}:{line}:{f.name}: {exc}")
                continue
            if canon(f.type, w) != g:
                out.append(f"{res.path}:{line}:{f.name}: expected {w!r}, got {g!r}")
    return out


@pytest.fixture(scope="module")
def desc(repo) -> Descriptor:
    return descriptor.load(repo)


@pytest.fixture(scope="module")
def reference(repo, desc) -> dict[str, list[tuple]]:
    package = frictionless.Package(str(repo / "datapackage.json"))
    return {name: [tuple(row[f.name] for f in res.fields) for row in package.get_resource(name).read_rows()]
            for name, res in desc.resources.items()}


@pytest.fixture(scope="module")
def dist(built_release) -> Path:
    return built_release.dist


@pytest.fixture(scope="module")
def stem(desc) -> str:
    return distfiles.stem(desc)


def test_the_reference_holds_what_the_exports_must_keep(reference):
    """Chinese text, '=' comparators, empty cells and non-integral numbers are all there to be lost."""
    assert any(row[2] == "广东省" for row in reference["regions"])
    assert any("=" in row for row in reference["indicators"])
    assert any(None in row for row in reference["sources"])
    assert any(isinstance(v, Decimal) and v != v.to_integral_value() for row in reference["targets"] for v in row)


def test_diff_catches_a_changed_cell_a_rounded_number_and_a_wrong_type(desc, reference):
    rows = [list(r) for r in reference["targets"]]
    col = desc.resources["targets"].field_names.index("value")
    line = next(i for i, r in enumerate(rows) if r[col] is not None and r[col] != r[col].to_integral_value())
    exact = [tuple(r) for r in rows]
    assert diff(desc, "targets", reference["targets"], exact) == []
    rounded = [list(r) for r in rows]
    rounded[line][col] = float(rows[line][col]) + 1e-9
    assert diff(desc, "targets", reference["targets"], [tuple(r) for r in rounded]) == [
        f"data/targets.csv:{line + 2}:value: expected {rows[line][col]!r}, got {Decimal(repr(rounded[line][col]))!r}"]
    as_text = [list(r) for r in rows]
    year = desc.resources["targets"].field_names.index("target_year")
    as_text[0][year] = str(rows[0][year])
    assert "is a str, expected int" in diff(desc, "targets", reference["targets"], [tuple(r) for r in as_text])[0]
    assert diff(desc, "targets", reference["targets"], exact[:-1])[0].endswith(f"expected {len(rows)}")


# --- SQLite ---------------------------------------------------------------------------------------------

def sqlite_rows(con, res: Resource) -> list[tuple]:
    """Rows as the declared types say to read them: BOOLEAN 0/1, DATE ISO text."""
    cols = ", ".join(f'"{f.name}"' for f in res.fields)
    decode = {"boolean": lambda v: {0: False, 1: True}[v], "date": dt.date.fromisoformat}
    rows = []
    for row in con.execute(f'SELECT {cols} FROM "{res.name}" ORDER BY rowid'):
        rows.append(tuple(None if v is None else decode.get(f.type, lambda x: x)(v) for f, v in zip(res.fields, row)))
    return rows


@pytest.fixture
def db(dist, stem, tmp_path):
    """A copy of the database, foreign keys on (SQLite leaves them off per connection)."""
    path = shutil.copy(dist / f"{stem}.sqlite", tmp_path / "copy.sqlite")
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys = ON")
    yield con
    con.close()


def test_sqlite_round_trip_cell_for_cell(db, desc, reference):
    for name, res in desc.resources.items():
        assert diff(desc, name, reference[name], sqlite_rows(db, res)) == [], name


def test_sqlite_tables_types_keys_from_the_descriptor(db, desc):
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {*desc.resources, sqlite_export.META_TABLE}
    for name, res in desc.resources.items():
        info = {row[1]: row for row in db.execute(f'PRAGMA table_info("{name}")')}
        assert list(info) == res.field_names
        for f in res.fields:
            _, _, declared, notnull, _, pk = info[f.name]
            assert declared == SQLITE_TYPES[f.type], (name, f.name)
            assert bool(notnull) == (f.required or f.name in res.primary_key), (name, f.name)
            assert pk == (res.primary_key.index(f.name) + 1 if f.name in res.primary_key else 0), (name, f.name)
        fks = {}
        for _, seq, table, col, ref, *_ in db.execute(f'PRAGMA foreign_key_list("{name}")'):
            fks.setdefault(table, []).append((seq, col, ref))
        declared_fks = {fk.resource: [(i, c, r) for i, (c, r) in enumerate(zip(fk.fields, fk.ref_fields))]
                        for fk in res.foreign_keys}
        assert {t: sorted(v) for t, v in fks.items()} == declared_fks, name
    assert any(fk.resource == name for name, res in desc.resources.items() for fk in res.foreign_keys)


def test_sqlite_foreign_keys_are_clean_and_enforced(db):
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    row = db.execute('SELECT * FROM "indicators" LIMIT 1').fetchone()
    cols = [c[1] for c in db.execute('PRAGMA table_info("indicators")')]

    def insert(**changes):
        values = [changes.get(c, v) for c, v in zip(cols, row)]
        db.execute(f'INSERT INTO "indicators" VALUES ({", ".join("?" * len(cols))})', values)

    insert(record_id="a-new-record")  # a valid row goes in: the refusals below are about their one change
    for bad in ({"region_id": "atlantis"}, {"source_id": "nowhere"}, {"indicator": "no_such_indicator"},
                {"equivalent_of": "no-such-record"}):  # the last is a self-reference
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            insert(record_id="dangling", **bad)


@pytest.mark.parametrize("table, column, value, message", [
    ("indicators", "comparator", "≈", "CHECK"),  # enum
    ("indicators", "period", 1800, "CHECK"),  # minimum
    ("indicators", "unit", None, "NOT NULL"),  # required
    ("indicators", "record_id", None, "NOT NULL"),  # primary key
    ("indicator_definitions", "qualitative", 2, "CHECK"),  # boolean
    ("sources", "published_earliest", "2024-13-01", "CHECK"),  # date
    ("sources", "sha256", "c0de658aab1cacf00c13e0cb05e074528b3d4132718071b5dc35920308dd11a2", "UNIQUE"),
])
def test_sqlite_refuses_what_the_schema_forbids(db, table, column, value, message):
    last = f'(SELECT max(rowid) FROM "{table}")'  # the first row holds the sha256 the last one may not repeat
    db.execute(f'UPDATE "{table}" SET "{column}" = "{column}" WHERE rowid = {last}')  # a no-op goes through
    with pytest.raises(sqlite3.IntegrityError, match=message):
        db.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = {last}', [value])


def test_sqlite_says_which_release_it_is(db, dist, stem):
    meta = dict(db.execute(f'SELECT key, value FROM "{sqlite_export.META_TABLE}"'))
    shipped = json.loads(meta["datapackage.json"])
    assert meta["version"] == shipped["version"] == stem.rsplit("-", 1)[1]
    assert all(r["hash"].startswith("sha256:") for r in shipped["resources"])
    schema = db.execute("SELECT sql FROM sqlite_master WHERE name = 'regions'").fetchone()[0]
    assert "-- Chinese name" in schema  # the fields' titles travel with the DDL


# --- Parquet --------------------------------------------------------------------------------------------

def test_parquet_via_pyarrow_types_and_cells(dist, stem, desc, reference):
    folder = dist / exports.names(stem)["parquet"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}.parquet" for n in desc.resources)
    for name, res in desc.resources.items():
        table = pq.read_table(folder / f"{name}.parquet")
        assert table.schema.names == res.field_names
        for f in res.fields:
            arrow = table.schema.field(f.name)
            assert arrow.type == ARROW_TYPES[f.type], (name, f.name, arrow.type)
            assert arrow.nullable == (not f.required), (name, f.name)
            assert arrow.metadata[b"title"].decode() == f.title
        package = json.loads(table.schema.metadata[b"package"])
        assert package["version"] == desc.version and package["licenses"][0]["name"] == "CC-BY-4.0"
        assert diff(desc, name, reference[name], list(zip(*table.to_pydict().values()))) == [], name


def test_parquet_via_duckdb_types_and_cells(dist, stem, desc, reference):
    folder = dist / exports.names(stem)["parquet"]
    con = duckdb.connect()
    for name, res in desc.resources.items():
        path = str(folder / f"{name}.parquet")
        described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()
        assert [(r[0], r[1]) for r in described] == [(f.name, DUCKDB_TYPES[f.type]) for f in res.fields], name
        rows = con.execute("SELECT * FROM read_parquet(?)", [path]).fetchall()
        assert diff(desc, name, reference[name], rows) == [], name


# --- Excel ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def workbook(dist, stem):
    return openpyxl.load_workbook(dist / exports.names(stem)["excel"])


def excel_rows(ws, res: Resource) -> list[tuple]:
    rows = []
    for row in ws.iter_rows(min_row=2, values_only=True):
        rows.append(tuple(v.date() if f.type == "date" and isinstance(v, dt.datetime) else v
                          for f, v in zip(res.fields, row)))
    return rows


def test_excel_one_sheet_per_resource_cell_for_cell(workbook, desc, reference):
    assert workbook.sheetnames == [excel.ABOUT_SHEET, *desc.resources, excel.FIELDS_SHEET]
    for name, res in desc.resources.items():
        ws = workbook[name]
        assert [c.value for c in ws[1]] == res.field_names
        assert diff(desc, name, reference[name], excel_rows(ws, res)) == [], name


def test_excel_text_is_never_a_formula(workbook, desc):
    kinds = {c.data_type for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert "f" not in kinds
    col = desc.resources["indicators"].field_names.index("comparator") + 1
    cells = [row[0] for row in workbook["indicators"].iter_rows(min_row=2, min_col=col, max_col=col)]
    equals = [c for c in cells if c.value == "="]
    assert equals and all(c.data_type == "s" for c in equals)


def test_excel_forced_text_cells_survive_a_save(tmp_path):
    """What the test above relies on: openpyxl turns '=...' into a formula unless the cell is forced to text."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=1+1"
    excel.write_cell(wb.active, 2, 1, "=1+1", "test")
    excel.write_cell(wb.active, 3, 1, "-44", "test")
    wb.save(tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert [(c.value, c.data_type) for c in ws["A"]] == [("=1+1", "f"), ("=1+1", "s"), ("-44", "s")]


@pytest.mark.parametrize("value, ok", [(13.9, True), (180000000000.0, True), (123456789012345, True),
                                       (0.1 + 0.2, False), (2 ** 53 + 1, False), (float("nan"), False)])
def test_excel_refuses_numbers_it_would_round(value, ok):
    ws = openpyxl.Workbook().active
    if ok:
        assert excel.write_cell(ws, 1, 1, value, "t").value == value
    else:
        with pytest.raises(typemap.ExportError, match="t: "):
            excel.write_cell(ws, 1, 1, value, "t")


def test_excel_fields_sheet_explains_every_field(workbook, desc):
    rows = list(workbook[excel.FIELDS_SHEET].iter_rows(values_only=True))
    assert rows[0] == excel.FIELDS_HEADER
    listed = {(r[0], r[1]): dict(zip(excel.FIELDS_HEADER, r)) for r in rows[1:]}
    assert list(listed) == [(n, f.name) for n, res in desc.resources.items() for f in res.fields]
    for name, res in desc.resources.items():
        for f in res.fields:
            row = listed[(name, f.name)]
            assert (row["title"], row["type"], row["description"]) == (f.title, f.type, f.description or None)
            assert json.loads(row["constraints"] or "{}") == f.constraints
            assert row["required"] is f.required and row["primary_key"] is (f.name in res.primary_key)
    assert listed[("indicators", "region_id")]["references"] == "regions.region_id"
    about = dict(workbook[excel.ABOUT_SHEET].iter_rows(min_row=2, values_only=True))
    assert about["version"] == desc.version and about["license"].startswith("CC-BY-4.0")
    assert about["cite as"] == ("China AI industry data package maintainers (2026). China's AI industry, region by "
                                f"region (version {desc.version}) [Data set].")
    assert workbook.properties.version == desc.version


# --- generated from any descriptor, not from this one's column list ------------------------------------

def _field(name, type_, **constraints):
    return Field(name=name, type=type_, title=name.title(), description="", constraints=constraints)


def _tiny() -> tuple[Descriptor, dict]:
    """Two tables with a composite key, a composite foreign key, a self-reference and a non-key reference."""
    import pandas as pd

    cells = Resource("cells", "data/cells.csv", "Cells", "", (
        _field("row", "integer", required=True), _field("col", "string", required=True),
        _field("label", "string"), _field("seen", "date"), _field("ok", "boolean")), ("row", "col"), ())
    links = Resource("links", "data/links.csv", "Links", "", (
        _field("id", "string", required=True), _field("row", "integer"), _field("col", "string"),
        _field("parent", "string"), _field("label", "string"), _field("weight", "number")), ("id",), (
        ForeignKey(("row", "col"), "cells", ("row", "col")), ForeignKey(("parent",), "links", ("id",)),
        ForeignKey(("label",), "cells", ("label",))))
    desc = Descriptor(Path("."), {"name": "tiny", "version": "1.0.0"}, {"links": links, "cells": cells})
    tables = {
        "cells": pd.DataFrame({"row": pd.array([1, 2], dtype="Int64"), "col": pd.array(["a", "b"], dtype="string"),
                               "label": pd.array(["上", None], dtype="string"),
                               "seen": pd.to_datetime(["2024-06-01", None]), "ok": pd.array([True, None], "boolean")}),
        "links": pd.DataFrame({"id": pd.array(["x", "y"], dtype="string"), "row": pd.array([2, 1], dtype="Int64"),
                               "col": pd.array(["b", "a"], dtype="string"),
                               "parent": pd.array(["y", None], dtype="string"),  # names a row further down
                               "label": pd.array([None, "上"], dtype="string"), "weight": [0.1, None]}),
    }
    return desc, tables


def test_exports_follow_any_descriptor(tmp_path):
    desc, tables = _tiny()
    exports.write_all(desc, tables, tmp_path, "tiny")
    con = sqlite3.connect(tmp_path / "tiny.sqlite")
    con.execute("PRAGMA foreign_keys = ON")
    assert [r[1] for r in con.execute('PRAGMA table_info("links")')] == ["id", "row", "col", "parent", "label",
                                                                          "weight"]
    assert sorted(r[2:5] for r in con.execute('PRAGMA foreign_key_list("links")')) == [
        ("cells", "col", "col"), ("cells", "label", "label"), ("cells", "row", "row"), ("links", "parent", "id")]
    assert con.execute("SELECT * FROM cells ORDER BY row").fetchall() == [(1, "a", "上", "2024-06-01", 1),
                                                                          (2, "b", None, None, None)]
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        con.execute("INSERT INTO links VALUES ('z', 1, 'b', NULL, NULL, NULL)")  # (1, 'b') is no cell
    schema = pq.read_schema(tmp_path / "tiny-parquet" / "cells.parquet")
    assert [str(t) for t in schema.types] == ["int64", "string", "string", "date32[day]", "bool"]
    ws = openpyxl.load_workbook(tmp_path / "tiny.xlsx")["links"]
    assert [c.value for c in ws[1]] == ["id", "row", "col", "parent", "label", "weight"]
    assert [c.value for c in ws[3]] == ["y", 1, "a", None, "上", None]


def test_sqlite_refuses_a_dangling_reference_while_loading(tmp_path):
    desc, tables = _tiny()
    tables["links"].loc[0, "parent"] = "nobody"
    with pytest.raises(typemap.ExportError, match="FOREIGN KEY constraint failed; expected every foreign key"):
        sqlite_export.write(desc, tables, tmp_path / "tiny.sqlite")


def test_tables_load_after_the_tables_they_reference(desc):
    order = sqlite_export.dependency_order(desc)
    assert sorted(order) == sorted(desc.resources)
    for name, res in desc.resources.items():
        for fk in res.foreign_keys:
            assert order.index(fk.resource) <= order.index(name), (name, fk.resource)


def _with_field(name: str, type_: str):
    """The tiny package, its `cells` resource given one more field of `type_`."""
    desc, tables = _tiny()
    res = desc.resources["cells"]
    desc.resources["cells"] = Resource(res.name, res.path, res.title, res.description,
                                       (*res.fields, _field(name, type_)), res.primary_key, ())
    return desc, tables


@pytest.mark.parametrize("type_", ["geopoint", "year"])
def test_exports_refuse_a_type_they_cannot_map(tmp_path, type_):
    desc, tables = _with_field("odd", type_)
    with pytest.raises(typemap.ExportError, match=rf"resources\[cells\]\.odd: type '{type_}' has no export mapping"):
        exports.write_all(desc, tables, tmp_path, "tiny")


def test_snippets_read_a_type_the_exports_cannot_map_as_text():
    """The validator keeps a field of another type (year, datetime, ...) as text; the site's snippets read it so,
    where the exports refuse it (above)."""
    from publish import snippets

    desc, _ = _with_field("founded", "year")
    assert '"founded": "string"' in snippets.pandas(desc)
    assert "'founded': 'VARCHAR'" in snippets.duckdb(desc)
