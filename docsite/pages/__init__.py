"""The generated pages, one module per kind of page; each makes `Page`s from a `Context`."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    uri: str  # docs-relative path of the Markdown page
    title: str  # plain text: the hook escapes it where MkDocs shows it
    markdown: str
