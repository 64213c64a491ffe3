"""The whitespace the provenance layer folds, as RE2 (pyarrow's regex engine) reads the written-out class."""
from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from schemas.frames import fold
from schemas.provenance import ODD_SPACING, OTHER_SPACE


def test_the_written_class_is_every_space_but_the_plain_one():
    points = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]  # surrogates are not UTF-8 text
    chars = pa.array([chr(c) for c in points], pa.string())
    matched = pc.match_substring_regex(chars, f"^{OTHER_SPACE}$").to_numpy(zero_copy_only=False)
    wrong = [hex(c) for c, m in zip(points, matched) if bool(m) != (chr(c).isspace() and c != 32)]
    assert not wrong, f"the class and str.isspace() disagree at {wrong[:10]}"


def test_odd_spacing_finds_exactly_the_texts_folding_changes():
    texts = ["plain words", "two  spaces", " leading", "trailing ", "non\u00a0breaking", "line\nbreak",
             "ideographic\u3000space", "thin\u2009space", "tab\there", "no change at all"]
    flagged = pc.match_substring_regex(pa.array(texts), ODD_SPACING).to_numpy(zero_copy_only=False)
    assert [bool(f) for f in flagged] == [fold(t) != t for t in texts]
