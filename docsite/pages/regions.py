"""A page per region: its names and codes, every observed figure and target for it, its charts and findings."""
from __future__ import annotations

from .. import paths
from ..markup import block, dl, esc, missing, table, tag
from ..records import OBSERVED_COLUMNS, TARGET_COLUMNS, Links, records_table
from . import Page
from .charts import figure
from .findings import ref_list


def pages(ctx) -> list[Page]:
    return [index(ctx)] + [region_page(ctx, rid) for rid in ctx.pkg.regions.index]


def zh(name) -> str:
    """A Chinese name, marked as Chinese so that browsers and screen readers treat it right."""
    return tag("span", esc(name), lang="zh-Hans")


def index(ctx) -> Page:
    pkg = ctx.pkg
    links = Links(pkg, paths.REGIONS)
    rows = [[links.region(r.region_id), zh(r.name_zh), esc(r.level),
             links.region(r.parent_id) if not missing(r.parent_id) else "",
             esc(r.iso_3166_2), esc(r.admin_code),
             *map(str, pkg.counts("region_id", r.region_id))]
            for r in pkg.regions.itertuples(index=False)]
    md = ["Every place the articles give a figure or a target for, with its Chinese name and its codes "
          "(ISO 3166-2 and GB/T 2260, where one exists).",
          block(table(["Region", "Chinese name", "Level", "Part of", "ISO 3166-2", "GB/T 2260", "Observed figures",
                       "Targets"], rows))]
    return Page(paths.REGIONS, "Regions", "\n".join(md))


def region_page(ctx, region_id: str) -> Page:
    pkg = ctx.pkg
    uri = paths.region(region_id)
    links = Links(pkg, uri)
    r = pkg.regions.loc[region_id]
    mine = pkg.rows_of("region_id", region_id)
    observed = [r for r in mine if r.resource == "indicators"]
    targets = [r for r in mine if r.resource == "targets"]
    children = [links.region(c) for c in ctx.children.get(region_id, [])]
    about = [("English name", esc(r["name_en"])), ("Chinese name", zh(r["name_zh"])), ("Level", esc(r["level"])),
             ("Part of", links.region(r["parent_id"]) if not missing(r["parent_id"]) else ""),
             ("Includes", ", ".join(children)), ("ISO 3166-2", esc(r["iso_3166_2"])),
             ("GB/T 2260 code", esc(r["admin_code"])), ("Notes", esc(r["notes"]))]
    md = [block(dl(about)),
          "## Observed figures", "",
          _count(len(observed), "observed figure", "Each row links to the record and the words of its article."),
          block(records_table(links, observed, OBSERVED_COLUMNS[1:])) if observed else "",
          "## Targets and projections", "",
          _count(len(targets), "target or projection", "Qualitative aims have no number."),
          block(records_table(links, targets, TARGET_COLUMNS[1:])) if targets else ""]
    charts = [c for c in ctx.charts if region_id in c.regions and c.svg is not None]
    if charts:
        md += ["## Charts", block(*(figure(links, c) for c in charts))]
    found = {ref.anchor: ref for r in mine for ref in ctx.record_refs.get(r.record_id, [])}
    md += ["## Findings", "",
           block(f"<p>Findings that name its records:</p>{ref_list(links, list(found.values()))}" if found
                 else "<p>No finding names its records.</p>")]
    return Page(uri, f"{r['name_en']} ({r['name_zh']})", "\n".join(md) + "\n")


def _count(n: int, what: str, then: str) -> str:
    if n == 0:
        return f"The package has no {what} for this region."
    return f"{n} {what if n == 1 else _plural(what)}. {then}"


def _plural(what: str) -> str:
    return {"target or projection": "targets and projections"}.get(what, what + "s")
