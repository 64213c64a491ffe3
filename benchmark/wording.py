"""How a generated article words a figure: numbers with their scale words, hedges, units.

A value is drawn as an exact decimal (mantissa, decimals, scale exponent), so
its plain form in the CSV ("180000000000") and its words in the text ("180
billion yuan") are the same number with no float rounding between them. All
functions take and return whole columns (numpy arrays).
"""
from __future__ import annotations

import numpy as np

from schemas import numbers

# The words the validator reads (schemas.numbers), so the two cannot drift apart: the generator's scale
# exponents 6, 9 and 12 by the first word schemas.numbers gives each, the small numbers and the ordinals
# (indexed by their value: ORDINALS[1] is "first").
SCALE_WORDS = {e: next(w for w, v in numbers.SCALES.items() if v == 10 ** e) for e in (6, 9, 12)}
NUMBER_WORDS = np.array(numbers.UNITS, dtype=object)
ORDINALS = np.array([""] + sorted(numbers.ORDINALS, key=numbers.ORDINALS.get), dtype=object)
MONTHS = np.array(["January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"], dtype=object)
COMPARATORS = np.array(["=", "~", ">", ">=", "<", "<="], dtype=object)
COMPARATOR_WEIGHTS = np.array([0.5, 0.2, 0.2, 0.04, 0.03, 0.03])
# The hedges the data model maps to each comparator; '=' has none (its provenance is inferred). Each must be one
# schemas.numbers.states_hedge reads as its comparator's (tests/test_synthetic.py).
HEDGES = {"=": [""], "~": ["about", "nearly", "approximately", "around"], ">": ["more than", "over"],
          ">=": ["at least"], "<": ["less than"], "<=": ["as much as", "up to"]}
PERCENT_FORMS = np.array([" per cent", "%", " percent"], dtype=object)


def plain(mant: np.ndarray, dec: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """The CSV form of mant / 10**dec * 10**scale: digits only, a decimal point only when needed."""
    exp = scale - dec
    out = np.empty(len(mant), dtype=object)
    whole = exp >= 0
    out[whole] = [str(int(m) * 10 ** int(e)) for m, e in zip(mant[whole], exp[whole])]
    out[~whole] = [_decimal(int(m), int(-e)) for m, e in zip(mant[~whole], exp[~whole])]
    return out


def mantissa_text(mant: np.ndarray, dec: np.ndarray) -> np.ndarray:
    """'180', '12.5', '25.35', '489,000': the number as the article writes its digits."""
    return np.array([_decimal(int(m), int(d)) if d else f"{int(m):,}" for m, d in zip(mant, dec)], dtype=object)


def scaled(mant: np.ndarray, dec: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """'180 billion', '1.5 trillion', '500 million' (scale 0 gives the digits alone)."""
    text = mantissa_text(mant, dec)
    words = np.array([" " + SCALE_WORDS[int(s)] if s else "" for s in scale], dtype=object)
    return text + words


def count_text(values: np.ndarray, as_words: np.ndarray) -> np.ndarray:
    """'489,000', or 'five' for a small count the article spells out."""
    out = np.array([f"{int(v):,}" for v in values], dtype=object)
    small = as_words & (values < len(NUMBER_WORDS))
    out[small] = NUMBER_WORDS[values[small]]
    return out


def hedges(comparators: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A hedge word for each comparator ('' for '=')."""
    out = np.full(len(comparators), "", dtype=object)
    for comp, words in HEDGES.items():
        mask = comparators == comp
        out[mask] = np.array(words, dtype=object)[rng.integers(0, len(words), mask.sum())]
    return out


def _decimal(mant: int, dec: int) -> str:
    if dec == 0:
        return str(mant)
    sign, digits = ("-" if mant < 0 else ""), str(abs(mant)).rjust(dec + 1, "0")
    return f"{sign}{digits[:-dec]}.{digits[-dec:]}"
