"""What a release can publish, said once: the validator rejects first what the release (publish/) and its
exports (SQLite, Parquet, Excel) would refuse, and they read their limits from here.

Per cell (in the Pandera layer, schemas.pandera_schemas): no control character in text (an Excel file
cannot carry one), at most 15 significant digits in a number (all that Excel keeps); NaN and infinity are
refused as numbers by the structure layer. Per descriptor (`check`): a semantic version, types the exports
map, resource names that can be Excel sheets and SQLite tables, field names SQLite tells apart, enum values
and bounds that are text or numbers, and no control character in any text the workbook shows (titles,
descriptions, the about sheet). The release's own files (README, LICENSE, CHANGELOG.md, CITATION.cff) are
not the package's: the release checks them itself.
"""
from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .descriptor import DESCRIPTOR, Descriptor
from .report import Problem

# semver.org's own expression for a version (2.0.0)
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")
# Table Schema types the exports store faithfully (publish/exports/typemap.py maps exactly these)
TYPES = ("string", "integer", "number", "boolean", "date")
EXCEL_DIGITS = 15  # significant digits Excel keeps of a number
# The characters openpyxl refuses in a cell (its ILLEGAL_CHARACTERS_RE): the C0 controls but tab, line feed and
# carriage return. As an RE2 class, for pyarrow's kernels.
CONTROL = r"[\x{00}-\x{08}\x{0b}\x{0c}\x{0e}-\x{1f}]"
CONTROL_CHARACTERS = frozenset(chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = frozenset("[]:*?/\\")
ABOUT_SHEET = "about"
FIELDS_SHEET = "fields"
META_TABLE = "_datapackage"  # the SQLite export's own table


def check_version(version, line: int | None) -> list[Problem]:
    """A release is named by its version: a semantic version."""
    if not isinstance(version, str) or not version:
        return [Problem("descriptor", DESCRIPTOR, line, "version", "no version",
                        "a semantic version such as 0.1.0 (https://semver.org)", "version")]
    if not SEMVER.match(version):
        return [Problem("descriptor", DESCRIPTOR, line, "version", f"{version!r} is not a semantic version",
                        "MAJOR.MINOR.PATCH such as 0.1.0 (https://semver.org)", "version")]
    return []


def json_line(text: str, key: str) -> int | None:
    """Line of the first `"key":` in a JSON text: where a person looks for a top-level property."""
    match = re.search(rf'^\s*"{re.escape(key)}"\s*:', text, flags=re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def significant_digits(value: float | int) -> int:
    return len(Decimal(repr(value)).normalize().as_tuple().digits)


def too_precise(value) -> bool:
    """A number Excel would round (more than EXCEL_DIGITS significant digits)."""
    return significant_digits(value) > EXCEL_DIGITS


def too_precise_each(values) -> np.ndarray:
    """too_precise of each number of a column (False where missing), in Arrow's kernels rather than a Decimal
    per value: the shortest form that reads back as the same double, its digits counted without sign,
    exponent, point and the zeros at either end."""
    numbers = np.asarray(pd.Series(values).to_numpy(dtype="float64", na_value=np.nan))
    out = np.zeros(len(numbers), dtype=bool)
    # a whole number below 10**15 has at most 15 digits: most figures, decided without writing them out
    rest = np.flatnonzero(~((numbers == np.trunc(numbers)) & (np.abs(numbers) < 1e15)) & ~np.isnan(numbers))
    if len(rest):
        out[rest] = _too_precise_text(pa.array(pd.Series(values).iloc[rest], from_pandas=True))
    return out


def _too_precise_text(arr) -> np.ndarray:
    text = pc.cast(arr, pa.string())
    digits = pc.replace_substring_regex(text, r"[eE].*$|[-+.]", "")
    digits = pc.utf8_trim(digits, "0")
    out = pc.greater(pc.utf8_length(digits), EXCEL_DIGITS).fill_null(False)
    return np.asarray(out.to_numpy(zero_copy_only=False), dtype=bool)


def has_control(text: str) -> bool:
    return not CONTROL_CHARACTERS.isdisjoint(text)


def check(desc: Descriptor) -> list[Problem]:
    problems = []

    def problem(where, message, expected, code="not-exportable"):
        problems.append(Problem("descriptor", DESCRIPTOR, None, where, message, expected, code))

    path = desc.root / DESCRIPTOR
    text = path.read_text(encoding="utf-8") if path.is_file() else ""  # the line a person looks at
    problems += check_version(desc.raw.get("version"), json_line(text, "version"))
    seen: dict[str, str] = {ABOUT_SHEET: ABOUT_SHEET, FIELDS_SHEET: FIELDS_SHEET, META_TABLE.lower(): META_TABLE}
    for res in desc.resources.values():
        where = f"resources[{res.name}]"
        if len(res.name) > SHEET_NAME_MAX or SHEET_NAME_FORBIDDEN & set(res.name):
            problem(where, f"resource name {res.name!r} cannot be an Excel sheet name",
                    f"at most {SHEET_NAME_MAX} characters, none of {''.join(sorted(SHEET_NAME_FORBIDDEN))}")
        clash = seen.get(res.name.lower())
        if clash is not None:
            problem(where, f"resource name {res.name!r} is the name of {clash!r} (ignoring case) in the exports",
                    f"a name, ignoring case, other than every other resource's, {ABOUT_SHEET!r}, {FIELDS_SHEET!r} "
                    f"and {META_TABLE!r}")
        seen.setdefault(res.name.lower(), res.name)
        names: dict[str, str] = {}
        for f in res.fields:
            at = f"{where}.{f.name}"
            if f.type not in TYPES:
                problem(at, f"type {f.type!r} has no form in the exports", f"one of {', '.join(TYPES)}")
            if f.name.lower() in names:
                problem(at, f"field name {f.name!r} is {names[f.name.lower()]!r} to SQLite (it ignores case)",
                        "field names that differ other than in case")
            names.setdefault(f.name.lower(), f.name)
            for key in ("enum", "minimum", "maximum"):
                values = f.constraints.get(key)
                values = values if key == "enum" and isinstance(values, list) else [] if values is None else [values]
                for v in values:
                    if isinstance(v, bool) or not isinstance(v, (str, int, float)):
                        problem(at, f"{key} value {v!r} cannot be written in SQL", "text or a number")
        for fk in res.foreign_keys:
            parent = desc.resources.get(fk.resource)
            if parent is None:
                continue  # descriptor.check reports it
            unique = len(fk.ref_fields) == 1 and fk.ref_fields[0] in parent.field_names \
                and parent.field(fk.ref_fields[0]).constraints.get("unique")
            if fk.ref_fields != parent.primary_key and not unique:
                problem(f"{where}.foreignKeys", f"foreign key {list(fk.fields)} references {fk.resource}."
                        f"{list(fk.ref_fields)}, neither its primary key nor a unique field",
                        "a reference to a key, which SQLite needs (a repeated value there is refused)")
    for path, text in _texts(desc.raw, ""):
        if has_control(text):
            problem(path or None, f"text {text[:40]!r} holds a control character that an Excel file cannot carry",
                    "printable text (tabs and line breaks are fine)")
    return problems


def _texts(value, path: str):
    """Every text in a JSON value (keys too), with where it is."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield f"{path}.{k}" if path else str(k), str(k)
            yield from _texts(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _texts(v, f"{path}[{i}]")
