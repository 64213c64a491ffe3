"""Layer 1: each table against its Table Schema's types and keys.

What `frictionless validate` checks row by row, done a column at a time:
types (every cell casts to its field's type), primary keys, unique fields and
foreign keys. The value constraints (required, enum, pattern, ranges) are the
Pandera layer's (schemas.pandera_schemas), so no problem is reported twice.
A cell is cast once per distinct text; a table read in batches has its keys
followed across batches by `Keys`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import polars as pl

from .csvfile import Table
from .descriptor import Descriptor, Resource
from .frames import row_of, spread, to_polars
from .report import Problem

INTEGER = r"^[+-]?[0-9]+$"
NUMBER = r"^(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|INF|-INF)$"
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
URI = r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s]+$"
TRUE = ("true", "True", "TRUE", "1")
FALSE = ("false", "False", "FALSE", "0")
EXPECTED = {
    "integer": "a whole number such as 2023",
    "number": "a plain number such as 180000000000 or 13.9 (no separators or scale words, not NaN or infinity)",
    "boolean": "true or false",
    "date": "a date YYYY-MM-DD",
    "uri": "an absolute URI such as https://example.org/page",
}


@dataclass
class Typed:
    """A table with its cells cast to their Table Schema types (text stays categorical)."""

    table: Table
    frame: pd.DataFrame  # typed; a cell that did not cast is missing (NA)
    # per field, the cells already reported as wrong (a type, a constraint, a foreign key, a rule): each
    # later check says nothing about them, nor about what depends on them, so that one fault is one error
    failed: dict[str, np.ndarray] = field(default_factory=dict)

    @cached_property
    def pl(self) -> pl.DataFrame:
        """The typed table as a Polars frame (the engine the checks move to)."""
        return to_polars(self.frame)

    @property
    def resource(self) -> Resource:
        return self.table.resource

    @property
    def file(self) -> str:
        return self.table.file

    def bad(self, *fields: str) -> np.ndarray:
        """Rows where any of these fields holds a cell already reported."""
        out = np.zeros(len(self.frame), dtype=bool)
        for f in fields:
            if f in self.failed:
                out |= self.failed[f]
        return out

    def mark(self, field_name: str, rows) -> None:
        """Cells of a field now reported (a boolean mask or row positions): later checks leave them alone."""
        if field_name not in self.frame.columns:
            return
        mask = self.failed.setdefault(field_name, np.zeros(len(self.frame), dtype=bool))
        mask[rows] = True

    def lines(self, mask_or_positions) -> np.ndarray:
        idx = np.asarray(mask_or_positions)
        if idx.dtype == bool:
            idx = np.flatnonzero(idx)
        return self.table.lines[idx]


def cast(table: Table) -> tuple[Typed, list[Problem]]:
    problems: list[Problem] = []
    typed = Typed(table, pd.DataFrame(index=table.frame.index))
    for f in table.resource.fields:
        if f.name not in table.frame.columns:
            continue
        text = table.frame[f.name]
        categories = pd.Series(text.cat.categories)
        values, ok = _cast(categories, f.type, f.format)  # once per distinct text
        codes = text.cat.codes.to_numpy()
        failed = ~spread(ok, codes, True)  # an empty cell (code -1) did not fail
        padded = table.padded.get(f.name)
        if values is None:  # text: stays categorical; a text that fails its format becomes missing
            typed.frame[f.name] = text.cat.remove_categories(categories[~ok].tolist()) if (~ok).any() else text
        else:
            typed.frame[f.name] = _spread(values, codes, ~failed)
        typed.failed[f.name] = failed | padded if padded is not None else failed.copy()
        if failed.any():
            kind = "uri" if f.type == "string" else f.type
            for line, cell in zip(table.lines[failed], categories.to_numpy(dtype=object)[codes[failed]]):
                problems.append(Problem("structure", table.file, int(line), f.name,
                                        f"{cell!r} is not {'an' if kind[0] in 'aeiou' else 'a'} {kind}",
                                        EXPECTED.get(kind, kind), "type-error"))
    return typed, problems


def _cast(text: pd.Series, type_: str, fmt: str | None) -> tuple[pd.Series | None, np.ndarray]:
    """Typed values of distinct texts (None: the type is text) and which texts cast."""
    if type_ == "integer":
        ok = text.str.fullmatch(INTEGER)
        values = pd.to_numeric(text.where(ok), errors="coerce").astype("Int64")
    elif type_ == "number":
        ok = text.str.fullmatch(NUMBER)
        values = pd.to_numeric(text.where(ok), errors="coerce").astype("float64")
        # The Table Schema's NaN and INF are numbers, but none is a figure: a NaN would read as an empty cell (a
        # range bound of NaN turned the range check off) and no export can hold an infinity. Refused here.
        ok &= np.isfinite(values.to_numpy(dtype="float64", na_value=np.nan))
    elif type_ == "boolean":
        ok = text.isin(TRUE + FALSE)
        values = text.map(lambda v: True if v in TRUE else False if v in FALSE else None).astype("boolean")
    elif type_ == "date":
        values = pd.to_datetime(text.where(text.str.fullmatch(DATE)), format="%Y-%m-%d", errors="coerce")
        ok = values.notna()
    elif type_ == "string" and fmt == "uri":
        ok, values = text.str.fullmatch(URI), None
    else:  # string, and the types this package does not use, are kept as text
        ok, values = pd.Series(True, index=text.index), None
    return values, np.asarray(ok.fillna(False), dtype=bool)


def _spread(values: pd.Series, codes: np.ndarray, keep: np.ndarray) -> pd.Series:
    """Each row's typed value from its text's, missing where the cell is empty or did not cast."""
    if len(values) == 0:
        return pd.Series([None] * len(codes), dtype=values.dtype)
    out = values.take(np.maximum(codes, 0)).reset_index(drop=True)
    return out.where(pd.Series(keep & (codes >= 0)))


def keys(desc: Descriptor, typed: dict[str, Typed]) -> list[Problem]:
    """Primary keys, unique fields and foreign keys of whole tables."""
    problems: list[Problem] = []
    for name, t in typed.items():
        keys = Keys(t.resource)
        problems += keys.add(t)
        problems += keys.finish()
        problems += foreign_keys(desc, t, typed)
    return problems


def foreign_keys(desc: Descriptor, t: Typed, typed: dict[str, Typed]) -> list[Problem]:
    problems = []
    for fk in t.resource.foreign_keys:
        other = typed.get(fk.resource)
        if other is None or not all(c in t.frame.columns for c in fk.fields) \
                or not all(c in other.frame.columns for c in fk.ref_fields):
            continue
        if other.bad(*fk.ref_fields).any():
            # a key there is reported already: which value it should hold is unknown, so a reference found
            # nowhere may be to it; the key's error is the one error (fixed, the check runs again)
            continue
        here = t.frame[list(fk.fields)]
        present = here.notna().all(axis=1).to_numpy() & ~t.bad(*fk.fields)  # a cell already reported: not looked up
        if len(fk.fields) == 1:
            parent, child = other.frame[fk.ref_fields[0]], here.iloc[:, 0]
            if isinstance(child.dtype, pd.CategoricalDtype) and isinstance(parent.dtype, pd.CategoricalDtype):
                # membership decided once per distinct text, then spread to the rows by code
                found = row_of(child, parent) >= 0
            else:
                found = child.isin(parent.dropna().unique()).to_numpy()
        else:
            there = other.frame[list(fk.ref_fields)].dropna()
            found = pd.MultiIndex.from_frame(here.astype(object)).isin(pd.MultiIndex.from_frame(there.astype(object)))
        bad = present & ~np.asarray(found, dtype=bool)
        for c in fk.fields:
            t.mark(c, bad)
        target = f"{desc.resources[fk.resource].path}:{','.join(fk.ref_fields)}"
        for line, value in zip(t.lines(bad), here[bad].itertuples(index=False)):
            shown = ",".join(str(v) for v in value)
            problems.append(Problem("structure", t.file, int(line), ",".join(fk.fields), f"{shown!r} is not in {target}",
                                    f"a value of {fk.resource}.{','.join(fk.ref_fields)}", "foreign-key"))
    return problems


class Keys:
    """A table's primary key and unique fields, checked across batches.

    Each row's key is remembered as two independent 64-bit hashes of its
    cells (with its line), so that memory grows by 24 bytes a row whatever the
    texts, and a repeat is found by sorting; a chance collision of both hashes
    is not to be expected in this universe's lifetime.
    """

    def __init__(self, resource: Resource, remember_cells: bool = True):
        self.remember_cells = remember_cells  # a streamed table keeps only hashes and lines
        self.sets = []
        pk = list(resource.primary_key)
        if pk:
            self.sets.append((pk, "primary-key", "primary key"))
        for f in resource.fields:
            if f.constraints.get("unique") and [f.name] != pk:
                self.sets.append(([f.name], "unique-error", "unique field"))
        self.seen: dict[int, list] = {i: [] for i in range(len(self.sets))}
        self.file = resource.path

    def add(self, t: Typed) -> list[Problem]:
        problems = []
        for i, (cols, code, what) in enumerate(self.sets):
            if not all(c in t.frame.columns for c in cols):
                continue
            frame = t.frame[cols]
            null = frame.isna().any(axis=1).to_numpy()
            failed = t.bad(*cols)
            if code == "primary-key":
                for line in t.lines(null & ~failed):
                    problems.append(Problem("structure", t.file, int(line), ",".join(cols), "primary key is empty",
                                            "a value in every primary key field", "primary-key"))
            keep = ~null & ~failed  # a key cell already reported is not compared with the others
            kept = frame[keep]
            h1 = pd.util.hash_pandas_object(kept, index=False, hash_key="schemas-keys-one").to_numpy()
            h2 = pd.util.hash_pandas_object(kept, index=False, hash_key="schemas-keys-two").to_numpy()
            self.seen[i].append((h1, h2, t.lines(keep).astype(np.int32), kept if self.remember_cells else None))
        return problems

    def finish(self) -> list[Problem]:
        problems = []
        for i, (cols, code, what) in enumerate(self.sets):
            parts = self.seen[i]
            if not parts:
                continue
            lines = np.concatenate([p[2] for p in parts])
            rows, firsts = repeats(np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))
            if not len(rows):
                continue
            where = dict(zip(lines[rows].tolist(), lines[firsts].tolist()))  # line -> the line it repeats
            shown = _cells_at(parts, set(where))
            for line, first_line in sorted(where.items()):
                value = f" {shown[line]!r}" if line in shown else f" ({', '.join(cols)})"
                problems.append(Problem("structure", self.file, line, ",".join(cols),
                                        f"{what}{value} repeats line {first_line}",
                                        f"each {what} value once", code))
        self.seen = {i: [] for i in range(len(self.sets))}
        return problems


def repeats(h1: np.ndarray, h2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows whose pair of hashes an earlier row has, and for each the first row that has it.

    Only rows that share their first hash with another row can repeat: those are found by sorting the
    first hashes alone (a plain sort, several times faster than sorting pairs of millions of rows), and
    only they are sorted by both."""
    none = np.zeros(0, dtype=np.int64)
    if len(h1) < 2:
        return none, none
    s = np.sort(h1)
    shared = np.unique(s[1:][s[1:] == s[:-1]])
    if not len(shared):
        return none, none
    at = np.minimum(np.searchsorted(shared, h1), len(shared) - 1)
    rows = np.flatnonzero(shared[at] == h1)
    # the rows are in row order and the sort is stable: in each run of one key, the first row comes first
    rows = rows[np.lexsort((h2[rows], h1[rows]))]
    a, b = h1[rows], h2[rows]
    repeat = np.zeros(len(rows), dtype=bool)
    repeat[1:] = (a[1:] == a[:-1]) & (b[1:] == b[:-1])
    first = np.maximum.accumulate(np.where(repeat, 0, np.arange(len(rows))))  # each row's run start
    return rows[repeat], rows[first[repeat]]


def _cells_at(parts, lines: set[int]) -> dict[int, str]:
    """The key's cells on the given lines, for the message (a repeat is rare: this loops over repeats only)."""
    out = {}
    for _, _, part_lines, frame in parts:
        if frame is None:
            continue
        hit = np.flatnonzero(np.isin(part_lines, list(lines)))
        for line, cells in zip(part_lines[hit].tolist(), frame.iloc[hit].itertuples(index=False)):
            out[line] = ",".join(str(v) for v in cells)
    return out
