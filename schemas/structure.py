"""Layer 1: each table against its Table Schema's types and keys.

What `frictionless validate` checks row by row, done a column at a time on
Polars: types (every cell casts to its field's type), primary keys, unique
fields and foreign keys. The value constraints (required, enum, pattern,
ranges) are the Pandera layer's (schemas.pandera_schemas), so no problem is
reported twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import polars as pl

from .csvfile import Table
from .descriptor import Descriptor, Resource
from .frames import to_pandas
from .report import Problem

INTEGER = r"^[+-]?[0-9]+$"
NUMBER = r"^(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|INF|-INF)$"
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# white space as Python's re knows it: Unicode's, and the four separators \x1c-\x1f, which Rust's regex leaves out
URI = r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s\x1c-\x1f]+$"
TRUE = ["true", "True", "TRUE", "1"]
FALSE = ["false", "False", "FALSE", "0"]
TYPES = ("string", "integer", "number", "boolean", "date")  # the rest, which this package does not use, stay text
EXPECTED = {
    "integer": "a whole number such as 2023",
    "number": "a plain number such as 180000000000 or 13.9 (no separators or scale words, not NaN or infinity)",
    "boolean": "true or false",
    "date": "a date YYYY-MM-DD",
    "uri": "an absolute URI such as https://example.org/page",
}


@dataclass
class Typed:
    """A table with its cells cast to their Table Schema types: text Categorical, integer Int64, number
    Float64, boolean Boolean, date Date; a cell that is empty or did not cast is null."""

    table: Table
    pl: pl.DataFrame
    # per field, the cells already reported as wrong (a type, a constraint, a foreign key, a rule): each
    # later check says nothing about them, nor about what depends on them, so that one fault is one error
    failed: dict[str, np.ndarray] = field(default_factory=dict)

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The typed table as pandas, for the site and the exports (made once, when first asked for)."""
        return to_pandas(self.pl)

    @property
    def resource(self) -> Resource:
        return self.table.resource

    @property
    def file(self) -> str:
        return self.table.file

    def bad(self, *fields: str) -> np.ndarray:
        """Rows where any of these fields holds a cell already reported."""
        out = np.zeros(self.pl.height, dtype=bool)
        for f in fields:
            if f in self.failed:
                out |= self.failed[f]
        return out

    def mark(self, field_name: str, rows) -> None:
        """Cells of a field now reported (a boolean mask or row positions): later checks leave them alone."""
        if field_name not in self.pl.columns:
            return
        mask = self.failed.setdefault(field_name, np.zeros(self.pl.height, dtype=bool))
        mask[rows] = True

    def lines(self, mask_or_positions) -> np.ndarray:
        idx = np.asarray(mask_or_positions)
        if idx.dtype == bool:
            idx = np.flatnonzero(idx)
        return self.table.lines[idx]


def cast(table: Table) -> tuple[Typed, list[Problem]]:
    problems: list[Problem] = []
    text = table.pl
    columns, failed = [], {}
    for f in table.resource.fields:
        if f.name not in text.columns:
            continue
        cell = text[f.name]
        value, ok = _cast(cell, f.type, f.format)
        bad = ~ok.to_numpy()
        value = cell if value is None else value
        columns.append(pl.select(pl.when(ok).then(value)).to_series().alias(f.name) if bad.any() else value)
        padded = table.padded.get(f.name)
        mask = bad | padded if padded is not None else bad
        if mask.any():  # a field with no cell reported needs no mask (Typed.bad)
            failed[f.name] = mask
        if bad.any():
            kind = "uri" if f.type == "string" else f.type
            for line, shown in zip(table.lines[bad].tolist(), cell.filter(~ok).cast(pl.String).to_list()):
                problems.append(Problem("structure", table.file, line, f.name,
                                        f"{shown!r} is not {'an' if kind[0] in 'aeiou' else 'a'} {kind}",
                                        EXPECTED.get(kind, kind), "type-error"))
    return Typed(table, pl.DataFrame(height=text.height).with_columns(columns), failed), problems


def _cast(cell: pl.Series, type_: str, fmt: str | None) -> tuple[pl.Series | None, pl.Series]:
    """Each cell's typed value (None: the type is text) and whether it cast (an empty cell did)."""
    if type_ == "string" and fmt != "uri" or type_ not in TYPES:  # kept as text: nothing to cast
        return None, pl.repeat(True, cell.len(), eager=True)
    text = cell.cast(pl.String)
    if type_ == "integer":
        value = text.str.to_integer(strict=False)
        ok = text.str.contains(INTEGER) & value.is_not_null()  # too large for 64 bits: not a value we can hold
    elif type_ == "number":
        value = text.cast(pl.Float64, strict=False)
        # The Table Schema's NaN and INF are numbers, but none is a figure: a NaN would read as an empty cell (a
        # range bound of NaN turned the range check off) and no export can hold an infinity. Refused here.
        ok = text.str.contains(NUMBER) & value.is_finite()
    elif type_ == "boolean":
        ok, value = text.is_in(TRUE + FALSE), text.is_in(TRUE)
    elif type_ == "date":
        value = text.str.to_date("%Y-%m-%d", strict=False)
        ok = text.str.contains(DATE) & value.is_not_null()
    else:
        ok, value = text.str.contains(URI), None
    return value, ok.fill_null(False) | text.is_null()


def keys(desc: Descriptor, typed: dict[str, Typed]) -> list[Problem]:
    """Primary keys, unique fields and foreign keys of whole tables."""
    problems: list[Problem] = []
    for t in typed.values():
        problems += unique_keys(t)
        problems += foreign_keys(desc, t, typed)
    return problems


def unique_keys(t: Typed) -> list[Problem]:
    """A table's primary key and unique fields: an empty primary key, and each repeat at its line, with its
    cells and the line it repeats."""
    problems = []
    for cols, code, what in _key_sets(t.resource):
        if not all(c in t.pl.columns for c in cols):
            continue
        line, first = _spare(cols, 2)
        cells = t.pl.select(cols)
        null = cells.select(pl.any_horizontal(pl.all().is_null())).to_series().to_numpy()
        failed = t.bad(*cols)
        if code == "primary-key":
            for at in t.lines(null & ~failed).tolist():
                problems.append(Problem("structure", t.file, at, ",".join(cols), "primary key is empty",
                                        "a value in every primary key field", "primary-key"))
        # only a row whose key shares its hash with another row's can repeat (a 64-bit hash: about only the
        # repeats themselves); hashing the text ids (to_physical) spares hashing the texts. A cell already
        # reported is compared with none.
        keep = pl.Series(~null & ~failed)
        hashed = cells.select(pl.when(keep).then(pl.struct(pl.all().to_physical()).hash())).to_series()
        kept = cells.with_columns(pl.Series(line, t.table.lines)).filter(_repeated(hashed) & keep)
        repeats = kept.with_columns(pl.col(line).first().over(cols).alias(first)).filter(pl.col(line) != pl.col(first))
        for value, at, earlier in _rows_shown(repeats, cols):
            problems.append(Problem("structure", t.file, at, ",".join(cols), f"{what} {value!r} repeats line {earlier}",
                                    f"each {what} value once", code))
    return problems


def _repeated(values: pl.Series) -> pl.Series:
    """Whether each value occurs more than once (a missing one: no): found by sorting, a third of the time
    of is_duplicated's hash table on the millions of provenance rows."""
    ordered = values.drop_nulls().sort()
    return values.is_in(ordered.filter(ordered == ordered.shift(1)).unique().implode()).fill_null(False)


def _key_sets(resource: Resource) -> list[tuple[list[str], str, str]]:
    pk = list(resource.primary_key)
    return ([(pk, "primary-key", "primary key")] if pk else []) + \
        [([f.name], "unique-error", "unique field") for f in resource.fields
         if f.constraints.get("unique") and [f.name] != pk]


def foreign_keys(desc: Descriptor, t: Typed, typed: dict[str, Typed]) -> list[Problem]:
    problems = []
    for fk in t.resource.foreign_keys:
        other = typed.get(fk.resource)
        if other is None or not all(c in t.pl.columns for c in fk.fields) \
                or not all(c in other.pl.columns for c in fk.ref_fields):
            continue
        if other.bad(*fk.ref_fields).any():
            # a key there is reported already: which value it should hold is unknown, so a reference found
            # nowhere may be to it; the key's error is the one error (fixed, the check runs again)
            continue
        here, there = t.pl.select(fk.fields), other.pl.select(fk.ref_fields)
        # a cell already reported is not looked up
        present = here.select(pl.all_horizontal(pl.all().is_not_null())).to_series().to_numpy() & ~t.bad(*fk.fields)
        bad = present & ~_found(here, there)
        for c in fk.fields:
            t.mark(c, bad)
        target = f"{desc.resources[fk.resource].path}:{','.join(fk.ref_fields)}"
        missing = here.with_columns(pl.Series(_spare(fk.fields, 1)[0], t.table.lines)).filter(bad)
        for shown, line in _rows_shown(missing, list(fk.fields)):
            problems.append(Problem("structure", t.file, line, ",".join(fk.fields), f"{shown!r} is not in {target}",
                                    f"a value of {fk.resource}.{','.join(fk.ref_fields)}", "foreign-key"))
    return problems


def _found(here: pl.DataFrame, there: pl.DataFrame) -> np.ndarray:
    """Whether each row of `here` is a row of `there`, compared as values of one type: a text never equals
    a number; a whole number may equal a number."""
    there = there.rename(dict(zip(there.columns, here.columns)))
    for h, o in zip(here.iter_columns(), there.iter_columns()):
        if h.dtype != o.dtype:
            if not (h.dtype.is_numeric() and o.dtype.is_numeric()):
                return np.zeros(here.height, dtype=bool)
            as_number = pl.col(h.name).cast(pl.Float64)
            here, there = here.with_columns(as_number), there.with_columns(as_number)
    if here.width == 1:
        return here.to_series().is_in(there.to_series().drop_nulls().unique()).fill_null(False).to_numpy()
    row = _spare(here.columns, 1)[0]
    rows = here.with_row_index(row).join(there.drop_nulls().unique(), on=here.columns, how="semi")[row]
    out = np.zeros(here.height, dtype=bool)
    out[rows.to_numpy()] = True
    return out


def _spare(cols, n: int) -> list[str]:
    """`n` column names that are none of `cols` (for a row's line beside its key, whatever the key is named)."""
    width = max(map(len, cols), default=0)
    return [" " * (width + k) for k in range(1, n + 1)]


def _rows_shown(rows: pl.DataFrame, cols: list[str]):
    """Each row's key as the message shows it (its cells' texts joined by commas, a date as pandas prints a
    timestamp), with the row's other columns (its line...) as they are."""
    dates = [c for c in cols if rows[c].dtype == pl.Date]
    rows = rows.with_columns(pl.col(dates).cast(pl.Datetime)) if dates else rows
    for row in rows.iter_rows():
        yield (",".join(str(v) for v in row[:len(cols)]), *row[len(cols):])

