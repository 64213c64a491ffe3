"""The files a reader downloads: the package's CSVs, its descriptor, and the release when it is built.

The release (`make release`) writes dist/<name>-<version>.zip with its exports
beside it (SQLite, Parquet, Excel). The site copies whatever of them is there
for this version; an older version's files are left out, not passed off as
this one's.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from schemas.descriptor import DESCRIPTOR, Descriptor

from . import paths

# What may follow <name>-<version>: ".zip", ".sqlite", "-parquet"; not ".1.zip" or "-rc1.zip" (another version).
_SUFFIX = re.compile(r"^(?:\.[A-Za-z][\w.]*|-[A-Za-z]+(?:\.[A-Za-z][\w.]*)?)$")


@dataclass(frozen=True)
class Download:
    uri: str  # where it is in the site (docs-relative)
    source: Path  # the file copied there
    label: str

    @property
    def size(self) -> int:
        return self.source.stat().st_size

    @property
    def sha256(self) -> str:
        h = hashlib.sha256()
        with open(self.source, "rb") as fh:
            while block := fh.read(1 << 20):
                h.update(block)
        return h.hexdigest()


def tables(root: Path, desc: Descriptor) -> list[Download]:
    """The descriptor and every resource file, at the same relative paths, so the site's copy is a package."""
    out = [Download(DESCRIPTOR, root / DESCRIPTOR, "the descriptor (Data Package v2)")]
    out += [Download(res.path, root / res.path, res.title) for res in desc.resources.values()]
    return out


def release(root: Path, desc: Descriptor) -> list[Download] | None:
    """dist/<name>-<version>.zip and the exports beside it; None when this version's archive is not built."""
    dist = root / "dist"
    stem = f"{desc.name}-{desc.version}"
    if not (dist / f"{stem}.zip").is_file():
        return None
    found = []
    for entry in sorted(dist.iterdir()):
        if not entry.name.startswith(stem) or not _SUFFIX.match(entry.name[len(stem):]):
            continue
        files = sorted(f for f in entry.rglob("*") if f.is_file()) if entry.is_dir() else [entry]
        found += [Download(f"{paths.DOWNLOADS_DIR}/{f.relative_to(dist).as_posix()}", f, _label(f.name))
                  for f in files]
    return sorted(found, key=lambda d: not d.uri.endswith(f"/{stem}.zip"))  # the archive first


def _label(name: str) -> str:
    kinds = {".zip": "the release archive (the package as one file)", ".sqlite": "SQLite database",
             ".xlsx": "Excel workbook, a sheet per table", ".parquet": "Parquet table",
             ".sha256": "SHA-256 of each release file (sha256sum -c)"}
    return next((text for ext, text in kinds.items() if name.endswith(ext)), "release file")
