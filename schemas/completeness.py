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

import bisect
import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .frames import fold
from .numbers import PATTERN, Number, read

TABLE = "set_aside"  # the resource of the numbers that are not figures
TABLE_FILE = "data/set_aside.csv"
# The reasons whose row names the record it concerns (in indicator_record or target_record); no other reason does.
NAMES_RECORD = ("restates_record", "definition_threshold")
RECORD_COLUMNS = {"indicators": "indicator_record", "targets": "target_record"}
# A sentence ends at a full stop, question or exclamation mark (and any closing quote or bracket) before a space.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+")


class Article:
    """One archived text: folded as quotes are matched, with the way back to its lines."""

    def __init__(self, source_id: str, archive_file: str, raw: str):
        self.source_id, self.archive_file, self.raw = source_id, archive_file, raw
        self.text = fold(raw)
        self._numbers: list[Number] | None = None
        self._map: tuple[list[int], list[int]] | None = None

    @property
    def numbers(self) -> list[Number]:
        """Every number of the article, positions in the folded text."""
        if self._numbers is None:
            self._numbers = read(self.text)
        return self._numbers

    def find(self, span: str, within: tuple[int, int] | None = None) -> list[int]:
        """Where the (folded) span starts in the folded text, every time, or inside `within` only."""
        lo, hi = within or (0, len(self.text))
        out, at = [], self.text.find(span, lo, hi)
        while span and at >= 0:
            out.append(at)
            at = self.text.find(span, at + 1, hi)
        return out

    def raw_position(self, pos: int) -> int:
        """The position in the archived text of a position in the folded text (the map is made when first
        asked: only a number left unaccounted needs it)."""
        if self._map is None:
            folded_at, raw_at, at = [], [], 0
            for m in re.finditer(r"\S+", self.raw):  # \s is what str.split() splits at
                folded_at.append(at)
                raw_at.append(m.start())
                at += m.end() - m.start() + 1
            self._map = folded_at, raw_at
        folded_at, raw_at = self._map
        k = bisect.bisect_right(folded_at, pos) - 1
        return raw_at[k] + (pos - folded_at[k]) if k >= 0 else 0

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
    """Which numbers of each article a traced field's evidence covers, kept as one flag a number, so that
    provenance can be cited a batch at a time (`cite`) and the account closed once (`close`)."""

    def __init__(self, articles: dict[str, Article]):
        self.articles = articles
        self.starts = {sid: [n.start for n in a.numbers] for sid, a in articles.items()}
        self.traced = {sid: bytearray(len(a.numbers)) for sid, a in articles.items()}
        self._holds_number: dict[str, bool] = {}

    def cite(self, evidence: Iterable[tuple[str, str, str | None]]) -> None:
        """Evidence of traced fields: (source_id, evidence, quote or None), folded. Each quote is located once
        and the numbers inside it read off once, however many of its fields cite it; evidence that states no
        number covers none and is not looked for."""
        by_quote: dict[tuple[str, str | None], set[str]] = {}
        for sid, span, quote in evidence:
            if span:
                by_quote.setdefault((sid, quote), set()).add(span)
        for (sid, quote), spans in by_quote.items():
            article = self.articles.get(sid)
            spans = [span for span in spans if self._states_number(span)] if article is not None else []
            if not spans:
                continue
            traced, numbers = self.traced[sid], article.numbers
            anchors = article.find(quote) if quote is not None else []
            if not anchors:  # evidence from elsewhere, or a quote not in the article (reported as such, once)
                for span in spans:
                    for a in article.find(span):
                        for k in self._inside(sid, a, a + len(span)):
                            traced[k] = 1
                continue
            for q in anchors:
                held = self._inside(sid, q, q + len(quote))
                for span in spans if held else ():
                    at = quote.find(span)
                    while at >= 0:
                        a, b = q + at, q + at + len(span)
                        for k in held:
                            if a <= numbers[k].start and numbers[k].end <= b:
                                traced[k] = 1
                        at = quote.find(span, at + 1)

    def close(self, set_aside: Iterable[tuple[object, str, str]]) -> tuple[list[Unaccounted], list[BadSetAside]]:
        """The set-aside rows, each checked, then every number neither traced nor inside a set-aside span."""
        aside = {sid: bytearray(len(t)) for sid, t in self.traced.items()}
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
            both = [article.numbers[k].text for k in held if self.traced[sid][k]]
            if both:
                bad.append(BadSetAside(key, sid, span, f"{short(span)!r} sets aside "
                                       f"{', '.join(map(repr, both))}, which a record's provenance traces",
                                       "a number either traced by a record or set aside, not both"))
            for k in held:
                aside[sid][k] = 1
        left = [Unaccounted(sid, article.archive_file, article.line(n.start), n, article.sentence(n.start))
                for sid, article in self.articles.items() for k, n in enumerate(article.numbers)
                if not self.traced[sid][k] and not aside[sid][k]]
        return left, bad

    def _inside(self, sid: str, a: int, b: int) -> list[int]:
        """The numbers of an article that lie wholly in [a, b)."""
        numbers, k = self.articles[sid].numbers, bisect.bisect_left(self.starts[sid], a)
        out = []
        while k < len(numbers) and numbers[k].start < b:
            if numbers[k].end <= b:
                out.append(k)
            k += 1
        return out

    def _states_number(self, span: str) -> bool:
        """Whether a span may hold a number (the reader's pattern found once: cheaper than reading it all)."""
        if span not in self._holds_number:
            self._holds_number[span] = PATTERN.search(span) is not None
        return self._holds_number[span]


def short(text: str, n: int = 80) -> str:
    """A long text cut to n characters for a message."""
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


# ------------------------------------------------------------ a package folder, read with the csv module
def _rows(root: Path, name: str) -> list[dict]:
    path = root / "data" / f"{name}.csv"
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def articles(root: Path | str, archive: Path | str, source_ids: Iterable[str] | None = None) -> dict[str, Article]:
    """The archived texts of the package's sources (all, or those named) that the archive holds."""
    root, archive = Path(root), Path(archive)
    wanted = set(source_ids) if source_ids is not None else None
    out = {}
    for s in _rows(root, "sources"):
        sid, name = s.get("source_id"), s.get("archive_file")
        if not sid or not name or (wanted is not None and sid not in wanted) or not (archive / name).is_file():
            continue
        out[sid] = Article(sid, name, (archive / name).read_text(encoding="utf-8"))
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
