"""The whitespace the provenance layer folds, as RE2 (pyarrow's regex engine) and Polars' regex read the
written-out class."""
from __future__ import annotations

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from schemas.completeness import OTHER_SPACE, fold_all, folded
from schemas.frames import fold


def test_the_written_class_is_every_space_but_the_plain_one():
    points = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]  # surrogates are not UTF-8 text
    chars = pa.array([chr(c) for c in points], pa.string())
    matched = pc.match_substring_regex(chars, f"^{OTHER_SPACE}$").to_numpy(zero_copy_only=False)
    wrong = [hex(c) for c, m in zip(points, matched) if bool(m) != (chr(c).isspace() and c != 32)]
    assert not wrong, f"the class and str.isspace() disagree at {wrong[:10]}"


def test_polars_and_re2_fold_texts_as_fold_does():
    texts = ["plain words", "two  spaces", " leading", "trailing ", "non\u00a0breaking", "line\nbreak",
             "ideographic\u3000space", "thin\u2009space", "tab\there", "no change at all", " \u00a0 \n ", ""]
    by_polars = pl.select(folded(pl.lit(pl.Series(texts)))).to_series().to_list()
    assert by_polars == fold_all(texts).to_pylist() == [fold(t) for t in texts]
