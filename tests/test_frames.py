"""The categorical helpers every layer stands on."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa

from schemas.frames import categorical


def _column(texts: list[str | None]) -> pd.Series:
    return pd.Series(categorical(pa.chunked_array([pa.array(texts, pa.string()).dictionary_encode()])))


def test_the_empty_text_is_a_missing_cell():
    column = _column(["x", "", None, "y", ""])
    assert column.isna().tolist() == [False, True, True, False, True]
    assert list(column.cat.categories) == ["x", "y"]
