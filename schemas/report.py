"""Problems and findings, and the report a person (or a machine) reads.

Every problem says where (file, CSV line with the header as line 1, field),
what is wrong and what was expected. Errors make the package invalid;
findings are published facts about the sources (conflicts, implied rates)
and never fail validation.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field

LAYERS = ("descriptor", "structure", "schema", "provenance", "consistency")
LAYER_TITLES = {
    "descriptor": "Descriptor (datapackage.json)",
    "structure": "Structure (Table Schema: files, types, keys)",
    "schema": "Schema (Pandera: constraints, units, ranges, data-model rules)",
    "provenance": "Provenance (archive, quotes, evidence, coverage)",
    "consistency": "Consistency (arithmetic across records)",
}


@dataclass(frozen=True)
class Problem:
    layer: str
    file: str
    line: int | None
    field: str | None
    message: str
    expected: str
    code: str

    def location(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
        if self.field:
            if self.line is None:
                parts.append("")
            parts.append(self.field)
        return ":".join(parts)

    def text(self) -> str:
        return f"{self.location()}: {self.message}; expected {self.expected}"


@dataclass
class Finding:
    """A computed fact about the sources: never a failure."""

    check: str  # currency_pair, share_parts, share_base, target_growth, growth_prior, same_figure
    status: str  # agrees, conflict, outside_band, inside_band, implied, not_checkable
    summary: str  # one sentence with the arithmetic
    records: list[dict] = field(default_factory=list)  # {resource, record_id, source_id, line}
    figures: dict = field(default_factory=dict)  # the numbers the arithmetic used and produced

    def text(self) -> str:
        ids = ", ".join(r["record_id"] for r in self.records)
        return f"[{self.check}: {self.status}] {self.summary} ({ids})"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    archive: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    # the typed tables, for the docs and exports to reuse once the package is valid
    tables: dict = field(default_factory=dict, repr=False)

    @property
    def valid(self) -> bool:
        return not self.problems

    def add(self, problems) -> None:
        self.problems.extend(problems)

    def counts(self) -> dict[str, int]:
        c = Counter(p.layer for p in self.problems)
        return {layer: c.get(layer, 0) for layer in LAYERS}

    def to_text(self) -> str:
        out = []
        if self.archive is None:
            out.append("NOTE: no archive folder given: quotes and evidence were NOT checked against "
                       "the archived texts, nor the texts' SHA-256. Give one with ARCHIVE=dir (make) "
                       "or --archive DIR.")
        else:
            out.append(f"Archive: {self.archive}")
        for layer in LAYERS:
            mine = [p for p in self.problems if p.layer == layer]
            if not mine:
                continue
            out.append("")
            out.append(f"== {LAYER_TITLES[layer]}: {len(mine)} error(s)")
            out.extend(p.text() for p in sorted(mine, key=_order))
        if self.findings:
            out.append("")
            out.append(f"== Findings (published, not failures): {len(self.findings)}")
            out.extend(f.text() for f in self.findings)
        out.append("")
        rows = sum(self.rows.values())
        status = "VALID" if self.valid else "INVALID"
        per_layer = ", ".join(f"{k} {v}" for k, v in self.counts().items())
        out.append(f"{status}: {len(self.problems)} error(s) ({per_layer}); "
                   f"{len(self.findings)} finding(s); {rows} rows in {len(self.rows)} tables checked.")
        return "\n".join(out) + "\n"

    def to_json(self) -> str:
        doc = {
            "valid": self.valid,
            "archive_checked": self.archive is not None,
            "archive": self.archive,
            "summary": {"errors": len(self.problems), "by_layer": self.counts(),
                        "findings": len(self.findings), "rows": self.rows},
            "errors": [dict(asdict(p), location=p.location(), text=p.text()) for p in sorted(self.problems, key=_order)],
            "findings": [asdict(f) for f in self.findings],
        }
        return json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"


def _order(p: Problem):
    return (p.file, p.line if p.line is not None else -1, p.field or "", p.message)
