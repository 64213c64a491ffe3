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

from . import paths, shape
from .report import Problem

DESCRIPTOR = "datapackage.json"
STANDARD = Path(__file__).with_name("standard.py")  # the official check's own process
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
    file: Path | None = None  # the file, resolved inside the package folder; None when the path is refused
    refused: str | None = None  # why the path is refused (never opened)

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


def _resource(raw: dict, root: Path) -> Resource:
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
    try:
        file, refused = paths.inside(root, raw.get("path")), None
    except paths.Refused as exc:
        file, refused = None, str(exc)
    path = raw.get("path")
    return Resource(name=raw["name"], path=path if isinstance(path, str) and "\0" not in path else repr(path),
                    title=raw.get("title", raw["name"]), description=raw.get("description", ""), fields=fields,
                    primary_key=_as_tuple(schema.get("primaryKey")), foreign_keys=fks,
                    bytes=raw.get("bytes"), hash=raw.get("hash"), raw=raw, file=file, refused=refused)


def load(root: Path | str) -> Descriptor:
    """Read and model the descriptor; raise UnusableInput if it cannot be read at all."""
    root = Path(root)
    raw = read(root)
    path = root / DESCRIPTOR
    if not isinstance(raw, dict) or not isinstance(raw.get("resources"), list):
        raise UnusableInput(f"{path}: no 'resources' list; expected a Data Package descriptor")
    wrong = shape.problems(raw)
    if wrong:
        raise UnusableInput("\n".join(f"{path}:{where}: {what}; expected {expected}" for where, what, expected in wrong))
    try:
        resources = {r["name"]: _resource(r, root) for r in raw["resources"]}
    except (KeyError, TypeError, AttributeError, ValueError) as exc:  # what shape.problems does not foresee
        raise UnusableInput(f"{path}: a resource lacks {exc} or is malformed; "
                            f"expected each resource to have name, path and schema.fields") from None
    missing = [name for name in REQUIRED_RESOURCES if name not in resources]
    if missing:
        raise UnusableInput(f"{path}: resource(s) {', '.join(missing)} missing; "
                            f"expected all of {', '.join(REQUIRED_RESOURCES)}")
    return Descriptor(root=root, raw=raw, resources=resources)


def read(root: Path) -> object:
    """The descriptor's JSON, from a file inside the package folder; UnusableInput when there is none."""
    path = root / DESCRIPTOR
    try:
        file = paths.inside(root, DESCRIPTOR)
    except paths.Refused as exc:
        raise UnusableInput(f"{path}: {exc}; expected the package's own descriptor") from None
    if not file.is_file():
        raise UnusableInput(f"{path}: no {DESCRIPTOR} here; expected a data package folder")
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise UnusableInput(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start}); expected UTF-8 JSON") from None
    except json.JSONDecodeError as exc:
        raise UnusableInput(f"{path}:{exc.lineno}: broken JSON ({exc.msg}, column {exc.colno}); "
                            f"expected a JSON object") from None
    except RecursionError:
        raise UnusableInput(f"{path}: JSON nested deeper than {sys.getrecursionlimit()} levels; expected a Data "
                            "Package descriptor (a few levels deep)") from None


def start_standard_check(root: Path | str) -> Callable[[], list[Problem]]:
    """Start checking the package's descriptor against the Data Package standard, by frictionless (the
    official reading of it), in a second process: importing frictionless costs as much as checking a small
    package, so it runs beside the table checks. It reads the file itself, so that a caller can start it
    before loading anything; it fetches nothing and opens no other file (schemas/standard.py). Returns a
    function that waits for the answer."""
    try:
        path = paths.inside(Path(root), DESCRIPTOR)
    except paths.Refused:
        return lambda: []  # load() says why there is no descriptor to check
    if not path.is_file():
        return lambda: []
    # -I: nothing imported from the folder the validator runs in (a package's own json.py, say)
    proc = subprocess.Popen([sys.executable, "-I", str(STANDARD), str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8")

    @functools.cache  # a caller that stops early may ask again: the answer is read once
    def result() -> list[Problem]:
        out, err = proc.communicate()  # both pipes at once, then closed
        try:
            answer = json.loads(out)
        except ValueError:
            last = (err.strip().splitlines() or ["no output"])[-1]
            return [Problem("descriptor", DESCRIPTOR, None, None, f"the official descriptor check did not run ({last})",
                            "frictionless to check the descriptor", "check-error")]
        refused = [Problem("descriptor", DESCRIPTOR, None, None, f"the official check tried to reach {what}; refused",
                           "a descriptor that names only files inside the package and no URL", "refused")
                   for what in answer["refused"]]
        return refused + [Problem("descriptor", DESCRIPTOR, None, None, message,
                                  "a descriptor valid by the Data Package v2 profile", kind)
                          for kind, message in answer["errors"]]

    return result


# The hash algorithms a resource's `hash` may name (the Data Package standard's list), each with its digest's length.
HASHES = {"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}


def hash_algorithm(value: str) -> str | None:
    """The algorithm a resource's `hash` names (md5 when it names none), or None when it is not one of HASHES
    with a hexadecimal digest of that algorithm's length."""
    algo, _, digest = value.rpartition(":")
    algo = algo or "md5"
    if HASHES.get(algo) != len(digest) or not re.fullmatch(r"[0-9a-fA-F]*", digest):
        return None
    return algo


# The one CSV dialect and encoding of the package's tables (the data model's contract), as a descriptor says them:
# a resource that declares another is read otherwise by other tools (frictionless reads what it declares).
DIALECT = {"header": True, "headerRows": [1], "delimiter": ",", "lineTerminator": "\n", "quoteChar": '"',
           "doubleQuote": True, "skipInitialSpace": False}
ENCODINGS = ("utf-8", "utf8")


def _dialect(raw: dict, where: str) -> list[Problem]:
    """The declared dialect and encoding, against the one the tables are read in."""
    problems = []
    declared = {k: v for k, v in (raw.get("dialect") or {}).items() if k != "$schema"}
    said = ", ".join(f"{k} {v!r}" for k, v in DIALECT.items() if k != "headerRows")
    for key, value in declared.items():
        if key not in DIALECT or value != DIALECT[key]:
            problems.append(Problem("descriptor", DESCRIPTOR, None, f"{where}.dialect.{key}",
                                    f"the dialect declares {key} {shape.shown(value)}, which the package's tables "
                                    "do not follow", f"the tables' own dialect ({said}), or none", "dialect"))
    encoding = raw.get("encoding")
    if encoding is not None and str(encoding).lower() not in ENCODINGS:
        problems.append(Problem("descriptor", DESCRIPTOR, None, f"{where}.encoding",
                                f"the resource declares the encoding {shape.shown(encoding)}, which the package's "
                                "tables do not follow", "utf-8, or none", "encoding"))
    return problems


def _profiles(raw: dict):
    """(place, value) of each `profile` of the package and of its resources."""
    if "profile" in raw:
        yield "profile", raw["profile"]
    for res in raw["resources"]:
        if "profile" in res:
            yield f"resources[{res['name']}].profile", res["profile"]


def official(problems: list[Problem], desc: Descriptor) -> list[Problem]:
    """The official check's problems, but for its echo of a path that check() already refused (one fault, one
    error: ours says why and that the file is not opened)."""
    echoes = {f'path "{res.raw.get("path")}" is not safe' for res in desc.resources.values() if res.refused}
    return [p for p in problems if not any(e in p.message for e in echoes)]


def pattern_error(pattern) -> str | None:
    """Why a field's pattern cannot be checked, or None: it must compile as Python reads it (as frictionless
    does) and as Polars runs it (Rust's regex: no look-around, no back-references)."""
    try:
        re.compile(pattern)
    except (re.error, TypeError) as exc:
        return str(exc)
    import polars as pl  # only here: the descriptor is read before the engine is needed

    try:
        pl.Series([""], dtype=pl.String).str.contains(f"^(?:{pattern})$")
    except pl.exceptions.PolarsError as exc:
        said = [line.removeprefix("error:").strip() for line in str(exc).splitlines() if line.startswith("error:")]
        return said[0] if said else str(exc).splitlines()[0]
    return None


def check(desc: Descriptor) -> list[Problem]:
    """What our checks rely on beyond the standard: paths inside the package, patterns that compile, keys
    that name fields (the standard itself: start_standard_check)."""
    problems = []
    for where, value in _profiles(desc.raw):
        if isinstance(value, str) and paths.URL.match(value):
            problems.append(Problem("descriptor", DESCRIPTOR, None, where, f"profile {value!r} is a URL: the validator "
                                    "fetches nothing", "a profile by name, such as 'tabular-data-package', or none",
                                    "remote-profile"))
    for res in desc.resources.values():
        where = f"resources[{res.name}]"
        if res.refused is not None:
            problems.append(Problem("descriptor", DESCRIPTOR, None, f"{where}.path", f"path {res.refused}; the file "
                                    "is not opened", "a relative path to a file inside the package folder",
                                    "unsafe-path"))
        problems += _dialect(res.raw, where)
        if isinstance(res.hash, str) and hash_algorithm(res.hash) is None:
            problems.append(Problem("descriptor", DESCRIPTOR, None, f"{where}.hash", f"hash {res.hash!r} names no "
                                    "algorithm the validator knows, or no digest", "'md5:<hex>', 'sha1:<hex>', "
                                    "'sha256:<hex>' or 'sha512:<hex>' (or a bare MD5 digest)", "bad-hash"))
        names = res.field_names
        for f in res.fields:
            pattern = f.constraints.get("pattern")
            wrong = pattern_error(pattern) if pattern is not None else None
            if wrong is not None:
                problems.append(Problem("descriptor", DESCRIPTOR, None, f"{where}.{f.name}",
                                        f"pattern {pattern!r} is not a valid regular expression ({wrong})",
                                        "a valid regular expression without look-around or back-references "
                                        "(the checks run it as Polars does)", "bad-pattern"))
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
