"""The categorical helpers every layer stands on."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals

from schemas.frames import CATEGORIES, categorical, concat, lists


def _column(texts: list[str | None]) -> pd.Series:
    return pd.Series(categorical(pa.chunked_array([pa.array(texts, pa.string()).dictionary_encode()])))


def test_joined_batches_have_pandas_categories_in_pandas_order():
    """Joining batches (Arrow unifies their dictionaries) gives what pandas' union_categoricals gives:
    the first batch's texts, then each new text in order, and every cell where it was."""
    many = [f"id-{i}" for i in range(300)]  # more than 127 categories: int16 codes beside int8 ones
    parts = [_column(["b", None, "a", "b"]), _column(["c", "a", None]), _column(many + ["b"]), _column([None, None])]
    joined = concat([pd.DataFrame({"t": p, "n": np.arange(len(p))}) for p in parts])
    expected = union_categoricals(parts, ignore_order=True)
    assert list(joined["t"].cat.categories) == list(expected.categories)
    assert joined["t"].cat.codes.tolist() == list(expected.codes)
    assert joined["t"].cat.categories.dtype == CATEGORIES
    assert joined["n"].tolist() == [n for p in parts for n in range(len(p))]


def test_the_empty_text_is_a_missing_cell():
    column = _column(["x", "", None, "y", ""])
    assert column.isna().tolist() == [False, True, True, False, True]
    assert list(column.cat.categories) == ["x", "y"]


def test_lists_are_groupby_lists():
    group = np.array([2, 0, 2, 1, 0, 2])
    values = np.array([10.5, 11, 12, 13, 14, 15])
    expected = pd.Series(values).groupby(group).agg(list).tolist()
    assert lists(group, values) == expected == [[11, 14], [13], [10.5, 12, 15]]
    assert lists(np.array([], dtype=np.int64), np.array([])) == []
