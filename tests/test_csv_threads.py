"""A file with rows of the wrong width is parsed again on one thread (pyarrow numbers such rows only then):
those rows, with their lines, must reach the checks whole and in order however the threads are switched."""
from __future__ import annotations

import dataclasses
import sys

import pytest
from conftest import REPO

from schemas import csvfile, descriptor


def test_rows_of_the_wrong_width_survive_any_interleaving(tmp_path, monkeypatch):
    res = descriptor.load(REPO).resources["regions"]
    width = len(res.field_names)
    lines = [",".join(res.field_names)]
    for i in range(4000):  # every third row has a cell too few, across many small blocks
        cells = [f"r{i}"] + ["x"] * (width - 1)
        lines.append(",".join(cells[:-1] if i % 3 == 0 else cells))
    path = tmp_path / "regions.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = dataclasses.replace(res, file=path)
    monkeypatch.setattr(csvfile, "PARSE_BLOCK", 1 << 12)  # many small blocks
    want = [i + 2 for i in range(4000) if i % 3 == 0]
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # hand the interpreter from thread to thread as often as it will go
    try:
        for _ in range(20):
            table, problems = csvfile.read(tmp_path, res)
            assert table is not None
            assert sorted(p.line for p in problems if p.code == "missing-cell") == want
            assert table.lines.tolist() == list(range(2, 4002))
    finally:
        sys.setswitchinterval(old)
