"""Is a quoted span in a copy of its article, and if not, which passage comes closest and what differs.

Between a quote and a copy, typographic and straight quotes and apostrophes count as the same, and so does
every run of white space (non-breaking spaces and line breaks included); nothing else does: a dash, a
letter's case or a changed word is a difference.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from schemas.frames import fold

SAME = "typographic and straight quotes, and runs of white space, count as the same; nothing else does"
QUOTE_MARKS = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u02bc": "'",  # ‘ ’ ‚ ‛ ʼ
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',  # “ ” „ ‟
})


def normal(text: str) -> str:
    """The archive's one normalisation (runs of white space), after quote marks made straight."""
    return fold(text.translate(QUOTE_MARKS))


def same_words(a: str, b: str) -> bool:
    return normal(a) == normal(b)


@dataclass(frozen=True)
class Found:
    found: bool
    closest: str = ""  # the copy's passage nearest the span (when not found), as normalised
    differences: tuple[str, ...] = ()


# Words and each punctuation mark apart, so that "2023," differs from "2023" by its comma alone.
TOKEN = re.compile(r"\w+|[^\w\s]")


class Copy:
    """A copy of an article, normalised once and searched for many spans."""

    def __init__(self, text: str):
        self.text = normal(text)
        self.spans = [m.span() for m in TOKEN.finditer(self.text)]
        self.tokens = [self.text[a:b] for a, b in self.spans]

    def find(self, span: str) -> Found:
        want = normal(span)
        if want and want in self.text:
            return Found(True)
        tokens = TOKEN.findall(want)
        if not tokens or not self.tokens:
            return Found(False, "", (f"your copy has nothing like {want!r}",))
        start, end = self._closest(tokens)
        return Found(False, self._passage(start, end), tuple(self._differences(tokens, start, end)))

    def _closest(self, tokens: list[str]) -> tuple[int, int]:
        """The run of the copy's tokens that shares the most tokens with the span, in order; of runs sharing as
        many, the one that differs in the fewest places, then the one nearest the span's length (so a changed
        word is shown changed, not as one word left out and another added)."""
        n = len(tokens)
        best, where = (0, 0, 0), (0, min(n, len(self.tokens)))
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(tokens)
        for size in sorted({max(1, n + d) for d in (0, -1, 1, -2, 2)}):
            for start in range(max(1, len(self.tokens) - size + 1)):
                matcher.set_seq1(self.tokens[start:start + size])
                # ratio() is 2 * shared / (both lengths): an upper bound of it bounds what the run shares
                if matcher.quick_ratio() * (size + n) / 2 < best[0]:
                    continue
                shared = sum(block.size for block in matcher.get_matching_blocks())
                if shared < best[0]:
                    continue
                places = sum(1 for op in matcher.get_opcodes() if op[0] != "equal")
                key = (shared, -places, -abs(size - n))
                if key > best:
                    best, where = key, (start, min(start + size, len(self.tokens)))
        return where

    def _passage(self, start: int, end: int) -> str:
        """The copy's text from token `start` to before token `end`, as it stands (empty for no token)."""
        return self.text[self.spans[start][0]:self.spans[end - 1][1]] if end > start else ""

    def _differences(self, want: list[str], start: int, end: int) -> list[str]:
        out = []
        got = self.tokens[start:end]
        for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, want, got, autojunk=False).get_opcodes():
            ours, theirs = _joined(want[a1:a2]), self._passage(start + b1, start + b2)
            if op == "replace":
                out.append(f"your copy has {theirs!r} where the package has {ours!r}")
            elif op == "delete":
                out.append(f"your copy lacks {ours!r}")
            elif op == "insert":
                out.append(f"your copy adds {theirs!r}")
        return out or ["the same words, spaced differently (a split or joined word)"]


def _joined(tokens: list[str]) -> str:
    """Tokens of the package's span, as words: a punctuation mark joined to the word before it."""
    out = ""
    for t in tokens:
        out += t if (out and not t[0].isalnum() and t not in "([{\"'") else (" " + t if out else t)
    return out
