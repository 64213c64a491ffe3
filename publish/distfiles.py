"""The files of a release in dist/: their common name, their checksums, and the checksum list.

The release writes `<name>-<version>.sha256` (the format `sha256sum -c`
reads); the site's download page reads the same list, so both name the same
files with the same checksums.
"""
from __future__ import annotations

from pathlib import Path

from schemas import paths
from schemas.descriptor import Descriptor


def stem(desc: Descriptor) -> str:
    """What every file of a release is named from: `<name>-<version>`."""
    return f"{desc.name}-{desc.version}"


def archive_name(desc: Descriptor) -> str:
    """The release archive, the package as one file: `<name>-<version>.zip`."""
    return f"{stem(desc)}.zip"


def sums_name(desc: Descriptor) -> str:
    """The checksum list of every file of the release: `<name>-<version>.sha256`."""
    return f"{stem(desc)}.sha256"


sha256 = paths.sha256


def under(path: Path) -> list[Path]:
    """The files of a built path: the file itself, or every file in the folder."""
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]


def sums_text(checksums: list[tuple[str, str]]) -> str:
    """(sha256, path relative to dist/) pairs as a checksum list."""
    return "".join(f"{digest}  {name}\n" for digest, name in checksums)


def read_sums(path: Path) -> list[tuple[str, str]]:
    """A checksum list's (sha256, path relative to dist/) pairs."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, sep, name = line.partition("  ")
        if sep and name:
            pairs.append((digest, name))
    return pairs
