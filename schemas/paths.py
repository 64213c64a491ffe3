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
import stat
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
    return Folder(folder, what).inside(name)


class Folder:
    """A folder resolved once, for the many names `inside` checks in it (an archive of thousands of texts)."""

    def __init__(self, folder: Path, what: str = "the package folder"):
        self.base, self.what = os.path.realpath(folder), what

    def inside(self, name: object) -> Path:
        """`inside(folder, name, what)`."""
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
        try:
            target = self._plain(name) or os.path.realpath(os.path.join(self.base, name))
        except (OSError, ValueError) as exc:  # a loop of symlinks, say
            raise Refused(f"{shown(name)} cannot be resolved ({exc})") from None
        if not self._within(target):
            how = " through a symlink" if self._within(os.path.normpath(os.path.join(self.base, name))) else ""
            raise Refused(f"{shown(name)} leads outside {self.what}{how}")
        return Path(target)

    def _plain(self, name: str) -> str | None:
        """The path of a name that is one file's name in the folder itself and not a symlink (as every archived
        text is): the folder is resolved already, so that is what realpath would give, at one lstat instead of
        one per folder of the path. None for any other name."""
        if os.sep in name or (os.altsep and os.altsep in name) or name in (".", ".."):
            return None
        path = os.path.join(self.base, name)
        try:
            return None if stat.S_ISLNK(os.lstat(path).st_mode) else path
        except FileNotFoundError:
            return path  # realpath leaves a missing last name as it is
        except OSError:
            return None

    def _within(self, target: str) -> bool:
        # both resolved or normalised: a path inside is the folder's own path and a separator, then more
        return target == self.base or target.startswith(self.base.rstrip(os.sep) + os.sep)


def sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks: the one digest the validator, its cache and the release use."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()

