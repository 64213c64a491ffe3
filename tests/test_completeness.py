"""Every number of the archived articles is a traced figure or set aside, and the check says which one is not."""
from __future__ import annotations

from conftest import REPO, table

from schemas.completeness import unaccounted
from schemas.validate import validate

EXPECTED = "expected a record whose provenance cites it, or a row in data/set_aside.csv with a reason"


def errors(pkg, archive) -> list[str]:
    return [p.text() for p in validate(pkg, archive).problems]


def drop(pkg, name: str, field: str, key: str) -> None:
    t = table(pkg, name)
    t.rows = [r for r in t.rows if r[t.header.index(field)] != key or r is t.rows[0]]
    t.save()


def test_the_five_articles_are_fully_accounted_for(archive, repo_report_archived):
    assert unaccounted(REPO, archive) == []
    assert not [p for p in repo_report_archived.problems if p.code in ("unaccounted-number", "set-aside-span")]


def test_a_record_removed_leaves_its_number_unaccounted(package, archive):
    drop(package, "indicators", "record_id", "beijing-llms_launched_national_rank-2023-scmp")
    drop(package, "provenance", "record_id", "beijing-llms_launched_national_rank-2023-scmp")
    assert errors(package, archive) == [
        '000_035b6af365817832.txt:13: "first" in "The city launched 82 large language models (LLMs) last year, '
        "accounting for more than 40 per cent of the country's total and ranking first in the category.\" is neither "
        f"a traced figure nor set aside; {EXPECTED}"]
    [left] = unaccounted(package, archive)
    assert (left.source_id, left.archive_file, left.line, left.number.text, left.number.value) == (
        "scmp", "000_035b6af365817832.txt", 13, "first", 1)


def test_a_set_aside_row_removed_leaves_its_numbers_unaccounted(package, archive):
    drop(package, "set_aside", "span", "Monday 10 June, 2024")
    assert errors(package, archive) == [
        f'004_18ecb0817abf8c4d.txt:22: "{n}" in "CEO Insights Asia Team | Monday 10 June, 2024" is neither a traced '
        f"figure nor set aside; {EXPECTED}" for n in ("10", "2024")]
    assert [(u.source_id, u.line, u.number.text) for u in unaccounted(package, archive, ["ceoinsights"])] == [
        ("ceoinsights", 22, "10"), ("ceoinsights", 22, "2024")]


def test_a_set_aside_span_over_a_traced_figure_is_an_error(package, archive):
    t = table(package, "set_aside")
    line = t.line_of("span", "Views: 61")
    t.set(line, "source_id", "scmp").set(line, "span", "grew to 180 billion yuan").save()
    assert errors(package, archive) == [
        f"data/set_aside.csv:{line}:span: 'grew to 180 billion yuan' sets aside '180 billion', which a record's "
        "provenance traces; expected a number either traced by a record or set aside, not both",
        f'004_18ecb0817abf8c4d.txt:2: "61" in "Views: 61" is neither a traced figure nor set aside; {EXPECTED}']


def test_a_set_aside_span_not_verbatim_or_not_unique_is_an_error(package, archive):
    t = table(package, "set_aside")
    views, copyright = t.line_of("span", "Views: 61"), t.line_of("span", "Copyright (c) 2024.")
    t.set(views, "span", "Views: 62").set(copyright, "span", "2024").save()
    assert errors(package, archive) == [
        f"data/set_aside.csv:{copyright}:span: '2024' occurs 2 times in the archived text of scmp; expected a span "
        "long enough to occur once in its article",
        f"data/set_aside.csv:{views}:span: 'Views: 62' is not in the archived text of ceoinsights; expected a "
        "verbatim span of the article (only whitespace may differ)",
        f'000_035b6af365817832.txt:29: "2024" in "Copyright (c) 2024." is neither a traced figure nor set aside; '
        f"{EXPECTED}",
        f'004_18ecb0817abf8c4d.txt:2: "61" in "Views: 61" is neither a traced figure nor set aside; {EXPECTED}']


def test_without_an_archive_the_report_says_the_check_did_not_run(package):
    drop(package, "set_aside", "span", "Views: 61")
    report = validate(package)
    assert report.valid and "the completeness check did not run" in report.to_text()


def test_a_number_traced_only_elsewhere_in_the_article_is_not_accounted_for(package, archive):
    """Evidence inside its record's quote stands there only: the headline's 'US$25 billion' is not traced by
    the body's, so dropping the headline's set-aside row leaves it unaccounted."""
    drop(package, "set_aside", "span", "Guangdong's AI industry reaches US$25 billion")
    [left] = unaccounted(package, archive)
    assert (left.line, left.number.text) == (1, "25 billion")


def test_a_set_aside_row_names_the_record_its_reason_is_about(package):
    """Checked with or without the archive: the row's reason and its record agree."""
    t = table(package, "set_aside")
    headline, background = t.line_of("span", "Guangdong's AI industry reaches US$25 billion"), t.line_of(
        "span", "in late 2022")
    summary, caption = t.line_of("span", "578 billion yuan value in 2023"), t.line_of(
        "span", "This photo taken on February 2, 2024")
    t.set(headline, "indicator_record", "shenzhen-ai_industry_value-2023-scmp")
    t.set(background, "indicator_record", "guangdong-ai_industry_value-2023-scmp")
    t.set(summary, "indicator_record", "")
    t.set(caption, "reason", "restates_record").set(caption, "indicator_record", "guangdong-ai_industry_value-2023-scmp")
    t.save()
    assert errors(package, None) == [
        f"data/set_aside.csv:{headline}:span: \"Guangdong's AI industry reaches US$25 billion\" does not state "
        "80 billion yuan, the value of shenzhen-ai_industry_value-2023-scmp; expected a span restating the "
        "record's value",
        f"data/set_aside.csv:{background}:indicator_record: reason background names a record; expected a record "
        "only for the reasons restates_record, definition_threshold",
        f"data/set_aside.csv:{summary}:indicator_record: reason restates_record names no record; expected the one "
        "record it concerns, in indicator_record or target_record",
        f"data/set_aside.csv:{caption}:indicator_record: guangdong-ai_industry_value-2023-scmp is a record of scmp, "
        "not of techtimes; expected a record of the same article"]


def test_a_quote_not_in_the_article_is_one_error_not_also_unaccounted_numbers(package, archive):
    t = table(package, "indicators")
    line = t.line_of("record_id", "shanghai-ai_industry_value-2023-scmp")
    quote = t.get(line, "quote")
    t.set(line, "quote", "Reportedly, " + quote).save()
    for other in t.lines_of("quote", quote):  # the record that shares the quote keeps it
        assert other != line
    assert [p.code for p in validate(package, archive).problems] == ["not-verbatim"]
