"""The files a reader downloads: the package's CSVs, its descriptor, and the release when it is built.

The release (`make release`) writes dist/<name>-<version>.zip with its exports
beside it (SQLite, Parquet, Excel) and a checksum list naming every one of
them. The site offers exactly the files that list names, for this version
only, and checks each against it: a file changed since the release is not
passed off as part of it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from schemas.descriptor import DESCRIPTOR, Descriptor

from publish import distfiles
from . import paths
from .package import SiteError


@dataclass(frozen=True)
class Download:
    uri: str  # where it is in the site (docs-relative)
    source: Path  # the file copied there
    label: str
    sha256: str
    resource: str | None = None  # the resource whose file this is

    @property
    def size(self) -> int:
        return self.source.stat().st_size


def tables(root: Path, desc: Descriptor) -> list[Download]:
    """The descriptor and every resource file, at the same relative paths, so the site's copy is a package."""
    out = [Download(DESCRIPTOR, root / DESCRIPTOR, "the descriptor (Data Package v2)",
                    distfiles.sha256(root / DESCRIPTOR))]
    out += [Download(res.path, root / res.path, res.title, distfiles.sha256(root / res.path), name)
            for name, res in desc.resources.items()]
    return out


def release(root: Path, desc: Descriptor) -> list[Download] | None:
    """This version's release as its checksum list names it, the archive first; None when it is not built."""
    dist = root / "dist"
    archive, sums = dist / distfiles.archive_name(desc), dist / distfiles.sums_name(desc)
    if not archive.is_file() or not sums.is_file():
        return None
    found = []
    for digest, name in distfiles.read_sums(sums):
        path = dist / name
        if not path.is_file() or distfiles.sha256(path) != digest:
            raise SiteError(f"dist/{name}: {'changed since' if path.is_file() else 'missing from'} the release "
                            f"that dist/{sums.name} lists; expected the files as `make release` built them "
                            "(run it again)")
        found.append(Download(f"{paths.DOWNLOADS_DIR}/{name}", path, _label(name), digest))
    found.append(Download(f"{paths.DOWNLOADS_DIR}/{sums.name}", sums, _label(sums.name), distfiles.sha256(sums)))
    return sorted(found, key=lambda d: not d.uri.endswith(f"/{archive.name}"))


def _label(name: str) -> str:
    kinds = {".zip": "the release archive: the package in one folder, with a README", ".sqlite": "SQLite database",
             ".xlsx": "Excel workbook, a sheet per table", ".parquet": "Parquet table",
             ".sha256": "SHA-256 of each release file (sha256sum -c)"}
    return next((text for ext, text in kinds.items() if name.endswith(ext)), "release file")
