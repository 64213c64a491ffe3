"""A page per source article: what is known about it, and every record taken from it with its evidence.

This is where a record lives: its anchor is its record_id, and under it are
the quote and, field by field, the verbatim words that state the field.
"""
from __future__ import annotations

from schemas.descriptor import YEAR_FIELD

from .. import paths
from ..markup import block, code, digest, dl, esc, external, md_text, missing, table, tag
from ..records import Links, exact, publisher_name, stated
from . import Page
from .findings import ref_list

KIND_OF_RECORD = {"indicators": "observed figure"}


def pages(ctx) -> list[Page]:
    return [index(ctx)] + [source_page(ctx, sid) for sid in ctx.pkg.sources.index]


def index(ctx) -> Page:
    pkg = ctx.pkg
    links = Links(pkg, paths.SOURCES)
    rows = []
    for s in pkg.sources.itertuples(index=False):
        rows.append([links.source(s.source_id), esc(s.title), esc(s.published) or "unknown",
                     *map(str, pkg.counts("source_id", s.source_id)),
                     str(len(ctx.source_refs.get(s.source_id, [])))])
    md = ["Every article the package takes figures from. Each page gives what is known about the article, "
          "then every record taken from it: the article's words for each field of the figure.",
          block(table(["Article", "Headline", "Published", "Observed figures", "Targets", "Findings"], rows,
                      stack=True))]
    return Page(paths.SOURCES, "Sources", "\n".join(md))


def source_page(ctx, source_id: str) -> Page:
    pkg = ctx.pkg
    uri = paths.source(source_id)
    links = Links(pkg, uri)
    s = pkg.sources.loc[source_id]
    recs = pkg.rows_of("source_id", source_id, ordered=False)  # in the article's order, as the files keep it
    n_obs = sum(r.resource == "indicators" for r in recs)
    md = [f"# {md_text(s['title'])}", block(_about(s), _findings(links, ctx.source_refs.get(source_id, []))),
          "## Records", "",
          f"{n_obs} observed figures and {len(recs) - n_obs} targets or projections are taken from this article. "
          "Each record shows the sentence it comes from, then for each field the value in the data, the "
          "verbatim words of the article that support it and how the value was got from them.",
          block(*(_record(ctx, links, r) for r in recs)),
          "## Numbers in this article that are not figures, and why", "", block(_set_aside(pkg, links, source_id))]
    # the navigation names the publisher; the page's heading is the headline
    return Page(uri, publisher_name(s["publisher"]), "\n".join(md))


def _about(s) -> str:
    bounds = " ".join(x for x in (
        f"on or after {s['published_earliest']:%Y-%m-%d}" if not missing(s["published_earliest"]) else "",
        f"on or before {s['published_latest']:%Y-%m-%d}" if not missing(s["published_latest"]) else "") if x)
    published = esc(s["published"]) if not missing(s["published"]) else "unknown"
    rows = [
        ("Publisher", esc(s["publisher"])),
        ("Headline", esc(s["title"])),
        ("Author", esc(s["author"]) if not missing(s["author"]) else "not named"),
        ("Published", published + (f" ({esc(bounds)})" if bounds else "")),
        ("How the date is known", esc(s["notes"])),
        ("URL", external(s["url"])),
        ("Related report", external(s["related_url"])),
        ("Archive file", code(s["archive_file"])),
        ("SHA-256 of the archived text", digest(s["sha256"])),
        ("Archived on", f"{s['archived']:%Y-%m-%d}" if not missing(s["archived"]) else "not recorded"),
    ]
    return dl(rows)


def _findings(links: Links, found) -> str:
    if not found:
        return "<p>No finding names this article.</p>"
    return f"<p>Findings that name this article:</p>{ref_list(links, found)}"


def _set_aside(pkg, links: Links, source_id: str) -> str:
    """The rows of set_aside.csv for this article: every number in it that is not a figure, with why."""
    frame = pkg.set_aside
    mine = frame[frame["source_id"] == source_id] if frame is not None else frame
    if mine is None or not len(mine):
        return "<p>No number of this article is set aside.</p>"
    rows = []
    for r in mine.itertuples(index=False):
        restated = [links.record(x) for x in (r.indicator_record, r.target_record) if not missing(x)]
        rows.append([tag("q", esc(r.span)), esc(r.reason.replace("_", " ")), ", ".join(restated), esc(r.note)])
    intro = ("<p>Every number of the article is either the evidence of a field of a record above or inside one of "
             "these spans; the validator checks both against the archived text.</p>")
    return intro + table(["The article's words", "Reason", "Record", "Note"], rows)


def _record(ctx, links: Links, r) -> str:
    pkg = ctx.pkg
    kind = KIND_OF_RECORD.get(r.resource) or esc(r.kind)
    when = esc(r.year) if r.resource == "indicators" else f"by {esc(r.year)}"
    head = " · ".join([links.region(r.region_id), links.indicator(r.indicator), when,
                       f"<strong>{esc(stated(r))}</strong>", kind])
    evidence = pkg.evidence.get((r.resource, r.record_id), [])
    rows = [[code(e.field), code(_field_value(r, e.field)), tag("q", esc(e.evidence)), esc(e.method), esc(e.note)]
            for e in evidence]
    extra = []
    if r.resource == "targets" and not (missing(r.plan) and missing(r.announced)):
        extra.append(f"Plan: {esc(r.plan) or 'not named'}; announced: {esc(r.announced) or 'not known'}.")
    if not missing(r.equivalent_of):
        extra.append(f"The US-dollar equivalent of {links.record(r.equivalent_of)}.")
    if not missing(r.notes):
        extra.append(f"Note: {esc(r.notes)}")
    found = ctx.record_refs.get(r.record_id, [])
    # named for its indicator: "all targets" alone would name a different list under each record
    kinds = "observed figures" if r.resource == "indicators" else "targets"
    back = links.to(paths.record_table(r.resource), f"all {kinds} of {esc(pkg.labels[r.indicator])}", r.indicator)
    return tag("section",
               tag("h3", esc(r.record_id), id=r.record_id)
               + f'<p class="aidata-record__figure">{head}</p>'
               + tag("blockquote", esc(r.quote), class_="aidata-quote")
               + table(["Field", "Value in the data", "The article's words", "Method", "Note"], rows, stack=True)
               + "".join(f"<p>{x}</p>" for x in extra)
               + (f"<p>Findings:</p>{ref_list(links, found)}" if found else "")
               + f'<p class="aidata-record__back">See {back}.</p>',
               class_="aidata-record")


def _field_value(r, field: str):
    column = "year" if field in YEAR_FIELD.values() else field
    return exact(getattr(r, column, None))
