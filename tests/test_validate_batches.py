"""What lets the validator scale must not change what it says: parse blocks, distinct values, lazy findings,
whitespace folding, and the loud failure of a check or of the validator itself."""
from __future__ import annotations

import io
import sys
import time

import polars as pl
import pytest

from conftest import REPO, rows, table
from damage import SH_COMPANIES

from schemas import consistency, csvfile, pandera_schemas, provenance
from schemas.pandera_schemas import Rule
from schemas.report import LAYERS, Report, TEXT_FINDINGS
from schemas.validate import validate


def _problems(report):
    return sorted((p.file, p.line or 0, p.field or "", p.code) for p in report.problems)


def _damage_provenance(pkg):
    """Errors spread through provenance: a bad row width, a blank row, a repeated key, a wrong source."""
    t = table(pkg, "provenance")
    rows = t.rows
    rows.insert(40, list(rows[10]))  # a repeated primary key, far from its first line
    rows.insert(120, [""] * len(t.header))
    rows[200] = rows[200][:3]
    rows[250][3] = "techtimes" if rows[250][3] != "techtimes" else "scmp"
    rows.append(list(rows[5]))  # another repeat, in the last batch
    t.save()


def test_parse_blocks_of_any_size_report_the_same(package, archive, monkeypatch):
    _damage_provenance(package)
    whole = _problems(validate(package, archive))
    assert any(code == "primary-key" for *_, code in whole) and any(code == "blank-row" for *_, code in whole)
    monkeypatch.setattr(csvfile, "PARSE_BLOCK", 700)  # a few rows a block, parsed on every core
    assert _problems(validate(package, archive)) == whole


def test_provenance_checked_in_parts_of_any_size_reports_the_same(package, archive, monkeypatch):
    """The provenance rows are checked a part at a time: each row keeps its own line, and the completeness
    account is the whole table's."""
    _damage_provenance(package)
    whole = validate(package, archive)
    assert any(code == "provenance-source" for *_, code in _problems(whole))
    monkeypatch.setattr(provenance, "PART", 7)
    parts = validate(package, archive)
    assert _problems(parts) == _problems(whole)
    assert parts.completeness == whole.completeness and whole.completeness["traced"] > 0


def test_first_rows_found_by_categorical_id_are_those_a_join_finds():
    """Provenance rows find their records' rows by the texts' Categorical ids (any other column is made a
    Categorical first): the rows a join on the texts finds."""
    column = pl.Series(["b", "a", None, "b", "c"]).cast(pl.Categorical)
    ids = pl.Series(["b", "z", None, "c", "a"]).cast(pl.Categorical)
    want = [0, None, None, 4, 1]  # a repeated text: its first row
    assert provenance._FirstRows(column).of(ids).to_list() == want
    assert provenance._FirstRows(column.cast(pl.String)).of(ids.cast(pl.String)).to_list() == want


def test_kept_tables_are_whole_after_many_parse_blocks(repo, monkeypatch):
    monkeypatch.setattr(csvfile, "PARSE_BLOCK", 700)
    report = validate(repo, keep_tables=True)
    provenance = report.tables["provenance"]
    assert len(provenance) == report.rows["provenance"] == len(rows("provenance"))
    assert provenance["evidence"].iloc[3] == "180 billion yuan"


def test_a_quote_with_non_breaking_spaces_is_verbatim(package, archive):
    """Folding is the only normalisation: a quote copied with the article's non-breaking spaces is verbatim."""
    t = table(package, "indicators")
    line = t.line_of("record_id", SH_COMPANIES)
    t.set(line, "quote", t.get(line, "quote").replace(" ", "\u00a0", 3)).save()
    assert validate(package, archive).valid


def test_a_check_that_cannot_run_is_an_error(package, monkeypatch):
    """A rule that raises must be reported, never passed unseen."""
    real = pandera_schemas._record_rules

    def with_broken(name, res, typed):
        frame, rules = real(name, res, typed)
        return frame, rules + [Rule("value", ("value",), pl.col("value").map_batches(lambda s: 1 / 0, pl.Boolean),
                                    lambda r: ("", ""))]

    monkeypatch.setattr(pandera_schemas, "_record_rules", with_broken)
    report = validate(package)
    broken = [p for p in report.problems if p.code == "check-error"]
    assert broken and not report.valid and "ZeroDivisionError" in broken[0].message


@pytest.mark.parametrize("stage", ["validating", "writing the report"])
def test_an_internal_error_exits_2_without_a_traceback(monkeypatch, capsys, stage):
    import importlib.util

    spec = importlib.util.spec_from_file_location("validate_cli", REPO / "scripts" / "validate.py")
    cli = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cli)
    boom = lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom"))  # noqa: E731
    if stage == "validating":  # the command line imports the validator when it runs (after starting the descriptor check)
        monkeypatch.setattr(sys.modules["schemas.validate"], "validate", boom)
    else:
        monkeypatch.setattr(Report, "write_text", boom)
    assert cli.main([str(REPO)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("internal error: the validator failed (RuntimeError: boom)") and "Traceback" not in err


def test_findings_are_a_sequence_made_when_read(repo):
    findings = validate(repo).findings
    listed = list(findings)
    assert len(findings) == len(listed) == sum(findings.counts().values())
    assert findings[0].summary == listed[0].summary and findings[-1].summary == listed[-1].summary
    assert [f.check for f in findings[2:5]] == [f.check for f in listed[2:5]]


def test_the_text_report_lists_a_bounded_number_of_findings(repo):
    report = validate(repo)
    many = Report(findings=list(report.findings) * (TEXT_FINDINGS // len(report.findings) + 2))
    text = many.to_text()
    assert f"... and {len(many.findings) - TEXT_FINDINGS} more: --format json lists every one." in text
    assert sum(1 for line in text.splitlines() if line.startswith("[")) == TEXT_FINDINGS
    out = io.StringIO()
    many.write_json(out)
    assert out.getvalue().count('"check":') == len(many.findings)


def _empty_column(table_name, column):
    def damage(pkg):
        t = table(pkg, table_name)
        for line in range(2, len(t.rows) + 1):
            t.set(line, column, "")
        t.save()
    return damage


def _header_only(name):
    def damage(pkg):
        t = table(pkg, name)
        t.rows = t.rows[:1]
        t.save()
    return damage


def _repeat_region(pkg):
    t = table(pkg, "regions")
    t.rows.append(list(t.rows[t.line_of("region_id", "beijing") - 1]))
    t.save()


def _no_record_table(pkg):
    """Neither record table has a `value` column: the consistency layer has no records to compare."""
    for name in ("indicators", "targets"):
        t = table(pkg, name)
        t.header[t.header.index("value")] = "amount"
        t.save()


@pytest.mark.parametrize("damage, code", [
    pytest.param(_empty_column("indicators", "equivalent_of"), None, id="no-equivalent_of"),  # nothing to look up
    pytest.param(_empty_column("regions", "parent_id"), None, id="no-parent_id"),
    pytest.param(_empty_column("provenance", "evidence"), None, id="no-evidence"),
    pytest.param(_header_only("indicators"), None, id="no-indicators"),  # provenance still names its records
    # the structure layer reports the repeat; the consistency layer must still run
    pytest.param(_repeat_region, "primary-key", id="repeated-region"),
    pytest.param(_no_record_table, None, id="no-record-table"),
    pytest.param(_empty_column("indicators", "indicator"), None, id="no-indicator"),
    pytest.param(_empty_column("sources", "sha256"), None, id="no-sha256"),
    pytest.param(_empty_column("findings", "source_id"), None, id="no-finding-source"),
])
def test_a_package_the_checks_find_odd_is_reported_not_a_crash(package, archive, damage, code):
    """Damage that leaves a check nothing to work on (an empty column, an empty or unusable table) or a
    repeated key is for the problems to name: every check still runs, none fails."""
    damage(package)
    report = validate(package, archive)
    assert not [p for p in report.problems if p.code == "check-error"]
    assert code is None or code in {p.code for p in report.problems}


def test_the_layers_seconds_add_up_to_no_more_than_the_run(repo, archive):
    start = time.perf_counter()
    report = validate(repo, archive)
    elapsed = time.perf_counter() - start
    assert list(report.seconds) == list(LAYERS)
    assert all(report.seconds[k] > 0 for k in LAYERS)
    assert sum(report.seconds.values()) <= elapsed  # no second counted to two layers


def test_findings_made_ahead_are_the_findings_made_when_read(repo, monkeypatch):
    """The JSON report's findings, made on a thread of their own while provenance runs, are those made when
    written, chunk for chunk; and a failure there is raised where the report is written, not lost."""
    monkeypatch.setattr(consistency, "CHUNK", 3)  # many chunks
    now = b"".join(validate(repo).findings.json())
    ahead = validate(repo, findings_json=True).findings
    assert ahead._ahead is not None  # made ahead, not when read
    assert b"".join(ahead.json()) == now and now.count(b'"check":') == len(ahead)

    def broken(*args):
        raise ZeroDivisionError("a render that fails")

    monkeypatch.setattr(consistency.Findings, "_lines", broken)
    findings = validate(repo, findings_json=True).findings
    with pytest.raises(ZeroDivisionError, match="a render that fails"):
        b"".join(findings.json())
