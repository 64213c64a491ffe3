"""The two record tables as pages a reader can scan: observed figures, and targets and projections.

Rows are grouped by indicator under headings (so the site search finds them),
and every row links to its record's provenance on its article's page.
"""
from __future__ import annotations

import itertools

from .. import paths
from ..markup import block, esc, md_text
from ..records import OBSERVED_COLUMNS, TARGET_COLUMNS, Links, records_table
from . import Page

KINDS = {
    "indicators": ("Observed figures", OBSERVED_COLUMNS,
                   "Every figure an article states for a region and a year, one row per figure and source."),
    "targets": ("Targets and projections", TARGET_COLUMNS,
                "Every target or projection an article states, one row per target and source. Qualitative aims "
                "have no number."),
}


def pages(ctx) -> list[Page]:
    return [table_page(ctx, resource) for resource in KINDS]


def table_page(ctx, resource: str) -> Page:
    pkg = ctx.pkg
    uri = paths.record_table(resource)
    title, columns, intro = KINDS[resource]
    links = Links(pkg, uri)
    recs = [r for r in pkg.ordered if r.resource == resource]
    groups = [(ind, list(g)) for ind, g in itertools.groupby(recs, key=lambda r: r.indicator)]
    jump = ", ".join(links.to(uri, esc(pkg.labels[ind]), ind) + f" ({len(g)})" for ind, g in groups)
    md = [f"{intro} {len(recs)} rows. The *As stated* column keeps the article's hedge; `value` is the exact "
          "number in the unit's base (yuan, not billions of yuan). Search the site for a region, an indicator or "
          "a record_id.", block(f"<p>Indicators: {jump}.</p>")]
    for ind, g in groups:
        d = pkg.definitions.loc[ind]
        md += ["", f"## {md_text(d['label'])} {{#{ind}}}",
               block(f"<p>{esc(d['definition'])} Unit: <code>{esc(d['unit'])}</code>. "
                     f"{links.to(paths.DICTIONARY, 'Definition of ' + esc(d['label']), paths.indicator_anchor(ind))}.</p>",
                     records_table(links, g, tuple(c for c in columns if c != "indicator")))]
    return Page(uri, title, "\n".join(md) + "\n")
