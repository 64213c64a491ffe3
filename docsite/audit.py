"""Checks of a built site that MkDocs cannot make, run before the site replaces the old one.

- links: MkDocs checks the links it writes, not those inside the generated HTML;
  every relative href and src must reach a file of the site, and every
  fragment an id on that page.
- coverage: the package's promise. Every source and region has its page;
  every record has its anchor on its article's page with its quote and the
  evidence for each of its fields, and a row on the figures or targets page
  that links to it.

Both read the HTML as MkDocs and the generators write it (double-quoted
attributes), with regular expressions: a full parse of every page would cost
more than the build.
"""
from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path

from . import paths
from .markup import page_url
from .package import Package
from .pages.regions import zh

ID = re.compile(r'\sid="([^"]*)"')
REF = re.compile(r'\s(?:href|src)="([^"]*)"')
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
RECORD = re.compile(r'<section class="aidata-record"><h3 id="([^"]*)">')
SKIP = {"404.html"}  # served from any path, so its links are absolute by design
MAX_LISTED = 20


def check(site: Path, pkg: Package) -> list[str]:
    pages = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    ids = {uri: {html.unescape(i) for i in ID.findall(text)} for uri, text in pages.items()}
    return links(site, pages, ids) + coverage(pkg, pages, ids)


def links(site: Path, pages: dict[str, str], ids: dict[str, set[str]]) -> list[str]:
    problems = []
    for uri, text in pages.items():
        if uri in SKIP:
            continue
        for ref in dict.fromkeys(html.unescape(r) for r in REF.findall(text)):
            if not ref or SCHEME.match(ref) or ref.startswith("//"):
                continue
            path, _, fragment = ref.partition("#")
            path = path.split("?", 1)[0]
            target = posixpath.normpath(posixpath.join(posixpath.dirname(uri), path)) if path else uri
            if path.endswith("/") or (site / target).is_dir():
                target = posixpath.join(target, "index.html")
            if target.startswith("../") or not (site / target).is_file():
                problems.append(f"{uri}: link {ref!r} reaches no file of the site")
            elif fragment and target.endswith(".html") and fragment not in ids.get(target, set()):
                problems.append(f"{uri}: link {ref!r} names no anchor of {target}")
    return problems


def coverage(pkg: Package, pages: dict[str, str], ids: dict[str, set[str]]) -> list[str]:
    problems = []
    for sid in pkg.sources.index:
        if page_url(paths.source(sid)) not in pages:
            problems.append(f"source {sid}: no page {page_url(paths.source(sid))}")
    for r in pkg.regions.itertuples(index=False):
        uri = page_url(paths.region(r.region_id))
        if uri not in pages:
            problems.append(f"region {r.region_id}: no page {uri}")
        elif zh(r.name_zh) not in pages[uri]:  # as the region page writes it
            problems.append(f"region {r.region_id}: its page {uri} does not show its Chinese name {r.name_zh}")
    sections = {uri: _sections(text) for uri, text in pages.items() if uri.startswith("sources/")}
    listed = {uri: {html.unescape(r).partition("#")[2] for r in REF.findall(pages.get(uri, ""))}
              for uri in (page_url(paths.FIGURES), page_url(paths.TARGETS))}
    for r in pkg.records.itertuples(index=False):
        uri = page_url(paths.source(r.source_id))
        section = sections.get(uri, {}).get(r.record_id)
        if section is None:
            problems.append(f"record {r.record_id}: no anchor on {uri}")
            continue
        missing = [f"quote {r.quote!r}"] if r.quote not in section else []
        missing += [f"evidence for {e.field} {e.evidence!r}" for e in pkg.evidence.get((r.resource, r.record_id), [])
                    if e.evidence not in section]
        if missing:
            problems.append(f"record {r.record_id}: {uri} does not show its {'; '.join(missing)}")
        table = page_url(paths.record_table(r.resource))
        if r.record_id not in listed[table]:
            problems.append(f"record {r.record_id}: {table} has no row linking to it")
    return problems


def _sections(text: str) -> dict[str, str]:
    """Each record's section of a source page, as text (entities decoded), by record_id."""
    out = {}
    for m in RECORD.finditer(text):
        end = text.find("</section>", m.end())
        out[html.unescape(m.group(1))] = html.unescape(re.sub(r"<[^>]+>", "", text[m.end():end]))
    return out


def summary(problems: list[str]) -> str:
    shown = "\n".join(f"  {p}" for p in problems[:MAX_LISTED])
    more = f"\n  ... and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
    return f"the built site fails {len(problems)} check(s):\n{shown}{more}"
