"""How a record, a source, a region and an indicator appear wherever a page names them."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterable

import numpy as np
import pandas as pd

from schemas.numbers import COMPARATOR_WORDS, human

from . import paths
from .markup import code, esc, link, missing, table
from .package import Package

_COPY_KIND = re.compile(r"\s*\([^()]*\)\s*$")  # "Tech Times (mirror copy)" -> "Tech Times"


def stated(rec) -> str:
    """A record's figure as a reader says it, with the article's hedge: 'more than 250 billion yuan'."""
    if missing(rec.value):
        return "no number (a qualitative aim)"
    words = COMPARATOR_WORDS.get(rec.comparator, "" if missing(rec.comparator) else str(rec.comparator))
    return f"{words} {human(rec.value, None if missing(rec.unit) else rec.unit)}".strip()


def exact(value) -> str:
    """A number as the CSV holds it: 180000000000, 13.9 (never in scientific notation)."""
    if missing(value):
        return ""
    if isinstance(value, (float, np.floating)):
        d = Decimal(repr(float(value))).normalize()
        return format(d, "f") if d != d.to_integral_value() else str(int(d))
    return str(value)


def publisher_name(publisher: str) -> str:
    """The publisher without the kind of copy in brackets, for links and the navigation."""
    return _COPY_KIND.sub("", publisher) or publisher


class Links:
    """Links from one page (`frm`, docs-relative) to the things a page names."""

    def __init__(self, pkg: Package, frm: str):
        self.pkg, self.frm = pkg, frm

    def to(self, uri: str, text_html: str, anchor: str | None = None) -> str:
        return link(self.frm, uri, text_html, anchor)

    def record(self, record_id: str) -> str:
        if not self.pkg.has_record(record_id):
            return code(record_id) + " (not in the package)"
        rec = self.pkg.record(record_id)
        # a record_id may break after an underscore too: its longest part between hyphens
        # ("computing_power_share_of_national") would otherwise set the width of a table's last column
        shown = f"<code>{'_<wbr>'.join(esc(part) for part in record_id.split('_'))}</code>"
        return self.to(paths.source(rec.source_id), shown, record_id)

    def source(self, source_id: str, anchor: str | None = None) -> str:
        return self.to(paths.source(source_id), esc(publisher_name(self.pkg.publishers[source_id])), anchor)

    def region(self, region_id: str) -> str:
        return self.to(paths.region(region_id), esc(self.pkg.region_names[region_id]))

    def indicator(self, indicator: str) -> str:
        return self.to(paths.DICTIONARY, esc(self.pkg.labels[indicator]), paths.indicator_anchor(indicator))


def _cells() -> dict:
    return {
        "region": ("Region", lambda L, r: L.region(r.region_id)),
        "indicator": ("Indicator", lambda L, r: L.indicator(r.indicator)),
        "year": ("Year", lambda L, r: esc(r.year)),
        "target_year": ("Target year", lambda L, r: esc(r.year)),
        "stated": ("As stated", lambda L, r: esc(stated(r))),
        "data": ("value unit comparator", lambda L, r: code(" ".join(
            exact(x) for x in (r.value, r.unit, r.comparator) if not missing(x)))),
        "kind": ("Kind", lambda L, r: esc(r.kind)),
        "plan": ("Plan", lambda L, r: esc(r.plan)),
        "announced": ("Announced", lambda L, r: esc(r.announced)),
        "source": ("Source", lambda L, r: L.source(r.source_id)),
        "record": ("Record (its provenance)", lambda L, r: L.record(r.record_id)),
    }


CELLS = _cells()
OBSERVED_COLUMNS = ("region", "indicator", "year", "stated", "data", "source", "record")
TARGET_COLUMNS = ("region", "indicator", "target_year", "stated", "data", "kind", "plan", "announced", "source",
                  "record")


def records_table(links: Links, recs: Iterable, columns: tuple[str, ...]) -> str:
    """One row per record (named tuples, or a DataFrame's rows); every row links to its record's provenance."""
    if isinstance(recs, pd.DataFrame):
        recs = recs.itertuples(index=False)
    chosen = [CELLS[c] for c in columns]
    rows = ([fn(links, r) for _, fn in chosen] for r in recs)
    return table([h for h, _ in chosen], rows)
