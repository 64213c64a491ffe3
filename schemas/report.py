"""Problems and findings, and the report a person (or a machine) reads.

Every problem says where (file, CSV line with the header as line 1, field),
what is wrong and what was expected. Errors make the package invalid;
findings are published facts about the sources (conflicts, implied rates)
and never fail validation.
"""
from __future__ import annotations

import io
import itertools
import math
from collections import Counter
from dataclasses import dataclass, field

import orjson

TEXT_FINDINGS = 1000  # the text report lists this many findings; the JSON report lists them all
LAYERS = ("descriptor", "structure", "schema", "provenance", "consistency")
# `validate.py --timings` prints on stderr a line that starts so, the seconds of each step of the run and its total
TIMINGS = "timings: "
STEPS = (*LAYERS, "report", "other")  # the layers, writing the report, and the rest of the run
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

    def __post_init__(self):
        # A number the arithmetic could not give (NaN: no band; infinity: the open end of 'more than') is None,
        # here for every figure, so that Python readers and the JSON report (null) see the same.
        self.figures = {k: _finite(v) for k, v in self.figures.items()}

    def text(self) -> str:
        ids = ", ".join(r["record_id"] for r in self.records)
        return f"[{self.check}: {self.status}] {self.summary} ({ids})"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    archive: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    # with the archive: how many numbers the articles state, traced, unaccounted, and each one set aside with why
    completeness: dict | None = None
    # the typed tables, for the docs and exports to reuse once the package is valid
    tables: dict = field(default_factory=dict, repr=False)
    # seconds spent in each layer's checks (validate.Stopwatch); not part of the report itself
    seconds: dict[str, float] = field(default_factory=dict, repr=False)

    @property
    def valid(self) -> bool:
        return not self.problems

    def add(self, problems) -> None:
        self.problems.extend(problems)

    def counts(self) -> dict[str, int]:
        c = Counter(p.layer for p in self.problems)
        return {layer: c.get(layer, 0) for layer in LAYERS}

    def to_text(self) -> str:
        out = io.StringIO()
        self.write_text(out)
        return out.getvalue()

    def write_text(self, out) -> None:
        if self.archive is None:
            out.write("NOTE: no archive folder given: quotes and evidence were NOT checked against the archived "
                      "texts, nor the texts' SHA-256, nor whether every number of every article is a traced figure "
                      "or set aside (the completeness check did not run). Give one with ARCHIVE=dir (make) or "
                      "--archive DIR.\n")
        else:
            out.write(f"Archive: {self.archive}\n")
        for layer in LAYERS:
            mine = [p for p in self.problems if p.layer == layer]
            if not mine:
                continue
            out.write(f"\n== {LAYER_TITLES[layer]}: {len(mine)} error(s)\n")
            for p in sorted(mine, key=_order):
                out.write(p.text() + "\n")
        self._write_completeness(out)
        n = len(self.findings)
        if n:
            out.write(f"\n== Findings (published, not failures): {n}\n")
            if n > TEXT_FINDINGS:
                counts = getattr(self.findings, "counts", lambda: {})()
                out.write("By check: " + "; ".join(f"{c} {s} {k}" for (c, s), k in counts.items()) + "\n")
            for i, f in enumerate(self.findings):
                if i == TEXT_FINDINGS:
                    out.write(f"... and {n - TEXT_FINDINGS} more: --format json lists every one.\n")
                    break
                out.write(f.text() + "\n")
        rows = sum(self.rows.values())
        status = "VALID" if self.valid else "INVALID"
        per_layer = ", ".join(f"{k} {v}" for k, v in self.counts().items())
        out.write(f"\n{status}: {len(self.problems)} error(s) ({per_layer}); {n} finding(s); "
                  f"{rows} rows in {len(self.rows)} tables checked.\n")

    def _write_completeness(self, out) -> None:
        c = self.completeness
        if not c:
            return
        out.write(f"\n== Completeness: {c['numbers']} numbers in {c['articles']} archived articles: {c['traced']} "
                  f"traced by records, {len(c['set_aside'])} set aside, {c['unaccounted']} unaccounted\n")
        for a in c["set_aside"][:TEXT_FINDINGS]:
            out.write(f"{a['file']}:{a['line']}: \"{a['number']}\" in \"{a['span']}\" set aside: {a['reason']}\n")
        if len(c["set_aside"]) > TEXT_FINDINGS:
            out.write(f"... and {len(c['set_aside']) - TEXT_FINDINGS} more set aside: --format json lists every one.\n")

    def write_json(self, out) -> None:
        """One JSON document, written some thousands of items at a time (a report may hold hundreds of thousands
        of findings). A file with bytes under it (stdout, open()) is handed orjson's bytes as they are: turning
        300 MB of them into text and back again cost seconds."""
        write = _bytes_writer(out)
        head = {"valid": self.valid, "archive_checked": self.archive is not None, "archive": self.archive,
                "summary": {"errors": len(self.problems), "by_layer": self.counts(),
                            "findings": len(self.findings), "rows": self.rows},
                "completeness": self.completeness}
        write(_json(head)[:-1] + b',\n"errors": [')
        _write_chunks(write, _items(dict(vars(p), location=p.location(), text=p.text())
                                    for p in sorted(self.problems, key=_order)))
        write(b'\n],\n"findings": [')
        # the validator's findings make their own JSON, a chunk of lines at a time (consistency.Findings)
        _write_chunks(write, self.findings.json() if hasattr(self.findings, "json")
                      else _items(vars(f) for f in self.findings))
        write(b"\n]}\n")
        out.flush()  # a text file flushes the bytes under it too


def timings(layers: dict[str, float], started: float, writing: float, now: float) -> dict[str, float]:
    """Seconds of each of STEPS, then `total`, for a run from `started` to `now` that began writing its report at
    `writing`: `other` is what no layer and no writing took (mostly importing pandas, pandera and pyarrow)."""
    out = {**layers, "report": now - writing}  # validate.Stopwatch gives every layer, in order
    out["other"] = (now - started) - sum(out.values())  # below 0 only if some time were counted twice
    out["total"] = now - started
    return {k: round(v, 3) for k, v in out.items()}


def _bytes_writer(out):
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        return lambda b: out.write(b.decode())
    out.flush()  # what was written as text goes first
    return buffer.write


def _write_chunks(write, chunks) -> None:
    """Items separated by commas, one a line, a chunk of them at a time."""
    for i, chunk in enumerate(chunks):
        write((b",\n" if i else b"\n") + chunk)


def _items(items, chunk: int = 4096):
    """The JSON of the items, one a line, a chunk of lines at a time (joined by ",\\n")."""
    items = iter(items)
    while part := [_json(v) for v in itertools.islice(items, chunk)]:
        yield b",\n".join(part)


def _json(value) -> bytes:
    """orjson, not the standard library's json: a third of the time on a report of half a million findings,
    and a number with no JSON form (NaN, infinity) is written null rather than as invalid JSON."""
    return orjson.dumps(value, default=_plain, option=orjson.OPT_SERIALIZE_NUMPY)


def _finite(value):
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _plain(value):
    """numpy scalars as the numbers they hold; anything else JSON has no form for, as its text."""
    return value.item() if hasattr(value, "item") else str(value)


def _order(p: Problem):
    return (p.file, p.line if p.line is not None else -1, p.field or "", p.message)
