"""datapackage.json, read once: the single source of every table's fields.

Everything else (the checks, the Pandera schemas, the docs' data dictionary,
the exports) takes field names, types and constraints from here.
"""
from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .report import Problem

DESCRIPTOR = "datapackage.json"
# The tables the data model names; a descriptor without one of them is unusable.
REQUIRED_RESOURCES = ("sources", "regions", "indicator_definitions", "indicators", "targets", "provenance", "findings")
RECORD_TABLES = ("indicators", "targets")
# The column of a record that holds its year: the year observed, or the year a target is for.
YEAR_FIELD = {"indicators": "period", "targets": "target_year"}
# The fields of a record that provenance traces (when not empty), in the order they are shown;
# "year" stands for the table's YEAR_FIELD.
TRACED = ("region_id", "indicator", "year", "value", "unit", "comparator", "announced")


class UnusableInput(Exception):
    """Input the validator cannot start on (exit status 2)."""


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str
    constraints: dict
    format: str | None = None
    example: object | None = None

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str  # the referenced resource's name (itself for self-references)
    ref_fields: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    name: str
    path: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    bytes: int | None = None
    hash: str | None = None
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


@dataclass
class Descriptor:
    root: Path
    raw: dict
    resources: dict[str, Resource]

    @property
    def name(self) -> str:
        return self.raw.get("name", "")

    @property
    def version(self) -> str:
        return self.raw.get("version", "")


def _as_tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _resource(raw: dict) -> Resource:
    schema = raw.get("schema") or {}
    fields = tuple(
        Field(name=f["name"], type=f.get("type", "string"), title=f.get("title", f["name"]),
              description=f.get("description", ""), constraints=dict(f.get("constraints") or {}),
              format=f.get("format"), example=f.get("example"))
        for f in schema.get("fields", [])
    )
    fks = tuple(
        ForeignKey(_as_tuple(fk["fields"]), fk["reference"].get("resource") or raw["name"],
                   _as_tuple(fk["reference"]["fields"]))
        for fk in schema.get("foreignKeys", [])
    )
    return Resource(name=raw["name"], path=raw["path"], title=raw.get("title", raw["name"]),
                    description=raw.get("description", ""), fields=fields,
                    primary_key=_as_tuple(schema.get("primaryKey")), foreign_keys=fks,
                    bytes=raw.get("bytes"), hash=raw.get("hash"), raw=raw)


def load(root: Path | str) -> Descriptor:
    """Read and model the descriptor; raise UnusableInput if it cannot be read at all."""
    root = Path(root)
    path = root / DESCRIPTOR
    if not path.is_file():
        raise UnusableInput(f"{path}: no {DESCRIPTOR} here; expected a data package folder")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise UnusableInput(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start}); expected UTF-8 JSON") from None
    except json.JSONDecodeError as exc:
        raise UnusableInput(f"{path}:{exc.lineno}: broken JSON ({exc.msg}, column {exc.colno}); "
                            f"expected a JSON object") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("resources"), list):
        raise UnusableInput(f"{path}: no 'resources' list; expected a Data Package descriptor")
    try:
        resources = {r["name"]: _resource(r) for r in raw["resources"]}
    except (KeyError, TypeError, AttributeError) as exc:
        raise UnusableInput(f"{path}: a resource lacks {exc} or is malformed; "
                            f"expected each resource to have name, path and schema.fields") from None
    missing = [name for name in REQUIRED_RESOURCES if name not in resources]
    if missing:
        raise UnusableInput(f"{path}: resource(s) {', '.join(missing)} missing; "
                            f"expected all of {', '.join(REQUIRED_RESOURCES)}")
    return Descriptor(root=root, raw=raw, resources=resources)


# The official check, run by frictionless in a second process (see start_standard_check).
_STANDARD = (
    "import json, sys\n"
    "import frictionless\n"
    "with open(sys.argv[1], encoding='utf-8') as fh:\n"
    "    report = frictionless.Package.validate_descriptor(json.load(fh))\n"
    "json.dump([[e.type, e.message] for e in report.errors], sys.stdout)\n"
)


def start_standard_check(root: Path | str) -> Callable[[], list[Problem]]:
    """Start checking the package's descriptor against the Data Package standard, by frictionless (the
    official reading of it), in a second process: importing frictionless costs as much as checking a small
    package, so it runs beside the table checks. It reads the file itself, so that a caller can start it
    before loading anything. Returns a function that waits for the answer."""
    proc = subprocess.Popen([sys.executable, "-c", _STANDARD, str(Path(root) / DESCRIPTOR)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8")

    @functools.cache  # a caller that stops early may ask again: the answer is read once
    def result() -> list[Problem]:
        out, err = proc.communicate()  # both pipes at once, then closed
        try:
            errors = json.loads(out)
        except ValueError:
            last = (err.strip().splitlines() or ["no output"])[-1]
            return [Problem("descriptor", DESCRIPTOR, None, None, f"the official descriptor check did not run ({last})",
                            "frictionless to check the descriptor", "check-error")]
        return [Problem("descriptor", DESCRIPTOR, None, None, message,
                        "a descriptor valid by the Data Package v2 profile", kind) for kind, message in errors]

    return result


def check(desc: Descriptor) -> list[Problem]:
    """What our checks rely on beyond the standard: paths inside the package, patterns that compile, keys
    that name fields (the standard itself: start_standard_check)."""
    problems = []
    for res in desc.resources.values():
        where = f"resources[{res.name}]"
        target = (desc.root / res.path).resolve()
        if Path(res.path).is_absolute() or desc.root.resolve() not in target.parents:
            problems.append(Problem("descriptor", DESCRIPTOR, None, where, f"path {res.path!r} leaves the package folder",
                                    "a relative path inside the package", "unsafe-path"))
        names = res.field_names
        for f in res.fields:
            pattern = f.constraints.get("pattern")
            if pattern is not None:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    problems.append(Problem("descriptor", DESCRIPTOR, None, f"{where}.{f.name}",
                                            f"pattern {pattern!r} is not a valid regular expression ({exc})",
                                            "a valid regular expression", "bad-pattern"))
        for key in res.primary_key:
            if key not in names:
                problems.append(Problem("descriptor", DESCRIPTOR, None, f"{where}.primaryKey",
                                        f"primary key field {key!r} is not a field", f"one of {', '.join(names)}",
                                        "bad-key"))
        for fk in res.foreign_keys:
            other = desc.resources.get(fk.resource)
            if other is None or not set(fk.ref_fields) <= set(other.field_names) or not set(fk.fields) <= set(names):
                problems.append(Problem("descriptor", DESCRIPTOR, None, f"{where}.foreignKeys",
                                        f"foreign key {list(fk.fields)} -> {fk.resource}.{list(fk.ref_fields)} "
                                        "names a resource or field that does not exist",
                                        "existing resources and fields", "bad-key"))
    return problems
