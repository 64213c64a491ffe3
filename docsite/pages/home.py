"""What the hand-written pages show from the data: each `<!-- aidata:NAME -->` line becomes FRAGMENTS[NAME].

The prose of the home, method and about pages is written by hand in docs/;
every number, name and link in them comes from here, so none is typed twice.
"""
from __future__ import annotations

import itertools
import re

from publish import citation
from .. import paths
from ..markup import block, code, esc, md_text, missing, table, tag
from ..records import Links, stated
from . import Page
from .charts import figure

# The indicators the home page leads with, when the package has them.
HEADLINE = ("ai_industry_value", "core_ai_industry_value", "computing_power")
MAX_PER_CELL = 3
HEADLINE_ROWS = 30  # the home page stays short whatever the size of the package


def title(ctx, uri: str) -> str:
    return f"# {md_text(ctx.pkg.title)}"


def summary(ctx, uri: str) -> str:
    pkg = ctx.pkg
    links = Links(pkg, uri)
    n_obs = int((pkg.records["resource"] == "indicators").sum())
    counts = [links.to(paths.FIGURES, f"{n_obs} observed figures"),
              links.to(paths.TARGETS, f"{len(pkg.records) - n_obs} targets and projections"),
              links.to(paths.REGIONS, f"{len(pkg.regions)} places"),
              links.to(paths.SOURCES, f"{len(pkg.sources)} news articles"),
              links.to(paths.FINDINGS, f"{len(pkg.curated)} curated findings and {len(pkg.computed)} computed checks")]
    return block(f"<p>{esc(pkg.desc.raw.get('description', ''))}</p>",
                 f"<p>Version {esc(pkg.desc.version)}: {counts[0]} and {counts[1]} for {counts[2]}, taken from "
                 f"{counts[3]}, with {sum(len(v) for v in pkg.evidence.values())} field-level provenance rows; "
                 f"{counts[4]}.</p>")


def headline(ctx, uri: str) -> str:
    pkg = ctx.pkg
    links = Links(pkg, uri)
    rows, more = [], 0
    wanted = [r for r in pkg.ordered if r.indicator in HEADLINE and not missing(r.value)]
    for (ind, region), group in itertools.groupby(wanted, key=lambda r: (r.indicator, r.region_id)):
        if len(rows) == HEADLINE_ROWS:
            more += 1
            continue
        group = list(group)
        observed = [r for r in group if r.resource == "indicators"]
        last = max((r.year for r in observed), default=None)
        latest = [r for r in observed if r.year == last]
        targets = sorted((r for r in group if r.resource == "targets"), key=lambda r: r.year)
        rows.append([links.indicator(ind), links.region(region),
                     _cell(links, latest, "in", region) or "none in the package",
                     _cell(links, targets, "by", region) or "none in the package"])
    if not rows:
        return "The package has none of the headline indicators."
    head = ["Indicator", "Region", "Latest observed figure", "Targets and projections"]
    rest = (f"<p>{more} more regions and indicators: see the {links.to(paths.FIGURES, 'observed figures')} and "
            f"the {links.to(paths.TARGETS, 'targets')}.</p>") if more else ""
    return block(table(head, rows), rest)


def home_chart(ctx, uri: str) -> str:
    links = Links(ctx.pkg, uri)
    drawn = [c for c in ctx.charts if c.svg is not None][:1]
    more = links.to(paths.CHARTS, "All charts")
    return block(*(figure(links, c) for c in drawn), f"<p>{more}, each with the records it draws.</p>")


def explore(ctx, uri: str) -> str:
    pkg = ctx.pkg
    links = Links(pkg, uri)
    items = [
        f"{links.to(paths.FIGURES, 'Observed figures')} and {links.to(paths.TARGETS, 'targets and projections')}: "
        "every figure in a table, each row linked to the words of its article.",
        "By region: " + ", ".join(links.region(r) for r in pkg.regions.index) + ".",
        "By article: " + ", ".join(links.source(s) for s in pkg.sources.index) + ".",
        f"{links.to(paths.FINDINGS, 'Findings')}: conflicts, contradictions and errors in the articles, and the "
        "consistency checks with their arithmetic.",
        f"{links.to(paths.CHARTS, 'Charts')}, the {links.to(paths.DICTIONARY, 'data dictionary')} and "
        f"{links.to(paths.DOWNLOAD, 'downloads with code to read the data')}.",
    ]
    return block("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")


def checks(ctx, uri: str) -> str:
    pkg = ctx.pkg
    rep = pkg.report
    archive = ("and every quote and evidence span was found verbatim in the archived article texts, whose "
               "SHA-256 matched" if pkg.archive is not None else
               "but without the archived article texts: in this build, quotes and evidence were not checked "
               "against the articles")
    return (f"This site was built from a package the validator passed ({sum(rep.rows.values())} rows in "
            f"{len(rep.rows)} tables, no errors), {archive}.")


def cite(ctx, uri: str) -> str:
    desc = ctx.pkg.desc
    text = citation.text(desc)
    if ctx.repo_url:
        text += f" {ctx.repo_url}"
    out = ["Cite the package with its version:", block(tag("blockquote", esc(text), class_="aidata-cite"))]
    if len(ctx.pkg.records):
        example = Links(ctx.pkg, uri).record(ctx.pkg.records["record_id"].iloc[0])
        out.append(f"To cite one figure, add its record_id, for example {example}: the id is also the figure's "
                   "anchor on the page of its article.")
    if (ctx.pkg.root / "CITATION.cff").is_file():
        out += ["", "The repository's `CITATION.cff` gives the same in Citation File Format."]
    return "\n".join(out)


def license(ctx, uri: str) -> str:
    lines = []
    for lic in ctx.pkg.desc.raw.get("licenses", []):
        name = esc(lic.get("title") or lic.get("name", ""))
        if str(lic.get("path", "")).startswith("https://"):
            name = f'<a href="{esc(lic["path"])}">{name}</a>'
        lines.append(f"<p>{name} ({code(lic.get('name', ''))}). {esc(lic.get('scope', ''))}</p>")
    return block(*lines) if lines else "The descriptor names no license."


def repository(ctx, uri: str) -> str:
    if ctx.repo_url:
        return (f'The source of the package, its validator and this site: <a href="{esc(ctx.repo_url)}">'
                f"{esc(ctx.repo_url)}</a> (from the repository's git remote).")
    return ("This build found no public address for the repository (its git remote `origin` is not an http(s) or "
            "git@ URL), so the site links to none; ask the maintainers where it is published.")


def changelog_latest(ctx, uri: str) -> str:
    """The newest release's entry. Changes newer than it (an "Unreleased" section with text) belong to no
    version yet, so they are pointed at rather than shown as the latest."""
    links = Links(ctx.pkg, uri)
    if ctx.changelog is None:
        return f"No `CHANGELOG.md` in this copy of the package yet: this is version {esc(ctx.pkg.desc.version)}."
    said = [s for s in _sections(ctx.changelog) if s.count("\n") and s.split("\n", 1)[1].strip()]
    released = [s for s in said if RELEASED.match(s)]
    latest = released[0] if released else said[0] if said else None
    out = _demote(latest, 1) + "\n\n" if latest else ""
    if released and said.index(latest):
        out += "Changes made since this release, not yet released as a version, are listed first in the changelog.\n\n"
    return out + links.to(paths.CHANGELOG, "The full changelog") + "."


RELEASED = re.compile(r"## \[\d")  # a version's heading, not "## [Unreleased]"


def changelog_page(ctx) -> Page:
    if ctx.changelog is None:
        body = "No `CHANGELOG.md` in this copy of the package yet."
    else:
        body = "\n".join(_sections(ctx.changelog))
    return Page(paths.CHANGELOG, "Changelog", body + "\n")


FRAGMENTS = {"title": title, "summary": summary, "headline": headline, "home-chart": home_chart,
             "explore": explore, "checks": checks, "cite": cite, "license": license, "repository": repository,
             "changelog": changelog_latest}


def _cell(links: Links, recs: list, word: str, region: str) -> str:
    """One line per distinct figure; each article that states it links to its record."""
    groups: dict[tuple, list] = {}
    for r in recs:
        groups.setdefault((r.year, r.value, r.unit, r.comparator), []).append(r)
    items = []
    for same in list(groups.values())[:MAX_PER_CELL]:
        who = [links.source(r.source_id, r.record_id) for r in same[:MAX_PER_CELL]]
        if len(same) > MAX_PER_CELL:
            who.append(f"{len(same) - MAX_PER_CELL} more")
        items.append(f"<strong>{esc(stated(same[0]))}</strong> {word} {esc(same[0].year)}: {', '.join(who)}")
    if len(groups) > MAX_PER_CELL:
        items.append(links.to(paths.region(region), f"{len(groups) - MAX_PER_CELL} more on the region's page"))
    return "<br>".join(items)


def _sections(text: str) -> list[str]:
    """The changelog's second-level sections (one per version), without its title."""
    parts = re.split(r"(?m)^(?=## )", text)
    return [p.strip() for p in parts if p.startswith("## ")] or [re.sub(r"(?m)\A# .*\n", "", text).strip()]


def _demote(text: str, levels: int) -> str:
    return re.sub(r"(?m)^(#+) ", lambda m: "#" * min(len(m.group(1)) + levels, 6) + " ", text)
