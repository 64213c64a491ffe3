"""Put built files and folders in place of their namesakes, all of them or none.

Each target is renamed aside first (a folder cannot be replaced in one
rename) and removed only once every move has succeeded; if one move fails,
the moves already made are undone and the old files put back, so a reader
never finds half a release or half a site.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path


def replace_all(moves: list[tuple[Path, Path]]) -> None:
    """Move each built path onto its target (same file system: these are renames)."""
    done: list[tuple[Path, Path | None]] = []
    try:
        for new, target in moves:
            old = None
            if target.exists() or target.is_symlink():
                old = target.with_name(f".{target.name}.old-{os.getpid()}")
                target.rename(old)
            done.append((target, old))
            new.rename(target)
    except BaseException:
        for target, old in reversed(done):
            _remove(target)  # the new one, if its move got that far
            if old is not None:
                old.rename(target)
        raise
    for _, old in done:
        if old is not None:
            _remove(old)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink()
