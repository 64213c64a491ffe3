"""Where each generated page and file lives in the site (docs-relative paths).

A record has no page of its own: its anchor (the record_id) is on the page of
the article it comes from, next to the words that state each of its fields.
"""
from __future__ import annotations

HOME = "index.md"
FIGURES = "figures.md"
TARGETS = "targets.md"
CHARTS = "charts.md"
FINDINGS = "findings.md"
DICTIONARY = "dictionary.md"
DOWNLOAD = "download.md"
CHANGELOG = "changelog.md"
SOURCES = "sources/index.md"
REGIONS = "regions/index.md"
DOWNLOADS_DIR = "downloads"  # the release archive and its exports, copied from dist/


def source(source_id: str) -> str:
    return f"sources/{source_id}.md"


def region(region_id: str) -> str:
    return f"regions/{region_id}.md"


def chart(slug: str, narrow: bool = False) -> str:
    return f"charts/{slug}{'-narrow' if narrow else ''}.svg"


def record_table(resource: str) -> str:
    """The page that lists every record of a table."""
    return FIGURES if resource == "indicators" else TARGETS


def indicator_anchor(indicator: str) -> str:
    """The indicator's definition on the dictionary page (its code is also the heading id on FIGURES/TARGETS)."""
    return f"ind-{indicator}"


def curated_anchor(finding_id: str) -> str:
    return f"finding-{finding_id}"


def computed_anchor(check: str, n: int) -> str:
    return f"check-{check}-{n}"
