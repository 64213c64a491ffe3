"""The one rule for every file the validator opens: it lies inside its folder.

A resource path comes from the descriptor and an archived text's name from
sources.csv, and either may come from anyone (a pull request). Before a file
is opened its name is checked and resolved, symlinks followed; a name that is
not text, holds a NUL byte, is a URL or an absolute path, is too long for the
file system, or resolves outside the package folder (or the archive folder)
is refused with the reason, and the file is never opened. What is opened is
the resolved path, the very file that was checked.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from .shape import kind, shown

URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# The longest name of one folder or file most file systems allow, in bytes (NAME_MAX on Linux).
NAME_MAX = 255


class Refused(ValueError):
    """A name the validator will not open: the message says why."""


def inside(folder: Path, name: object, what: str = "the package folder") -> Path:
    """The regular file `name` names inside `folder` (symlinks followed), or Refused with the reason.
    A file that does not exist is returned all the same (its absence is the caller's to report), but only
    when its name, resolved, is inside the folder."""
    if not isinstance(name, str):
        raise Refused(f"{shown(name)} is {kind(name)}, not a path")
    if name == "":
        raise Refused("the path is empty")
    if "\0" in name:
        raise Refused(f"{shown(name)} holds a NUL byte")
    if URL.match(name):
        raise Refused(f"{shown(name)} is a URL: the validator fetches nothing")
    if os.path.isabs(name):
        raise Refused(f"{shown(name)} is an absolute path")
    if any(len(part.encode("utf-8", "surrogateescape")) > NAME_MAX for part in name.split("/")):
        raise Refused(f"{shown(name)} has a name longer than {NAME_MAX} bytes")
    base = Path(os.path.realpath(folder))
    try:
        target = Path(os.path.realpath(base / name))
    except (OSError, ValueError) as exc:  # a loop of symlinks, say
        raise Refused(f"{shown(name)} cannot be resolved ({exc})") from None
    if not _within(base, target):
        how = " through a symlink" if _within(base, Path(os.path.normpath(base / name))) else ""
        raise Refused(f"{shown(name)} leads outside {what}{how}")
    return target


def sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks: the one digest the validator, its cache and the release use."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _within(base: Path, target: Path) -> bool:
    return target == base or base in target.parents
