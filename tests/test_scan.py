"""The byte scan of a CSV (csvfile.scan) reads a file in blocks into one buffer: where the blocks end must not
change what it finds (a character, a CRLF or a byte-order mark cut in two by a block's end included)."""
from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas import csvfile

PIECES = [b"a", b",", b"\n", b"\r", b"\r\n", "中".encode(), "é".encode(), "😀".encode(), b"\xff", b"\xe4\xb8",
          b"\x80", csvfile.BOM, b"\xff\xfe", b'"']


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.integers(min_value=3, max_value=17))
def test_blocks_of_any_size_find_the_same(tmp_path_factory, pieces, block):
    path = tmp_path_factory.mktemp("scan") / "t.csv"
    data = b"".join(pieces)
    path.write_bytes(data)
    whole = csvfile.scan(path)  # one block
    assert whole.utf16 == data.startswith(csvfile.UTF16) and whole.bom == data.startswith(csvfile.BOM)
    assert whole.size == len(data)
    if not whole.utf16:  # a UTF-16 file is said to be one, and nothing more is learnt from its bytes
        assert whole.newlines == data.count(b"\n")
        assert whole.returns == data.count(b"\r") and whole.crlf_count == data.count(b"\r\n")
        try:
            data.decode("utf-8")
            assert whole.bad_utf8 is None
        except UnicodeDecodeError as exc:
            assert whole.bad_utf8 == (data[:exc.start].count(b"\n") + 1, exc.start)
    kept = csvfile.SCAN_BLOCK
    csvfile.SCAN_BLOCK = block
    try:
        assert dataclasses.astuple(csvfile.scan(path)) == dataclasses.astuple(whole)
    finally:
        csvfile.SCAN_BLOCK = kept
