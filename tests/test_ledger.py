"""The ledger places evidence the same way whether it is cited row by row (`cite`) or as a Polars frame
(`cite_frame`, with each quote placed in its article by `place_quotes`: Polars finds what counts alone make
certain, and leaves the rest to Python)."""
from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from schemas.completeness import Article, Ledger
from schemas.provenance import Checker

ARTICLES = {
    # the quote twice in its article: evidence inside it stands in both places
    "twice": "Output was 5 billion yuan in 2023. Output was 5 billion yuan in 2023. Then 7.",
    # a span that overlaps a copy of itself inside its quote ("2 2" in "2 2 2"), and one there three times
    "overlap": "Scores of 2 2 2 were given, and 9 9 9 too, on 3 May.",
    # not ASCII: Polars' byte offsets are not the ledger's character places
    "wide": "Revenue reached ¥1.5 billion in 2024 — up 12% — and 8 firms joined.",
    "elsewhere": "In 2022 there were 40 labs. By 2025, 60 labs are planned.",
}
EVIDENCE = [
    ("twice", "5 billion yuan", "Output was 5 billion yuan in 2023."),
    ("twice", "2023", "Output was 5 billion yuan in 2023."),
    ("overlap", "2 2", "Scores of 2 2 2 were given,"),
    ("overlap", "9", "and 9 9 9 too,"),
    ("wide", "12%", "— up 12% —"),
    ("wide", "8 firms", "and 8 firms joined."),
    ("elsewhere", "2022", None),  # evidence from elsewhere in the article: wherever it stands
    ("elsewhere", "60", "a quote the article does not hold"),  # then its spans stand wherever they occur
]


def ledger() -> Ledger:
    return Ledger({sid: Article(sid, f"{sid}.txt", text) for sid, text in ARTICLES.items()})


def traced(led: Ledger) -> dict[str, list[str]]:
    return {sid: [led.articles[sid].number(k).text for k in range(len(led.articles[sid].places[0]))
                  if led.traced[led.first[sid] + k]] for sid in led.articles}


def test_a_frame_of_evidence_is_placed_as_rows_are():
    rows, frame = ledger(), ledger()
    rows.cite(EVIDENCE)
    evidence = pl.DataFrame(EVIDENCE, schema=["source_id", "span", "quote"], orient="row")
    placed = frame.place_quotes(evidence.select("source_id", "quote").drop_nulls().unique())
    frame.cite_frame(evidence.join(placed, on=["source_id", "quote"], how="left"))
    assert traced(frame) == traced(rows) == {
        "twice": ["5 billion", "2023", "5 billion", "2023"],
        "overlap": ["2", "2", "2", "9", "9", "9"],
        "wide": ["12", "8"],
        "elsewhere": ["2022", "60"],
    }
    assert np.array_equal(frame.traced, rows.traced)


@pytest.mark.parametrize("sid, quote, at, once", [
    ("twice", "Output was 5 billion yuan in 2023.", 0, False),  # there twice
    ("overlap", "2 2 2", 10, False),  # there once, but it could overlap a copy of itself: not said to be once
    ("overlap", "9 9 9 too", 32, True),
    ("wide", "up 12%", 42, True),  # a byte offset: "¥" and "—" are two and three bytes
    ("elsewhere", "missing", None, False)])
def test_quote_places_say_where_a_quote_first_stands_and_whether_only_there(sid, quote, at, once):
    placed = ledger().place_quotes(pl.DataFrame({"source_id": [sid], "quote": [quote]}))
    assert placed.select("q_at", "q_once").rows() == [(at, once)]


def test_evidence_citing_another_article_than_its_records_is_looked_for_in_that_article():
    """A record's quote is placed in the record's own article; a provenance row citing another source (an
    error reported as such) has its evidence looked for in the article it cites, not at the record's place."""
    quote = "Sales were 5 billion yuan."
    led = Ledger({sid: Article(sid, f"{sid}.txt", text) for sid, text in
                  {"a": f"Some words first. {quote}", "b": f"{quote} Later 9 more."}.items()})
    [(at, once)] = led.place_quotes(pl.DataFrame({"source_id": ["a"], "quote": [quote]})).select("q_at", "q_once").rows()
    checker = Checker.__new__(Checker)
    checker.ledger = led
    checker._cite(pl.DataFrame({"source_id": ["b"], "evidence": ["5 billion yuan"], "ev": ["5 billion yuan"],
                                "may": [True], "inside": [True], "at": [0]}),
                  pl.DataFrame({"r_source_id": ["a"], "r_quote": [quote], "q_at": [at], "q_once": [once]}))
    assert traced(led) == {"a": [], "b": ["5 billion"]}
