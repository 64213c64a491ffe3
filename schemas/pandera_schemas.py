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

from .descriptor import RECORD_TABLES, Descriptor, Field, Resource
from .report import Problem
from .structure import Typed

FORMULA = r"^[=+\-@]"
DTYPES = {"string": pd.StringDtype("pyarrow"), "integer": "Int64", "number": "float64", "boolean": "boolean",
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
        add(pa.Check(lambda s: s.str.fullmatch(pattern), name="pattern"),
            lambda v: (f"{v!r} does not match the field's pattern", f"text matching {pattern}"))
    if "minimum" in c:
        lo = c["minimum"]
        add(pa.Check.ge(_bound(lo, f.type)), lambda v: (f"{_show(v)} is below the minimum", f"at least {lo}"))
    if "maximum" in c:
        hi = c["maximum"]
        add(pa.Check.le(_bound(hi, f.type)), lambda v: (f"{_show(v)} is above the maximum", f"at most {hi}"))
    if "minLength" in c:
        n = c["minLength"]
        add(pa.Check.str_length(min_value=n), lambda v: (f"{v!r} is shorter than {n} character(s)", f"at least {n}"))
    if "maxLength" in c:
        n = c["maxLength"]
        add(pa.Check.str_length(max_value=n), lambda v: (f"{v!r} is longer than {n} character(s)", f"at most {n}"))
    if f.type == "string" and "enum" not in c:  # an enum's codes ('=', '>=') are the schema's own, not free text
        add(pa.Check(lambda s: ~s.str.contains(FORMULA), name="no_formula"),
            lambda v: (f"{v!r} starts with {str(v)[0]!r}, which a spreadsheet runs as a formula",
                       "text that does not start with =, +, - or @"))
    column = pa.Column(DTYPES.get(f.type, DTYPES["string"]), nullable=not f.required, required=False, checks=checks)
    return column, says


def schema_for(res: Resource, rules: list[Rule]) -> Schema:
    columns, says = {}, {}
    for f in res.fields:
        columns[f.name], says[f.name] = _column(f)
    # Pandera drops the failures of a check whose result holds NA: make every result plain True/False,
    # and an undecidable row a failure, so that nothing passes unseen.
    checks = [pa.Check(lambda df, r=r: r.ok(df).fillna(False).astype(bool), name=f"rule{i}")
              for i, r in enumerate(rules)]
    return Schema(pa.DataFrameSchema(columns, checks=checks, name=res.name), says, rules)


def validate(desc: Descriptor, typed: dict[str, Typed]) -> list[Problem]:
    problems = []
    for name, t in typed.items():
        rules = [r for r in _rules(name, desc, typed) if all(c in t.frame.columns for c in r.needs)]
        problems += run(schema_for(t.resource, rules), t)
    return problems


def run(schema: Schema, t: Typed) -> list[Problem]:
    try:
        schema.schema.validate(t.frame, lazy=True)
        return []
    except SchemaErrors as exc:
        cases = exc.failure_cases
    problems = []
    reported = set()  # (row, field) a column check reported: rules stay quiet about that cell
    column_cases = cases[cases["schema_context"] == "Column"]
    for column, check, number, value, index in column_cases[
            ["column", "check", "check_number", "failure_case", "index"]].itertuples(index=False):
        if index is None or pd.isna(index):
            continue
        pos = int(index)
        if t.failed.get(column, np.zeros(len(t.frame), bool))[pos]:
            continue  # the structure layer reported this cell: it did not cast
        if check == "not_nullable":
            message, expected = "cell is empty", "a value: the field is required"
        else:
            message, expected = schema.column_says[column][int(number)](value)
        reported.add((pos, column))
        problems.append(Problem("schema", t.file, int(t.table.lines[pos]), column, message, expected, check))
    frame_cases = cases[(cases["schema_context"] == "DataFrameSchema") & cases["index"].notna()]
    for number, group in frame_cases.groupby("check_number"):
        rule = schema.rules[int(number)]
        for pos in sorted(set(int(i) for i in group["index"])):
            if (pos, rule.field) in reported or any(t.failed[c][pos] for c in rule.needs if c in t.failed):
                continue  # the cell's own problem is reported already
            message, expected = rule.say(t.frame.iloc[pos])
            problems.append(Problem("schema", t.file, int(t.table.lines[pos]), rule.field, message, expected,
                                    f"rule:{rule.field}"))
    return problems


# ------------------------------------------------------------------ rules
def _rules(name: str, desc: Descriptor, typed: dict[str, Typed]) -> list[Rule]:
    if name in RECORD_TABLES:
        return _record_rules(name, desc.resources[name], typed)
    return {"indicator_definitions": _definition_rules, "sources": _source_rules,
            "findings": _finding_rules, "regions": _region_rules}.get(name, lambda _t: [])(typed)


def _definitions(typed: dict[str, Typed]) -> pd.DataFrame:
    t = typed.get("indicator_definitions")
    cols = ["indicator", "unit", "min", "max", "qualitative", "relation", "relates_to"]
    if t is None or not all(c in t.frame.columns for c in cols):
        return pd.DataFrame(columns=cols).set_index("indicator")
    return t.frame[cols].dropna(subset=["indicator"]).drop_duplicates("indicator").set_index("indicator")


def _record_rules(name: str, res: Resource, typed: dict[str, Typed]) -> list[Rule]:
    defs = _definitions(typed)
    year = "period" if name == "indicators" else "target_year"

    def d(df, col):
        """The definition's `col` for each row's indicator ('' for text it does not have)."""
        out = defs[col].reindex(df["indicator"]).reset_index(drop=True).set_axis(df.index)
        return out if col in ("min", "max", "qualitative") else out.astype(object).fillna("")

    def known(df):
        return df["indicator"].isin(defs.index)

    def qualitative(df):
        return d(df, "qualitative").fillna(False).astype(bool)

    def canonical(row):
        return defs["unit"].get(row["indicator"])

    rules = [
        Rule("unit", ("indicator", "unit"),
             lambda df: ~known(df) | qualitative(df) | df["unit"].isna() | (df["unit"] == d(df, "unit")),
             lambda r: (f"unit {r['unit']!r} is not the canonical unit of {r['indicator']}",
                        f"{canonical(r)!r}, as indicator_definitions.csv says")),
        Rule("value", ("indicator", "value"),
             lambda df: ~known(df) | df["value"].isna() | (d(df, "min").isna() | (df["value"] >= d(df, "min")))
             & (d(df, "max").isna() | (df["value"] <= d(df, "max"))),
             lambda r: (f"{_show(r['value'])} is outside the plausible range of {r['indicator']}",
                        f"{_show(defs['min'].get(r['indicator']))} to {_show(defs['max'].get(r['indicator']))}")),
        Rule("value", ("unit", "value", "indicator"),
             lambda df: df["value"].isna() | (df["unit"] != "percent")
             | ((df["value"] >= -100) & (~d(df, "relation").isin(SHARE_RELATIONS) | (df["value"] <= 100))),
             lambda r: (f"{_show(r['value'])} percent is out of bounds",
                        "a share from 0 to 100, a change of at least -100")),
        Rule("value", ("unit", "value"),
             lambda df: df["value"].isna() | ~df["unit"].isin(WHOLE_UNITS) | (df["value"] % 1 == 0),
             lambda r: (f"{_show(r['value'])} {r['unit']} is not a whole number", "a whole number")),
        Rule("value", ("indicator", "value"),
             lambda df: ~known(df) | ~qualitative(df) | df["value"].isna(),
             lambda r: (f"{r['indicator']} is qualitative but the row has a value", "an empty value, unit and comparator")),
    ]
    required = {f.name for f in res.fields if f.required}  # those report an empty cell already
    for col in ("value", "unit", "comparator"):
        if col in required:
            continue
        rules.append(Rule(col, ("indicator", col),
                          lambda df, col=col: ~known(df) | qualitative(df) | df[col].notna(),
                          lambda r, col=col: (f"{col} is empty for the quantitative indicator {r['indicator']}",
                                              f"a {col}: only qualitative aims have none")))
    rules.append(Rule("unit", ("indicator", "unit"),
                      lambda df: ~known(df) | ~qualitative(df) | df["unit"].isna(),
                      lambda r: (f"{r['indicator']} is qualitative but the row has unit {r['unit']!r}", "an empty unit")))
    key = ["region_id", "indicator", year, "source_id"] + (["kind"] if name == "targets" else [])
    rules.append(Rule(",".join(key), tuple(key),
                      lambda df: ~df.duplicated(key, keep="first"),
                      lambda r: (f"a second row for {', '.join(str(r[k]) for k in key)}",
                                 "one row per region, indicator, year and source (a source states a figure once)")))
    link = ["record_id", "equivalent_of", "region_id", "indicator", year, "source_id"]

    def linked(df):
        base = df.set_index("record_id")[["region_id", "indicator", year, "source_id"]]
        base = base[~base.index.duplicated()]
        other = base.reindex(df["equivalent_of"]).set_axis(df.index)
        relation = d(df, "relation")
        expected_base = d(df, "relates_to")
        same = (other["region_id"] == df["region_id"]) & (other[year] == df[year]) \
            & (other["source_id"] == df["source_id"]) & (other["indicator"] == expected_base)
        return df["equivalent_of"].isna() & (relation != "currency_equivalent") \
            | df["equivalent_of"].notna() & (relation == "currency_equivalent") & same.fillna(False) \
            | df["equivalent_of"].notna() & other["region_id"].isna()  # dangling: the foreign key check reports it

    rules.append(Rule("equivalent_of", tuple(link), linked,
                      lambda r: (f"currency link {r['equivalent_of']!r} for {r['indicator']} does not match"
                                 if pd.notna(r["equivalent_of"]) else f"{r['indicator']} is a currency equivalent "
                                 "without equivalent_of",
                                 "a currency-equivalent indicator linked to a row of its relates_to indicator "
                                 "with the same region, year and source")))
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
    return [Rule("parent_id", ("region_id", "parent_id"), lambda df: df["parent_id"].isna() | (df["parent_id"] != df["region_id"]),
                 lambda r: (f"{r['region_id']} is its own parent", "the region_id of another place"))]


def _finding_rules(typed) -> list[Rule]:
    ids = set()
    for name in RECORD_TABLES:
        if name in typed and "record_id" in typed[name].frame.columns:
            ids |= set(typed[name].frame["record_id"].dropna())
    sources = set(typed["sources"].frame["source_id"].dropna()) if "sources" in typed \
        and "source_id" in typed["sources"].frame.columns else set()

    def unknown(cell, known):
        return [x for x in (cell.split() if isinstance(cell, str) else []) if x not in known]

    return [
        Rule("records", ("records",), lambda df: df["records"].map(lambda c: not unknown(c, ids)).astype(bool),
             lambda r: (f"names record(s) that exist in neither indicators.csv nor targets.csv: "
                        f"{' '.join(unknown(r['records'], ids))}", "record_ids of indicators.csv or targets.csv")),
        Rule("other_sources", ("other_sources", "source_id"),
             lambda df: df["other_sources"].map(lambda c: not unknown(c, sources)).astype(bool)
             & ~df.apply(lambda r: isinstance(r["other_sources"], str) and r["source_id"] in r["other_sources"].split(), axis=1).astype(bool),
             lambda r: (f"other_sources {r['other_sources']!r} names an unknown source or repeats source_id",
                        "source_ids of sources.csv other than source_id")),
    ]


# ---------------------------------------------------------------- helpers
def partial_date_bounds(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last day that an ISO date of year, month or day precision can mean."""
    n = text.str.len()
    first = pd.to_datetime(text.where(n != 4, text + "-01-01").where(n != 7, text + "-01"),
                           format="%Y-%m-%d", errors="coerce")
    year_end = first + pd.offsets.YearEnd(0)
    month_end = first + pd.offsets.MonthEnd(0)
    last = first.where(n == 10, month_end.where(n == 7, year_end))
    return first, last


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
