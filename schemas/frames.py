"""Small tools for the pandas view of the tables (the site, the exports and
the README's snippets read it; the checks read the Polars frames).

A text column is a pandas Categorical: each distinct text is stored (and
checked) once, and rows point at it by an integer code. These helpers keep
work per distinct text and lookups per integer, never per row in Python.
`to_pandas` makes the view from a typed Polars frame.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import polars as pl
import pyarrow.compute as pc

CATEGORIES = pd.StringDtype("pyarrow")  # the texts stay Arrow text: no Python object per distinct text


def fold(text: str) -> str:
    """The one normalisation allowed between a quote and its article: each run of Unicode whitespace
    (non-breaking spaces included) is one space, and none at the ends."""
    return " ".join(text.split())


def spread(per_category: np.ndarray, codes: np.ndarray, missing) -> np.ndarray:
    """Each row's value from its category's (by its code), `missing` where the row has none
    (code -1): -1 picks the appended `missing`, so a column with no texts at all needs no special case."""
    return np.append(per_category, missing)[codes]


def lean(column):
    """A categorical without the hash table pandas keeps from checking its categories (as large as the
    texts); a lookup that needs one builds it again."""
    cat = column.cat if isinstance(column, pd.Series) else column
    cat.categories._cache.clear()
    return column


def categorical(column: pa.ChunkedArray) -> pd.Categorical:
    """A dictionary-encoded column as a Categorical whose categories are Arrow text (no Python objects);
    the empty text is not a category: its cells are missing."""
    arr = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if not pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_encode()
    indices = arr.indices.fill_null(-1) if arr.indices.null_count else arr.indices  # a missing cell: code -1
    codes = indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    dictionary = arr.dictionary
    empty = np.flatnonzero(pc.equal(dictionary, "").to_numpy(zero_copy_only=False))
    if len(empty):  # drop "" from the categories; its cells become missing (-1)
        keep = np.ones(len(dictionary), dtype=bool)
        keep[empty] = False
        remap = np.cumsum(keep) - 1
        remap[empty] = -1
        codes = spread(remap, codes, -1).astype(np.int32)
        dictionary = dictionary.filter(pa.array(keep))
    categories = pd.Index(pd.array(dictionary, dtype=CATEGORIES))
    # An Arrow dictionary holds each text once: pandas' public CategoricalDtype checks that again, making
    # Python text of every category and hashing it (about a second over a million records) to throw away.
    # Its fast path is private: pandas is pinned, and where the fast path is gone the public way is taken.
    fast = getattr(pd.CategoricalDtype, "_from_fastpath", None)
    if fast is None:  # the public check keeps what it built: lean drops it
        return lean(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories), validate=False))
    return pd.Categorical.from_codes(codes, dtype=fast(categories, ordered=False), validate=False)


def to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """A typed Polars frame as the pandas frame users meet (the site, the exports): text a Categorical whose
    categories are Arrow text in order of first appearance (the empty text none of them), whole numbers
    Int64, numbers float64, booleans boolean, dates datetime64 as pandas parses ISO dates."""
    columns = {}
    for name, col in frame.to_dict().items():
        if col.dtype == pl.Categorical:
            firsts = col.unique(maintain_order=True).drop_nulls()
            ids = firsts.to_physical().to_numpy().astype(np.int64)
            code_of = np.full(ids.max(initial=-1) + 2, -1, dtype=np.int32)  # its last place: a missing cell's
            code_of[ids] = np.arange(len(ids), dtype=np.int32)
            rows = code_of[col.to_physical().cast(pl.Int64).fill_null(-1).to_numpy()]
            arr = pa.DictionaryArray.from_arrays(pa.array(rows, mask=rows < 0),
                                                 firsts.cast(pl.String).to_arrow().cast(pa.string()))
            columns[name] = pd.Series(categorical(pa.chunked_array([arr])))
        elif col.dtype == pl.Int64:
            columns[name] = pd.Series(pd.arrays.IntegerArray(col.fill_null(0).to_numpy(), col.is_null().to_numpy()))
        elif col.dtype == pl.Boolean:
            columns[name] = pd.Series(pd.arrays.BooleanArray(col.fill_null(False).to_numpy(), col.is_null().to_numpy()))
        elif col.dtype == pl.Float64:
            columns[name] = pd.Series(col.to_numpy(), dtype="float64")
        elif col.dtype == pl.Date:  # the unit pandas gives ISO dates (it depends on its version): let it say
            iso = pd.Series(pd.array(col.cast(pl.String).to_arrow().cast(pa.string()), dtype=CATEGORIES))
            columns[name] = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
        else:
            columns[name] = col.to_pandas()
    return pd.DataFrame(columns, index=pd.RangeIndex(frame.height))
