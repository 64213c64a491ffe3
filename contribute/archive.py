"""Archive a new article: its text into the archive folder, its row into sources.csv, both or neither.

An archive file is named `NNN_<hex>.txt`: NNN one more than the highest number in the folder, and <hex> the
first 16 hex digits of the text's SHA-256, so that the name alone tells which text it is. (The first five
files' hex digits come from their original capture and cannot be derived from anything the package holds:
they are not a prefix of the SHA-256, SHA-1, MD5 or BLAKE2 of the text, its URL or its headline.)
"""
from __future__ import annotations

import csv
import datetime
import hashlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from schemas import descriptor

from . import article
from .compare import same_words

DEFAULT_ARCHIVE = "../shared/sources"
NAME = re.compile(r"^(\d{3,})_[0-9a-f]{16}\.txt$")
SLUG = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$")  # the pattern sources.csv's source_id has


class Refused(Exception):
    """The article is not archived; nothing was written."""


@dataclass(frozen=True)
class Added:
    archive_file: Path
    sources: Path
    row: dict[str, str]
    blank_required: tuple[str, ...]  # required columns the page does not state: the contributor fills them


def add(file: Path | str, package: Path | str = ".", archive: Path | str = DEFAULT_ARCHIVE,
        stated: dict[str, str] | None = None) -> Added:
    """Archive `file` (raise article.Unusable or Refused, writing nothing). `stated` gives what the contributor
    knows that the page does not say (source_id, title, url, publisher, author, published)."""
    package, archive = Path(package), Path(archive)
    if not archive.is_dir():
        raise article.Unusable(f"{archive}: archive folder not found; expected the folder of archived article "
                               "texts (e.g. ../shared/sources)")
    art = article.read(file)
    sources_res = descriptor.load(package).resources["sources"]
    sources = package / sources_res.path
    header, rows = _read_csv(sources)
    digest = hashlib.sha256(art.data).hexdigest()
    _refuse_duplicate(art, digest, archive, rows)

    stated = {k: v for k, v in (stated or {}).items() if v}
    name = f"{_next_number(archive):03d}_{digest[:16]}.txt"
    row = {"title": art.title, "url": art.url, "publisher": art.publisher, "author": art.author,
           "published": art.published} | stated
    row["source_id"] = _source_id(row, {r.get("source_id", "") for r in rows})
    row |= {"archive_file": name, "sha256": digest,
            "archived": datetime.datetime.now(datetime.timezone.utc).date().isoformat()}
    unknown = set(row) - set(header)
    if unknown:
        raise Refused(f"{sources}:1: no column(s) {', '.join(sorted(unknown))}; expected the sources table's header")
    blank = tuple(f.name for f in sources_res.fields if f.required and not row.get(f.name))

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([row.get(col, "") for col in header])
    old = sources.read_bytes()
    new_sources = old + (b"" if not old or old.endswith(b"\n") else b"\n") + out.getvalue().encode("utf-8")
    _write_both(archive / name, art.data, sources, new_sources)
    return Added(archive / name, sources, row, blank)


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _refuse_duplicate(art: article.Article, digest: str, archive: Path, rows: list[dict[str, str]]) -> None:
    for r in rows:
        if r.get("sha256") == digest:
            raise Refused(f"{art.path}: already a source: {r.get('source_id')} ({r.get('archive_file')}) has the "
                          f"same SHA-256 {digest}; nothing written")
    for other in sorted(archive.glob("*.txt")):
        data = other.read_bytes()
        if hashlib.sha256(data).hexdigest() == digest:
            raise Refused(f"{art.path}: already archived as {other.name} (same SHA-256 {digest}); nothing written")
        if same_words(data.decode("utf-8", "replace"), art.text):
            raise Refused(f"{art.path}: already archived as {other.name}: the same text but for quote marks and "
                          "spacing; nothing written")


def _next_number(archive: Path) -> int:
    numbers = [int(m.group(1)) for p in archive.iterdir() if (m := NAME.match(p.name))]
    return max(numbers, default=-1) + 1


def _source_id(row: dict[str, str], taken: set[str]) -> str:
    """The contributor's source_id, or a slug of the publisher (else of the site's host name), made unique."""
    given = row.get("source_id")
    if given:
        if not SLUG.match(given):
            raise Refused(f"source_id {given!r}: expected lowercase letters and digits joined by - or _")
        if given in taken:
            raise Refused(f"source_id {given!r} is already a source; expected a new one")
        return given
    host = urlsplit(row.get("url") or "").hostname or ""
    host = host.removeprefix("www.").rsplit(".", 1)[0]
    base = _slug(row.get("publisher") or "") or _slug(host) or "source"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))[:40].strip("-")


def _write_both(archived: Path, data: bytes, sources: Path, table: bytes) -> None:
    """Both files in place, or neither: each is written whole beside its target and renamed over it; the new
    text (a name no file has) is taken away again if the table cannot be replaced."""
    temps = [archived.with_name(f".{archived.name}.new-{os.getpid()}"),
             sources.with_name(f".{sources.name}.new-{os.getpid()}")]
    try:
        temps[0].write_bytes(data)
        temps[1].write_bytes(table)
        os.replace(temps[0], archived)
        try:
            os.replace(temps[1], sources)
        except BaseException:
            archived.unlink(missing_ok=True)
            raise
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
