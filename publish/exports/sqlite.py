"""The package as one SQLite database: a table per resource, DDL generated from the descriptor.

Each CREATE TABLE carries the fields' titles as SQL comments (SQLite keeps the
statement's text, so `.schema` shows them), declared types from the type map,
NOT NULL for required fields, the primary key, UNIQUE, enum and range CHECKs,
and every foreign key, self-references included. A `_datapackage` table holds
the release descriptor, so the file alone says which version it is.
"""
from __future__ import annotations

import graphlib
import json
import re
import sqlite3
from pathlib import Path

import pandas as pd

from schemas.descriptor import Descriptor, Field, Resource
from schemas.releasable import META_TABLE

from .typemap import ExportError, cells, mapping



def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ExportError(f"{value!r} cannot be written as an SQL literal; expected a string or a number")
    return repr(value)


def _comment(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _column(resource: Resource, field: Field) -> str:
    m = mapping(resource, field)
    col = quote(field.name)
    parts = [col, m.sqlite]
    c = field.constraints
    # SQLite lets NULL into a primary key that is not an INTEGER PRIMARY KEY unless told not to
    if field.required or field.name in resource.primary_key:
        parts.append("NOT NULL")
    if c.get("unique") and resource.primary_key != (field.name,):
        parts.append("UNIQUE")
    checks = [m.sqlite_check.format(col=col)] if m.sqlite_check else []
    if c.get("enum") is not None:
        checks.append(f"{col} IN ({', '.join(literal(v) for v in c['enum'])})")
    if field.type in ("integer", "number"):
        if c.get("minimum") is not None:
            checks.append(f"{col} >= {literal(c['minimum'])}")
        if c.get("maximum") is not None:
            checks.append(f"{col} <= {literal(c['maximum'])}")
    parts += [f"CHECK ({check})" for check in checks]
    return " ".join(parts)


def _referenced_unique(desc: Descriptor) -> dict[str, set[tuple[str, ...]]]:
    """Referenced column sets that are neither a primary key nor a unique field.

    SQLite refuses a foreign key whose parent columns are not a key, so such a
    set gets its own UNIQUE constraint on the parent table.
    """
    extra: dict[str, set[tuple[str, ...]]] = {name: set() for name in desc.resources}
    for res in desc.resources.values():
        for fk in res.foreign_keys:
            parent = desc.resources[fk.resource]
            single_unique = len(fk.ref_fields) == 1 and parent.field(fk.ref_fields[0]).constraints.get("unique")
            if fk.ref_fields != parent.primary_key and not single_unique:
                extra[parent.name].add(fk.ref_fields)
    return extra


def create_table(resource: Resource, extra_unique: set[tuple[str, ...]] = frozenset()) -> str:
    lines = [f"  -- {_comment(resource.title)}: {_comment(resource.description)}"] if resource.description else []
    for f in resource.fields:
        lines.append(f"  -- {_comment(f.title)}: {_comment(f.description)}" if f.description else
                     f"  -- {_comment(f.title)}")
        lines.append(f"  {_column(resource, f)},")
    if resource.primary_key:
        lines.append(f"  PRIMARY KEY ({', '.join(map(quote, resource.primary_key))}),")
    for cols in sorted(extra_unique):
        lines.append(f"  UNIQUE ({', '.join(map(quote, cols))}),")
    for fk in resource.foreign_keys:
        lines.append(f"  FOREIGN KEY ({', '.join(map(quote, fk.fields))}) "
                     f"REFERENCES {quote(fk.resource)} ({', '.join(map(quote, fk.ref_fields))}),")
    last = max(i for i, line in enumerate(lines) if not line.lstrip().startswith("--"))
    lines[last] = lines[last].rstrip(",")
    return f"CREATE TABLE {quote(resource.name)} (\n" + "\n".join(lines) + "\n)"


def dependency_order(desc: Descriptor) -> list[str]:
    """Resources with the ones they reference first (self-references do not order anything)."""
    graph = {name: {fk.resource for fk in res.foreign_keys if fk.resource != name}
             for name, res in desc.resources.items()}
    try:
        return list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError:
        # tables that reference each other: no order satisfies them, the deferred check at commit does
        return list(desc.resources)


def schema_sql(desc: Descriptor) -> list[str]:
    extra = _referenced_unique(desc)
    statements = [create_table(desc.resources[name], extra[name]) for name in dependency_order(desc)]
    statements.append(f"CREATE TABLE {quote(META_TABLE)} (\n  -- The release descriptor and the facts to cite it by\n"
                      f"  key TEXT NOT NULL PRIMARY KEY,\n  value TEXT NOT NULL\n)")
    return statements


def write(desc: Descriptor, tables: dict[str, pd.DataFrame], path: Path) -> None:
    con = sqlite3.connect(path, isolation_level=None)  # transactions are begun and ended below, explicitly
    try:
        con.execute("PRAGMA foreign_keys = ON")
        for statement in schema_sql(desc):
            con.execute(statement)
        con.execute("BEGIN")
        # rows of a self-referencing table may name a row further down the file: check keys at commit
        con.execute("PRAGMA defer_foreign_keys = ON")
        for name in dependency_order(desc):
            res = desc.resources[name]
            columns = [cells(res, f, tables[name][f.name]) for f in res.fields]
            for column, f in zip(columns, res.fields):
                if f.type == "date":
                    column[:] = [None if v is None else v.isoformat() for v in column]
            sql = (f"INSERT INTO {quote(name)} ({', '.join(quote(f.name) for f in res.fields)}) "
                   f"VALUES ({', '.join('?' * len(res.fields))})")
            try:
                con.executemany(sql, zip(*columns))
            except sqlite3.IntegrityError as exc:
                raise ExportError(f"{res.path}: SQLite refuses a row ({exc}); expected rows that satisfy "
                                  f"the table's declared constraints") from None
        meta = {"name": desc.name, "title": desc.raw.get("title", ""), "version": desc.version,
                "created": desc.raw.get("created", ""),
                "licenses": json.dumps(desc.raw.get("licenses", []), ensure_ascii=False),
                "datapackage.json": json.dumps(desc.raw, ensure_ascii=False, indent=2)}
        con.executemany(f"INSERT INTO {quote(META_TABLE)} VALUES (?, ?)", meta.items())
        try:
            con.execute("COMMIT")
        except sqlite3.IntegrityError as exc:
            raise ExportError(f"SQLite: {exc}; expected every foreign key to name an existing row") from None
        dangling = con.execute("PRAGMA foreign_key_check").fetchall()
        if dangling:
            raise ExportError(f"SQLite: foreign_key_check lists {dangling[:5]}; expected no dangling reference")
        con.execute("VACUUM")  # pages left half-empty by the load would only add bytes
    finally:
        con.close()
