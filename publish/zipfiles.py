"""Zip files whose bytes depend on their contents alone.

Every entry gets the same timestamp (the release's date) and the same
permissions, in a fixed order, so building one version twice gives one
checksum: a user can rebuild a release and compare.
"""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import IO, Iterable

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


def date_time(created: str | None) -> tuple[int, ...]:
    """A descriptor's `created` (ISO 8601) as a zip entry time; the zip epoch when absent or unreadable."""
    try:
        when = dt.datetime.fromisoformat((created or "").replace("Z", "+00:00"))
    except ValueError:
        return ZIP_EPOCH
    return max(when.timetuple()[:6], ZIP_EPOCH)


def write(dest: Path, entries: Iterable[tuple[str, bytes]], when: tuple[int, ...]) -> None:
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            info.create_system = 3  # Unix, so unzip honours the permissions above
            zf.writestr(info, data)


def entries(source: Path | IO[bytes]) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(source) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]
