"""Built files put in place of their namesakes all together, or not at all."""
from __future__ import annotations

from pathlib import Path

import pytest

from publish import swap
from conftest import snapshot


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_move_made_and_the_old_files_gone(tmp_path):
    dest, built = tmp_path / "dist", tmp_path / "built"
    (dest / "tables").mkdir(parents=True)
    (dest / "tables" / "old.parquet").write_bytes(b"old table")
    (dest / "a.zip").write_bytes(b"old zip")
    (built / "tables").mkdir(parents=True)
    (built / "tables" / "new.parquet").write_bytes(b"new table")
    (built / "a.zip").write_bytes(b"new zip")
    (built / "b.sqlite").write_bytes(b"new db")
    swap.replace_all([(built / n, dest / n) for n in ("tables", "a.zip", "b.sqlite")])
    assert _tree(dest) == {"a.zip": b"new zip", "b.sqlite": b"new db", "tables/new.parquet": b"new table"}


def test_a_failed_move_puts_back_what_was_there(tmp_path):
    dest, built = tmp_path / "dist", tmp_path / "built"
    (dest / "tables").mkdir(parents=True)
    (dest / "tables" / "old.parquet").write_bytes(b"old table")
    (dest / "a.zip").write_bytes(b"old zip")
    before = snapshot(dest)
    (built / "tables").mkdir(parents=True)
    (built / "tables" / "new.parquet").write_bytes(b"new table")
    (built / "a.zip").write_bytes(b"new zip")
    # the third move has nothing to move: it fails after two moves were made
    with pytest.raises(OSError):
        swap.replace_all([(built / "tables", dest / "tables"), (built / "a.zip", dest / "a.zip"),
                          (built / "gone.sqlite", dest / "gone.sqlite")])
    assert snapshot(dest) == before
    assert sorted(p.name for p in dest.iterdir()) == ["a.zip", "tables"]  # no file left aside
