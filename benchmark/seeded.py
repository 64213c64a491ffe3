"""A known set of errors seeded into a synthetic package, each at a known (file, line, field).

Each kind breaks one rule of the data model in one cell or row of a record
chosen by the seed, so the benchmark can count which errors each validator
reports where they are. `frictionless` says whether a Table Schema can state
the rule at all (types, required, enum, pattern, maximum, primary and foreign
keys): `frictionless validate` cannot see the rest (indicator ranges and units,
provenance, the archive). Some damage also shows elsewhere, as the data model
wants (a wrong unit makes its provenance span name the wrong unit too): those
places are `collateral`, so a report's errors can all be accounted for.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from schemas.descriptor import RECORD_TABLES

from .synthetic import Package

Kinds = dict[str, np.ndarray]  # record table -> each row's statement kind (see `statement_kinds`)
LINE_OF_FIRST_ROW = 2  # the header is line 1


@dataclass(frozen=True)
class Seeded:
    kind: str
    what: str
    file: str
    line: int
    field: str
    frictionless: bool  # a Table Schema can state the rule, so frictionless can see it
    collateral: tuple[tuple[str, int], ...] = ()  # other (file, line) the same damage shows at


@dataclass(frozen=True)
class Kind:
    name: str
    what: str
    table: str  # where the damaged row is
    field: str
    frictionless: bool
    pick: Callable[[Package, str, Kinds], np.ndarray]  # candidate rows
    damage: Callable[[Package, int, Kinds], object] | None  # -> the new cell value; None: a kind that adds,
    # drops or rewrites whole rows, done by name in `seed`
    collateral: tuple[str, ...] = ()  # provenance fields of the damaged record whose rows also fail


def _col(pkg: Package, table: str, name: str) -> np.ndarray:
    return pkg.tables[table].column(name).to_numpy(zero_copy_only=False)


def statement_kinds(pkg: Package) -> Kinds:
    """Each record's kind as generated: 'qualitative' (no unit), 'usd' (the US-dollar equivalent of a yuan
    row) or its unit. Read before any damage: a damaged unit or link must not change what a kind picks."""
    out = {}
    for table in RECORD_TABLES:
        unit, equivalent_of = _col(pkg, table, "unit"), _col(pkg, table, "equivalent_of")
        out[table] = np.where(unit == "", "qualitative", np.where(equivalent_of != "", "usd", unit))
    return out


def _every_row(pkg: Package, table: str, kinds: Kinds) -> np.ndarray:
    return np.arange(pkg.tables[table].num_rows)


def _kind_is(*wanted):
    return lambda pkg, table, kinds: np.flatnonzero(np.isin(kinds[table], wanted))


def _plain_rows(pkg: Package, table: str, kinds: Kinds) -> np.ndarray:
    """Quantitative rows stated with no hedge (their comparator provenance is inferred) and no currency link."""
    ok = (_col(pkg, table, "comparator") == "=") & (kinds[table] != "usd")
    return np.flatnonzero(ok & (kinds[table] != "qualitative"))


def _below(pkg: Package, value: float) -> np.ndarray:
    """Indicators whose plausible maximum is below `value`."""
    top = pc.cast(pc.if_else(pc.equal(pkg.tables["indicator_definitions"].column("max"), ""), None,
                             pkg.tables["indicator_definitions"].column("max")), pa.float64())
    return _col(pkg, "indicator_definitions", "indicator")[pc.fill_null(pc.less(top, value), False).to_numpy(
        zero_copy_only=False)]


def _cell(table: str, name: str):
    return lambda pkg, row: pkg.tables[table].column(name)[row].as_py()


def _times(factor: float, table: str):
    def damage(pkg, row, kinds):
        return str(int(float(_cell(table, "value")(pkg, row)) * factor))
    return damage


def _other_record(pkg: Package, row: int, kinds: Kinds) -> str:
    """A yuan row of another region: a currency link that exists but does not match."""
    region = _col(pkg, "indicators", "region_id")
    other = np.flatnonzero((kinds["indicators"] == "CNY") & (region != region[row]))
    return pkg.tables["indicators"].column("record_id")[int(other[0])].as_py()


def _announced_year_before(pkg: Package, row: int, kinds: Kinds) -> str:
    return str(int(_cell("targets", "announced")(pkg, row)[:4]) - 1)


KINDS = (
    Kind("type-error", "a year written with a letter O", "indicators", "period", True, _every_row,
         lambda pkg, row, _: (lambda y: y[0] + "O" + y[2:])(_cell("indicators", "period")(pkg, row)),
         collateral=("period",)),
    Kind("above-maximum", "a target year above the schema's maximum 2100", "targets", "target_year", True,
         _every_row, lambda pkg, row, _: "2150", collateral=("target_year",)),
    Kind("foreign-key", "a region_id that regions.csv lacks", "indicators", "region_id", True,
         _every_row, lambda pkg, row, _: "atlantis"),
    Kind("duplicate-primary-key", "a record repeated at the end of the table", "targets", "record_id", True,
         _every_row, None),
    Kind("enum", "a comparator outside the enum", "indicators", "comparator", True, _plain_rows,
         lambda pkg, row, _: "≈"),
    Kind("required", "an empty required cell (kind)", "targets", "kind", True,
         _every_row, lambda pkg, row, _: ""),
    Kind("pattern", "a publication date with slashes", "sources", "published", True,
         lambda pkg, t, _: np.flatnonzero(np.char.str_len(_col(pkg, t, "published").astype(str)) == 10),
         lambda pkg, row, _: _cell("sources", "published")(pkg, row).replace("-", "/")),
    Kind("outside-indicator-range", "a share of 250 per cent", "indicators", "value", False,
         lambda pkg, t, _: np.flatnonzero(np.isin(_col(pkg, t, "indicator"), _below(pkg, 250))),
         lambda pkg, row, _: "250", collateral=("value",)),
    Kind("wrong-unit", "a yuan figure with unit USD", "indicators", "unit", False, _kind_is("CNY"),
         lambda pkg, row, _: "USD", collateral=("unit",)),
    Kind("formula", "a notes cell a spreadsheet would run as a formula", "indicators", "notes", False,
         _every_row, lambda pkg, row, _: "=1+1"),
    Kind("altered-quote", "a quote with words the article does not have", "indicators", "quote", False, _every_row,
         lambda pkg, row, _: "Reportedly, " + _cell("indicators", "quote")(pkg, row)),
    Kind("altered-evidence", "a region evidence span with a word the article does not have", "provenance",
         "evidence", False, _every_row, None),
    Kind("missing-provenance", "the provenance row of a target's unit deleted", "targets", "unit", False,
         _kind_is("CNY", "EFLOPS", "percent", "count", "rank"), None),
    Kind("value-not-in-quote", "a value twice what its quote states", "indicators", "value", False,
         _kind_is("CNY"), _times(2, "indicators"), collateral=("value",)),
    Kind("not-whole", "a count that is not a whole number", "indicators", "value", False, _kind_is("count"),
         lambda pkg, row, _: _cell("indicators", "value")(pkg, row) + ".5", collateral=("value",)),
    Kind("checksum-mismatch", "a SHA-256 that is not the archived text's", "sources", "sha256", False, _every_row,
         lambda pkg, row, _: hashlib.sha256(b"not the archived text" + bytes([row % 256])).hexdigest()),
    Kind("target-before-announcement", "a target year before its announcement", "targets", "target_year", False,
         lambda pkg, t, kinds: np.flatnonzero(kinds[t] != "qualitative"), _announced_year_before,
         collateral=("target_year",)),
    Kind("currency-link", "a US-dollar row linked to another region's yuan row", "indicators", "equivalent_of",
         False, lambda pkg, t, kinds: np.flatnonzero(kinds[t] == "usd"), _other_record),
)


def seed(pkg: Package, seed: int = 0) -> list[Seeded]:
    """Damage `pkg` in place, one error of each kind in a different record; return where each one is."""
    rng = np.random.default_rng(seed)
    kinds = statement_kinds(pkg)
    used: dict[str, set[int]] = {}
    chosen = []
    for kind in KINDS:
        home = "indicators" if kind.table == "provenance" else kind.table
        taken = used.setdefault(home, set())
        candidates = [int(r) for r in kind.pick(pkg, home, kinds) if int(r) not in taken]
        if not candidates:
            raise ValueError(f"no row to seed {kind.name!r} into: the package is too small")
        row = candidates[int(rng.integers(0, len(candidates)))]
        taken.add(row)
        chosen.append((kind, home, row))
    # cell edits first: they change no row's line; then the one deletion (provenance) and the one append (targets)
    for kind, home, row in chosen:
        if kind.damage is not None:
            _set(pkg, home, row, kind.field, kind.damage(pkg, row, kinds))
        elif kind.name == "altered-evidence":
            prov_row = _prov_row(pkg, "indicators", _record_id(pkg, home, row), "region_id")
            _set(pkg, "provenance", prov_row, "evidence", pkg.tables["provenance"].column("evidence")[prov_row]
                 .as_py() + " officials")
    for kind, home, row in chosen:
        if kind.name == "missing-provenance":
            gone = _prov_row(pkg, home, _record_id(pkg, home, row), "unit")
            t = pkg.tables["provenance"]
            pkg.tables["provenance"] = pa.concat_tables([t.slice(0, gone), t.slice(gone + 1)])
    out = []
    for kind, home, row in chosen:
        rid = _record_id(pkg, home, row)
        if kind.name == "duplicate-primary-key":
            t = pkg.tables[home]
            pkg.tables[home] = pa.concat_tables([t, t.slice(row, 1)])
            row = pkg.tables[home].num_rows - 1
        if kind.name == "altered-evidence":
            file, line = pkg.path("provenance"), _prov_row(pkg, "indicators", rid, "region_id") + LINE_OF_FIRST_ROW
        else:
            file, line = pkg.path(home), row + LINE_OF_FIRST_ROW
        collateral = tuple((pkg.path("provenance"), _prov_row(pkg, home, rid, f) + LINE_OF_FIRST_ROW)
                           for f in kind.collateral)
        out.append(Seeded(kind.name, kind.what, file, line, kind.field, kind.frictionless, collateral))
    return out


def _record_id(pkg: Package, table: str, row: int) -> str:
    return pkg.tables[table].column("record_id")[row].as_py() if table != "sources" else ""


def _prov_row(pkg: Package, resource: str, record_id: str, field: str) -> int:
    p = pkg.tables["provenance"]
    hit = pc.and_(pc.and_(pc.equal(p.column("record_id"), record_id), pc.equal(p.column("field"), field)),
                  pc.equal(p.column("resource"), resource))
    rows = np.flatnonzero(hit.to_numpy(zero_copy_only=False))
    if len(rows) != 1:
        raise LookupError(f"{len(rows)} provenance rows for ({resource}, {record_id}, {field}); expected one")
    return int(rows[0])


def _set(pkg: Package, table: str, row: int, field: str, value) -> None:
    t = pkg.tables[table]
    i = t.schema.get_field_index(field)
    col = t.column(i).combine_chunks()
    new = pa.concat_arrays([col.slice(0, row), pa.array([value], col.type), col.slice(row + 1)])
    pkg.tables[table] = t.set_column(i, field, new)
