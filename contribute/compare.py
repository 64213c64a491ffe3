"""Is a quoted span in a copy of its article, and if not, which passage comes closest and what differs.

Between a quote and a copy, typographic and straight quotes and apostrophes count as the same, and so does
every run of white space (non-breaking spaces and line breaks included); nothing else does: a dash, a
letter's case or a changed word is a difference.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

SAME = "typographic and straight quotes, and runs of white space, count as the same; nothing else does"
QUOTE_MARKS = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u02bc": "'",  # ‘ ’ ‚ ‛ ʼ
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',  # “ ” „ ‟
})


def normal(text: str) -> str:
    return " ".join(text.translate(QUOTE_MARKS).split())


def same_words(a: str, b: str) -> bool:
    return normal(a) == normal(b)


@dataclass(frozen=True)
class Found:
    found: bool
    closest: str = ""  # the copy's passage nearest the span (when not found), as normalised
    differences: tuple[str, ...] = ()


class Copy:
    """A copy of an article, normalised once and searched for many spans."""

    def __init__(self, text: str):
        self.text = normal(text)
        self.words = self.text.split(" ")

    def find(self, span: str) -> Found:
        want = normal(span)
        if want and want in self.text:
            return Found(True)
        words = want.split(" ")
        start, end = self._closest(words)
        got = self.words[start:end]
        return Found(False, " ".join(got), tuple(_differences(words, got)))

    def _closest(self, words: list[str]) -> tuple[int, int]:
        """The run of the copy's words most like the span's (as long as the span, give or take a few words)."""
        n, best, where = len(words), -1.0, (0, 0)
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(words)
        for size in sorted({max(1, n - 2), max(1, n - 1), n, n + 1, n + 2}):
            for start in range(max(1, len(self.words) - size + 1)):
                matcher.set_seq1(self.words[start:start + size])
                if matcher.real_quick_ratio() <= best or matcher.quick_ratio() <= best:
                    continue
                ratio = matcher.ratio()
                if ratio > best:
                    best, where = ratio, (start, start + size)
        return where


def _differences(want: list[str], got: list[str]) -> list[str]:
    out = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, want, got, autojunk=False).get_opcodes():
        ours, theirs = " ".join(want[a1:a2]), " ".join(got[b1:b2])
        if op == "replace":
            out.append(f"your copy has {theirs!r} where the package has {ours!r}")
        elif op == "delete":
            out.append(f"your copy lacks {ours!r}")
        elif op == "insert":
            out.append(f"your copy adds {theirs!r}")
    return out or ["the words agree but not their joining (a hyphen, a split word or punctuation)"]
