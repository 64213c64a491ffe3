"""Layer 2: Pandera schemas made from datapackage.json and the indicator definitions.

`schema_for` turns a resource's Table Schema into Pandera's Polars schema: a `Column` for each field, with a
check for each constraint (dtype, required, enum, pattern, minimum/maximum, length, no formula text), and a
`DataFrameSchema` whose checks are the rules a Table Schema cannot say: each record's unit is its indicator's
canonical unit, its value lies in the indicator's range, percent within bounds, counts whole, qualitative aims
without numbers, composite keys unique, currency equivalents linked to a matching yuan row, target year not before
the announcement, findings naming real records. Every check is a Polars expression; pandera's failure cases
name the rows that fail, and `t.table.lines` their CSV lines. Nothing here re-types a column list: every
name comes from the descriptor.

One fault is one error (structure.Typed.mark): a cell is reported by the first check it fails, and later
checks leave it, in the order the schema lists them; a rule does not judge a row whose cells it reads were
reported before. The cells are typed by the structure layer (a pandera cast reports a failed cast twice and
then skips the column's range checks), so pandera sees typed columns.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import cached_property, wraps
from typing import Callable

import numpy as np
import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaErrors

from . import releasable
from .descriptor import RECORD_TABLES, YEAR_FIELD, Descriptor, Field, Resource, pattern_error
from .report import Problem
from .structure import Typed

# OWASP's formula triggers: a leading =, +, - or @, also behind tabs or carriage returns (which a spreadsheet
# skips before it reads the cell as a formula)
FORMULA = r"^[\t\r]*[=+\-@]"
# The column types pandera checks: Typed.pl's, but text is given as plain text (a Categorical's distinct texts)
DTYPES = {"string": pl.String, "integer": pl.Int64, "number": pl.Float64, "boolean": pl.Boolean, "date": pl.Date}
SHARE_RELATIONS = ("share_of_parent", "share_of_national", "share_of_external")
WHOLE_UNITS = ("count", "rank")
WORDS = r"\S+"  # the ids of a list cell, as str.split() finds them
# Cells the rules read beside a row's own, named apart from any field: whether the row holds a cell reported
# already, its indicator's definition, the row its equivalent_of names, ...
FAILED = "row.failed"
DEFINITION = "definition."
LINKED = "linked."
CYCLE = "parents.cycle"
UNKNOWN_RECORDS = "records.unknown"
UNKNOWN_SOURCES = "other_sources.unknown"


@dataclass(frozen=True)
class Rule:
    """A check that spans columns or tables: `ok` is True where a row passes; a row it cannot decide (null)
    fails, so that nothing passes unseen."""

    field: str
    needs: tuple[str, ...]
    ok: pl.Expr
    say: Callable[[dict], tuple[str, str]]  # the failing row's cells -> (what is wrong, what was expected)
    # the cells its verdict depends on, when fewer than `needs`: a row whose such cell was reported before is
    # not judged
    depends: tuple[str, ...] | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        """The cells the rule reports (a rule about a combination names them all)."""
        return tuple(self.field.split(","))

    @property
    def reads(self) -> tuple[str, ...]:
        return self.needs if self.depends is None else self.depends

    @property
    def check(self) -> pa.Check:
        return pa.Check(lambda data: data.lazyframe.select(self.ok), name=f"rule:{self.field}", ignore_na=False)


@dataclass
class Schema:
    resource: Resource
    rules: list[Rule]

    @cached_property
    def columns(self) -> dict[str, tuple[pa.Column, list[Callable[[object], tuple[str, str]]]]]:
        """Each field's column, and for each of its checks what it says of a failing value (made when first
        asked for: the rules need none)."""
        return {f.name: _column(f) for f in self.resource.fields}

    @property
    def checks(self) -> pa.DataFrameSchema:
        """The rules, as the frame's checks."""
        return pa.DataFrameSchema(checks=[r.check for r in self.rules], name=self.resource.name)


def _text_check(name: str, test: Callable[[pl.Expr], pl.Expr]) -> pa.Check:
    return pa.Check(lambda data: data.lazyframe.select(test(pl.col(data.key))), name=name)


def _column(f: Field) -> tuple[pa.Column, list]:
    c = f.constraints
    checks, says = [], []

    def add(check, say):
        checks.append(check)
        says.append(say)

    if "enum" in c:
        allowed = list(c["enum"])
        add(pa.Check.isin(allowed), lambda v: (f"{v!r} is not an allowed value", "one of: " + ", ".join(map(str, allowed))))
    if "pattern" in c and _compiles(c["pattern"]):
        pattern = c["pattern"]
        add(_text_check("pattern", lambda s: s.str.contains(f"^(?:{pattern})$")),
            lambda v: (f"{v!r} does not match the field's pattern", f"text matching {pattern}"))
    if "minimum" in c:
        lo = c["minimum"]
        add(pa.Check.ge(_bound(lo, f.type)), lambda v: (f"{_show(v)} is below the minimum", f"at least {lo}"))
    if "maximum" in c:
        hi = c["maximum"]
        add(pa.Check.le(_bound(hi, f.type)), lambda v: (f"{_show(v)} is above the maximum", f"at most {hi}"))
    if "minLength" in c:
        n = c["minLength"]
        add(_text_check("min_length", lambda s: s.str.len_chars() >= n),
            lambda v: (f"{v!r} is shorter than {n} character(s)", f"at least {n}"))
    if "maxLength" in c:
        n = c["maxLength"]
        add(_text_check("max_length", lambda s: s.str.len_chars() <= n),
            lambda v: (f"{v!r} is longer than {n} character(s)", f"at most {n}"))
    if f.type == "string":  # what the release's Excel export refuses, refused first (schemas.releasable)
        add(_text_check("no_control", lambda s: ~s.str.contains(releasable.CONTROL)),
            lambda v: (f"{v!r} holds a control character", "printable text (tabs and line breaks are fine): an Excel "
                       "file cannot carry a control character"))
    if f.type in ("integer", "number"):
        add(pa.Check(lambda data: data.lazyframe.select(pl.col(data.key).map_batches(_fits_excel, pl.Boolean)),
                     name="excel_digits"),
            lambda v: (f"{_show(v)} has more than {releasable.EXCEL_DIGITS} significant digits",
                       f"at most {releasable.EXCEL_DIGITS}, all that Excel keeps (it would round the rest)"))
    if f.type == "string" and "enum" not in c:  # an enum's codes ('=', '>=') are the schema's own, not free text
        add(_text_check("no_formula", lambda s: ~s.str.contains(FORMULA)),
            lambda v: (f"{v!r} starts with {_formula_start(v)!r}, which a spreadsheet runs as a formula",
                       "text that does not start with =, +, - or @, nor with tabs or carriage returns before one"))
    return pa.Column(DTYPES.get(f.type, DTYPES["string"]), nullable=not f.required, checks=checks, name=f.name), says


def schema_for(res: Resource, rules: list[Rule] = ()) -> Schema:
    """The resource's Pandera schema: its columns from the descriptor, the rules its frame's checks."""
    return Schema(res, list(rules))


def check_columns(typed: dict[str, Typed]) -> list[Problem]:
    """Each table's column checks: run before the keys, so that a cell that breaks its own constraint is
    reported for that, not again as a dangling reference. A table's column checks read and mark its own cells
    alone, so the tables are checked side by side (the larger first), their problems kept in the tables' order."""
    larger_first = sorted(typed, key=lambda name: -typed[name].pl.height)
    # each run sets the engine and gives back the one it found: set here first, that is the one every run finds
    with pl.Config(engine_affinity="in-memory"), ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        found = dict(zip(larger_first, pool.map(lambda name: run_columns(schema_for(typed[name].resource),
                                                                         typed[name]), larger_first)))
    return [p for name in typed for p in found[name]]


def check_rules(desc: Descriptor, typed: dict[str, Typed]) -> list[Problem]:
    """Each table's rules: run after the keys, and quiet about every cell reported before. A table's rules
    are made when its turn comes: the cells reported by the rules of the tables before it count."""
    problems = []
    for name, t in typed.items():
        frame, rules = _rules(name, desc, typed)
        rules = [r for r in rules if all(c in t.pl.columns for c in r.needs)]
        problems += run_rules(schema_for(t.resource, rules), t, frame)
    return problems


def _in_memory(run: Callable) -> Callable:
    """`run` on Polars' in-memory engine: pandera collects a lazy frame several times for each check, and the
    streaming engine, Polars' default, costs a start-up at each (a quarter of the schema layer's time on a small
    package, more on a busy machine; no slower on a large one)."""
    @wraps(run)
    def in_memory(*args, **kwargs):
        with pl.Config(engine_affinity="in-memory"):
            return run(*args, **kwargs)
    return in_memory


@_in_memory
def run_columns(schema: Schema, t: Typed) -> list[Problem]:
    """The column checks of a typed table. A column check depends on the cell alone: each column's distinct
    values are validated, and a failing value is reported in every row holding it whose cell was not
    reported before; the checks in the order the schema lists them (an empty required cell first), so the
    first check a cell fails is the one said."""
    problems: list[Problem] = []
    for name, (column, says) in schema.columns.items():
        if name not in t.pl.columns:
            continue
        cells = t.pl.get_column(name)
        distinct = cells.unique()
        cases = _failures(column, distinct.cast(column.dtype.type).to_frame(), t, problems, lambda _: name)
        if cases.is_empty():  # most columns: nothing to group
            continue
        for (number,), group in cases.sort("check_number", nulls_last=False).group_by("check_number",
                                                                                        maintain_order=True):
            check = group["check"][0]
            hit = cells.is_null() if check == "not_nullable" else cells.is_in(distinct.gather(group["index"]).implode())
            rows = np.flatnonzero(hit.fill_null(False).to_numpy() & ~t.bad(name))
            t.mark(name, rows)
            say = (lambda _: ("cell is empty", "a value: the field is required")) if number is None else says[number]
            said = {}
            for line, value in zip(t.table.lines[rows], cells.gather(rows).to_list()):
                if value not in said:
                    said[value] = say(value)
                problems.append(Problem("schema", t.file, int(line), name, *said[value], check))
    return problems


@_in_memory
def run_rules(schema: Schema, t: Typed, frame: pl.DataFrame | None = None) -> list[Problem]:
    """The rules of a typed table, on `frame` (the table's cells with those its rules look up beside them).
    Each is judged on every row; then, in the order they are listed, a rule reports the failing rows where no
    cell it reads or reports was reported before, and marks the cells it reports, so that the next rule about
    them says nothing."""
    if not schema.rules:
        return []
    frame = t.pl if frame is None else frame
    problems: list[Problem] = []
    cases = _failures(schema.checks, frame, t, problems, lambda number: schema.rules[number].field)
    failing = {number: group["index"].to_numpy() for (number,), group in cases.group_by("check_number")}
    for number, rule in enumerate(schema.rules):
        if number not in failing:
            continue
        hit = np.zeros(len(frame), dtype=bool)
        hit[failing[number]] = True
        rows = np.flatnonzero(hit & ~t.bad(*rule.fields, *rule.reads))
        for f in rule.fields:
            t.mark(f, rows)
        for row, line in zip(rows, t.table.lines[rows]):
            problems.append(Problem("schema", t.file, int(line), rule.field, *rule.say(frame.row(int(row), named=True)),
                                    f"rule:{rule.field}"))
    return problems


_NO_CASES = pl.DataFrame(schema={"column": pl.String, "check": pl.String, "check_number": pl.Int32,
                                 "index": pl.Int32})


def _failures(schema: pa.DataFrameSchema | pa.Column, frame: pl.DataFrame, t: Typed, problems: list[Problem],
              field_of: Callable[[int], str]) -> pl.DataFrame:
    """The failure cases of one validation that name a row (`index`, its position in `frame`); a check that
    could not run becomes a problem, reported loudly, never passed unseen."""
    try:
        schema.validate(frame, lazy=True)
        return _NO_CASES
    except SchemaErrors as exc:
        cases = exc.failure_cases
    for check, number, case in cases.filter(pl.col("index").is_null()) \
            .select("check", "check_number", "failure_case").iter_rows():
        problems.append(Problem("schema", t.file, None, field_of(number), f"the check {check} could not run ({case})",
                                "a check that runs on every row", "check-error"))
    return cases.filter(pl.col("index").is_not_null())


# ------------------------------------------------------------------ rules
def _rules(name: str, desc: Descriptor, typed: dict[str, Typed]) -> tuple[pl.DataFrame, list[Rule]]:
    """A table's rules, and its cells with those the rules look up beside them."""
    if name in RECORD_TABLES:
        return _record_rules(name, desc.resources[name], typed)
    rules = {"indicator_definitions": _definition_rules, "sources": _source_rules,
             "findings": _finding_rules, "regions": _region_rules}.get(name)
    return rules(typed) if rules else (typed[name].pl, [])


def _definitions(typed: dict[str, Typed]) -> pl.DataFrame:
    """The indicator definitions the record rules read, one row per indicator code, named definition.*."""
    t = typed.get("indicator_definitions")
    types = {"indicator": pl.Categorical, "unit": pl.Categorical, "min": pl.Float64, "max": pl.Float64,
             "qualitative": pl.Boolean, "relation": pl.Categorical, "relates_to": pl.Categorical}
    if t is None or not all(c in t.pl.columns for c in types):
        defs = pl.DataFrame(schema=types)
    else:  # a definition with a cell reported already is no rule for its records: they are not judged by it
        defs = t.pl.select(*types).filter(pl.Series(~t.bad(*types))).drop_nulls("indicator") \
            .unique("indicator", keep="first", maintain_order=True)
    return defs.select(pl.col("indicator"), pl.exclude("indicator").name.prefix(DEFINITION),
                       pl.lit(True).alias(DEFINITION + "known"))


def _first_rows(frame: pl.DataFrame, key: str, prefix: str) -> pl.DataFrame:
    """For each value of `key`, the cells of the first row holding it, named prefix + field (and prefix +
    `found`), to join where another row names it."""
    return frame.drop_nulls(key).unique(key, keep="first", maintain_order=True) \
        .select(pl.all().name.prefix(prefix), pl.lit(True).alias(prefix + "found"))


def _record_rules(name: str, res: Resource, typed: dict[str, Typed]) -> tuple[pl.DataFrame, list[Rule]]:
    t = typed[name]
    year = YEAR_FIELD[name]
    link = ["record_id", "equivalent_of", "region_id", "indicator", year, "source_id"]
    frame = t.pl.with_columns(pl.Series(FAILED, t.bad(*t.failed)))
    if "indicator" in frame.columns:
        frame = frame.join(_definitions(typed), on="indicator", how="left", maintain_order="left")
    if all(c in frame.columns for c in link):
        rows = _first_rows(frame.select("record_id", "region_id", "source_id", year, "indicator", FAILED),
                           "record_id", LINKED)
        frame = frame.join(rows, left_on="equivalent_of", right_on=LINKED + "record_id", how="left",
                           maintain_order="left")

    def d(col: str) -> pl.Expr:
        """The row's indicator's definition of `col` (null where the indicator has none)."""
        return pl.col(DEFINITION + col)

    known = d("known").fill_null(False)
    qualitative = d("qualitative").fill_null(False)
    unit, value = pl.col("unit"), pl.col("value")
    cells = ("indicator", "unit", "value", "comparator")  # what the rules of a figure read, as one set
    rules = [
        Rule("unit", cells, ~known | qualitative | unit.is_null() | (unit == d("unit")),
             lambda r: (f"unit {r['unit']!r} is not the canonical unit of {r['indicator']}",
                        f"{r[DEFINITION + 'unit']!r}, as indicator_definitions.csv says"), depends=("indicator", "unit")),
        Rule("value", cells,
             ~known | value.is_null() | (d("min").is_null() | (value >= d("min"))) & (d("max").is_null() | (value <= d("max"))),
             lambda r: (f"{_show(r['value'])} is outside the plausible range of {r['indicator']}",
                        f"{_show(r[DEFINITION + 'min'])} to {_show(r[DEFINITION + 'max'])}"),
             depends=("indicator", "value")),
        Rule("value", cells,
             value.is_null() | unit.ne_missing("percent")
             | ((value >= -100) & (~_isin(d("relation"), SHARE_RELATIONS) | (value <= 100))),
             lambda r: (f"{_show(r['value'])} percent is out of bounds",
                        "a share from 0 to 100, a change of at least -100"), depends=("indicator", "unit", "value")),
        Rule("value", cells, value.is_null() | ~_isin(unit, WHOLE_UNITS) | (value % 1 == 0),
             lambda r: (f"{_show(r['value'])} {r['unit']} is not a whole number", "a whole number"),
             depends=("unit", "value")),
        Rule("value", cells, ~known | ~qualitative | value.is_null(),
             lambda r: (f"{r['indicator']} is qualitative but the row has a value",
                        "an empty value, unit and comparator"),
             depends=("indicator", "value")),
    ]
    required = {f.name for f in res.fields if f.required}  # those report an empty cell already
    for col in ("value", "unit", "comparator"):
        if col in required:
            continue
        rules.append(Rule(col, cells, ~known | qualitative | pl.col(col).is_not_null(),
                          lambda r, col=col: (f"{col} is empty for the quantitative indicator {r['indicator']}",
                                              f"a {col}: only qualitative aims have none"), depends=("indicator", col)))
    rules.append(Rule("unit", cells, ~known | ~qualitative | unit.is_null(),
                      lambda r: (f"{r['indicator']} is qualitative but the row has unit {r['unit']!r}",
                                 "an empty unit"),
                      depends=("indicator", "unit")))
    key = ["region_id", "indicator", year, "source_id"] + (["kind"] if name == "targets" else [])
    rules.append(Rule(",".join(key), tuple(key), pl.struct(key).is_first_distinct(),
                      lambda r: (f"a second row for {', '.join(str(r[k]) for k in key)}",
                                 "one row per region, indicator, year and source (a source states a figure once)")))

    def linked(col: str) -> pl.Expr:
        return pl.col(LINKED + col)

    linkless, found = pl.col("equivalent_of").is_null(), linked("found").fill_null(False)
    currency = d("relation").eq("currency_equivalent").fill_null(False)
    same = (pl.col("region_id") == linked("region_id")) & (pl.col("source_id") == linked("source_id")) \
        & (pl.col(year) == linked(year)) & (linked("indicator") == d("relates_to"))
    # a linked row with a cell reported already is not compared: that cell is its one error; a dangling link is
    # the foreign key check's to report
    rules.append(Rule("equivalent_of", tuple(link),
                      linkless & ~currency | ~linkless & currency & (same | found & linked(FAILED)) | ~linkless & ~found,
                      lambda r: (f"currency link {r['equivalent_of']!r} for {r['indicator']} does not match"
                                 if r["equivalent_of"] is not None else f"{r['indicator']} is a currency equivalent "
                                 "without equivalent_of",
                                 "a currency-equivalent indicator linked to a row of its relates_to indicator "
                                 "with the same region, year and source")))
    if name == "targets":  # findings, provenance and anchors name a record by its id alone
        observed = typed.get("indicators")
        ids = observed.pl.get_column("record_id").drop_nulls().unique() if observed is not None \
            and "record_id" in observed.pl.columns else pl.Series([], dtype=pl.Categorical)
        rules.append(Rule("record_id", ("record_id",), ~_isin(pl.col("record_id"), ids),
                          lambda r: (f"record_id {r['record_id']!r} is also a record of indicators.csv",
                                     "a record_id used by one record in indicators.csv and targets.csv together")))
        announced_year = pl.col("announced").cast(pl.String).str.slice(0, 4).cast(pl.Int64, strict=False)
        rules.append(Rule("target_year", ("target_year", "announced"),
                          pl.col("announced").is_null() | pl.col("target_year").is_null()
                          | (pl.col("target_year") >= announced_year),
                          lambda r: (f"target year {r['target_year']} is before the announcement ({r['announced']})",
                                     "a target year in or after the year it was announced")))
    return frame, rules


def _definition_rules(typed) -> tuple[pl.DataFrame, list[Rule]]:
    low, high, unit = pl.col("min"), pl.col("max"), pl.col("unit")
    return typed["indicator_definitions"].pl, [
        Rule("max", ("min", "max"), low.is_null() | high.is_null() | (low <= high),
             lambda r: (f"max {_show(r['max'])} is below min {_show(r['min'])}", "min <= max")),
        Rule("unit", ("qualitative", "unit"), pl.col("qualitative").is_null() | (pl.col("qualitative") == unit.is_null()),
             lambda r: ("a qualitative indicator with a unit" if r["qualitative"] else "a quantitative indicator without a unit",
                        "a unit exactly when the indicator is quantitative")),
        Rule("relates_to", ("relation", "relates_to"), pl.col("relation").is_null() == pl.col("relates_to").is_null(),
             lambda r: ("relation and relates_to are not set together", "both set or both empty")),
    ]


def _source_rules(typed) -> tuple[pl.DataFrame, list[Rule]]:
    first, last = partial_date_bounds(pl.col("published"))
    low, high = pl.col("published_earliest"), pl.col("published_latest")
    return typed["sources"].pl, [
        Rule("published_latest", ("published_earliest", "published_latest"),
             low.is_null() | high.is_null() | (low <= high),
             lambda r: ("published_latest is before published_earliest", "earliest <= latest")),
        Rule("published", ("published", "published_earliest", "published_latest"),
             pl.col("published").is_null()
             | ((low.is_null() | last.is_null() | (last >= low)) & (high.is_null() | first.is_null() | (first <= high))),
             lambda r: (f"published {r['published']!r} lies outside its bounds", "a date between published_earliest "
                        "and published_latest")),
    ]


def _region_rules(typed) -> tuple[pl.DataFrame, list[Rule]]:
    regions = typed["regions"].pl
    frame = regions
    if "region_id" in regions.columns and "parent_id" in regions.columns:
        frame = regions.with_columns(pl.Series(CYCLE, parent_cycles(regions["region_id"], regions["parent_id"])))

    def chain(region_id) -> str:
        """The parents from a region round its cycle back to it, for the message (a failing row only)."""
        parent = dict(zip(regions["region_id"].to_list()[::-1], regions["parent_id"].to_list()[::-1]))
        seen, at = [region_id], parent.get(region_id)
        while at is not None and at not in seen:
            seen.append(at)
            at = parent.get(at)
        return " -> ".join([*seen, str(at)])

    parent = pl.col("parent_id")
    return frame, [
        Rule("parent_id", ("region_id", "parent_id"), parent.is_null() | parent.ne_missing(pl.col("region_id")),
             lambda r: (f"{r['region_id']} is its own parent", "the region_id of another place")),
        Rule("parent_id", ("region_id", "level", "parent_id"), pl.col("level").ne_missing("country") | parent.is_null(),
             lambda r: (f"{r['region_id']} is a country but has the parent {r['parent_id']}",
                        "no parent_id: a country is the top of the hierarchy"), depends=("level", "parent_id")),
        Rule("parent_id", ("region_id", "parent_id"), ~pl.col(CYCLE),
             lambda r: (f"the parents of {r['region_id']} lead back to it ({chain(r['region_id'])})",
                        "parents that end at a place without a parent"))]


def parent_cycles(region_id: pl.Series, parent_id: pl.Series) -> np.ndarray:
    """For each row, whether it is the first row of a cycle of two or more parents (a region its own parent is
    another rule's): one error per cycle. Each row is walked once, so the time is linear however long the
    chains."""
    rows = _first_rows(pl.DataFrame({"id": region_id}).with_row_index("row"), "id", "")
    parents = pl.DataFrame({"id": parent_id}).join(rows, on="id", how="left", maintain_order="left") \
        .get_column("row").fill_null(-1).to_numpy()
    state = np.zeros(len(parents), dtype=np.int8)  # 0 not seen, 1 on the path being walked, 2 done
    first = np.zeros(len(parents), dtype=bool)
    for start in range(len(parents)):
        path = []
        at = start
        while at >= 0 and state[at] == 0:
            state[at] = 1
            path.append(at)
            at = parents[at]
        if at >= 0 and state[at] == 1:  # the walk came back to itself: a cycle, from `at` on
            cycle = path[path.index(at):]
            if len(cycle) >= 2:
                first[min(cycle)] = True
        state[path] = 2
    return first


def _finding_rules(typed) -> tuple[pl.DataFrame, list[Rule]]:
    def ids(name: str, column: str) -> pl.Series:
        t = typed.get(name)
        return t.pl.get_column(column) if t is not None and column in t.pl.columns \
            else pl.Series([], dtype=pl.Categorical)

    records = pl.concat([ids(n, "record_id") for n in RECORD_TABLES])
    # a record_id reported already may be the one a finding names: no record is then said to be unknown
    unsure = any(typed[n].bad("record_id").any() for n in RECORD_TABLES if n in typed)
    frame = typed["findings"].pl
    if "records" in frame.columns:
        frame = frame.with_columns(_unknown_ids(frame["records"], records).alias(UNKNOWN_RECORDS))
    if "other_sources" in frame.columns:
        frame = frame.with_columns(_unknown_ids(frame["other_sources"], ids("sources", "source_id")).alias(UNKNOWN_SOURCES))
    repeats_source = pl.col("other_sources").cast(pl.String).str.extract_all(WORDS) \
        .list.contains(pl.col("source_id").cast(pl.String)).fill_null(False)
    return frame, [
        Rule("records", ("records",), (pl.col(UNKNOWN_RECORDS).list.len().fill_null(0) == 0) | unsure,
             lambda r: (f"names record(s) that exist in neither indicators.csv nor targets.csv: "
                        f"{' '.join(r[UNKNOWN_RECORDS])}", "record_ids of indicators.csv or targets.csv")),
        Rule("other_sources", ("other_sources", "source_id"),
             (pl.col(UNKNOWN_SOURCES).list.len().fill_null(0) == 0) & ~repeats_source,
             lambda r: (f"other_sources {r['other_sources']!r} names an unknown source or repeats source_id",
                        "source_ids of sources.csv other than source_id")),
    ]


def _unknown_ids(cells: pl.Series, known: pl.Series) -> pl.Series:
    """For each cell listing ids (separated by white space), those not among `known`, in order; null where none
    is unknown."""
    listed = pl.DataFrame({"id": cells.cast(pl.String).str.extract_all(WORDS)}).with_row_index("row").explode("id")
    # the few listed ids are looked up among the known ones as categories: no text is made of a million ids
    unknown = listed.filter(pl.col("id").is_not_null() & ~_isin(pl.col("id").cast(known.dtype), known)) \
        .group_by("row").agg("id")
    every = pl.DataFrame({"row": pl.int_range(len(cells), dtype=pl.UInt32, eager=True)})  # a cell listing none too
    return every.join(unknown, on="row", how="left", maintain_order="left").get_column("id")


# ---------------------------------------------------------------- helpers
def _isin(column: pl.Expr, values) -> pl.Expr:
    """Whether each cell is one of `values` (an empty cell is not)."""
    values = values if isinstance(values, pl.Series) else pl.Series(list(values))
    return column.is_in(values.implode()).fill_null(False)


def partial_date_bounds(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """First and last day that an ISO date of year, month or day precision can mean."""
    text = text.cast(pl.String)
    n = text.str.len_chars()
    first = pl.when(n == 4).then(text + "-01-01").when(n == 7).then(text + "-01").otherwise(text) \
        .str.to_date("%Y-%m-%d", strict=False)
    last = pl.when(n == 10).then(first).when(n == 7).then(first.dt.month_end()) \
        .otherwise(pl.date(first.dt.year(), 12, 31))
    return first, last


def _fits_excel(numbers: pl.Series) -> pl.Series:
    return pl.Series(~releasable.too_precise_each(numbers.to_pandas(use_pyarrow_extension_array=True)))


def _formula_start(value) -> str:
    text = str(value)
    return text[: len(text) - len(text.lstrip("\t\r")) + 1]


def _compiles(pattern: str) -> bool:
    """A pattern the descriptor check refused is reported there alone."""
    return pattern_error(pattern) is None


def _bound(value, type_: str):
    return date.fromisoformat(value) if type_ == "date" else value


def _show(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "(empty)"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e18:
        return str(int(v))
    return str(v)
