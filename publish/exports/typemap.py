"""Table Schema types as each export stores them, and as the site's snippets read them: the one place that
says so.

SQLite has no boolean or date storage class, so those columns get a declared
type that tools recognise (BOOLEAN, DATE) plus a CHECK that keeps them honest:
0/1 and ISO 8601 'YYYY-MM-DD' text, the forms SQLite's own date functions read
(`IS`, not `=`: date() of a bad date is NULL, and a CHECK that comes out NULL passes).
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Callable

import pandas as pd
import pyarrow as pa

from schemas.descriptor import Field, Resource


class ExportError(Exception):
    """An export that cannot be written faithfully; the message says where and why."""


@dataclass(frozen=True)
class Mapping:
    sqlite: str  # declared column type
    arrow: pa.DataType
    python: Callable[[object], object]  # a typed cell (never NA) as a plain Python value
    duckdb: str  # column type for DuckDB's read_csv
    pandas: str | None  # dtype for pandas' read_csv (None: parsed as a date instead)
    sqlite_check: str | None = None  # CHECK expression, {col} = the quoted column name


def _date(value) -> dt.date:
    stamp = pd.Timestamp(value)
    if stamp != stamp.normalize():  # a time of day would be lost by a date column
        raise ValueError(f"{stamp} has a time of day")
    return stamp.date()


TYPES: dict[str, Mapping] = {
    "string": Mapping("TEXT", pa.string(), str, "VARCHAR", "string"),
    "integer": Mapping("INTEGER", pa.int64(), int, "BIGINT", "Int64"),
    "number": Mapping("REAL", pa.float64(), float, "DOUBLE", "float64"),
    "boolean": Mapping("BOOLEAN", pa.bool_(), bool, "BOOLEAN", "boolean", "{col} IN (0, 1)"),
    "date": Mapping("DATE", pa.date32(), _date, "DATE", None, "{col} IS date({col})"),
}


def mapping(resource: Resource, field: Field) -> Mapping:
    """How the exports store the field; a type outside TYPES is refused, since an export must keep it faithfully."""
    try:
        return TYPES[field.type]
    except KeyError:
        raise ExportError(f"datapackage.json:resources[{resource.name}].{field.name}: type {field.type!r} has no "
                          f"export mapping; expected one of {', '.join(TYPES)}") from None


def read_as(field: Field) -> Mapping:
    """How a reader's snippet reads the field: a type outside TYPES is read as text, as the validator keeps it."""
    return TYPES.get(field.type, TYPES["string"])


def is_missing(value) -> bool:
    # NaN counts as missing: SQLite stores it as NULL and Arrow's pandas bridge as null, so
    # every export says the same thing about it
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def cells(resource: Resource, field: Field, column: pd.Series) -> list:
    """The column as plain Python values (None where missing), typed by the field."""
    convert = mapping(resource, field).python
    out = []
    for position, value in enumerate(column.tolist()):
        if is_missing(value):
            out.append(None)
            continue
        try:
            out.append(convert(value))
        except (TypeError, ValueError) as exc:
            raise ExportError(f"{resource.path}:{position + 2}:{field.name}: {value!r} cannot be stored as "
                              f"{field.type} ({exc}); expected a valid {field.type}") from None
    return out
