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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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
    return [n for n in (_number(text, m) for m in PATTERN.finditer(text)) if n is not None]


def number_at(text: str, start: int) -> Number | None:
    """The number `read` finds starting at `start` of the text (None: none starts there)."""
    m = PATTERN.match(text, start)
    return _number(text, m) if m else None


def _number(text: str, m: re.Match) -> Number | None:
    """The number a match of the pattern states (None: words that state none)."""
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
            return None  # "per second", "a second": time
        value, kind = Decimal(ORDINALS[word]), "ordinal"
    else:
        word, small = m.group("word").lower(), (m.group("small") or "").lower()
        if word == "one" and (PRONOUN_ONE.match(text, m.start())
                              or NO_ONE_BEFORE.search(text, max(0, m.start() - 8), m.start())):
            return None  # "one's strengths", "one another", "no one": the pronoun
        value = Decimal(_word_value(word)) * (SMALL_SCALES[small] if small else 1)
        kind = "word"
    return Number(value * scale, m.start(), m.end(), m.group(0), kind, scale, _unit(text, m), upper)


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



# The pattern again for RE2 (pyarrow's regex kernels, one pass over many texts in C++), which has no lookaround:
# "a"/"an" spells out the scale word or "hundred"/"dozen" its lookahead asks for, and the lookarounds around digits
# (not inside a longer number) are checked after, on each match's neighbours. Both engines take the first
# alternative that matches at the leftmost place, so where no lookaround would have failed, the matches are
# the same; RE2's \d and \b are ASCII, so only ASCII texts are read this way.
_a_re2 = (r"\ban?\s+(?:(?:hundred|dozen)\b(?:\s+(?:" + "|".join(SCALES) + r")\b)?|(?:" + "|".join(SCALES) + r")\b)")
_digits_re2 = rf"(?:{_plain})(?:(?:st|nd|rd|th)\b|(?:\s?[-\u2013]\s?(?:{_plain}))?)".replace("\\u2013", "\u2013")
RE2_PATTERN = ("(?i)(?:(?:" + _digits_re2
               + "|" + _word.replace("|" + _a_number, "").replace("(?P<word>", "(?:").replace("(?P<small>", "(?:")
               + "|" + _ordinal.replace("(?P<ordinal>", "(?:") + ")" + _scale.replace("(?P<scale>", "(?:")
               + "|" + _a_re2 + ")")

# Where, in a text that is ASCII, RE2's match and the pattern's could part: a digit just before a match (or a
# digit and a separator: "not inside a longer number"), and a group of three digits after a comma followed by a
# fourth, where the pattern gives back digits that RE2 keeps. A text with either is read by `read` itself.
_CLOSE_TO_A_DIGIT = ",[0-9]{4}"


def places(texts: pa.Array) -> list[tuple[np.ndarray, np.ndarray]]:
    """Where each number `read` finds starts and ends in each of many texts (Arrow text), read in one pass of
    RE2 over all of them; a text RE2 cannot read as the pattern does is read by `read`."""
    n = len(texts)
    texts = texts.cast(pa.large_string())
    fast = (pc.fill_null(pc.string_is_ascii(texts), False).to_numpy(zero_copy_only=False)
            & ~pc.fill_null(pc.match_substring_regex(texts, _CLOSE_TO_A_DIGIT), True).to_numpy(zero_copy_only=False)
            & ~pc.fill_null(pc.match_substring_regex(texts, "[\x00\x01]"), True).to_numpy(zero_copy_only=False))
    # each match marked: NUL before and after, and a SOH opening it, so the pieces between NULs tell which they are
    split = pc.split_pattern(_marked(texts), "\x00")
    pieces = pc.list_flatten(split)
    lengths = pc.binary_length(pieces).to_numpy(zero_copy_only=False).astype(np.int64)
    is_match = pc.starts_with(pieces, "\x01").to_numpy(zero_copy_only=False)
    lengths -= is_match
    match = np.flatnonzero(is_match)
    # where each text starts in the Arrow buffer (ASCII: a byte is a character)
    base = np.frombuffer(texts.buffers()[1], np.int64)[texts.offset:texts.offset + n + 1]
    per_text = pc.list_value_length(split).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    text_of = np.repeat(np.arange(n), per_text)
    ends = np.cumsum(lengths)
    before = np.append(0, ends)[np.cumsum(per_text) - per_text]  # the pieces of the texts before each text
    at = ends - lengths - before[text_of] + base[text_of]  # a NUL of the text's own (read by `read`) moves no other
    start, stop = at[match], at[match] + lengths[match]
    data = np.frombuffer(texts.buffers()[2], dtype=np.uint8) if n and texts.buffers()[2] else np.zeros(1, np.uint8)
    owner = text_of[match]

    def byte(k, table):  # whether the byte at k, inside the match's own text, is in the table
        return (k >= base[owner]) & table[data[np.maximum(k, 0)]]
    inside = _DIGIT[data[np.minimum(start, len(data) - 1)]] & (byte(start - 1, _DIGIT) | (byte(start - 1, _SEPARATOR)
                                                                                          & byte(start - 2, _DIGIT)))
    fast[np.unique(owner[inside])] = False
    # words the pattern matches that state no number: an ordinal with a scale word, and (looked at in Python,
    # being few) "second" of time and the pronoun "one"
    words = pc.utf8_lower(pc.utf8_slice_codeunits(pieces.take(pa.array(match)), 1))
    ordinal = pc.match_substring_regex(words, _ORDINAL_START).to_numpy(zero_copy_only=False)
    keep = ~(ordinal & pc.match_substring(words, " ").to_numpy(zero_copy_only=False))
    doubt = np.flatnonzero(pc.match_substring_regex(words, "^(?:second|one)\\b").to_numpy(zero_copy_only=False)
                           & keep & fast[owner])
    for k in doubt:  # the words around it are enough: 8 characters before, and a few after
        lo = max(int(base[owner[k]]), int(start[k]) - 8)
        around = data[lo: min(int(base[owner[k] + 1]), int(stop[k]) + 16)].tobytes().decode("ascii")
        keep[k] = number_at(around, int(start[k]) - lo) is not None
    bounds = np.searchsorted(owner, np.arange(n + 1))
    out = []
    for i in range(n):
        if fast[i]:
            mine = slice(bounds[i], bounds[i + 1])
            out.append((start[mine][keep[mine]] - base[i], stop[mine][keep[mine]] - base[i]))
        else:
            read_here = read(texts[i].as_py() or "")
            out.append((np.array([x.start for x in read_here], dtype=np.int64),
                        np.array([x.end for x in read_here], dtype=np.int64)))
    return out


def _marked(texts: pa.Array) -> pa.Array:
    """Each match of the pattern between two NUL marks."""
    return in_halves(lambda part: pc.replace_substring_regex(part, RE2_PATTERN, "\x00\x01\\0\x00"), texts)


def in_halves(kernel, texts: pa.Array) -> pa.Array:
    """An Arrow kernel over the texts in two halves on two threads (Arrow lets go of Python while it works)."""
    half = len(texts) // 2
    with ThreadPoolExecutor(2) as pool:
        return pa.concat_arrays(list(pool.map(kernel, [texts.slice(0, half), texts.slice(half)])))


_DIGIT = np.isin(np.arange(256), np.frombuffer(b"0123456789", np.uint8))  # by byte
_SEPARATOR = np.isin(np.arange(256), np.frombuffer(b".,", np.uint8))
_ORDINAL_START = "^(?:" + "|".join(ORDINALS) + r")\b"


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
