"""Values that an article states in words, with no number: a rank stated as a superlative ("Beijing has the
largest AI industry in the country", "leads in AI investments") is rank 1; a price stated as "free of charge"
is 0.

These are read only where a record's value is checked against its own words, and only for a unit the words
can mean: "the largest" is rank 1, never a count of 1. They are not numbers of the running text, so the
article's other superlatives ("the most recent", "the most authoritative") are not figures to account for.
Words that also state a number (digits, a number word, an ordinal) are read for that number instead.
"""
from __future__ import annotations

import re

# A closed list, grown only when an article states a value this way: each pattern, the value it states and
# the units that value can be in.
WORDED = (
    (re.compile(r"\b(?:the (?:largest|biggest|highest|most)|leads in)\b", re.IGNORECASE), 1, frozenset({"rank"})),
    (re.compile(r"\bfree of charge\b", re.IGNORECASE), 0, frozenset({"CNY", "USD"})),
)


def states(text: str, value: float, unit: str | None) -> bool:
    """Whether the words of `text` state `value` in `unit` without a number."""
    return any(value == v and unit in units and pattern.search(text) for pattern, v, units in WORDED)
