"""The package a site is built from: the validator's typed tables and the lookups every page shares.

The site is only built from a package the validator passes, so the pages can
rely on its keys; they still never trust its text (see markup.py).
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from schemas import cache, descriptor
from schemas.completeness import TABLE as SET_ASIDE
from schemas.report import Finding, Report

RECORD_TABLES = descriptor.RECORD_TABLES
RECORD_COLUMNS = ["resource", "record_id", "region_id", "indicator", "year", "value", "unit", "comparator",
                  "source_id", "quote", "equivalent_of", "notes", "kind", "plan", "announced"]
# The order a record's fields are shown in, whatever order provenance.csv lists them.
FIELD_ORDER = tuple(n for f in descriptor.TRACED for n in (descriptor.YEAR_FIELD.values() if f == "year" else [f]))
# Ids become file names, URL fragments and HTML ids: nothing else may reach a path.
SLUG = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$")


class SiteError(Exception):
    """The site cannot be built; the message says what is wrong and what was expected."""


class InvalidPackage(SiteError):
    """The validator failed the package: its report is the message."""

    def __init__(self, report: Report):
        super().__init__(report.to_text())
        self.report = report


@dataclass(frozen=True)
class Evidence:
    """One provenance row: the words that support one field of one record."""

    field: str
    source_id: str
    evidence: str
    method: str
    note: str | None


@dataclass
class Package:
    root: Path
    archive: Path | None
    desc: descriptor.Descriptor
    report: Report
    sources: pd.DataFrame  # indexed by source_id, in CSV order
    regions: pd.DataFrame  # indexed by region_id
    definitions: pd.DataFrame  # indexed by indicator
    records: pd.DataFrame  # observed figures then targets, RECORD_COLUMNS
    curated: pd.DataFrame  # findings.csv
    evidence: dict[tuple[str, str], list[Evidence]] = field(repr=False)
    set_aside: pd.DataFrame | None = None  # set_aside.csv: the numbers of the articles that are not figures

    @property
    def computed(self) -> Sequence[Finding]:
        return self.report.findings  # made when read: see schemas.consistency.Findings

    @property
    def title(self) -> str:
        return self.desc.raw.get("title") or self.desc.name

    def record(self, record_id: str):
        return self._by_id[record_id]

    def has_record(self, record_id: str) -> bool:
        return record_id in self._by_id

    def rows_of(self, column: str, key, ordered: bool = True) -> list:
        """The records (named tuples) whose `column` is `key`: in the reading order (indicator, region, year,
        source) or, with ordered=False, in the files' order. Grouped once per column, so that a page per
        region costs its own records, not a scan of all of them."""
        cache = self._groups.setdefault((column, ordered), {})
        if not cache:
            for r in (self.ordered if ordered else self._rows):
                cache.setdefault(getattr(r, column), []).append(r)
        return cache.get(key, [])

    def counts(self, column: str, key) -> tuple[int, int]:
        """How many observed figures and how many targets have `column` equal to `key`."""
        rows = self.rows_of(column, key)
        observed = sum(r.resource == "indicators" for r in rows)
        return observed, len(rows) - observed

    def __post_init__(self):
        self._rows = list(self.records.itertuples(index=False, name="Record"))
        self._by_id = {r.record_id: r for r in self._rows}
        self._groups: dict[tuple, dict] = {}
        ind, reg, src = ({k: i for i, k in enumerate(f.index)} for f in (self.definitions, self.regions, self.sources))
        # observed figures and targets of one indicator together, each in region, year and source order
        self.ordered = sorted(self._rows, key=lambda r: (ind.get(r.indicator, len(ind)), reg.get(r.region_id, 0),
                                                          r.year, src.get(r.source_id, 0)))
        # names by id, for the links every page makes
        self.region_names = dict(zip(self.regions["region_id"], self.regions["name_en"]))
        self.publishers = dict(zip(self.sources["source_id"], self.sources["publisher"]))
        self.labels = dict(zip(self.definitions["indicator"], self.definitions["label"]))


def load(root: Path | str, archive: Path | str | None = None, cache_dir: Path | str | None = None) -> Package:
    """Validate the package at `root` (or reuse the validation kept in `cache_dir` if it is of the same bytes:
    schemas.cache) and index it; raise InvalidPackage or descriptor.UnusableInput."""
    root = Path(root)
    report = cache.validate(root, archive, cache_dir)
    if not report.valid:
        raise InvalidPackage(report)
    desc = descriptor.load(root)
    t = report.tables
    records = _records(t)
    for what, ids in (("source_id", t["sources"]["source_id"]), ("region_id", t["regions"]["region_id"]),
                      ("indicator", t["indicator_definitions"]["indicator"]), ("record_id", records["record_id"])):
        bad = [i for i in ids if not SLUG.match(i)]
        if bad:
            raise SiteError(f"{what} {bad[0]!r} cannot name a page or anchor; expected lowercase letters, digits, "
                            "'-' and '_' (the pattern datapackage.json sets)")
    return Package(root=root, archive=Path(archive) if archive else None, desc=desc, report=report,
                   sources=t["sources"].set_index("source_id", drop=False),
                   regions=t["regions"].set_index("region_id", drop=False),
                   definitions=t["indicator_definitions"].set_index("indicator", drop=False),
                   records=records, curated=t["findings"], evidence=_evidence(t["provenance"]),
                   set_aside=t.get(SET_ASIDE))


def _records(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    parts = []
    for name in RECORD_TABLES:
        frame = tables[name].rename(columns={descriptor.YEAR_FIELD[name]: "year"}).assign(resource=name)
        parts.append(frame.reindex(columns=RECORD_COLUMNS))
    out = pd.concat(parts, ignore_index=True)
    out["year"] = out["year"].astype("Int64")
    return out


def _evidence(prov: pd.DataFrame) -> dict[tuple[str, str], list[Evidence]]:
    rank = {f: i for i, f in enumerate(FIELD_ORDER)}
    prov = prov.assign(_rank=prov["field"].map(rank).fillna(len(rank))).sort_values("_rank", kind="stable")
    out: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    for r in prov.itertuples(index=False):
        out[(r.resource, r.record_id)].append(
            Evidence(r.field, r.source_id, r.evidence, r.method, None if pd.isna(r.note) else r.note))
    return dict(out)
