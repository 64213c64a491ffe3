"""Claims the articles make in words, with no number, and the findings a re-reading of the articles added:
each pinned to the words of its article, and the reading of worded values held to the units they can mean."""
from __future__ import annotations

import pytest
from conftest import rows, table
from test_data import fold

from schemas.validate import validate
from schemas.numbers import states_in_words as states

# record -> (resource, its fields as the article's words give them, the value's own words)
CLAIMS = {
    "beijing-ai_industry_value_national_rank-2024-scmp": (
        "indicators", {"region_id": "beijing", "period": "2024", "value": "1", "unit": "rank", "comparator": "=",
                       "quote": "Beijing has the largest AI industry in the country and the most talent"},
        "the largest"),
    "beijing-ai_talent_national_rank-2024-scmp": (
        "indicators", {"region_id": "beijing", "period": "2024", "value": "1", "unit": "rank", "comparator": "=",
                       "quote": "Beijing has the largest AI industry in the country and the most talent"},
        "the most"),
    "beijing-ai_investment_national_rank-2025-techbuzzpro": (
        "indicators", {"region_id": "beijing", "period": "2025", "value": "1", "unit": "rank", "comparator": "=",
                       "quote": "Beijing also leads in AI investments, benefiting from a combination of government "
                                "support and private funding"},
        "leads in"),
    "china-ai_model_price-2024-techtimes": (
        "indicators", {"region_id": "china", "period": "2024", "value": "0", "unit": "CNY", "comparator": "=",
                       "quote": "Baidu, for instance, announced that its Ernie chatbots would be free of charge for "
                                "all business users"},
        "free of charge"),
    "guangdong-ai_innovation_flagship_hub-by2025-multiplatform": (
        "targets", {"region_id": "guangdong", "target_year": "2025", "value": "", "unit": "", "comparator": "",
                    "kind": "target",
                    "quote": "Their mission is to mold Guangdong into a flagship hub for national AI-led innovation"},
        None),
}

# finding -> (kind, source, the records it names, its evidence)
FINDINGS = {
    "regional-values-exceed-national": (
        "cross_source_conflict", "scmp",
        {"beijing-ai_industry_value-2023-scmp", "guangdong-ai_industry_value-2023-scmp",
         "shanghai-ai_industry_value-2023-scmp", "china-ai_industry_value-2023-multiplatform",
         "china-core_ai_industry_value-2023-techtimes"},
        "Beijing's AI industry output value surpassed 250 billion yuan in 2023"),
    "guangdong-computing-leadership-vs-targets": (
        "cross_source_conflict", "multiplatform",
        {"guangdong-computing_power_leadership-by2025-multiplatform", "guangdong-computing_power-by2025-ceoinsights",
         "guangdong-computing_power_share_of_national-by2025-ceoinsights", "china-computing_power-by2025-ceoinsights",
         "shanghai-computing_power-by2025-techbuzzpro", "guizhou-computing_power-2025-techbuzzpro"},
        "national leadership in intelligent computing power by 2025"),
    "techtimes-free-vs-97-percent": (
        "self_contradiction", "techtimes",
        {"china-llm_price_cut-2024-techtimes", "china-ai_model_price-2024-techtimes"},
        "some by as much as 97%. Baidu, for instance, announced that its Ernie chatbots would be free of charge"),
    "techtimes-revenue-or-value": (
        "inconsistent_label", "techtimes",
        {"china-core_ai_industry_value-2023-techtimes", "china-ai_economy_revenue-by2026-techtimes"},
        "4,500 Companies Generate Billions in Revenue"),
}


@pytest.fixture(scope="module")
def articles(archive):
    return {s["source_id"]: fold((archive / s["archive_file"]).read_text(encoding="utf-8")) for s in rows("sources")}


@pytest.mark.parametrize("record_id", CLAIMS)
def test_each_claim_in_words_is_a_row_on_its_articles_words(record_id, articles):
    resource, fields, value_words = CLAIMS[record_id]
    (row,) = [r for r in rows(resource) if r["record_id"] == record_id]
    assert {f: row[f] for f in fields} == fields
    assert fold(row["quote"]) in articles[row["source_id"]]
    traced = {p["field"]: p for p in rows("provenance") if p["resource"] == resource and p["record_id"] == record_id}
    if value_words is None:  # a qualitative aim: no value, unit or comparator to trace
        assert set(traced) == {"region_id", "indicator", "target_year", "announced"}
    else:
        assert traced["value"]["evidence"] == value_words and value_words in row["quote"]
        assert traced["value"]["method"] == "converted"


@pytest.mark.parametrize("finding_id", FINDINGS)
def test_each_finding_of_the_rereading_is_on_its_articles_words(finding_id, articles):
    kind, source, records, evidence = FINDINGS[finding_id]
    (row,) = [f for f in rows("findings") if f["finding_id"] == finding_id]
    assert (row["kind"], row["source_id"], set(row["records"].split()), row["evidence"]) == \
        (kind, source, records, evidence)
    assert fold(evidence) in articles[source]


def test_worded_values_mean_only_their_value_in_their_units():
    assert states("Beijing has the largest AI industry", 1, "rank")
    assert states("Beijing also leads in AI investments", 1, "rank")
    assert states("the most talent", 1, "rank")
    assert states("would be free of charge", 0, "CNY") and states("free of charge", 0, "USD")
    assert not states("Beijing has the largest AI industry", 2, "rank")
    assert not states("Beijing has the largest AI industry", 1, "count")  # a rank, never a count of one
    assert not states("would be free of charge", 0, "rank")
    assert not states("with leading universities", 1, "rank")  # 'leading' ranks nothing
    assert not states("the most recent testament", 0, "CNY")


@pytest.mark.parametrize("record_id, wrong", [("beijing-ai_industry_value_national_rank-2024-scmp", "2"),
                                              ("china-ai_model_price-2024-techtimes", "5")])
def test_a_value_its_words_do_not_state_is_an_error(package, record_id, wrong):
    t = table(package, "indicators")
    line = t.line_of("record_id", record_id)
    t.set(line, "value", wrong).save()
    report = validate(package)
    assert ("data/indicators.csv", line, "value", "value-not-in-quote") in \
        {(p.file, p.line, p.field, p.code) for p in report.problems}, report.to_text()


def test_words_with_a_number_are_read_for_the_number(package):
    """Words that also state a number state that number: a superlative beside it vouches for nothing.
    (Checked without the archive, so that the altered quote is read, not searched for.)"""
    record = "beijing-ai_industry_value_national_rank-2024-scmp"
    t = table(package, "indicators")
    line = t.line_of("record_id", record)
    t.set(line, "quote", "Beijing, ranked 2, has the largest AI industry").save()
    p = table(package, "provenance")
    p.set(p.line_of(("record_id", "field"), (record, "value")), "evidence", "ranked 2, has the largest").save()
    report = validate(package)
    assert ("data/indicators.csv", line, "value", "value-not-in-quote") in \
        {(q.file, q.line, q.field, q.code) for q in report.problems}, report.to_text()
