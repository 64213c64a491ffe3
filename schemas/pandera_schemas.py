"""Layer 2: Pandera schemas made from datapackage.json and the indicator definitions.

`schema_for` turns a resource's Table Schema into a `pandera.DataFrameSchema`
(dtype, required, enum, pattern, minimum/maximum, length, no formula text),
and adds the rules a Table Schema cannot say: each record's unit is its
indicator's canonical unit, its value lies in the indicator's range, percent
within bounds, counts whole, qualitative aims without numbers, composite keys
unique, currency equivalents linked to a matching yuan row, target year not
before the announcement, findings naming real records. Nothing here re-types
a column list: every name comes from the descriptor.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from .descriptor import RECORD_TABLES, YEAR_FIELD, Descriptor, Field, Resource
from . import frames, releasable
from .frames import row_of
from .report import Problem
from .structure import Typed

# OWASP's formula triggers: a leading =, +, - or @, also behind tabs or carriage returns (which a spreadsheet
# skips before it reads the cell as a formula)
FORMULA = r"^[\t\r]*[=+\-@]"
# Columns are validated as their distinct values (see run): text as plain Arrow text.
DTYPES = {"string": frames.CATEGORIES, "integer": "Int64", "number": "float64", "boolean": "boolean",
          "date": "datetime64[ns]"}
SHARE_RELATIONS = ("share_of_parent", "share_of_national", "share_of_external")
WHOLE_UNITS = ("count", "rank")


@dataclass(frozen=True)
class Rule:
    """A check that spans columns or tables: `ok` is True where a row passes."""

    field: str
    needs: tuple[str, ...]
    ok: Callable[[pd.DataFrame], pd.Series]
    say: Callable[[pd.Series], tuple[str, str]]  # the failing row -> (what is wrong, what was expected)
    whole_table: bool = False  # it compares rows with each other: it sees every row, not distinct cells
    # the cells its verdict depends on, when fewer than `needs` (rules that read a few cells are grouped on
    # one set): a row whose such cell was reported before is not judged
    depends: tuple[str, ...] | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        """The cells the rule reports (a rule about a combination names them all)."""
        return tuple(self.field.split(","))

    @property
    def reads(self) -> tuple[str, ...]:
        return self.needs if self.depends is None else self.depends


@dataclass
class Schema:
    schema: pa.DataFrameSchema
    column_says: dict[str, list[Callable[[object], tuple[str, str]]]]
    rules: list[Rule]


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
        add(pa.Check(lambda s: frames.text_regex(s, pattern, full=True), name="pattern"),
            lambda v: (f"{v!r} does not match the field's pattern", f"text matching {pattern}"))
    if "minimum" in c:
        lo = c["minimum"]
        add(pa.Check.ge(_bound(lo, f.type)), lambda v: (f"{_show(v)} is below the minimum", f"at least {lo}"))
    if "maximum" in c:
        hi = c["maximum"]
        add(pa.Check.le(_bound(hi, f.type)), lambda v: (f"{_show(v)} is above the maximum", f"at most {hi}"))
    if "minLength" in c:
        n = c["minLength"]
        add(pa.Check(lambda s: ~(frames.text_lengths(s) < n), name="min_length"),
            lambda v: (f"{v!r} is shorter than {n} character(s)", f"at least {n}"))
    if "maxLength" in c:
        n = c["maxLength"]
        add(pa.Check(lambda s: ~(frames.text_lengths(s) > n), name="max_length"),
            lambda v: (f"{v!r} is longer than {n} character(s)", f"at most {n}"))
    if f.type == "string":  # what the release's Excel export refuses, refused first (schemas.releasable)
        add(pa.Check(lambda s: ~frames.text_regex(s, releasable.CONTROL, missing=False), name="no_control"),
            lambda v: (f"{v!r} holds a control character", "printable text (tabs and line breaks are fine): an Excel "
                       "file cannot carry a control character"))
    if f.type in ("integer", "number"):
        add(pa.Check(lambda s: pd.Series(~releasable.too_precise_each(s), index=s.index), name="excel_digits"),
            lambda v: (f"{_show(v)} has more than {releasable.EXCEL_DIGITS} significant digits",
                       f"at most {releasable.EXCEL_DIGITS}, all that Excel keeps (it would round the rest)"))
    if f.type == "string" and "enum" not in c:  # an enum's codes ('=', '>=') are the schema's own, not free text
        add(pa.Check(lambda s: ~frames.text_regex(s, FORMULA, missing=False), name="no_formula"),
            lambda v: (f"{v!r} starts with {_formula_start(v)!r}, which a spreadsheet runs as a formula",
                       "text that does not start with =, +, - or @, nor with tabs or carriage returns before one"))
    column = pa.Column(DTYPES.get(f.type, DTYPES["string"]), nullable=not f.required, required=False, checks=checks)
    return column, says


def schema_for(res: Resource, rules: list[Rule]) -> Schema:
    """The resource's Pandera schema, its columns from the descriptor, with the rules beside it: `run`
    makes the rules DataFrame checks, on the rows it shows them."""
    columns, says = {}, {}
    for f in res.fields:
        columns[f.name], says[f.name] = _column(f)
    return Schema(pa.DataFrameSchema(columns, name=res.name), says, rules)


def validate(desc: Descriptor, typed: dict[str, Typed]) -> list[Problem]:
    """Every table's column checks, then its rules (see check_columns and check_rules)."""
    return check_columns(typed) + check_rules(desc, typed)


def check_columns(typed: dict[str, Typed]) -> list[Problem]:
    """Each table's column checks: run before the keys, so that a cell that breaks its own constraint is
    reported for that, not again as a dangling reference."""
    problems = []
    for t in typed.values():
        problems += run_columns(schema_for(t.resource, []), t)
    return problems


def check_rules(desc: Descriptor, typed: dict[str, Typed]) -> list[Problem]:
    """Each table's rules: run after the keys, and quiet about every cell reported before."""
    problems = []
    for name, t in typed.items():
        rules = [r for r in _rules(name, desc, typed) if all(c in t.frame.columns for c in r.needs)]
        problems += run_rules(schema_for(t.resource, rules), t)
    return problems


def run(schema: Schema, t: Typed) -> list[Problem]:
    """Validate a typed table with its schema: its columns' checks, then its rules."""
    return run_columns(schema, t) + run_rules(schema, t)


def run_columns(schema: Schema, t: Typed) -> list[Problem]:
    """The column checks of a typed table.

    A column check depends on the cell alone, and most rules on a few cells of the row: so the columns'
    checks run on each column's distinct values (one validation for each group of columns with like
    numbers of distinct values, see _by_size), and the rules on the distinct combinations of the cells
    they read (one validation for each such set of cells, run_rules); the failures are then spread to every
    row holding them. Only rules about the whole table (a figure stated twice, a currency link) see every
    row. The checks are the same either way; only the rows they are shown differ. A cell that fails is
    marked on `t` (Typed.mark): it is reported once, by its first failing check, and later checks leave it.
    """
    problems: list[Problem] = []
    names = [n for n in schema.schema.columns if n in t.frame.columns]
    distinct = {n: _distinct(t.frame[n]) for n in names}
    cases = [_failures(pa.DataFrameSchema({n: schema.schema.columns[n] for n in group}),
                       pd.DataFrame({n: _pad(distinct[n][0], width) for n in group}), t, problems, schema)
             for group, width in _by_size({n: len(v) for n, (v, _) in distinct.items()})]
    found = [c for c in cases if len(c)]
    cases = pd.concat(found) if found else _NO_CASES
    if len(cases):  # the checks in the order the schema lists them: the first a cell fails is the one said
        cases = cases.assign(_order=pd.to_numeric(cases["check_number"], errors="coerce").fillna(-1)) \
            .sort_values(["column", "_order"], kind="stable")
    for (name, check, number), group in cases.groupby(["column", "check", "check_number"], dropna=False, sort=False):
        values, inverse = distinct[name]
        index = group["index"].astype(int).to_numpy()
        index = index[index < len(values)]  # a padding row repeats a value: its failure is that value's
        failing = np.zeros(len(values), dtype=bool)
        failing[index] = True
        rows = np.flatnonzero(failing[inverse] & ~t.bad(name))
        t.mark(name, rows)
        said = {}
        for pos, line in zip(rows, t.table.lines[rows]):
            k = int(inverse[pos])
            if k not in said:
                said[k] = ("cell is empty", "a value: the field is required") if check == "not_nullable" \
                    else schema.column_says[name][int(number)](values.iloc[k])
            problems.append(Problem("schema", t.file, int(line), name, *said[k], check))
    return problems


def run_rules(schema: Schema, t: Typed) -> list[Problem]:
    """The rules of a typed table (see run_columns): a row is not judged by a rule that reads a cell already
    reported, and a cell a rule reports is marked, so that the next rule about it says nothing."""
    problems: list[Problem] = []
    groups: dict[tuple, list[int]] = {}
    for number, rule in enumerate(schema.rules):
        if all(c in t.frame.columns for c in rule.needs):
            groups.setdefault(("whole",) if rule.whole_table else tuple(sorted(rule.needs)), []).append(number)
    whole = t.frame.assign(**{FAILED: _any_failed(t)})  # a rule comparing rows asks whether the other row is sound
    shown = {("whole",): (whole, np.arange(len(t.frame)))}
    for key in [k for k in groups if k != ("whole",)]:
        frame, inverse = _combinations(t.frame, list(key))
        if len(frame) * 2 > len(t.frame):  # hardly any repeats: show every row, with the table's other rules
            groups.setdefault(("whole",), []).extend(groups.pop(key))
        else:
            shown[key] = (frame, inverse)
    failing_rows: dict[int, tuple[np.ndarray, np.ndarray, pd.DataFrame]] = {}
    for key, numbers in groups.items():
        frame, inverse = shown[key]
        # Pandera drops the failures of a check whose result holds NA: every rule's result is made plain
        # True/False, and an undecidable row a failure, so that nothing passes unseen.
        checks = [pa.Check(lambda _, r=schema.rules[i], f=frame: r.ok(f).fillna(False).astype(bool), name=f"rule{i}")
                  for i in numbers]
        # Pandera is handed the rows' positions and each rule reads the cells itself: a failure is known by its
        # row either way, and pandera's copy of a failing row's cells made Python text of every distinct text
        # of the row's columns (a million record ids for one repeated figure).
        rows = pd.DataFrame({"row": np.arange(len(frame))})
        cases = _failures(pa.DataFrameSchema(checks=checks), rows, t, problems, schema)
        for check, group in cases.groupby("check", sort=False):
            failing = np.zeros(len(frame), dtype=bool)
            failing[group["index"].astype(int).to_numpy()] = True
            failing_rows[int(str(check)[4:])] = (failing[inverse], inverse, frame)
    for number in sorted(failing_rows):  # in the order the rules are listed: the first says it
        rule = schema.rules[number]
        failing, inverse, frame = failing_rows[number]
        rows = np.flatnonzero(failing & ~t.bad(*rule.fields, *rule.reads))
        for f in rule.fields:
            t.mark(f, rows)
        said = {}
        for pos, line in zip(rows, t.table.lines[rows]):
            k = int(inverse[pos])
            if k not in said:
                said[k] = rule.say(frame.iloc[k])
            problems.append(Problem("schema", t.file, int(line), rule.field, *said[k], f"rule:{rule.field}"))
    return problems


FAILED = "__failed__"  # the column, beside a whole table's cells, that says a row holds a cell already reported


def _any_failed(t: Typed) -> np.ndarray:
    return t.bad(*t.failed)


def _by_size(sizes: dict[str, int], spread: int = 8) -> list[tuple[list[str], int]]:
    """Columns in groups of like numbers of distinct values, each group with its largest: a column of six
    units is not padded to the million rows of the record ids (one validation per group, not per column)."""
    groups: list[tuple[list[str], int]] = []
    for name in sorted(sizes, key=lambda n: -sizes[n]):
        if groups and sizes[name] * spread >= groups[-1][1]:
            groups[-1][0].append(name)
        else:
            groups.append(([name], sizes[name]))
    return groups


def _pad(values: pd.Series, width: int) -> pd.Series:
    """A column's distinct values repeated up to `width` rows, so that a group of columns fits one frame."""
    if len(values) == width:
        return values
    if not len(values):
        return pd.Series([None] * width, dtype=values.dtype)
    return values.take(np.arange(width) % len(values)).reset_index(drop=True)


def _distinct(column: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """A column's distinct values (one missing value last, if any) and each row's index among them."""
    if isinstance(column.dtype, pd.CategoricalDtype):  # the distinct texts are the categories
        k = len(column.cat.categories)
        inverse = column.cat.codes.to_numpy().astype(np.int64)
        missing = inverse < 0
        values = pd.Series(column.cat.categories.array, dtype=DTYPES["string"])
    else:
        inverse, uniques = pd.factorize(column, use_na_sentinel=True)
        missing = inverse < 0
        k = len(uniques)
        values = pd.Series(uniques, dtype=column.dtype)
    if missing.any():
        values = pd.concat([values, pd.Series([None], dtype=values.dtype)], ignore_index=True)
        inverse = np.where(missing, k, inverse)
    return values, inverse


def _combinations(frame: pd.DataFrame, cols: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """The distinct combinations of some columns' cells (as rows of the frame) and each row's index among them."""
    groups = frame.groupby(cols, observed=True, dropna=False, sort=False).ngroup().to_numpy()
    first = np.unique(groups, return_index=True)[1]
    distinct = frame.iloc[first][cols].reset_index(drop=True)
    for c in cols:  # keep only the texts these rows use: a rule then works on a few categories, not a million
        if isinstance(distinct[c].dtype, pd.CategoricalDtype):
            distinct[c] = frames.lean(distinct[c].cat.remove_unused_categories())
    return distinct, groups


_NO_CASES = pd.DataFrame(columns=["column", "check", "check_number", "index"])


def _failures(schema: pa.DataFrameSchema, frame: pd.DataFrame, t: Typed, problems: list[Problem],
              owner: Schema) -> pd.DataFrame:
    """The failure cases of one validation, with a row index; a check that could not run becomes a problem
    (reported loudly, never passed unseen)."""
    try:
        schema.validate(frame, lazy=True)
        return _NO_CASES
    except SchemaErrors as exc:
        cases = exc.failure_cases
    for column, check, case in cases.loc[cases["index"].isna(), ["column", "check", "failure_case"]] \
            .itertuples(index=False):
        if check in ("not_nullable", "column_in_dataframe") or str(check).startswith("dtype("):
            continue
        field = owner.rules[int(check[4:])].field if str(check).startswith("rule") else column
        problems.append(Problem("schema", t.file, None, field if isinstance(field, str) else None,
                                f"the check {check} could not run ({case})", "a check that runs on every row",
                                "check-error"))
    return cases[cases["index"].notna()]


# ------------------------------------------------------------------ rules
def _rules(name: str, desc: Descriptor, typed: dict[str, Typed]) -> list[Rule]:
    if name in RECORD_TABLES:
        return _record_rules(name, desc.resources[name], typed)
    return {"indicator_definitions": _definition_rules, "sources": _source_rules,
            "findings": _finding_rules, "regions": _region_rules}.get(name, lambda _t: [])(typed)


def _definitions(typed: dict[str, Typed]) -> pd.DataFrame:
    """The indicator definitions the record rules read, indexed by indicator code (plain Python values)."""
    t = typed.get("indicator_definitions")
    cols = ["indicator", "unit", "min", "max", "qualitative", "relation", "relates_to"]
    if t is None or not all(c in t.frame.columns for c in cols):
        return pd.DataFrame(columns=cols).set_index("indicator")
    defs = t.frame[cols].astype({c: object for c in ("indicator", "unit", "relation", "relates_to")})
    # a definition with a cell reported already is no rule for its records: they are not judged by it
    defs = defs[~t.bad(*cols)]
    return defs.dropna(subset=["indicator"]).drop_duplicates("indicator").set_index("indicator")


def _record_rules(name: str, res: Resource, typed: dict[str, Typed]) -> list[Rule]:
    defs = _definitions(typed)
    year = YEAR_FIELD[name]

    def d(df, col):
        """The definition's `col` for each row's indicator ('' for text it does not have): looked up once
        per distinct indicator, then spread to the rows."""
        per_code = defs[col].reindex(df["indicator"].cat.categories)
        text = col not in ("min", "max", "qualitative")
        if text:
            per_code = per_code.astype(object).fillna("")
        # a row with no indicator (code -1) takes the value appended last, as frames.spread does
        per_code = pd.concat([per_code, pd.Series(["" if text else None], dtype=per_code.dtype)], ignore_index=True)
        return per_code.take(df["indicator"].cat.codes.to_numpy()).set_axis(df.index)

    def known(df):
        return df["indicator"].isin(defs.index)

    def qualitative(df):
        return d(df, "qualitative").fillna(False).astype(bool)

    def canonical(row):
        return defs["unit"].get(row["indicator"])

    cells = ("indicator", "unit", "value", "comparator")  # what the rules of a figure read, as one set
    rules = [
        Rule("unit", cells,
             lambda df: ~known(df) | qualitative(df) | df["unit"].isna() | (_labels(df["unit"]) == d(df, "unit")),
             lambda r: (f"unit {r['unit']!r} is not the canonical unit of {r['indicator']}",
                        f"{canonical(r)!r}, as indicator_definitions.csv says"), depends=("indicator", "unit")),
        Rule("value", cells,
             lambda df: ~known(df) | df["value"].isna() | (d(df, "min").isna() | (df["value"] >= d(df, "min")))
             & (d(df, "max").isna() | (df["value"] <= d(df, "max"))),
             lambda r: (f"{_show(r['value'])} is outside the plausible range of {r['indicator']}",
                        f"{_show(defs['min'].get(r['indicator']))} to {_show(defs['max'].get(r['indicator']))}"),
             depends=("indicator", "value")),
        Rule("value", cells,
             lambda df: df["value"].isna() | (df["unit"] != "percent")
             | ((df["value"] >= -100) & (~d(df, "relation").isin(SHARE_RELATIONS) | (df["value"] <= 100))),
             lambda r: (f"{_show(r['value'])} percent is out of bounds",
                        "a share from 0 to 100, a change of at least -100"), depends=("indicator", "unit", "value")),
        Rule("value", cells,
             lambda df: df["value"].isna() | ~df["unit"].isin(WHOLE_UNITS) | (df["value"] % 1 == 0),
             lambda r: (f"{_show(r['value'])} {r['unit']} is not a whole number", "a whole number"),
             depends=("unit", "value")),
        Rule("value", cells,
             lambda df: ~known(df) | ~qualitative(df) | df["value"].isna(),
             lambda r: (f"{r['indicator']} is qualitative but the row has a value",
                        "an empty value, unit and comparator"),
             depends=("indicator", "value")),
    ]
    required = {f.name for f in res.fields if f.required}  # those report an empty cell already
    for col in ("value", "unit", "comparator"):
        if col in required:
            continue
        rules.append(Rule(col, cells,
                          lambda df, col=col: ~known(df) | qualitative(df) | df[col].notna(),
                          lambda r, col=col: (f"{col} is empty for the quantitative indicator {r['indicator']}",
                                              f"a {col}: only qualitative aims have none"), depends=("indicator", col)))
    rules.append(Rule("unit", cells,
                      lambda df: ~known(df) | ~qualitative(df) | df["unit"].isna(),
                      lambda r: (f"{r['indicator']} is qualitative but the row has unit {r['unit']!r}",
                                 "an empty unit"),
                      depends=("indicator", "unit")))
    key = ["region_id", "indicator", year, "source_id"] + (["kind"] if name == "targets" else [])
    rules.append(Rule(",".join(key), tuple(key),
                      lambda df: ~df.duplicated(key, keep="first"),
                      lambda r: (f"a second row for {', '.join(str(r[k]) for k in key)}",
                                 "one row per region, indicator, year and source (a source states a figure once)"),
                      whole_table=True))
    link = ["record_id", "equivalent_of", "region_id", "indicator", year, "source_id"]

    def linked(df):
        other = row_of(df["equivalent_of"], df["record_id"])
        found = other >= 0
        at = np.maximum(other, 0)
        same = found.copy()
        for col in ("region_id", "source_id"):
            same &= _same(df[col], at) & found
        same &= (df[year].to_numpy(dtype="float64", na_value=np.nan)[at] ==
                 df[year].to_numpy(dtype="float64", na_value=np.nan))
        same &= np.asarray(frames.texts(df["indicator"])[at] == d(df, "relates_to").to_numpy(), dtype=bool)
        relation = d(df, "relation").to_numpy()
        linkless = df["equivalent_of"].isna().to_numpy()
        # a linked row with a cell reported already is not compared: that cell is its one error
        unsound = found & df[FAILED].to_numpy()[at] if FAILED in df.columns else np.zeros(len(df), dtype=bool)
        return pd.Series(linkless & (relation != "currency_equivalent")
                         | ~linkless & (relation == "currency_equivalent") & (same | unsound)
                         | ~linkless & ~found, index=df.index)  # dangling: the foreign key check reports it

    rules.append(Rule("equivalent_of", tuple(link), linked,
                      lambda r: (f"currency link {r['equivalent_of']!r} for {r['indicator']} does not match"
                                 if pd.notna(r["equivalent_of"]) else f"{r['indicator']} is a currency equivalent "
                                 "without equivalent_of",
                                 "a currency-equivalent indicator linked to a row of its relates_to indicator "
                                 "with the same region, year and source"), whole_table=True))
    if name == "targets":  # findings, provenance and anchors name a record by its id alone
        observed = typed.get("indicators")
        ids = observed.frame["record_id"].dropna().unique() if observed is not None \
            and "record_id" in observed.frame.columns else []
        rules.append(Rule("record_id", ("record_id",), lambda df: ~df["record_id"].isin(ids),
                          lambda r: (f"record_id {r['record_id']!r} is also a record of indicators.csv",
                                     "a record_id used by one record in indicators.csv and targets.csv together")))
        rules.append(Rule("target_year", ("target_year", "announced"),
                          lambda df: df["announced"].isna() | df["target_year"].isna()
                          | (df["target_year"] >= pd.to_numeric(df["announced"].str.slice(0, 4), errors="coerce")),
                          lambda r: (f"target year {r['target_year']} is before the announcement ({r['announced']})",
                                     "a target year in or after the year it was announced")))
    return rules


def _definition_rules(typed) -> list[Rule]:
    return [
        Rule("max", ("min", "max"), lambda df: df["min"].isna() | df["max"].isna() | (df["min"] <= df["max"]),
             lambda r: (f"max {_show(r['max'])} is below min {_show(r['min'])}", "min <= max")),
        Rule("unit", ("qualitative", "unit"), lambda df: df["qualitative"].isna() | (df["qualitative"] == df["unit"].isna()),
             lambda r: ("a qualitative indicator with a unit" if r["qualitative"] else "a quantitative indicator without a unit",
                        "a unit exactly when the indicator is quantitative")),
        Rule("relates_to", ("relation", "relates_to"), lambda df: df["relation"].isna() == df["relates_to"].isna(),
             lambda r: ("relation and relates_to are not set together", "both set or both empty")),
    ]


def _source_rules(typed) -> list[Rule]:
    def published_fits(df):
        first, last = partial_date_bounds(df["published"])
        lo, hi = df["published_earliest"], df["published_latest"]
        return df["published"].isna() | ((lo.isna() | last.isna() | (last >= lo)) & (hi.isna() | first.isna() | (first <= hi)))

    return [
        Rule("published_latest", ("published_earliest", "published_latest"),
             lambda df: df["published_earliest"].isna() | df["published_latest"].isna()
             | (df["published_earliest"] <= df["published_latest"]),
             lambda r: ("published_latest is before published_earliest", "earliest <= latest")),
        Rule("published", ("published", "published_earliest", "published_latest"), published_fits,
             lambda r: (f"published {r['published']!r} lies outside its bounds", "a date between published_earliest "
                        "and published_latest")),
    ]


def _region_rules(typed) -> list[Rule]:
    regions = typed["regions"].frame

    def chain(region_id) -> str:
        """The parents from a region round its cycle back to it, for the message (a failing row only)."""
        parent = dict(zip(frames.texts(regions["region_id"])[::-1], frames.texts(regions["parent_id"])[::-1]))
        seen, at = [region_id], parent.get(region_id)
        while at is not None and at not in seen:
            seen.append(at)
            at = parent.get(at)
        return " -> ".join([*seen, str(at)])

    return [Rule("parent_id", ("region_id", "parent_id"),
                 lambda df: pd.Series(~frames.same_text(df["parent_id"], df["region_id"]), index=df.index)
                 | df["parent_id"].isna(),
                 lambda r: (f"{r['region_id']} is its own parent", "the region_id of another place")),
            Rule("parent_id", ("region_id", "level", "parent_id"),
                 lambda df: (df["level"] != "country").fillna(True) | df["parent_id"].isna(),
                 lambda r: (f"{r['region_id']} is a country but has the parent {r['parent_id']}",
                            "no parent_id: a country is the top of the hierarchy"), depends=("level", "parent_id")),
            Rule("parent_id", ("region_id", "parent_id"), lambda df: pd.Series(~parent_cycles(df), index=df.index),
                 lambda r: (f"the parents of {r['region_id']} lead back to it ({chain(r['region_id'])})",
                            "parents that end at a place without a parent"), whole_table=True)]


def parent_cycles(df: pd.DataFrame) -> np.ndarray:
    """For each row, whether it is the first row of a cycle of two or more parents (a region its own parent is
    another rule's): one error per cycle. Each row is walked once, so the time is linear however long the
    chains."""
    parents = row_of(df["parent_id"], df["region_id"])
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


def _finding_rules(typed) -> list[Rule]:
    ids = [typed[n].frame["record_id"] for n in RECORD_TABLES if n in typed and "record_id" in typed[n].frame.columns]
    # a record_id reported already may be the one a finding names: no record is then said to be unknown
    unsure = any(typed[n].bad("record_id").any() for n in RECORD_TABLES if n in typed)
    sources = set(typed["sources"].frame["source_id"].dropna()) if "sources" in typed \
        and "source_id" in typed["sources"].frame.columns else set()

    def unknown_records_of(column: pd.Series) -> pd.Series:
        """For each cell, the listed record_ids that are in no record table: all ids looked up in one pass."""
        lists = column.astype(object).map(lambda c: c.split() if isinstance(c, str) else [])
        listed = pd.Index(pd.array(sorted({i for ids_ in lists for i in ids_}), dtype=DTYPES["string"]))
        known = np.zeros(len(listed), dtype=bool)
        for col in ids:
            known |= frames.position_in(listed, col.cat.categories) >= 0
        missing = set(listed[~known])
        return lists.map(lambda ids_: [i for i in ids_ if i in missing])

    def unknown_records(cell):
        return unknown_records_of(pd.Series([cell], dtype=object)).iloc[0]

    def unknown(cell, known):
        return [x for x in (cell.split() if isinstance(cell, str) else []) if x not in known]

    def repeats_source(df: pd.DataFrame) -> pd.Series:
        # zipped plain cells, not DataFrame.apply: building a row of a million-category frame cost 0.1 ms
        return pd.Series([isinstance(o, str) and isinstance(s, str) and s in o.split() for o, s in
                          zip(df["other_sources"].astype(object), df["source_id"].astype(object))],
                         index=df.index, dtype=bool)

    return [
        Rule("records", ("records",), lambda df: (unknown_records_of(df["records"]).map(len) == 0) | unsure,
             lambda r: (f"names record(s) that exist in neither indicators.csv nor targets.csv: "
                        f"{' '.join(unknown_records(r['records']))}", "record_ids of indicators.csv or targets.csv")),
        Rule("other_sources", ("other_sources", "source_id"),
             lambda df: df["other_sources"].map(lambda c: not unknown(c, sources)).astype(bool)
             & ~repeats_source(df),
             lambda r: (f"other_sources {r['other_sources']!r} names an unknown source or repeats source_id",
                        "source_ids of sources.csv other than source_id")),
    ]


# ---------------------------------------------------------------- helpers
def _labels(column: pd.Series) -> pd.Series:
    """A text column as plain labels ('' where missing), for comparing with other text row by row."""
    out = frames.texts(column) if isinstance(column.dtype, pd.CategoricalDtype) else column.to_numpy(dtype=object)
    return pd.Series(np.where(pd.isna(out), "", out).astype(object), index=column.index)


def _same(column: pd.Series, rows: np.ndarray) -> np.ndarray:
    """Whether each row's text equals that of the row `rows` names (in the same column)."""
    c = column.cat.codes.to_numpy()
    return (c == c[rows]) & (c >= 0)


def partial_date_bounds(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last day that an ISO date of year, month or day precision can mean."""
    text = text.astype("string")
    n = text.str.len()
    first = pd.to_datetime(text.where(n != 4, text + "-01-01").where(n != 7, text + "-01"),
                           format="%Y-%m-%d", errors="coerce")
    year_end = first + pd.offsets.YearEnd(0)
    month_end = first + pd.offsets.MonthEnd(0)
    last = first.where(n == 10, month_end.where(n == 7, year_end))
    return first, last


def _formula_start(value) -> str:
    text = str(value)
    return text[: len(text) - len(text.lstrip("\t\r")) + 1]


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
        return True
    except re.error:
        return False


def _bound(value, type_: str):
    return pd.Timestamp(value) if type_ == "date" else value


def _show(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "(empty)"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e18:
        return str(int(v))
    return str(v)
