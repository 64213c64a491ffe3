"""Which seeded errors a validator's JSON report names, at their file, line and field.

Both reports are reduced to places (file, line, field names): ours gives
`errors[]` with file, line and field (a key of several fields joined by
commas); `frictionless validate --json` gives per task (named by resource)
`errors[]` with rowNumber and fieldName, or fieldNames for a key.
"""
from __future__ import annotations

from dataclasses import dataclass

from schemas.descriptor import Descriptor

from .seeded import Seeded


@dataclass(frozen=True)
class Place:
    file: str
    line: int | None
    fields: tuple[str, ...]  # empty: the whole row


@dataclass(frozen=True)
class Detection:
    caught: tuple[Seeded, ...]
    visible: tuple[Seeded, ...]  # the seeded errors this tool can see at all
    errors: int  # errors in the report
    unexplained: int  # errors at no seeded place: a sign the generated data itself broke a rule


def ours(report: dict) -> list[Place]:
    return [Place(e["file"], e["line"], tuple((e["field"] or "").split(",")) if e["field"] else ())
            for e in report["errors"]]


def frictionless(report: dict, desc: Descriptor) -> list[Place]:
    places = [Place("datapackage.json", None, ()) for _ in report.get("errors", [])]
    for task in report.get("tasks", []):
        name = task.get("name")
        file = desc.resources[name].path if name in desc.resources else name or "?"
        for e in task.get("errors", []):
            names = (e["fieldName"],) if e.get("fieldName") else tuple(e.get("fieldNames") or ())
            places.append(Place(file, e.get("rowNumber"), names))
    return places


def score(seeded: list[Seeded], places: list[Place], sees_all: bool) -> Detection:
    """`sees_all`: the tool checks every rule (ours); otherwise only the Table Schema ones (frictionless)."""
    def hit(s: Seeded) -> bool:
        return any(p.file == s.file and p.line == s.line and (not p.fields or s.field in p.fields) for p in places)

    visible = tuple(s for s in seeded if sees_all or s.frictionless)
    caught = tuple(s for s in visible if hit(s))
    known = {(s.file, s.line) for s in seeded} | {c for s in seeded for c in s.collateral}
    unexplained = sum((p.file, p.line) not in known for p in places)
    return Detection(caught, visible, len(places), unexplained)
