"""HTML for the generated pages. Data text reaches a page only through `esc` (HTML) or `md_text` (Markdown).

The generated HTML goes into the Markdown pages as blocks between BEGIN and
END markers; the hook lifts each block out before Markdown runs and puts it
back into the page's HTML afterwards (hooks.py). Nothing in the data is then
read as Markdown, and the cost of a page grows with its size only, not with
Markdown's parsing of raw HTML. MkDocs does not check links inside these
blocks, so `href` computes them and audit.py checks them after the build.
"""
from __future__ import annotations

import html
import posixpath
import re
from typing import Iterable

import pandas as pd

# Newlines become character references so that data text can never end a raw HTML block early.
_NEWLINES = str.maketrans({"\n": "&#10;", "\r": "&#13;"})
_SCHEME = re.compile(r"^https?://", re.IGNORECASE)


def missing(value) -> bool:
    return value is None or (not isinstance(value, (str, list, tuple, dict)) and bool(pd.isna(value)))


def esc(value) -> str:
    """Data text as HTML text or attribute value ('' for a missing value)."""
    if missing(value):
        return ""
    return html.escape(str(value), quote=True).translate(_NEWLINES)


def md_text(value) -> str:
    """Data text for a Markdown line (a heading): ASCII punctuation as character references, so neither
    Markdown nor HTML can read anything in it; whitespace folded, since a heading is one line."""
    text = " ".join(str(value).split())
    return "".join(c if c.isalnum() or c == " " or ord(c) > 127 else f"&#{ord(c)};" for c in text)


def tag(name: str, content: str = "", **attrs) -> str:
    """An element; `content` is HTML already, attribute values are escaped here ('class_' for class)."""
    attr = "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items() if not missing(v))
    return f"<{name}{attr}>{content}</{name}>"


def table(headers: Iterable[str], rows: Iterable[Iterable[str]], stack: bool = False) -> str:
    """A table whose header texts are escaped here and whose cells are HTML already.

    No class attribute: the theme styles (and scrolls) only tables without one. A table of words rather than
    figures is `stack`ed: on a narrow screen each row becomes a block of labelled lines (aidata.css), where a
    table of figures scrolls sideways in its own box."""
    headers = list(headers)
    label = (lambda i: f' data-label="{esc(headers[i])}"') if stack else (lambda i: "")
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "\n".join("<tr>" + "".join(f"<td{label(i)}>{c}</td>" for i, c in enumerate(row)) + "</tr>"
                     for row in rows)
    return f"<table{' data-stack' if stack else ''}><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"


def dl(pairs) -> str:
    """A definition list of (term, HTML) pairs; pairs without a value are left out."""
    return '<dl class="aidata-dl">' + "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in pairs if v) + "</dl>"


BEGIN, END = "<!-- aidata:begin -->", "<!-- aidata:end -->"  # escaped data text can never contain either


def block(*parts: str) -> str:
    """HTML for a Markdown page, kept out of Markdown's way (see the module's docstring)."""
    inner = "\n".join(p for p in parts if p)
    return f'\n\n{BEGIN}\n<div class="aidata-block">\n{inner}\n</div>\n{END}\n\n'


def page_url(uri: str) -> str:
    """Where MkDocs writes a page (the site uses use_directory_urls: false, so pages work from file:// too)."""
    return uri[:-3] + ".html" if uri.endswith(".md") else uri


def href(frm: str, to: str, anchor: str | None = None) -> str:
    """The relative URL from page `frm` to page or file `to` (both docs-relative), escaped for an attribute."""
    if to == frm and anchor:
        return esc("#" + anchor)
    rel = posixpath.relpath(page_url(to), posixpath.dirname(page_url(frm)) or ".")
    return esc(rel + ("#" + anchor if anchor else ""))


def link(frm: str, to: str, text_html: str, anchor: str | None = None) -> str:
    return f'<a href="{href(frm, to, anchor)}">{text_html}</a>'


def external(url) -> str:
    """A URL from the data: a link only when it is http(s), plain text otherwise (a javascript: URL stays text)."""
    if missing(url):
        return ""
    if _SCHEME.match(str(url)):
        return f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(url)}</a>'
    return f"<code>{esc(url)}</code>"


def code(value) -> str:
    return f"<code>{esc(value)}</code>" if not missing(value) else ""


def digest(value) -> str:
    """A checksum: 64 characters with no place to break, so it may break anywhere rather than widen the page."""
    return tag("code", esc(value), class_="aidata-hash") if not missing(value) else ""
