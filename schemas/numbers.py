"""Read the numbers an English sentence states, with their scale words.

"180 billion yuan" is 180000000000, "US41.4 billion" is 41400000000,
"489,000" is 489000, "44 per cent" and "13.9%" are 44 and 13.9, "five new
data centers" is 5, "two trillion yuan" is 2000000000000, "a billion" is
1000000000, "ranking first" is 1. Values are exact Decimals: a figure is
never rounded on its way in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
          "bn": 10**9, "mn": 10**6, "tn": 10**12}
UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
            "ninth": 9, "tenth": 10}
WORDS = {w: i for i, w in enumerate(UNITS)} | TENS | {"a": 1, "an": 1, "a dozen": 12, "dozen": 12, "hundred": 100}

_scale = r"(?:\s+(?P<scale>" + "|".join(SCALES) + r")\b)?"
_digits = r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d])"
_word = (r"\b(?P<word>(?:" + "|".join(TENS) + r")(?:-(?:" + "|".join(UNITS[1:10]) + r"))?|"
         + "|".join(sorted((w for w in WORDS if w not in TENS), key=len, reverse=True)) + r")\b")
_ordinal = r"\b(?P<ordinal>" + "|".join(ORDINALS) + r")\b"
PATTERN = re.compile(f"(?:{_digits}|{_word}|{_ordinal}){_scale}", re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    value: Decimal
    start: int
    end: int
    text: str


def read(text: str) -> list[Number]:
    """Every number the text states, left to right."""
    found = []
    for m in PATTERN.finditer(text):
        scale = m.group("scale")
        if m.group("num") is not None:
            value = Decimal(m.group("num").replace(",", ""))
        elif m.group("ordinal") is not None:
            if scale:
                continue
            value = Decimal(ORDINALS[m.group("ordinal").lower()])
        else:
            word = m.group("word").lower()
            if word in ("a", "an", "hundred", "dozen", "a dozen") and not scale:
                continue  # "a value", "an estimated": articles, not numbers
            value = Decimal(_word_value(word))
        if scale:
            value *= SCALES[scale.lower()]
        found.append(Number(value, m.start(), m.end(), m.group(0)))
    return found


def values(text: str) -> list[Decimal]:
    return [n.value for n in read(text)]


def _word_value(word: str) -> int:
    if "-" in word:
        tens, unit = word.split("-")
        return TENS[tens] + UNITS.index(unit)
    return WORDS[word]


# How a reader is told each comparator: 'more than 250 billion yuan' ('=' says nothing).
COMPARATOR_WORDS = {"=": "", "~": "about", ">": "more than", ">=": "at least", "<": "less than", "<=": "at most"}
# Whole-word patterns of the hedges the data model maps to each comparator ("no less than" is at least, not
# less than: a negated hedge is its own word).
_NOT = r"(?<!\bno )(?<!\bnot )"
HEDGES = {
    "~": r"about|around|approximately|nearly|almost|roughly|estimated",
    ">": rf"{_NOT}more than|over|surpass\w*|exceed\w*|above|upwards of",
    ">=": r"at least|no less than|not less than|or more",
    "<": rf"{_NOT}less than|{_NOT}fewer than|under|below",
    "<=": r"as much as|as many as|up to|at most|no more than|not more than",
}
UNIT_WORDS = {
    "CNY": ("yuan", "rmb", "renminbi", "¥", "cny"),
    "USD": ("us$", "$", "us", "dollar", "usd"),
    "EFLOPS": ("exaflop", "eflops"),
    "percent": ("%", "per cent", "percent", "percentage"),
}


def states_hedge(text: str, comparator: str) -> bool:
    words = HEDGES.get(comparator)
    return bool(words) and re.search(rf"\b(?:{words})\b", text, re.IGNORECASE) is not None


def states_unit(text: str, unit: str) -> bool:
    low = text.lower()
    return any(w in low for w in UNIT_WORDS[unit]) if unit in UNIT_WORDS else True


_SCALE_WORDS = ((1e12, " trillion"), (1e9, " billion"), (1e6, " million"))
_UNIT_FORMS = {"CNY": "{} yuan", "USD": "US${}", "percent": "{}%", "EFLOPS": "{} exaflops"}


def human(value, unit: str | None, digits: int | None = None) -> str:
    """A value as a reader says it: 180 billion yuan, US$41.12 billion, 13.9%, 489,000.

    Stated values are shown exactly (a division by a power of ten gives the double nearest the decimal,
    whose shortest form is that decimal); a derived value is shown to `digits` significant digits."""
    try:
        v = float(value)
    except (TypeError, ValueError):  # None, pandas' NA
        return "(no number)"
    if v != v:
        return "(no number)"
    a, word, m = abs(v), "", v
    if a >= 1e6:
        for scale, name in _SCALE_WORDS:
            if a >= scale:
                m, word = v / scale, name
                break
    if digits is not None:
        num = f"{m:.{digits}g}"
    elif not word and m == int(m) and a < 1e15:
        num = f"{int(m):,}"
    else:
        num = repr(m).removesuffix(".0")
    form = _UNIT_FORMS.get(unit) if isinstance(unit, str) else None
    return form.format(num + word) if form else num + word
