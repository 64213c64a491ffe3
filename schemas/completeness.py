"""Every number of every archived article accounted for: a traced figure, or set aside with a reason.

A number (schemas.numbers.read, on the article folded as the quotes are:
each run of whitespace one space) is accounted for when it lies inside where
the evidence of a traced field of some record stands in the article, or
inside the one place a row of the set-aside table quotes. Evidence inside
its record's quote is located inside that quote (a "2023" traced for one
record does not account for another "2023" elsewhere); evidence from
elsewhere in the article (a headline, the sentence before), or of a record
whose quote is not in the article (an error the quote check reports),
stands wherever it occurs.

A set-aside span must be verbatim in its article, occur there once, and hold
no number that a record also traces (a figure is traced or set aside, never
both).

`unaccounted(root, archive)` answers for a package folder, reading its CSVs
with the csv module alone (the contributor's `todo` calls it);
`account(...)` is the check itself, which the validator's provenance layer
runs on the tables it has read.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from . import numbers, paths
from .frames import fold
from .numbers import PATTERN, Number

TABLE = "set_aside"  # the resource of the numbers that are not figures
TABLE_FILE = "data/set_aside.csv"
# The reasons whose row names the record it concerns (in indicator_record or target_record); no other reason does.
NAMES_RECORD = ("restates_record", "definition_threshold")
RECORD_COLUMNS = {"indicators": "indicator_record", "targets": "target_record"}
# A sentence ends at a full stop, question or exclamation mark (and any closing quote or bracket) before a space.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+")


# Every character str.split() folds but the plain space (those str.isspace() accepts), as RE2 reads it:
# RE2's own \s is ASCII only and would miss the non-breaking spaces the articles use. Written out rather
# than computed at import, which would look at every code point on every run (a test compares the two).
OTHER_SPACE = (r"[\x{09}-\x{0d}\x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}"
               r"\x{205f}\x{3000}]")


_SPACE = OTHER_SPACE[:-1] + " ]"
# the runs folding changes: a lone plain space (most of them) is left alone, which makes the pass fast
_TO_FOLD = f"{_SPACE}{_SPACE}+|{OTHER_SPACE}"


def fold_all(texts: list[str] | pa.Array) -> pa.Array:
    """`fold` of each text, in one pass of RE2 over them all (Arrow text)."""
    arr = numbers.in_halves(lambda part: pc.replace_substring_regex(part, _TO_FOLD, " "),
                            texts if isinstance(texts, pa.Array) else pa.array(texts, pa.large_string()))
    return pc.utf8_trim(arr, " ")


def folded(column: pl.Expr) -> pl.Expr:
    """`fold` of each text of a Polars text column (the runs `fold_all` replaces, by Polars' regex)."""
    return column.cast(pl.String).str.replace_all(_TO_FOLD, " ").str.strip_chars(" ")


class Article:
    """One archived text: folded as quotes are matched, with the way back to its lines."""

    def __init__(self, source_id: str, archive_file: str, raw: str | bytes,
                 text: str | tuple[pl.Series, int] | None = None):
        """`raw`: the archived text, or its UTF-8 bytes (the validator's: a few lines of an article are read).
        `text`: the folded text, or where it is held among many (the k-th of a Polars text column, which the
        ledger searches: the validator holds each folded text once); none: `raw` folded."""
        self.source_id, self.archive_file, self._raw = source_id, archive_file, raw
        self._text = fold(self.raw) if text is None else text
        self._places: tuple[np.ndarray, np.ndarray] | None = None  # where its numbers start and end

    @property
    def text(self) -> str:
        """The folded text."""
        return self._text if isinstance(self._text, str) else self._text[0][self._text[1]]

    @property
    def raw(self) -> str:
        return self._raw.decode("utf-8") if isinstance(self._raw, bytes) else self._raw

    @property
    def places(self) -> tuple[np.ndarray, np.ndarray]:
        """Where each number of the article starts and ends in the folded text (Ledger reads many at once)."""
        if self._places is None:
            self._places = numbers.places(pa.array([self.text], pa.large_string()))[0]
        return self._places

    def number(self, k: int) -> Number:
        """The article's k-th number, read in full."""
        return numbers.number_at(self.text, int(self.places[0][k]))

    def find(self, span: str) -> list[int]:
        """Where the (folded) span starts in the folded text, every time."""
        return _places(self.text, span) if span else []

    def raw_position(self, pos: int) -> int:
        """The position in the archived text of a position in the folded text: the folded text is the words
        of the archived one, one space between each, so the word a position is in is the spaces before it."""
        k = self.text.count(" ", 0, pos)
        rest = self.raw.split(None, k)
        return len(self.raw) - len(rest[-1]) + pos - (self.text.rfind(" ", 0, pos) + 1) if rest else 0

    def line(self, pos: int) -> int:
        """The 1-based line of the archived file at a folded position."""
        return self.raw.count("\n", 0, self.raw_position(pos)) + 1

    def sentence(self, pos: int) -> str:
        """The sentence of the archived text around a folded position, inside its line, folded."""
        raw = self.raw_position(pos)
        start = self.raw.rfind("\n", 0, raw) + 1
        end = self.raw.find("\n", raw)
        line = self.raw[start: end if end >= 0 else len(self.raw)]
        at, begin = raw - start, 0
        for m in SENTENCE_END.finditer(line):
            if m.start() > at:
                return " ".join(line[begin:m.start()].split())
            begin = m.end()
        return " ".join(line[begin:].split())


@dataclass(frozen=True)
class Unaccounted:
    """A number of an archived article that is neither a traced figure nor set aside."""

    source_id: str
    archive_file: str
    line: int  # 1-based line of the archived text
    number: Number  # positions in the folded article text (Article.text)
    sentence: str

    def text(self, table_file: str = TABLE_FILE) -> str:
        """The house format: `<archive file>:<line>: "<number>" in "<sentence>" ...; expected ...`."""
        return f"{self.archive_file}:{self.line}: {self.message}; expected {expected(table_file)}"

    @property
    def message(self) -> str:
        return f'"{self.number.text}" in "{self.sentence}" is neither a traced figure nor set aside'


def expected(table_file: str = TABLE_FILE) -> str:
    return f"a record whose provenance cites it, or a row in {table_file} with a reason"


@dataclass(frozen=True)
class BadSetAside:
    """A set-aside row whose span cannot stand: `key` is what the caller gave with the row (its CSV line)."""

    key: object
    source_id: str
    span: str
    message: str
    expected: str


def account(articles: dict[str, Article], evidence: Iterable[tuple[str, str, str | None]],
            set_aside: Iterable[tuple[object, str, str]]) -> tuple[list[Unaccounted], list[BadSetAside]]:
    """The numbers of `articles` (by source_id) that nothing accounts for, and the set-aside rows that are wrong.

    `evidence`: (source_id, evidence, quote) of each traced field, both folded; quote None when the evidence is
    not inside its record's quote. `set_aside`: (key, source_id, span) of each row, span folded. Sources that
    are not in `articles` are passed over (their archived text was not read)."""
    ledger = Ledger(articles)
    ledger.cite(evidence)
    return ledger.close(set_aside)


class Ledger:
    """Which numbers of each article a traced field's evidence covers, one flag a number (the numbers of all
    the articles one after another), so that provenance can be cited in parts (`cite`) and the account closed
    once (`close`)."""

    def __init__(self, articles: dict[str, Article], texts: pl.Series | None = None,
                 places: list[tuple[np.ndarray, np.ndarray]] | None = None):
        """`texts`: the articles' folded texts, in order (a Polars text column), and `places`, where their
        numbers stand (numbers.places), when the caller has them."""
        self.articles = articles
        self.folded = pl.Series([a.text for a in articles.values()], dtype=pl.String) if texts is None else texts
        # positions in all the folded texts one after another, so that one search serves every article
        lengths = self.folded.str.len_chars().cast(pl.Int64).to_numpy()
        self.base = dict(zip(articles, np.cumsum(lengths) - lengths))
        self._holds_number: dict[str, bool] = {}
        self.index = pl.DataFrame({"source_id": list(articles), "i": np.arange(len(articles), dtype=np.uint32),
                                   "base": np.fromiter(self.base.values(), np.int64, len(articles)),
                                   "ascii": self.folded.str.len_bytes() == self.folded.str.len_chars()},
                                  schema={"source_id": pl.String, "i": pl.UInt32, "base": pl.Int64,
                                          "ascii": pl.Boolean})
        # where each article's numbers stand, and the same for all the texts one after another
        for a, found in zip(articles.values(), numbers.places(self.folded.to_arrow()) if places is None else places):
            a._places = found
        counts = np.array([len(a.places[0]) for a in articles.values()], dtype=np.int64)
        self.first = dict(zip(articles, np.cumsum(counts) - counts))  # each article's first number
        none = [np.zeros(0, np.int64)]
        self.starts = np.concatenate([a.places[0] + self.base[sid] for sid, a in articles.items()] or none)
        self.ends = np.concatenate([a.places[1] + self.base[sid] for sid, a in articles.items()] or none)
        self.traced = np.zeros(len(self.starts), dtype=bool)
        self.set_apart: list[tuple[object, str, Number]] = []  # after close: (key, source_id, number) set aside

    def cite(self, evidence: Iterable[tuple[str, str, str | None]]) -> None:
        """Evidence of traced fields: (source_id, evidence, quote or None), folded. Evidence inside a quote found
        in the article covers the numbers where it lies inside each place the quote stands; other evidence
        covers those wherever it stands. Each quote is located once however many of its fields cite it;
        evidence that states no number covers none and is not looked for."""
        by_quote: dict[tuple[str, str | None], set[str]] = {}
        for sid, span, quote in evidence:
            if span:
                by_quote.setdefault((sid, quote), set()).add(span)
        self._locate((sid, quote, spans) for (sid, quote), spans in by_quote.items())

    def place_quotes(self, pairs: pl.DataFrame) -> pl.DataFrame:
        """Of (source_id, quote) pairs, the quote folded: where the quote first starts in its article (`q_at`,
        a byte offset; null: it is not there) and whether that is its only place (`q_once`), beside the pairs'
        other columns. Pairs whose source has no article are left out."""
        pairs = pairs.join(self.index.select("source_id", "i"), on="source_id", how="inner") \
            .sort("i")  # an article at a time: it stays in the processor's cache
        return pairs.with_columns(self.folded.gather(pairs["i"]).alias("text")) \
            .with_columns(**_once(pl.col("text"), pl.col("quote"), "q")).drop("i", "text")

    def cite_frame(self, evidence: pl.DataFrame) -> None:
        """`cite` for a Polars frame of text columns source_id, span and quote (null: not inside it), with the
        quote's place from `place_quotes` (q_at, q_once; null where it was not placed). Where a place is
        certain from counts alone (an ASCII article holding the quote once, the quote holding the span once),
        Polars finds it; the rest is located by `cite`'s own way, once per quote."""
        ev = evidence.filter(pl.col("span").is_not_null() & (pl.col("span") != "")).join(
            self.index.select("source_id", "base", "ascii"), on="source_id", how="inner") \
            .with_columns(**_once(pl.col("quote"), pl.col("span"), "s"))
        # an ASCII article: its bytes are its characters, so Polars' byte offsets are the ledger's
        placed = (pl.col("ascii") & pl.col("q_once")).fill_null(False)
        found = ev.filter(placed & pl.col("s_once")).select(start=pl.col("base") + pl.col("q_at") + pl.col("s_at"),
                                                           length=pl.col("span").str.len_bytes())
        self._cover(found["start"].to_numpy(), found["length"].to_numpy())
        # the rest (a span more than once in its quote, a quote placed in doubt or not at all) as `cite` does
        rest = ev.filter(~(placed & pl.col("s_once")).fill_null(False)).group_by("source_id", "quote").agg(
            pl.col("span").unique())
        self._locate(rest.iter_rows())

    def _locate(self, groups) -> None:
        """(source_id, quote or None, spans) of each quote: the places of its spans, covered."""
        starts, lengths = [], []
        for sid, quote, spans in groups:
            if sid not in self.articles:
                continue
            text, base = self.articles[sid].text, self.base[sid]
            spans = [span for span in spans if self._states_number(span)]
            anchors = _places(text, quote) if quote is not None and spans else ()
            for q in anchors:
                for span in spans:
                    for at in _places(quote, span):
                        starts.append(base + q + at)
                        lengths.append(len(span))
            if not anchors:  # evidence from elsewhere, or a quote not in the article (reported as such, once)
                for span in spans:
                    for at in _places(text, span):
                        starts.append(base + at)
                        lengths.append(len(span))
        self._cover(starts, lengths)

    def _cover(self, starts, lengths) -> None:
        """The numbers wholly inside each place (its start and its length) are traced."""
        starts = np.asarray(starts, dtype=np.int64)
        stops = starts + np.asarray(lengths, dtype=np.int64)
        # numbers do not overlap, so their starts and ends both rise
        first_k = np.searchsorted(self.starts, starts, side="left")
        last_k = np.searchsorted(self.ends, stops, side="right")
        keep = first_k < last_k
        first_k, counts = first_k[keep], (last_k - first_k)[keep]
        # the numbers first_k, first_k + 1, ... of each place, one after another: a cost of the places and the
        # numbers in them, not of all the articles' numbers (the ledger is cited a part at a time)
        self.traced[np.repeat(first_k - (np.cumsum(counts) - counts), counts) + np.arange(counts.sum())] = True

    def close(self, set_aside: Iterable[tuple[object, str, str]]) -> tuple[list[Unaccounted], list[BadSetAside]]:
        """The set-aside rows, each checked, then every number neither traced nor inside a set-aside span."""
        aside = np.zeros(len(self.traced), dtype=bool)
        bad = []
        for key, sid, span in set_aside:
            article = self.articles.get(sid)
            if article is None or not span:
                continue
            starts = article.find(span)
            if len(starts) != 1:
                bad.append(BadSetAside(key, sid, span, *(
                    (f"{short(span)!r} is not in the archived text of {sid}",
                     "a verbatim span of the article (only whitespace may differ)") if not starts else
                    (f"{short(span)!r} occurs {len(starts)} times in the archived text of {sid}",
                     "a span long enough to occur once in its article"))))
                continue
            held = self._inside(sid, starts[0], starts[0] + len(span))
            both = [article.number(k).text for k in held if self.traced[self.first[sid] + k]]
            if both:
                bad.append(BadSetAside(key, sid, span, f"{short(span)!r} sets aside "
                                       f"{', '.join(map(repr, both))}, which a record's provenance traces",
                                       "a number either traced by a record or set aside, not both"))
            for k in held:
                aside[self.first[sid] + k] = True
                self.set_apart.append((key, sid, article.number(k)))
        left = []
        for sid, article in self.articles.items():
            first = self.first[sid]
            for k in np.flatnonzero(~self.traced[first:first + len(article.places[0])]
                                    & ~aside[first:first + len(article.places[0])]):
                n = article.number(k)
                left.append(Unaccounted(sid, article.archive_file, article.line(n.start), n, article.sentence(n.start)))
        return left, bad

    def counts(self) -> tuple[int, int]:
        """How many numbers the articles state, and how many of them traced fields cite."""
        return len(self.traced), int(self.traced.sum())

    def _states_number(self, span: str) -> bool:
        """Whether a span may hold a number (the reader's pattern found once: cheaper than reading it all)."""
        if span not in self._holds_number:
            self._holds_number[span] = PATTERN.search(span) is not None
        return self._holds_number[span]

    def _inside(self, sid: str, a: int, b: int) -> list[int]:
        """The numbers of an article that lie wholly in [a, b)."""
        starts, ends = self.articles[sid].places
        return list(range(int(np.searchsorted(starts, a)), int(np.searchsorted(ends, b, side="right"))))


def _once(text: pl.Expr, span: pl.Expr, name: str) -> dict[str, pl.Expr]:
    """Where the span first starts in each text (a byte offset), and whether that is its only place. Polars
    counts matches that do not overlap, so a span that could overlap itself (`_overlaps`) is never said to be
    there once."""
    return {f"{name}_at": text.str.find(span, literal=True).cast(pl.Int64),
            f"{name}_once": (text.str.count_matches(span, literal=True) == 1)
            & ~span.map_batches(_overlaps, pl.Boolean)}


def _overlaps(spans: pl.Series) -> pl.Series:
    """Whether each text could overlap a copy of itself: it ends with what it starts with ("2022", "1.1").
    Only the few whose first and last characters are the same are looked at in Python."""
    maybe = spans.str.head(1) == spans.str.tail(1)
    which = [s for s in spans.filter(maybe).unique().to_list()
             if any(s[k:] == s[:-k] for k in range(1, len(s)))]
    return maybe & spans.is_in(pl.Series(which, dtype=pl.String).implode())


def _places(text: str, span: str) -> list[int]:
    """Where the span starts in the text, every time (overlapping too)."""
    out, at = [], text.find(span)
    while at >= 0:
        out.append(at)
        at = text.find(span, at + 1)
    return out


def short(text: str, n: int = 80) -> str:
    """A long text cut to n characters for a message."""
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


# ------------------------------------------------------------ a package folder, read with the csv module
def _rows(root: Path, name: str) -> list[dict]:
    try:
        path = paths.inside(root, f"data/{name}.csv")  # the validator's path rule: nothing outside is read
    except paths.Refused:
        return []
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def articles(root: Path | str, archive: Path | str, source_ids: Iterable[str] | None = None) -> dict[str, Article]:
    """The archived texts of the package's sources (all, or those named) that the archive holds."""
    root, archive = Path(root), Path(archive)
    wanted = set(source_ids) if source_ids is not None else None
    folder = paths.Folder(archive, "the archive folder")
    out = {}
    for s in _rows(root, "sources"):
        sid, name = s.get("source_id"), s.get("archive_file")
        if not sid or not name or (wanted is not None and sid not in wanted):
            continue
        try:
            path = folder.inside(name)
        except paths.Refused:
            continue
        if path.is_file():
            out[sid] = Article(sid, name, path.read_text(encoding="utf-8"))
    return out


def unaccounted(root: Path | str, archive: Path | str, source_ids: Iterable[str] | None = None) -> list[Unaccounted]:
    """Each number of the package's archived articles (all, or those of `source_ids`) that no record's
    provenance cites and no set-aside row sets apart, in article and text order."""
    root = Path(root)
    texts = articles(root, archive, source_ids)
    quotes = {(name, r["record_id"]): fold(r.get("quote") or "") for name in ("indicators", "targets")
              for r in _rows(root, name)}
    evidence = []
    for p in _rows(root, "provenance"):
        key = (p.get("resource"), p.get("record_id"))
        if key not in quotes:
            continue  # not a field of a record: nothing it traces
        span, quote = fold(p.get("evidence") or ""), quotes[key]
        evidence.append((p.get("source_id"), span, quote if quote and span in quote else None))
    rows = [(i, r.get("source_id"), fold(r.get("span") or "")) for i, r in enumerate(_rows(root, TABLE), start=2)]
    left, _ = account(texts, evidence, rows)
    return left
