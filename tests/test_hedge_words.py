"""The hedge words a reader sees, checked against an expectation written here, apart from the code that makes
them (schemas/numbers.py): 'more than 250 billion yuan' must never become 'at least 250 billion yuan' on the
site, in a finding, or in what the validator accepts as the article's words."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from conftest import table

from docsite.records import stated
from schemas import numbers
from schemas.validate import validate

# What the site and the findings say for each comparator (the data model: '>' more than, '>=' at least, ...)
READER = {"=": "", "~": "about", ">": "more than", ">=": "at least", "<": "less than", "<=": "at most"}
# Words of an article and the one comparator each means; the validator must accept a word for its own
# comparator only
ARTICLE = {"more than": ">", "surpassed": ">", "over": ">",
           "at least": ">=", "no less than": ">=", "not less than": ">=",
           "about": "~", "nearly": "~", "approximately": "~", "less than": "<", "fewer than": "<",
           "as much as": "<=", "up to": "<=", "at most": "<=", "no more than": "<=", "not more than": "<="}


@pytest.mark.parametrize("comparator", list(READER))
def test_the_site_says_each_hedge_as_the_data_model_does(comparator):
    rec = SimpleNamespace(value=250_000_000_000.0, unit="CNY", comparator=comparator)
    assert stated(rec) == f"{READER[comparator]} 250 billion yuan".strip()


def test_a_page_of_the_site_says_more_than(built_site):
    site, _ = built_site
    pages = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    # beijing's AI industry 'surpassed 250 billion yuan' in 2023 (scmp): comparator '>'
    assert "more than 250 billion yuan" in pages
    assert "at least 250 billion yuan" not in pages


def test_findings_say_each_hedge_as_the_data_model_does(package):
    """One target from three sources and one from two, their comparators set to five hedges: the finding
    that compares them names each hedge in words."""
    hedges = {"guangdong-ai_industry_value-by2025-scmp": ">", "guangdong-ai_industry_value-by2025-multiplatform": ">=",
              "guangdong-ai_industry_value-by2025-ceoinsights": "<=", "guangdong-ai_industry_value-by2027-scmp": "~",
              "guangdong-ai_industry_value-by2027-ceoinsights": "<"}
    t = table(package, "targets")
    for record, comparator in hedges.items():
        t.set(t.line_of("record_id", record), "comparator", comparator)
    t.save()
    summaries = " ".join(f.summary for f in validate(package).findings if f.check == "same_figure")
    for record, comparator in hedges.items():
        source = record.rsplit("-", 1)[1]
        amount = "300" if "by2025" in record else "440"
        assert f"{source}: ({READER[comparator]}) {amount} billion yuan" in summaries, summaries


@pytest.mark.parametrize("words", list(ARTICLE))
def test_the_validator_reads_each_hedge_word_as_its_own_comparator(words):
    text = f"the industry {words} 250 billion yuan"
    accepted = [c for c in READER if c != "=" and numbers.states_hedge(text, c)]
    assert accepted == [ARTICLE[words]], (words, accepted)


@pytest.mark.parametrize("comparator", [">=", "<", "~"])
def test_the_validator_names_the_hedge_it_expected(package, comparator):
    """Beijing's AI industry 'surpassed 250 billion yuan': set to another hedge, the evidence is wrong, and the
    message says which word it expected."""
    t = table(package, "indicators")
    t.set(t.line_of("record_id", "beijing-ai_industry_value-2023-scmp"), "comparator", comparator).save()
    [problem] = [p for p in validate(package).problems if p.code == "evidence-comparator"]
    assert problem.expected == f"a hedge word for {comparator!r} (e.g. {READER[comparator]})"
