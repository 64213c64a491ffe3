"""Write an Arrow table as CSV in a resource's declared dialect, a column at a time.

pyarrow's own CSV writer quotes every text cell; the package's files quote a
cell only when it holds the delimiter, the quote character or a line break,
so this writer builds each line with Arrow compute kernels (no Python loop per
row) and writes the joined bytes as they lie in Arrow's buffer.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

BATCH = 1 << 20  # rows joined at once: bounds the memory of one batch's text


def dialect_of(resource: dict) -> tuple[str, str, str]:
    """(delimiter, quote character, line terminator) of a descriptor resource, with the CSV defaults."""
    d = resource.get("dialect") or {}
    return d.get("delimiter", ","), d.get("quoteChar", '"'), d.get("lineTerminator", "\r\n")


def write(path: Path, table: pa.Table, resource: dict) -> None:
    delimiter, quote, eol = dialect_of(resource)
    needs_quotes = "[" + re.escape(delimiter + quote) + "\r\n]"
    with open(path, "wb") as fh:
        fh.write((delimiter.join(_cell(n, needs_quotes, quote) for n in table.column_names) + eol).encode("utf-8"))
        for start in range(0, table.num_rows, BATCH):
            part = table.slice(start, BATCH)
            cells = [_quoted(part.column(i), needs_quotes, quote) for i in range(part.num_columns)]
            lines = pc.binary_join_element_wise(*cells, _large(delimiter))
            lines = pc.binary_join_element_wise(lines, _large(eol), _large(""))
            fh.write(_bytes(lines))


def _large(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())


def _cell(text: str, needs_quotes: str, quote: str) -> str:
    return quote + text.replace(quote, quote * 2) + quote if re.search(needs_quotes, text) else text


def _quoted(column, needs_quotes: str, quote: str) -> pa.Array:
    text = pc.fill_null(pc.cast(column, pa.large_string()), "")
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    wrapped = pc.binary_join_element_wise(_large(quote), pc.replace_substring(text, quote, quote * 2), _large(quote),
                                          _large(""))
    return pc.if_else(pc.match_substring_regex(text, needs_quotes), wrapped, text)


def _bytes(lines) -> memoryview:
    """The text of a string array, all rows end to end, as Arrow holds it."""
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    lines = lines.cast(pa.large_string())
    _, offsets, data = lines.buffers()
    offs = np.frombuffer(offsets, dtype=np.int64)[lines.offset: lines.offset + len(lines) + 1]
    return memoryview(data)[offs[0]: offs[-1]] if len(lines) else memoryview(b"")
