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
