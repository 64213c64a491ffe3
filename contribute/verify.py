"""Check every quote and evidence span of one source against a reader's own copy of its article.

For readers without our archive (the articles are copyrighted and not published): they save the article
themselves, as a web page or as text, and this says of each span of that source (the quotes of its
indicators and targets, its provenance evidence, its findings' evidence) whether the copy has it, and if not,
the copy's closest passage and what differs.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from schemas import descriptor

from . import article
from .compare import Copy, Found

# table -> the column holding its verbatim spans
SPANS = {"indicators": "quote", "targets": "quote", "provenance": "evidence", "findings": "evidence"}


@dataclass(frozen=True)
class Span:
    file: str  # as the package names it: data/provenance.csv
    line: int  # the CSV line of its row (the header is line 1)
    field: str
    text: str


@dataclass(frozen=True)
class Checked:
    span: Span
    result: Found


def spans(package: Path | str, source_id: str) -> list[Span]:
    """Every quote and evidence span of the source, in table order; raise article.Unusable for an unknown source
    (descriptor.UnusableInput for a folder without a readable datapackage.json)."""
    package = Path(package)
    desc = descriptor.load(package)
    known = {r["source_id"] for _, r in _rows(package, desc.resources["sources"].path)}
    if source_id not in known:
        raise article.Unusable(f"{source_id!r} is not a source of {package / desc.resources['sources'].path}; "
                               f"expected one of {', '.join(sorted(known))}")
    out = []
    for name, column in SPANS.items():
        path = desc.resources[name].path
        for line, row in _rows(package, path):
            if row.get("source_id") == source_id and row.get(column):
                out.append(Span(path, line, column, row[column]))
    return out


def verify(package: Path | str, source_id: str, copy: Path | str) -> list[Checked]:
    """Each span of the source, checked against the copy; raise article.Unusable for unusable input."""
    todo = spans(package, source_id)
    text = Copy(article.read(copy).text)
    seen: dict[str, Found] = {}
    out = []
    for span in todo:
        if span.text not in seen:
            seen[span.text] = text.find(span.text)
        out.append(Checked(span, seen[span.text]))
    return out


def _rows(package: Path, path: str):
    """(line, row) of a package CSV, line counted as a text editor counts them (a cell may span lines)."""
    with open(package / path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        reader.fieldnames  # reads the header
        line = reader.line_num + 1
        for row in reader:
            yield line, row
            line = reader.line_num + 1
