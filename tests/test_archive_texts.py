"""The archived texts are read in parts beside the tables (provenance.Texts), and the parts joined are the texts
read whole: each name's outcome, each text's place, its folded text and where its numbers stand."""
from __future__ import annotations

import numpy as np
import pytest

from schemas import csvfile, descriptor, structure
from schemas.provenance import Texts

FILES = {
    "a.txt": "Sales were 5 billion yuan in 2023.".encode(),
    "b.txt": b"\xff\xfe not UTF-8",
    "c.txt": "In 2022 there were 40\u00a0labs.\n\nBy 2025,  60 are planned.".encode(),
    "e.txt": "Twelve firms, 3 parks and 1.5% growth.".encode(),
}
NAMES = ["a.txt", "b.txt", "../outside.txt", "c.txt", "missing.txt", "e.txt"]  # refused, missing, unreadable too


def _sources(tmp_path, names):
    rows = [f"s{i},{name},{'0' * 64}" for i, name in enumerate(names)]
    (tmp_path / "sources.csv").write_text("\n".join(["source_id,archive_file,sha256", *rows]) + "\n")
    res = descriptor._resource({"name": "sources", "path": "sources.csv", "schema": {"fields": [
        {"name": "source_id"}, {"name": "archive_file"}, {"name": "sha256"}]}}, tmp_path)
    table, problems = csvfile.read(tmp_path, res)
    assert not problems
    return structure.cast(table)[0]


def _said(texts: Texts):
    """What the texts hold, comparable: each outcome by kind and words, the folded texts, the places."""
    def outcome(got):  # None, a refusal, or (SHA-256, the text or why it is not UTF-8)
        if isinstance(got, tuple):
            return got[0], got[1] if isinstance(got[1], str) else repr(got[1])
        return got if got is None else repr(got)
    return ({name: outcome(got) for name, got in texts.opened.items()}, texts.at, texts.folded.to_pylist(),
            [(list(starts), list(ends)) for starts, ends in texts.places])


@pytest.mark.parametrize("n", range(len(NAMES) + 1))
def test_texts_read_in_parts_and_joined_are_the_texts_read_whole(tmp_path, n):
    archive = tmp_path / "archive"
    archive.mkdir()
    for name, data in FILES.items():
        (archive / name).write_bytes(data)
    (tmp_path / "outside.txt").write_text("never opened")
    sources = _sources(tmp_path, NAMES[:n])
    whole = Texts(archive, sources)
    joined = Texts.joined([Texts(archive, sources, part, 2) for part in range(2)])
    assert _said(joined) == _said(whole)
    assert len(whole.opened) == n  # every name has its outcome, whichever part read it
    if n >= 4:
        assert whole.folded.to_pylist()[whole.at["c.txt"]] == "In 2022 there were 40 labs. By 2025, 60 are planned."
        starts, _ = whole.places[whole.at["c.txt"]]
        assert np.array_equal(starts, [3, 19, 31, 37])


def test_no_part_means_no_texts():
    assert Texts.joined([]) is None
    assert Texts.joined([None, None]) is None
