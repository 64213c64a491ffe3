"""The articles' numbers found in one RE2 pass (numbers.places) are exactly those the Python reader finds,
and the one-pass fold is exactly `fold`."""
from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from schemas import numbers
from schemas.completeness import Article, fold_all
from schemas.frames import fold

# texts where RE2 alone would part from the pattern's lookarounds, or where `read` drops what the pattern matches
TRICKY = [
    "In 2023,24 firms grew by 12,345,6789 yuan and 1.5.3 per cent",  # a number right after digits and a separator
    "Revenue hit 1,2345 yuan, up from 12,345 in 2022-23 and 2019\u20132021",
    "No one knows; one another; one's strengths; one hundred billion; twenty-one; a dozen; a billion; an hour",
    "It runs a trillion operations per second, ranking second; the first billion; a second",
    "the 1st and 22nd, the 3rd-largest, 4th, eleventh hour, US$41.4 billion, 13.9%, five new data centers",
    "Beijing\u2019s AI firms: 180 billion yuan (US$25 billion), ranking first",  # beyond ASCII: the reader's
    "numbers 1\x002 with a NUL", "hundreds and dozens state none, nor does a value", "", "2024",
]


def reader(text: str) -> list[tuple[int, int]]:
    return [(n.start, n.end) for n in numbers.read(text)]


@pytest.mark.parametrize("text", TRICKY)
def test_places_are_where_the_reader_finds_numbers(text):
    [(starts, ends)] = numbers.places(pa.array([text]))
    assert list(zip(starts.tolist(), ends.tolist())) == reader(text)


def test_many_texts_at_once_keep_each_text_its_own_places():
    found = numbers.places(pa.array(TRICKY * 3).slice(2))  # an Arrow slice: offsets not from zero
    assert [list(zip(s.tolist(), e.tolist())) for s, e in found] == [reader(t) for t in (TRICKY * 3)[2:]]


def test_the_tricky_texts_are_ones_re2_alone_reads_differently():
    """Without the checks after the RE2 pass (and the reader where they fail), these would differ: the test
    above could fail."""
    marked = pc.replace_substring_regex(pa.array(TRICKY[:4]), numbers.RE2_PATTERN, "[\\0]").to_pylist()
    assert "[24]" in marked[0] and "[6789]" not in marked[0] and "[12,345,678]" in marked[0]
    assert "[one]" in marked[2] and "[second]" in marked[3] and "[first billion]" in marked[3]


def test_fold_all_is_fold():
    texts = ["  a\u00a0\u3000b\n\n c ", "", " ", "plain words", "tab\there\r\nline\u2028x\u2029y\x1c", "\u0085z "]
    assert fold_all(texts).to_pylist() == [fold(t) for t in texts]


@pytest.mark.parametrize("raw", ["Head line\n\n  By  desk\u00a0\u3000team\n\tBody 12 and 13.\n", "  lead\n\nx 1"])
def test_raw_position_maps_each_folded_place_back(raw):
    article = Article("s", "f.txt", raw)
    for pos, char in enumerate(article.text):
        if char != " ":
            assert raw[article.raw_position(pos)] == char
            assert article.line(pos) == raw.count("\n", 0, article.raw_position(pos)) + 1
    words = raw.split()
    assert [raw[article.raw_position(article.text.index(w))] for w in words] == [w[0] for w in words]
