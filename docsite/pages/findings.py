"""The findings page: the curated findings (findings.csv) and the validator's computed checks.

Every finding names its records and articles with links to their anchors, and
the source and region pages link back here through `refs`.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .. import paths
from ..markup import block, dl, esc, tag
from ..records import Links, publisher_name
from . import Page

KINDS = {
    "cross_source_conflict": "Conflict between sources",
    "self_contradiction": "Contradicts itself",
    "factual_error": "Factual error",
    "format_error": "Format error",
    "inconsistent_label": "Inconsistent label",
    "unquantified": "Unquantified",
    "ambiguity": "Ambiguity",
    "comparability": "Not comparable",
}
GROUPS = [
    ("Conflicts between sources", ("cross_source_conflict",)),
    ("Sources that contradict themselves", ("self_contradiction",)),
    ("Errors in sources", ("factual_error", "format_error", "inconsistent_label")),
    ("Vague or not comparable", ("unquantified", "ambiguity", "comparability")),
]
CHECKS = {
    "currency_pair": ("Implied exchange rates",
                      "An article that states a yuan figure with its US-dollar equivalent implies an exchange rate; "
                      "it is compared with a plausible band for the year the article appeared "
                      "(schemas/exchange_rate_bands.csv, which names its own source)."),
    "share_parts": ("Shares against their parts",
                    "A stated share (a city's share of its province, a region's share of the nation) against the "
                    "share its stated parts give; where the whole is not in the package, the share implies it."),
    "share_base": ("Shares of one outside base",
                   "Shares of a base the package does not hold (GDP) each imply that base; the bases implied by "
                   "one article must overlap."),
    "target_growth": ("Growth implied by targets",
                      "A target against the latest observed figure for the same region and indicator gives the "
                      "yearly growth it needs."),
    "growth_prior": ("The year before, implied by growth",
                     "A stated growth rate and value imply the figure of the year before."),
    "same_figure": ("The same figure from several sources",
                    "One figure or target stated by two or more articles: they agree, or they conflict."),
}
# Statuses a reader should not miss: the sources do not add up.
ATTENTION = {"conflict", "disagrees", "outside_band"}


@dataclass(frozen=True)
class Ref:
    anchor: str
    label: str


def numbered(computed) -> list[tuple[str, object]]:
    """(anchor, finding) for each computed finding: numbered within its check, in the validator's order."""
    seen: dict[str, int] = defaultdict(int)
    out = []
    for f in computed:
        seen[f.check] += 1
        out.append((paths.computed_anchor(f.check, seen[f.check]), f))
    return out


def refs(pkg, computed) -> tuple[dict[str, list[Ref]], dict[str, list[Ref]]]:
    """The findings that name each record, and each source (`computed`: the numbered computed findings)."""
    by_record: dict[str, list[Ref]] = defaultdict(list)
    by_source: dict[str, list[Ref]] = defaultdict(list)
    for f in pkg.curated.itertuples(index=False):
        ref = Ref(paths.curated_anchor(f.finding_id), _curated_label(f))
        for rid in _split(f.records):
            by_record[rid].append(ref)
        for sid in dict.fromkeys([f.source_id, *_split(f.other_sources)]):
            by_source[sid].append(ref)
    for anchor, f in computed:
        ref = Ref(anchor, computed_label(pkg, f))
        for r in f.records:
            by_record[r["record_id"]].append(ref)
        for sid in dict.fromkeys(r["source_id"] for r in f.records):
            by_source[sid].append(ref)
    return by_record, by_source


def computed_label(pkg, f) -> str:
    """A computed finding as a link names it: its check, what it is about and its status. The check and
    status alone ("Growth implied by targets: implied") read the same for every target of a record.
    'Growth implied by targets, Guangdong AI industry value, 2023 (SCMP) and by 2027 (CEO Insights): implied'"""
    recs = [pkg.record(r["record_id"]) for r in f.records if pkg.has_record(r["record_id"])]
    about = [", ".join(dict.fromkeys(pkg.region_names[r.region_id] for r in recs)),
             ", ".join(dict.fromkeys(pkg.labels[r.indicator] for r in recs)),
             " and ".join(dict.fromkeys(f"{'' if r.resource == 'indicators' else 'by '}{r.year} "
                                        f"({publisher_name(pkg.publishers[r.source_id])})" for r in recs))]
    return f"{_check_title(f.check)}, {', '.join(a for a in about if a)}: {f.status.replace('_', ' ')}"


def ref_list(links: Links, found: list[Ref]) -> str:
    """The findings as a list: a label names what a finding is about, so it is long, and a list reads better than
    a paragraph of links."""
    return '<ul class="aidata-refs">' + "".join(
        f"<li>{links.to(paths.FINDINGS, esc(r.label), r.anchor)}</li>" for r in found) + "</ul>"


def page(ctx) -> Page:
    pkg = ctx.pkg
    links = Links(pkg, paths.FINDINGS)
    curated = pkg.curated
    computed = ctx.computed
    md = ["Where the articles contradict themselves or each other, state something wrong or vague, or give "
          "figures that do not compare. The data are never corrected silently: each finding names the records "
          "and articles involved, and each record links to the exact words behind its fields.",
          "", "## Summary", block(_summary(links, ctx))]
    known = {k for _, kinds in GROUPS for k in kinds}
    groups = GROUPS + [("Other findings", tuple(sorted(set(curated["kind"]) - known)))]
    md += ["", "## Problems in the sources", "",
           "Curated by the maintainers in `data/findings.csv`. *Basis* says whether the archived texts show the "
           "problem (`archive`) or general knowledge outside them does (`external`)."]
    for title, kinds in groups:
        rows = curated[curated["kind"].isin(kinds)]
        if rows.empty:
            continue
        md += ["", f"### {title}", block(*(_curated(links, f) for f in rows.itertuples(index=False)))]
    md += ["", "## Consistency checks", "",
           "Computed by the validator's consistency layer on every build, with their arithmetic. They are facts "
           "about the sources, not failures of the package."]
    for check, (title, explain) in CHECKS.items():
        mine = [(a, f) for a, f in computed if f.check == check]
        if mine:
            md += ["", f"### {title} {{#{check}}}", "", explain, block(*(_computed(links, a, f) for a, f in mine))]
    others = [(a, f) for a, f in computed if f.check not in CHECKS]
    if others:
        md += ["", "### Other checks", block(*(_computed(links, a, f) for a, f in others))]
    return Page(paths.FINDINGS, "Findings", "\n".join(md) + "\n")


def _summary(links: Links, ctx) -> str:
    """Each group of problems with a link to each finding in it; computed conflicts count as conflicts."""
    pkg = ctx.pkg
    computed = ctx.computed
    # each computed check that needs attention: conflicts between sources (same_figure) and the arithmetic
    attention = [(f.check == "same_figure", links.to(paths.FINDINGS, esc(computed_label(pkg, f)), a))
                 for a, f in computed if f.status in ATTENTION]
    conflicts = [link for same, link in attention if same]
    others = [link for same, link in attention if not same]
    items = []
    for title, kinds in GROUPS:
        found = [links.to(paths.FINDINGS, esc(f.finding_id), paths.curated_anchor(f.finding_id))
                 for f in pkg.curated.itertuples(index=False) if f.kind in kinds]
        if "cross_source_conflict" in kinds:
            found += conflicts
        items.append(f"{esc(title)}: " + (", ".join(found) if found else "none found") + ".")
    items.append(f"Consistency checks: {len(computed)} computed; arithmetic that does not add up: "
                 + (", ".join(others) if others else "none") + ".")
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def _curated(links: Links, f) -> str:
    sources = [links.source(s) for s in dict.fromkeys([f.source_id, *_split(f.other_sources)])]
    records = [links.record(r) for r in _split(f.records)]
    rows = [("Kind", esc(KINDS.get(f.kind, f.kind))), ("Basis", esc(f.basis)),
            ("Articles", ", ".join(sources)), ("Records", ", ".join(records) or "none (no figure was recorded)"),
            ("Evidence", tag("blockquote", esc(f.evidence), class_="aidata-quote")), ("Summary", esc(f.summary))]
    return tag("h4", esc(_curated_label(f)), id=paths.curated_anchor(f.finding_id)) + dl(rows)


def _curated_label(f) -> str:
    return f"{KINDS.get(f.kind, f.kind)}: {f.finding_id}"


def _check_title(check: str) -> str:
    return CHECKS.get(check, (check,))[0]


def _computed(links: Links, anchor: str, f) -> str:
    status = tag("span", esc(f.status.replace("_", " ")),
                 class_="aidata-status" + (" aidata-status--attention" if f.status in ATTENTION else ""))
    records = ", ".join(links.record(r["record_id"]) for r in f.records)
    sources = ", ".join(links.source(s) for s in dict.fromkeys(r["source_id"] for r in f.records))
    return tag("div", f"<p>{status} {esc(f.summary)}</p><p>Records: {records}. Articles: {sources}.</p>",
               class_="aidata-finding", id=anchor)


def _split(cell) -> list[str]:
    return cell.split() if isinstance(cell, str) else []
