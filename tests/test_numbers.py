"""The number reader: every way the articles write a number reads back as its exact value."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st

from schemas.numbers import SCALES, UNITS, human, read, states_hedge, states_unit, values

scale_words = st.sampled_from(["thousand", "million", "billion", "trillion"])
filler = st.text(alphabet=st.sampled_from("abcdefghij ()"), max_size=12).map(lambda s: f" {s} ")


def grouped(n: int) -> str:
    return f"{n:,}"


@given(st.integers(min_value=0, max_value=10**15), filler, filler)
@example(489000, " about ", " AI-related companies")
def test_whole_numbers_with_or_without_separators(n, before, after):
    assert values(before + str(n) + after) == [Decimal(n)]
    assert values(before + grouped(n) + after) == [Decimal(n)]


@given(st.integers(min_value=1, max_value=99999), st.integers(min_value=0, max_value=3), scale_words)
@example(4112, 2, "billion")
@example(414, 1, "billion")
def test_decimals_with_scale_words_are_exact(mantissa, places, scale):
    number = Decimal(mantissa).scaleb(-places)
    text = f"about {number} {scale} yuan"
    assert values(text) == [number * SCALES[scale]]


@given(st.integers(min_value=0, max_value=99), st.sampled_from(["", " billion"]))
def test_number_words(n, scale):
    tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    word = UNITS[n] if n < 20 else tens[n // 10] + (f"-{UNITS[n % 10]}" if n % 10 else "")
    expected = Decimal(n) * (SCALES["billion"] if scale else 1)
    assert values(f"targeting {word}{scale} new things") == [expected]
    assert values(f"{word.capitalize()}{scale} of them") == [expected]


def test_the_archive_forms():
    assert values("grew to 180 billion yuan (US$25 billion) in 2023") == [180 * 10**9, 25 * 10**9, 2023]
    assert values("(US41.4 billion)") == [Decimal("41.4") * 10**9]
    assert values("44 per cent") == [44] and values("a 13.9% increase") == [Decimal("13.9")]
    assert values("around two trillion yuan") == [2 * 10**12]
    assert values("more than a billion parameters") == [10**9]
    assert values("ranking first in the category") == [1]
    assert values("an estimated value of 500 billion yuan") == [500 * 10**9]  # 'an' alone is not a number
    assert values("a value of over 578 billion") == [578 * 10**9]


@given(st.text())
def test_any_text_reads_without_error(text):
    for n in read(text):
        assert text[n.start:n.end] == n.text and n.value >= 0


@given(st.integers(min_value=1, max_value=10**13), st.sampled_from(["CNY", "USD", "count", "EFLOPS", None]))
def test_human_reads_back_exactly(n, unit):
    assert values(human(n, unit)) == [Decimal(n)]


def test_human_shows_derived_values_rounded():
    assert human(13043478260869.566, "CNY", 4) == "13.04 trillion yuan"
    assert human(float("nan"), "CNY") == human(None, None) == "(no number)"
    assert human(13.9, "percent") == "13.9%" and human(489000, "count") == "489,000"


def test_hedges_and_units():
    assert states_hedge("surpassed", ">") and states_hedge("more than", ">") and states_hedge("about", "~")
    assert states_hedge("as much as", "<=") and not states_hedge("overall", ">")
    assert not states_hedge("more than", "<") and not states_hedge("anything", "=")
    assert states_unit("US$", "USD") and states_unit("exaflops", "EFLOPS") and states_unit("per cent", "percent")
    assert not states_unit("exaflops", "CNY") and states_unit("companies", "count")


# Every number of each archived article, in order, as a reader of the article writes it down: (words, value).
# Written by hand from the texts, not by the reader: the reader must find exactly these.
B = 10**9
ARTICLE_NUMBERS = {
    "000_035b6af365817832.txt": [
        ("25 billion", 25 * B), ("180 billion", 180 * B), ("25 billion", 25 * B), ("2023", 2023),
        ("80 billion", 80 * B), ("44", 44), ("489,000", 489000), ("1,200", 1200), ("250 billion", 250 * B),
        ("2023", 2023), ("82", 82), ("40", 40), ("first", 1), ("Three", 3), ("150 billion", 150 * B),
        ("1,100", 1100), ("2022", 2022), ("300 billion", 300 * B), ("440 billion", 440 * B), ("2027", 2027),
        ("2024", 2024), ("2024", 2024)],
    "001_26dfe74ffcca64ce.txt": [  # "knowing one's strengths" is the pronoun, not a number
        ("2,400", 2400), ("five", 5), ("2025", 2025), ("100", 100), ("85", 85), ("1 billion", B)],
    "002_ff931db7a704fc12.txt": [
        ("2025", 2025), ("2025", 2025), ("2025", 2025), ("300 billion", 300 * B), ("41.12 billion", Decimal("41.12") * B),
        ("2,000", 2000), ("2023", 2023), ("2025", 2025), ("4,300", 4300), ("500 billion", 500 * B)],
    "003_b697a7851b347f48.txt": [
        ("4,500", 4500), ("4,500", 4500), ("578 billion", 578 * B), ("2023", 2023), ("4,500", 4500), ("2024", 2024),
        ("2", 2), ("2024", 2024), ("421", 421), ("10,000", 10000), ("2023", 2023), ("578 billion", 578 * B),
        ("81 billion", 81 * B), ("13.9", Decimal("13.9")), ("100", 100), ("a billion", B), ("97", 97),
        ("two trillion", 2 * 10**12), ("2026", 2026), ("2024", 2024)],
    "004_18ecb0817abf8c4d.txt": [  # "per second" is time, not an ordinal
        ("2024", 2024), ("11", 11), ("61", 61), ("45", 45), ("300 billion", 300 * B), ("41.4 billion", Decimal("41.4") * B),
        ("440 billion", 440 * B), ("2027", 2027), ("2.3", Decimal("2.3")), ("3.3", Decimal("3.3")), ("2023", 2023),
        ("40", 40), ("60", 60), ("2027", 2027), ("300", 300), ("2025", 2025), ("13", 13), ("2027", 2027),
        ("10", 10), ("2024", 2024)],
}
# The units the marks and words beside some of them state.
ARTICLE_UNITS = {
    "000_035b6af365817832.txt": {"25 billion": "USD", "180 billion": "CNY", "44": "percent", "40": "percent"},
    "002_ff931db7a704fc12.txt": {"41.12 billion": "USD", "500 billion": "CNY"},
    "003_b697a7851b347f48.txt": {"81 billion": "USD", "13.9": "percent", "97": "percent", "two trillion": "CNY"},
    "004_18ecb0817abf8c4d.txt": {"41.4 billion": "USD", "2.3": "percent", "13": "percent"},
}


def test_every_number_of_the_archived_articles(archive):
    for name, expected in ARTICLE_NUMBERS.items():
        found = read((archive / name).read_text(encoding="utf-8"))
        assert [(n.text, n.value) for n in found] == [(t, Decimal(v)) for t, v in expected], name
        units = {n.text: n.unit for n in found}
        assert {t: units[t] for t in ARTICLE_UNITS.get(name, {})} == ARTICLE_UNITS.get(name, {}), name


def test_kinds_scales_ranges_and_words_that_are_not_numbers():
    first, five, billion, years = read("ranking first"), read("five"), read("a billion"), read("in 2023-2025")
    assert first[0].kind == "ordinal" and five[0].kind == "word" and billion[0].scale == 10**9
    assert (years[0].kind, years[0].value, years[0].upper, years[0].text) == ("range", 2023, 2025, "2023-2025")
    assert [(n.value, n.upper) for n in read("2023\u201325 and 2-3 billion")] == [(2023, 2025), (2 * 10**9, 3 * 10**9)]
    assert values("a dozen firms, two hundred models, the 1st and 22nd") == [12, 200, 1, 22]
    assert values("knowing one's strengths, one another, no one; per second, a second") == []
    assert values("one of them, the second city, Jun.2024") == [1, 2, 2024]
    assert [n.unit for n in read("US$5, $6, ¥7, 8 yuan, 9 dollars, 10%, 11 per cent, 12 percent, 13")] == [
        "USD", "USD", "CNY", "CNY", "USD", "percent", "percent", "percent", None]
