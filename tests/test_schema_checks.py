"""The schema layer as pandera runs it: a column check is judged once per distinct value and said at every row
holding a failing one, a rule is a Polars expression whose failing rows pandera names, a row a rule cannot
decide fails, and the first check a cell fails is the only one said."""
from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
from conftest import table
from damage import GD, SH_COMPANIES

from schemas import csvfile, descriptor, structure
from schemas.pandera_schemas import Rule, _unknown_ids, check_columns, parent_cycles, partial_date_bounds, run_columns, run_rules, schema_for
from schemas.validate import validate

IND = "data/indicators.csv"


def _typed(pkg, name):
    table_, _ = csvfile.read(pkg, descriptor.load(pkg).resources[name])
    return structure.cast(table_)[0]


def _row(t, line):
    return int(np.flatnonzero(t.table.lines == line)[0])


def test_a_failing_value_is_said_at_every_row_holding_it_unless_reported_before(package):
    t = table(package, "indicators")
    lines = [t.line_of("record_id", GD), t.line_of("record_id", SH_COMPANIES)]
    for line in lines:
        t.set(line, "unit", "yen")
    t.save()
    typed = _typed(package, "indicators")
    problems = run_columns(schema_for(typed.resource), typed)
    assert [(p.line, p.field, p.message) for p in problems] == [(line, "unit", "'yen' is not an allowed value")
                                                                for line in lines]
    again = _typed(package, "indicators")
    again.mark("unit", [_row(again, lines[0])])
    assert [p.line for p in run_columns(schema_for(again.resource), again)] == lines[1:]


def test_an_empty_required_cell_is_said_empty_and_no_other_check_speaks_of_it(package):
    t = table(package, "indicators")
    line = t.line_of("record_id", GD)
    t.set(line, "quote", "").save()
    typed = _typed(package, "indicators")
    assert [(p.line, p.field, p.code) for p in run_columns(schema_for(typed.resource), typed)] == \
        [(line, "quote", "not_nullable")]
    assert typed.bad("quote")[_row(typed, line)]


def test_a_row_a_rule_cannot_decide_fails(package):
    typed = _typed(package, "indicators")
    undecided = Rule("value", ("value",), pl.when(pl.col("value") < 0).then(False), lambda r: ("undecided", "a verdict"))
    problems = run_rules(schema_for(typed.resource, [undecided]), typed)
    assert len(problems) == len(typed.pl) and {p.message for p in problems} == {"undecided"}


def test_the_first_rule_a_cell_fails_is_the_one_said_and_a_reported_cell_is_not_judged(package):
    typed = _typed(package, "indicators")
    skipped = _row(typed, table(package, "indicators").line_of("record_id", GD))
    typed.mark("value", [skipped])
    rules = [Rule("value", ("value",), pl.col("value") < 0, lambda r: ("first", "")),
             Rule("value", ("value",), pl.col("value") < 0, lambda r: ("second", ""))]
    problems = run_rules(schema_for(typed.resource, rules), typed)
    assert {p.message for p in problems} == {"first"}
    assert sorted(p.line for p in problems) == sorted(np.delete(typed.table.lines, skipped).tolist())


def test_unknown_records_of_a_finding_are_named_in_the_order_it_lists_them(package):
    t = table(package, "findings")
    line = t.line_of("finding_id", "scmp-ai-tigers-count")
    t.set(line, "records", f"zz-nowhere {GD} aa-nowhere").save()
    problems = [p for p in validate(package).problems if p.code == "rule:records"]
    assert [(p.line, p.message) for p in problems] == \
        [(line, "names record(s) that exist in neither indicators.csv nor targets.csv: zz-nowhere aa-nowhere")]


def test_a_cycle_of_parents_is_said_with_its_chain(package):
    t = table(package, "regions")
    t.set(t.line_of("region_id", "guangdong"), "parent_id", "shenzhen").save()
    problems = [p for p in validate(package).problems if p.code == "rule:parent_id"]
    assert [p.message for p in problems] == \
        ["the parents of guangdong lead back to it (guangdong -> shenzhen -> guangdong)"]


def test_parent_cycles_marks_the_first_row_of_each_cycle_once():
    ids = pl.Series(["a", "b", "c", "d", "e", "f", "g", "h"], dtype=pl.Categorical)
    # a -> b -> c -> a is a cycle; d its own parent (another rule's); e's parent is nowhere; f leads into the
    # cycle without being on it; g <-> h a cycle of two whose first row is g
    parents = pl.Series(["b", "c", "a", "d", "x", "a", "h", "g"], dtype=pl.Categorical)
    assert parent_cycles(ids, parents).tolist() == [True, False, False, False, False, False, True, False]


def test_partial_dates_span_the_days_they_can_mean():
    first, last = partial_date_bounds(pl.col("d"))
    frame = pl.DataFrame({"d": ["2024", "2024-02", "2023-02", "2024-02-10", "2024-02-30", None]}) \
        .select(first.alias("first"), last.alias("last"))
    assert frame.rows() == [(date(2024, 1, 1), date(2024, 12, 31)), (date(2024, 2, 1), date(2024, 2, 29)),
                            (date(2023, 2, 1), date(2023, 2, 28)), (date(2024, 2, 10), date(2024, 2, 10)),
                            (None, None), (None, None)]


def test_unknown_ids_are_found_for_every_cell_even_one_that_lists_none():
    cells = pl.Series(["b zz a", None, " ", "", "yy", "a"])
    known = pl.Series(["a", "b"], dtype=pl.Categorical)
    assert _unknown_ids(cells, known).to_list() == [["zz"], None, None, None, ["yy"], None]


def test_a_pattern_the_engine_cannot_run_is_one_descriptor_error(package):
    """Python reads look-around, Polars' regular expressions do not: such a pattern is refused where it is
    written, once, and no check runs it (before, it surfaced as a check that could not run, in many lines)."""
    import json

    path = package / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    regions = next(r for r in desc["resources"] if r["name"] == "regions")
    name_en = next(f for f in regions["schema"]["fields"] if f["name"] == "name_en")
    name_en.setdefault("constraints", {})["pattern"] = "(?=[A-Z])[A-Za-z ]+"
    path.write_text(json.dumps(desc, indent=2), encoding="utf-8")
    report = validate(package)
    assert [(p.layer, p.code, p.field) for p in report.problems] == \
        [("descriptor", "bad-pattern", "resources[regions].name_en")]
    assert "look-around" in report.problems[0].message and "\n" not in report.problems[0].message
    assert descriptor.pattern_error("[a-z") is not None and descriptor.pattern_error("[a-z]+") is None


def _engine() -> str | None:
    return pl.Config.state()["POLARS_ENGINE_AFFINITY"]


def test_pandera_runs_on_the_in_memory_engine_and_the_callers_engine_is_kept(package):
    """pandera collects a lazy frame several times per check: on the in-memory engine, not the streaming one
    (which costs a start-up at each); the caller's own setting is back afterwards, also when a check fails."""
    typed = _typed(package, "indicators")
    seen = []

    def probe(values: pl.Series) -> pl.Series:
        seen.append(_engine())
        return values.is_null()  # fails every row holding a value

    rule = Rule("value", ("value",), pl.col("value").map_batches(probe, pl.Boolean), lambda r: ("probed", ""))
    with pl.Config(engine_affinity="streaming"):
        assert run_rules(schema_for(typed.resource, [rule]), typed)
        assert run_columns(schema_for(typed.resource), _typed(package, "indicators")) == []
        assert _engine() == "streaming"
    assert seen and set(seen) == {"in-memory"}


def test_tables_checked_side_by_side_say_what_one_at_a_time_says(package):
    """check_columns runs the tables' column checks on threads: the same problems, in the tables' order, and
    the caller's engine is back afterwards."""
    t = table(package, "regions")
    t.set(4, "iso_3166_2", "CN-Shanghai").save()
    t = table(package, "indicators")
    t.set(2, "unit", "furlongs").save()
    names = list(descriptor.load(package).resources)
    one_at_a_time = [p for name in names for p in run_columns(schema_for(_typed(package, name).resource),
                                                                _typed(package, name))]
    assert {p.file for p in one_at_a_time} == {"data/regions.csv", "data/indicators.csv"}
    with pl.Config(engine_affinity="streaming"):
        assert check_columns({name: _typed(package, name) for name in names}) == one_at_a_time
        assert _engine() == "streaming"
