"""Everything the site makes from one package: the pages, the files, the navigation and the fragments
that fill the hand-written pages."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import charts, downloads, paths, repository
from .charts import Chart
from .downloads import Download
from .package import Package, SiteError
from .pages import Page, dictionary, download, findings, home, regions, sources, tables
from .pages import charts as chart_page

MARKER = re.compile(r"^<!-- aidata:([a-z-]+) -->[ \t]*$", re.MULTILINE)
HAND_WRITTEN_ABOUT = ("method.md", "about.md")  # listed first under About; other hand-written pages follow
BENCHMARK = "benchmark.md"  # written by the benchmark (scripts/bench.py), shown when present
# Every page shows the whole navigation: listing thousands of region pages there would make the site grow with
# the square of its pages. Past this many, a section lists only its index page, which links to all of them.
NAV_LIMIT = 40


@dataclass
class Context:
    """What the pages are made from."""

    pkg: Package
    charts: list[Chart]
    tables: list[Download]
    release: list[Download] | None
    repo_url: str | None
    changelog: str | None
    computed: list[tuple[str, object]]  # (anchor, finding) for each computed finding
    record_refs: dict
    source_refs: dict
    children: dict[str, list[str]]  # region_id -> the regions it contains


def context(pkg: Package, project: Path) -> Context:
    """`project` is the folder of mkdocs.yml, whose git remote gives the repository link."""
    computed = findings.numbered(pkg.computed)
    record_refs, source_refs = findings.refs(pkg, computed)
    changelog = pkg.root / "CHANGELOG.md"
    return Context(pkg=pkg, charts=charts.make_all(pkg), tables=downloads.tables(pkg.root, pkg.desc),
                   release=downloads.release(pkg.root, pkg.desc), repo_url=repository.origin(project),
                   changelog=changelog.read_text(encoding="utf-8") if changelog.is_file() else None,
                   computed=computed, record_refs=record_refs, source_refs=source_refs,
                   children={k: list(g.index) for k, g in pkg.regions.groupby("parent_id", sort=False)})


class Site:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        made = [*tables.pages(ctx), chart_page.page(ctx), findings.page(ctx), *regions.pages(ctx),
                *sources.pages(ctx), dictionary.page(ctx), download.page(ctx), home.changelog_page(ctx)]
        self.pages: dict[str, Page] = {p.uri: p for p in made}
        self.files: dict[str, bytes | Path] = {paths.chart(c.slug, narrow): svg for c in ctx.charts
                                               for narrow, svg in ((False, c.svg), (True, c.narrow)) if svg is not None}
        for d in ctx.tables + (ctx.release or []):
            self.files[d.uri] = d.source
        pkg = ctx.pkg
        self.regions = [paths.region(r) for r in pkg.regions.index] if len(pkg.regions) <= NAV_LIMIT else []
        self.sources = [paths.source(s) for s in pkg.sources.index] if len(pkg.sources) <= NAV_LIMIT else []
        # the generated pages the navigation lists; the others are reached from their section's index page
        each = {paths.region(r) for r in pkg.regions.index} | {paths.source(s) for s in pkg.sources.index}
        self.listed = (set(self.pages) - each) | set(self.regions) | set(self.sources)
        clash = set(self.pages) & set(self.files)
        if clash:
            raise SiteError(f"{sorted(clash)[0]} would be both a page and a data file; expected resource paths "
                            "that are not pages of the site")

    def nav(self, hand_written: list[str]) -> list:
        """Generated pages are listed without titles: MkDocs then takes each from its page, escaped (hooks.py)."""
        about = [p for p in HAND_WRITTEN_ABOUT if p in hand_written]
        about += sorted(p for p in hand_written if p not in about and p not in (paths.HOME, BENCHMARK))
        data = [paths.DICTIONARY, paths.DOWNLOAD] + ([BENCHMARK] if BENCHMARK in hand_written else [])
        return [
            {"Home": paths.HOME},
            {"Figures": [paths.FIGURES, paths.TARGETS, paths.CHARTS, paths.FINDINGS]},
            {"Regions": [paths.REGIONS] + self.regions},
            {"Sources": [paths.SOURCES] + self.sources},
            {"Data": data},
            {"About": about + [paths.CHANGELOG]},
        ]

    def fill(self, markdown: str, uri: str) -> str:
        """A hand-written page with each marker replaced by its fragment."""
        def one(m: re.Match) -> str:
            make = home.FRAGMENTS.get(m.group(1))
            if make is None:
                raise SiteError(f"docs/{uri}: unknown marker <!-- aidata:{m.group(1)} -->; expected one of "
                                f"{', '.join(sorted(home.FRAGMENTS))}")
            return make(self.ctx, uri)
        return MARKER.sub(one, markdown)
