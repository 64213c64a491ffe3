"""Read the numbers an English sentence states: one reader for the checks and the completeness count.

"180 billion yuan" is 180000000000, "US41.4 billion" is 41400000000,
"489,000" is 489000, "44 per cent" and "13.9%" are 44 and 13.9, "five new
data centers" is 5, "two trillion yuan" is 2000000000000, "a billion" is
1000000000, "a dozen" is 12, "two hundred" is 200, "ranking first" and "1st"
are 1, "2023-2025" is the range 2023 to 2025. Values are exact Decimals: a
figure is never rounded on its way in.

Each Number keeps where it is (`start`, `end`, `text`: the number with its
scale word, never the currency mark or percent sign beside it) and what the
words around it say: `kind` (digits, word, ordinal, range), `scale` (the
multiplier of its scale word, 1 without one), `unit` (CNY, USD or percent
when a mark or word beside it says so) and `upper` (a range's upper end).

Words that look like numbers but state none are not read: the article "a"
alone ("a value"), "hundred" and "dozen" alone ("hundreds", "dozens"), the
pronoun "one" ("one's strengths", "no one", "one another") and the unit of
time "per second".
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
# Multipliers a number word may take before a scale word or on its own: "two hundred", "a dozen".
SMALL_SCALES = {"hundred": 100, "dozen": 12}
# Marks and words beside a number that say its unit, before it (US$25) or after it (25 yuan, 44 per cent).
CURRENCY_BEFORE = re.compile(r"(?:(?:US\$|\$|¥|RMB|CNY) ?|US)$", re.IGNORECASE)
UNIT_AFTER = re.compile(r"\s*(?:(?P<CNY>yuan\b|renminbi\b|RMB\b|CNY\b)|(?P<USD>(?:US )?dollars?\b|USD\b)|"
                        r"(?P<percent>%|per ?cent\b|percent\b))", re.IGNORECASE)
_BEFORE_UNIT = {"$": "USD", "us$": "USD", "us": "USD", "¥": "CNY", "rmb": "CNY", "cny": "CNY"}

_scale = r"(?:\s+(?P<scale>" + "|".join(SCALES) + r")\b)?"
_plain = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# Not inside a longer number: no digit before, nor a digit and a separator ("1.5" is one number), though a
# letter or a full stop may touch it ("Jun.2024" is June 2024).
_digits = (rf"(?<!\d)(?<!\d[.,])(?P<num>{_plain})(?:(?P<suffix>st|nd|rd|th)\b|(?![\d])"
           rf"(?:\s?[-\u2013]\s?(?P<upper>{_plain})(?![\d]))?)")
# "a" and "an" are numbers only before a scale word or "hundred"/"dozen" ("a billion", "a hundred"), and
# "hundred" and "dozen" only after a number word ("hundreds", "dozens" state none): the pattern does not even
# match the rest, which in English text are many.
_a_number = r"an?(?=\s+(?:" + "|".join([*SCALES, *SMALL_SCALES]) + r")\b)"
_word = (r"\b(?P<word>(?:" + "|".join(TENS) + r")(?:-(?:" + "|".join(UNITS[1:10]) + r"))?|a dozen|"
         + "|".join(sorted(UNITS, key=len, reverse=True)) + "|" + _a_number + r")"
         r"(?:\s+(?P<small>hundred|dozen))?\b")
_ordinal = r"\b(?P<ordinal>" + "|".join(ORDINALS) + r")\b"
# The lookahead first: most places in a text start no number, and one character class turns them away faster
# than trying each alternative there.
_could_start = "(?=[0-9]|\\b[" + "".join(sorted({w[0] for w in [*UNITS, *TENS, *ORDINALS, "a"]})) + "])"
PATTERN = re.compile(f"{_could_start}(?:{_digits}|{_word}|{_ordinal}){_scale}", re.IGNORECASE)
# Whether a text may state a number at all, for RE2 (pyarrow's compute kernels) to sort many texts at once: a digit,
# or a number word or ordinal as a whole word. A text it passes may still state none ("a value").
MAY_STATE = (r"(?i)[0-9]|\b(?:" + "|".join(sorted({*WORDS, *ORDINALS, *SMALL_SCALES} - {"a dozen"}, key=len,
                                                   reverse=True)) + r")\b")
# Words that look like numbers and state none: the pronoun one, the unit of time.
PRONOUN_ONE = re.compile(r"one(?:'s|\u2019s|\s+another)\b", re.IGNORECASE)
NO_ONE_BEFORE = re.compile(r"\bno\s+$", re.IGNORECASE)
PER_BEFORE = re.compile(r"\b(?:per|a|each)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    value: Decimal
    start: int
    end: int
    text: str
    kind: str = "digits"  # digits, word, ordinal or range
    scale: int = 1  # the scale word's multiplier ("billion": 10**9), 1 without one
    unit: str | None = None  # CNY, USD or percent when a mark or word beside the number says so
    upper: Decimal | None = None  # a range's upper end ("2023-2025": 2025), with the same scale


def read(text: str) -> list[Number]:
    """Every number the text states, left to right."""
    found = []
    for m in PATTERN.finditer(text):
        scale_word = m.group("scale")
        scale = SCALES[scale_word.lower()] if scale_word else 1
        upper = None
        if m.group("num") is not None:
            value = Decimal(m.group("num").replace(",", ""))
            kind = "ordinal" if m.group("suffix") else "digits"
            if m.group("upper") is not None:
                kind, upper = "range", _upper(m.group("num"), m.group("upper")) * scale
        elif m.group("ordinal") is not None:
            word = m.group("ordinal").lower()
            if scale_word or (word == "second" and PER_BEFORE.search(text, max(0, m.start() - 8), m.start())):
                continue  # "per second", "a second": time
            value, kind = Decimal(ORDINALS[word]), "ordinal"
        else:
            word, small = m.group("word").lower(), (m.group("small") or "").lower()
            if word == "one" and (PRONOUN_ONE.match(text, m.start())
                                  or NO_ONE_BEFORE.search(text, max(0, m.start() - 8), m.start())):
                continue  # "one's strengths", "one another", "no one": the pronoun
            value = Decimal(_word_value(word)) * (SMALL_SCALES[small] if small else 1)
            kind = "word"
        found.append(Number(value * scale, m.start(), m.end(), m.group(0), kind, scale, _unit(text, m), upper))
    return found


def values(text: str) -> list[Decimal]:
    return [n.value for n in read(text)]


def _upper(lower: str, upper: str) -> Decimal:
    """A range's upper end, its leading digits taken from the lower end when left out ("2023-25": 2025)."""
    low, up = lower.replace(",", ""), upper.replace(",", "")
    if "." not in low + up and len(up) < len(low) and int(low[:-len(up)] + up) > int(low):
        return Decimal(low[:-len(up)] + up)
    return Decimal(up)


def _unit(text: str, m: re.Match) -> str | None:
    after = UNIT_AFTER.match(text, m.end())
    if after:
        return after.lastgroup
    before = CURRENCY_BEFORE.search(text, max(0, m.start() - 4), m.start())
    return _BEFORE_UNIT[before.group(0).strip().lower()] if before else None


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


# Values an article states in words, with no number: a rank stated as a superlative ("Beijing has the largest
# AI industry in the country", "leads in AI investments") is rank 1; a price stated as "free of charge" is 0.
# They are read only where a record's value is checked against its own words, and only for a unit the words can
# mean ("the largest" is rank 1, never a count of 1). They are not numbers of the running text, so `read` leaves
# them, and the article's other superlatives ("the most recent") are not figures to account for.
# A closed list, grown only when an article states a value this way: each pattern, the value it states and
# the units that value can be in.
WORDED = (
    (re.compile(r"\b(?:the (?:largest|biggest|highest|most)|leads in)\b", re.IGNORECASE), 1, frozenset({"rank"})),
    (re.compile(r"\bfree of charge\b", re.IGNORECASE), 0, frozenset({"CNY", "USD"})),
)


def states_in_words(text: str, value: float, unit: str | None) -> bool:
    """Whether the words of `text` state `value` in `unit` without a number."""
    return any(value == v and unit in units and pattern.search(text) for pattern, v, units in WORDED)
