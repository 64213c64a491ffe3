"""Layer 1: each table against its Table Schema's types and keys.

What `frictionless validate` checks row by row, done a column at a time:
types (every cell casts to its field's type), primary keys, unique fields and
foreign keys. The value constraints (required, enum, pattern, ranges) are the
Pandera layer's (schemas.pandera_schemas), so no problem is reported twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .csvfile import Table
from .descriptor import Descriptor, Resource
from .report import Problem

INTEGER = r"^[+-]?[0-9]+$"
NUMBER = r"^(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|INF|-INF)$"
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
URI = r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s]+$"
TRUE = ("true", "True", "TRUE", "1")
FALSE = ("false", "False", "FALSE", "0")
EXPECTED = {
    "integer": "a whole number such as 2023",
    "number": "a plain number such as 180000000000 or 13.9 (no separators or scale words)",
    "boolean": "true or false",
    "date": "a date YYYY-MM-DD",
    "uri": "an absolute URI such as https://example.org/page",
}
MAX_LISTED = 5  # values of a key named in one message


@dataclass
class Typed:
    """A table with its cells cast to their Table Schema types."""

    table: Table
    frame: pd.DataFrame  # typed; a cell that did not cast is missing (NA)
    failed: dict[str, np.ndarray] = field(default_factory=dict)  # per field: cells that did not cast
    empty: dict[str, np.ndarray] = field(default_factory=dict)  # per field: cells empty in the CSV

    @property
    def resource(self) -> Resource:
        return self.table.resource

    @property
    def file(self) -> str:
        return self.table.file

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
        empty = (text == "").to_numpy()
        values, ok = _cast(text, f.type, f.format)
        failed = ~ok & ~empty
        typed.frame[f.name] = values
        typed.empty[f.name] = empty
        typed.failed[f.name] = failed
        if failed.any():
            kind = "uri" if f.type == "string" else f.type
            for line, cell in zip(table.lines[failed], text[failed]):
                problems.append(Problem("structure", table.file, int(line), f.name,
                                        f"{cell!r} is not {'an' if kind[0] in 'aeiou' else 'a'} {kind}",
                                        EXPECTED.get(kind, kind), "type-error"))
    return typed, problems


def _cast(text: pd.Series, type_: str, fmt: str | None) -> tuple[pd.Series, np.ndarray]:
    empty = text == ""
    if type_ == "integer":
        ok = text.str.fullmatch(INTEGER)
        values = pd.to_numeric(text.where(ok), errors="coerce").astype("Int64")
    elif type_ == "number":
        ok = text.str.fullmatch(NUMBER)
        values = pd.to_numeric(text.where(ok).replace({"INF": "inf", "-INF": "-inf"}), errors="coerce").astype("float64")
    elif type_ == "boolean":
        ok = text.isin(TRUE + FALSE)
        values = text.map(lambda v: True if v in TRUE else False if v in FALSE else None).astype("boolean")
    elif type_ == "date":
        values = pd.to_datetime(text.where(text.str.fullmatch(DATE)), format="%Y-%m-%d", errors="coerce")
        ok = values.notna()
    elif type_ == "string" and fmt == "uri":
        ok = text.str.fullmatch(URI)
        values = text.where(~empty)
    else:  # string and the types this package does not use are kept as text
        ok = pd.Series(True, index=text.index)
        values = text.where(~empty)
    return values, (ok.fillna(False).to_numpy(dtype=bool) & ~empty.to_numpy())


def keys(desc: Descriptor, typed: dict[str, Typed]) -> list[Problem]:
    """Primary keys, unique fields and foreign keys, across all tables."""
    problems: list[Problem] = []
    for name, t in typed.items():
        res = t.resource
        pk = [k for k in res.primary_key if k in t.frame.columns]
        if pk and len(pk) == len(res.primary_key):
            frame = t.frame[pk]
            null = frame.isna().any(axis=1).to_numpy()
            for line in t.lines(null & ~_any_failed(t, pk)):
                problems.append(Problem("structure", t.file, int(line), ",".join(pk), "primary key is empty",
                                        "a value in every primary key field", "primary-key"))
            problems += _duplicates(t, pk, ~null, "primary-key", "primary key")
        for f in res.fields:
            if f.constraints.get("unique") and f.name in t.frame.columns and [f.name] != pk:
                problems += _duplicates(t, [f.name], t.frame[f.name].notna().to_numpy(), "unique-error",
                                        "unique field")
        for fk in res.foreign_keys:
            other = typed.get(fk.resource)
            if other is None or not all(c in t.frame.columns for c in fk.fields) \
                    or not all(c in other.frame.columns for c in fk.ref_fields):
                continue
            here = t.frame[list(fk.fields)]
            present = here.notna().all(axis=1).to_numpy()
            there = other.frame[list(fk.ref_fields)].dropna()
            if len(fk.fields) == 1:
                found = here.iloc[:, 0].isin(there.iloc[:, 0]).to_numpy()
            else:
                found = pd.MultiIndex.from_frame(here).isin(pd.MultiIndex.from_frame(there))
            bad = present & ~found
            target = f"{desc.resources[fk.resource].path}:{','.join(fk.ref_fields)}"
            for line, value in zip(t.lines(bad), here[bad].itertuples(index=False)):
                shown = ",".join(str(v) for v in value)
                problems.append(Problem("structure", t.file, int(line), ",".join(fk.fields),
                                        f"{shown!r} is not in {target}",
                                        f"a value of {fk.resource}.{','.join(fk.ref_fields)}", "foreign-key"))
    return problems


def _any_failed(t: Typed, cols: list[str]) -> np.ndarray:
    out = np.zeros(len(t.frame), dtype=bool)
    for c in cols:
        out |= t.failed.get(c, out)
    return out


def _duplicates(t: Typed, cols: list[str], consider: np.ndarray, code: str, what: str) -> list[Problem]:
    frame = t.frame[cols][consider]
    dup = frame.duplicated(keep="first").to_numpy()
    if not dup.any():
        return []
    positions = np.flatnonzero(consider)
    first = frame.drop_duplicates(keep="first")
    first_line = dict(zip(map(tuple, first.itertuples(index=False)), t.lines(positions[~dup])))
    out = []
    for pos, value in zip(positions[dup], frame[dup].itertuples(index=False)):
        shown = ",".join(str(v) for v in value)
        out.append(Problem("structure", t.file, int(t.table.lines[pos]), ",".join(cols),
                           f"{what} {shown!r} repeats line {first_line[tuple(value)]}",
                           f"each {what} value once", code))
    return out
