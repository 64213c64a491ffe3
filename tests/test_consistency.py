"""The consistency layer: arithmetic across records, published as findings, checked against
numbers worked out here by hand."""
from __future__ import annotations

import io
import json

import pytest
from conftest import table
from damage import SZ_SHARE

from schemas import consistency
from schemas.validate import validate


def findings(pkg, check, **match):
    report = validate(pkg)
    found = [f for f in report.findings if f.check == check]
    for key, value in match.items():
        found = [f for f in found if any(r[key] == value for r in f.records)]
    return found


def set_value(pkg, name, record, value):
    t = table(pkg, name)
    t.set(t.line_of("record_id", record), "value", value).save()


def test_real_package_findings(repo):
    report = validate(repo)
    by = {}
    for f in report.findings:
        by.setdefault((f.check, f.status), []).append(f)
    rates = sorted(f.figures["cny_per_usd"] for f in by[("currency_pair", "inside_band")])
    assert rates == [round(578 / 81, 4), 7.2, round(300 / 41.4, 4), round(300 / 41.12, 4)]
    conflict = by[("same_figure", "conflict")]
    assert [sorted(r["source_id"] for r in f.records) for f in conflict] == [["ceoinsights", "multiplatform"]]
    assert len(by[("same_figure", "agrees")]) == 2
    shares = {f.records[0]["record_id"]: f for f in by[("share_parts", "agrees")]}
    assert shares[SZ_SHARE].figures["computed"] == round(80 / 180 * 100, 4)
    growth = {f.figures["yearly_growth_percent"] for f in by[("target_growth", "implied")]}
    assert round(((300 / 180) ** 0.5 - 1) * 100, 2) in growth and round(((440 / 180) ** 0.25 - 1) * 100, 2) in growth
    prior = by[("growth_prior", "implied")][0]
    assert prior.figures["implied_prior"] == pytest.approx(578e9 / 1.139)
    assert by[("share_base", "agrees")] and by[("share_parts", "implied")]
    assert report.valid  # findings never fail validation


def test_a_share_that_disagrees_with_its_parts(package):
    set_value(package, "indicators", SZ_SHARE, "50")
    (f,) = findings(package, "share_parts", record_id=SZ_SHARE)
    assert f.status == "disagrees" and "OUTSIDE" in f.summary


def test_an_open_bound_is_null_in_the_json_report_not_infinity(package):
    """'More than 44 per cent' admits any share above 44: JSON has no infinity, and a report that writes
    `Infinity` is refused by strict readers (jq, JavaScript's JSON.parse, Go)."""
    t = table(package, "indicators")
    t.set(t.line_of("record_id", SZ_SHARE), "comparator", ">").save()
    report = validate(package, keep_tables=False)  # as the command line runs it
    (f,) = [f for f in report.findings if f.check == "share_parts" and f.records[0]["record_id"] == SZ_SHARE]
    assert f.figures["accepted_min"] == 44 and f.figures["accepted_max"] is None

    def refuse(constant):
        raise AssertionError(f"{constant} is not JSON")

    out = io.StringIO()
    report.write_json(out)  # what `--format json` writes
    doc = json.loads(out.getvalue(), parse_constant=refuse)
    (g,) = [g for g in doc["findings"] if g["check"] == "share_parts" and g["records"][0]["record_id"] == SZ_SHARE]
    assert g["figures"]["accepted_min"] == 44 and g["figures"]["accepted_max"] is None


def test_a_share_of_zero_implies_no_whole_and_bounds_no_base(package):
    """0% is an allowed share: it implies no whole (dividing by it ended the run in an internal error) and,
    rounding to nothing, no upper bound on a base (its negative bound made a false 'disagrees')."""
    set_value(package, "indicators", "beijing-llm_share_of_national-2023-scmp", "0")
    set_value(package, "targets", "guangdong-ai_industry_share_of_gdp-by2025-ceoinsights", "0")
    assert findings(package, "share_parts", record_id="beijing-llm_share_of_national-2023-scmp") == []
    assert findings(package, "share_base") == []  # one share of the base is left: nothing to compare


def test_shares_of_one_base_that_do_not_overlap(package):
    set_value(package, "targets", "guangdong-ai_industry_share_of_gdp-by2027-ceoinsights", "4.3")
    (f,) = findings(package, "share_base")
    assert f.status == "disagrees"


def test_same_figure_agreeing_and_conflicting(package):
    set_value(package, "targets", "guangdong-ai_industry_value_usd-by2025-ceoinsights", "41120000000")
    assert [f.status for f in findings(package, "same_figure", source_id="ceoinsights")
            if "usd" in f.records[0]["record_id"]] == ["agrees"]
    set_value(package, "targets", "guangdong-ai_industry_value-by2027-scmp", "450000000000")
    assert [f.status for f in findings(package, "same_figure", record_id="guangdong-ai_industry_value-by2027-scmp")] \
        == ["conflict"]


def test_rate_outside_its_band_is_a_finding_not_an_error(package, tmp_path, monkeypatch):
    bands = tmp_path / "bands.csv"
    bands.write_text("year,min_cny_per_usd,max_cny_per_usd,source,url,notes\n2024,7.3,7.5,test band,https://x.test,\n",
                     encoding="utf-8")
    monkeypatch.setattr(consistency, "BANDS", bands)
    report = validate(package)
    status = {f.records[1]["record_id"]: f.status for f in report.findings if f.check == "currency_pair"}
    assert status["guangdong-ai_industry_value-2023-scmp"] == "outside_band"  # 7.2 < 7.3
    assert status["guangdong-ai_industry_value-by2025-multiplatform"] == "no_band"  # published 2023
    assert report.valid


def test_a_rate_from_a_zero_amount_is_an_error(package):
    set_value(package, "indicators", "guangdong-ai_industry_value_usd-2023-scmp", "0")
    report = validate(package)
    assert any(p.code == "impossible-rate" and p.file == "data/indicators.csv" for p in report.problems)


def test_growth_prior_against_a_stated_prior_year(package):
    t = table(package, "indicators")
    row = list(t.rows[t.line_of("record_id", "china-core_ai_industry_value-2023-techtimes") - 1])
    row[0], row[3], row[4], row[6], row[9] = "china-core_ai_industry_value-2022-test", "2022", "508000000000", "=", ""
    t.rows.append(row)
    t.save()
    (f,) = [f for f in findings(package, "growth_prior") if len(f.records) == 3]
    assert f.status == "agrees"
    # over 578 billion after 13.9% growth means over 507.2 billion the year before: 507 billion cannot be
    set_value(package, "indicators", "china-core_ai_industry_value-2022-test", "507000000000")
    (f,) = [f for f in findings(package, "growth_prior") if len(f.records) == 3]
    assert f.status == "disagrees"


def test_a_repeated_region_is_read_as_its_first_row_like_a_repeated_definition(package):
    """The structure layer reports the repeat at its own line, so the first row is the one that stands."""
    t = table(package, "regions")
    repeat = list(t.rows[t.line_of("region_id", "shenzhen") - 1])
    repeat[t.header.index("parent_id")] = "beijing"
    t.rows.append(repeat)
    t.save()
    (f,) = findings(package, "share_parts", record_id=SZ_SHARE)
    assert f.records[-1]["record_id"] == "guangdong-ai_industry_value-2023-scmp"


def test_the_rate_sentence_says_whose_year_the_band_is(repo):
    """The scmp article gives 2023's figure in yuan and dollars but appeared in 2024, converting at a 2024 rate:
    the sentence names the figure's year and says the band's year is the article's, not two bare years."""
    (f,) = [f for f in validate(repo).findings
            if f.check == "currency_pair" and f.records[0]["record_id"] == "guangdong-ai_industry_value_usd-2023-scmp"]
    assert f.summary.startswith("guangdong ai_industry_value 2023 (scmp): 180 billion yuan = US$25 billion implies "
                                "7.2000 yuan per US dollar, inside the band for 2024, the year the article appeared, "
                                "of 6.5 to 7.5 (")
    assert "the 2024 band" not in f.summary


def test_a_rate_from_an_article_of_unknown_year_says_so(package):
    t = table(package, "sources")
    line = t.line_of("source_id", "scmp")
    t.set(line, "published", "").set(line, "published_earliest", "").set(line, "published_latest", "").save()
    (f,) = findings(package, "currency_pair", source_id="scmp")
    assert f.status == "no_band" and f.summary.endswith("no band: the year the article appeared is not known.")
    assert "None" not in f.summary


def _figures_table(pkg, rows):
    """indicators.csv holding only `rows` (region, indicator, source, value), each in 2023; one definition a code."""
    codes = sorted({ind for _, ind, _, _ in rows})
    defs = table(pkg, "indicator_definitions")
    defs.rows = [defs.header] + [[c, c, "A count.", "count", "0", "1000000", "false", "", "", ""] for c in codes]
    defs.save()
    t = table(pkg, "indicators")
    t.rows = [t.header] + [[f"r{i}", region, ind, "2023", value, "count", "=", source, "q", "", ""]
                           for i, (region, ind, source, value) in enumerate(rows)]
    t.save()
    targets = table(pkg, "targets")
    targets.rows = [targets.header]
    targets.save()


def test_figures_with_many_indicators_stay_apart(package):
    """Two figures differ in region and indicator: no count of indicator codes may make them one. The keys once
    packed (table, region, indicator, year) into one integer with fixed multipliers, and from 1,009 indicator
    codes on, region 1 with indicator 0 was region 0 with indicator 1,009: one 'same figure', in conflict."""
    many = [("beijing", f"ind-{i:04d}", "scmp", "1") for i in range(1_010)]
    _figures_table(package, many + [("shanghai", "ind-0000", "techtimes", "2")])
    report = validate(package)
    assert report.rows["indicators"] == 1_011
    assert [f.summary for f in report.findings if f.check == "same_figure"] == []
    # and a real repeat still is one: the same region, indicator and year from two sources
    _figures_table(package, many + [("beijing", "ind-1009", "techtimes", "2")])
    same = [f for f in validate(package).findings if f.check == "same_figure"]
    assert [sorted(r["record_id"] for r in f.records) for f in same] == [["r1009", "r1010"]]
    assert same[0].status == "conflict"


def test_findings_json_is_what_orjson_writes_of_each_value():
    """The findings' JSON is made a column at a time: each text, number and list must be the bytes orjson makes
    of the same value (a quote, a backslash or a control character escaped; NaN and infinity null)."""
    import math

    import orjson
    import polars as pl

    texts = ['plain', 'a "quoted" word', 'back\\slash', 'tab\there', 'bell\x07', '中文 – dash', None]
    numbers = [0.1, 1e16, 123456789012.0, -0.0, 5e-324, float("nan"), float("inf"), None]
    lists = [[1.5, float("-inf")], [2.0]]
    assert consistency._json(pl.Series(texts)).to_list() == [orjson.dumps(t).decode() for t in texts]
    assert consistency._json(pl.Series(numbers, dtype=pl.Float64)).to_list() == [
        orjson.dumps(None if v is None or not math.isfinite(v) else v).decode() for v in numbers]
    assert consistency._json(pl.Series([3, None], dtype=pl.Int64)).to_list() == ["3", "null"]
    assert consistency._json(pl.Series(lists)).to_list() == ["[1.5,null]", "[2.0]"]
