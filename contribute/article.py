"""An article as a contributor or a reader saved it: a plain-text file or a saved web page.

A web page's main text is extracted by trafilatura (never by patterns of our own over HTML), and what the
page states about itself (headline, URL, publisher, author, date) is read from its metadata; a plain-text
file is taken byte for byte, its first line the headline, as the archive lays its texts out. Anything
else (an image, a PDF, a word-processor file) is refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
# What a saved page begins with, after a byte-order mark and white space: enough to tell HTML from text
# (the extractor, not this, reads the page).
HTML_STARTS = (b"<!doctype html", b"<html", b"<?xml", b"<head", b"<meta")
# Control characters a text file has no business holding (tab, line feed, form feed, carriage return are fine).
CONTROL = {chr(c) for c in range(32)} - set("\t\n\x0c\r")


class Unusable(Exception):
    """A file that is neither a plain text nor a web page, or holds no text."""


@dataclass(frozen=True)
class Article:
    path: Path
    kind: str  # "html" or "text"
    data: bytes  # the text to archive, UTF-8: a text file's own bytes, a page's headline and main text
    title: str = ""
    url: str = ""
    publisher: str = ""
    author: str = ""
    published: str = ""  # ISO date as the page states it

    @property
    def text(self) -> str:
        return self.data.decode("utf-8-sig")


def read(path: Path | str) -> Article:
    path = Path(path)
    if not path.is_file():
        raise Unusable(f"{path}: no such file; expected a plain-text file or a saved web page (.html)")
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise Unusable(f"{path}: a binary file (it holds NUL bytes); expected a plain-text file or a saved web "
                       "page (.html)")
    if is_html(path, raw):
        return _page(path, raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unusable(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason}); expected a plain-text file in "
                       "UTF-8 or a saved web page (.html)") from None
    bad = sorted({c for c in text if c in CONTROL})
    if bad:
        raise Unusable(f"{path}: not plain text (it holds control characters {', '.join(map(repr, bad))}); "
                       "expected a plain-text file or a saved web page (.html)")
    if not text.strip():
        raise Unusable(f"{path}: empty; expected the article's text")
    title = next(line.strip() for line in text.splitlines() if line.strip())
    return Article(path, "text", raw, title=title)


def is_html(path: Path, raw: bytes) -> bool:
    head = raw[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return path.suffix.lower() in HTML_SUFFIXES or head.startswith(HTML_STARTS)


def _page(path: Path, raw: bytes) -> Article:
    import trafilatura  # a second of imports, needed only for web pages

    body = trafilatura.extract(raw, include_comments=False, include_tables=True, output_format="txt")
    if not body or not body.strip():
        raise Unusable(f"{path}: a web page in which no main text was found; expected a saved article page "
                       "(or save the article's text as a plain-text file)")
    # What the page says of itself; no guessing of dates from elsewhere in the page (extensive=False).
    page = raw.decode("utf-8", "replace")
    meta = trafilatura.extract_metadata(page, extensive=False,
                                        date_config={"extensive_search": False, "original_date": True})
    title = (meta.title or "").strip() if meta else ""
    published = (meta.date or "") if meta else ""
    if published and published not in page:
        # the extractor completes a partial date ("2023-11") with a day of its own: a date the page does not state
        published = ""
    lines = body.strip().splitlines()
    # The archive's texts begin with the headline, which counts as evidence; the extractor keeps it only
    # when the page puts it inside the article.
    if title and lines[0].strip() != title:
        lines.insert(0, title)
    text = "\n\n".join(line.strip() for line in lines if line.strip())
    return Article(path, "html", text.encode("utf-8"), title=title or lines[0].strip(),
                   url=(meta.url or "") if meta else "", publisher=(meta.sitename or "") if meta else "",
                   author=(meta.author or "") if meta else "", published=published)
