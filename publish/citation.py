"""CITATION.cff: valid by the Citation File Format 1.2.0 schema, and in agreement with the package.

The schema is a vendored copy, byte for byte, of the official CFF 1.2.0 JSON
schema (https://citation-file-format.github.io/1.2.0/schema.json, by the
Citation File Format authors, CC BY 4.0) as check-jsonschema 0.39.0 ships it
(check_jsonschema/builtin_schemas/vendor/citation-file-format.json, SHA-256
17bc7993c67b95eec988dadca78b65cb29cd489d1fceba71040a141dfb9791df). A test
keeps the copy equal to the installed check-jsonschema's. It is read with
jsonschema, which the validator already needs, so releasing needs nothing more.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import jsonschema
import yaml
from jsonschema.exceptions import ValidationError, best_match

from schemas.report import Problem

from .versions import problem

CITATION = "CITATION.cff"
CFF_VERSION = "1.2.0"
SCHEMA = Path(__file__).with_name(f"citation-file-format-{CFF_VERSION}.schema.json")


def text(desc) -> str:
    """How to cite this version of the package, in one line: the words the site and the workbook give."""
    raw = desc.raw
    who = "; ".join(c["title"] for c in raw.get("contributors", []) if c.get("title")) or desc.name
    year = str(raw.get("created") or "")[:4]
    return f"{who} ({year}). {raw.get('title') or desc.name} (version {desc.version}) [Data set]."


class _Loader(yaml.SafeLoader):
    """YAML as the CFF schema reads it: dates stay strings (the schema says to cast them)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def _lines(node, path=()) -> dict[tuple, int]:
    """Line of every key and item in a composed YAML document, by its path."""
    out = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out.update(_lines(value, path + (key.value,)))
            out[path + (key.value,)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out.update(_lines(item, path + (i,)))
    return out


def _dotted(path) -> str | None:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or None


def _sentence(text: str) -> str:
    """A schema description as the tail of 'expected ...': 'The date ...' -> 'the date ...'."""
    text = text.strip().rstrip(".")
    return text[0].lower() + text[1:] if text[:2].istitle() else text


def _expected(error: ValidationError, outer: ValidationError) -> str:
    if error.validator == "required":
        return "every key the Citation File Format 1.2.0 requires (cff-version, message, title, authors)"
    # the alternatives' parent says what the value is for; a branch's own description is narrower; a top-level
    # key's description sits beside its $ref, where the error's schema no longer is
    path = tuple(error.absolute_path)
    described = [e.schema for e in (outer, error) if isinstance(e.schema, dict) and e.schema.get("description")]
    if not described and len(path) == 1:
        described = [schema()["properties"].get(path[0], {})]
    description = described[0].get("description") if described else None
    text = _sentence(description) if description else "a value the Citation File Format 1.2.0 schema allows"
    examples = error.schema.get("examples") if isinstance(error.schema, dict) else None
    if examples:
        text += f", e.g. {examples[0]!r}"
    return text


def _explain(outer: ValidationError, lines: dict[tuple, int]) -> list[Problem]:
    """One schema error as located problems; for "valid under none of the alternatives" the telling branch."""
    error = outer
    if outer.context:
        # a type mismatch only says which alternative was not meant: the others say what is wrong
        telling = [e for e in outer.context if e.validator != "type"] or list(outer.context)
        error = best_match(telling)
    where = tuple(error.absolute_path)
    if error.validator == "required":  # a missing key has no line of its own
        missing = error.message.split("'")[1]
        return [problem(CITATION, None, _dotted(where + (missing,)), "missing", _expected(error, outer))]
    if error.validator == "additionalProperties":
        known = error.schema.get("properties", {})
        return [problem(CITATION, lines.get(where + (key,)), _dotted(where + (key,)), "unknown key",
                        "only the keys the Citation File Format 1.2.0 defines")
                for key in error.instance if key not in known]
    message = f"{error.instance!r} is not an allowed value" if error.validator == "enum" else error.message
    return [problem(CITATION, lines.get(where), _dotted(where), message, _expected(error, outer))]


def load(root: Path) -> tuple[dict | None, dict[tuple, int], list[Problem]]:
    """The citation as data, the line of each of its paths, and why it could not be read."""
    path = root / CITATION
    if not path.is_file():
        return None, {}, [problem(CITATION, None, None, "file is missing",
                                  f"a Citation File Format {CFF_VERSION} file (https://citation-file-format.github.io)")]
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=_Loader)
        lines = _lines(yaml.compose(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, {}, [problem(CITATION, mark.line + 1 if mark else None, None,
                                  f"not readable YAML ({getattr(exc, 'problem', None) or exc})",
                                  "a YAML mapping of Citation File Format keys")]
    if not isinstance(data, dict):
        return None, {}, [problem(CITATION, 1, None, "not a YAML mapping", "a mapping of Citation File Format keys")]
    return data, lines, []


def check(root: Path, *, version: str, released: str | None, title: str | None, licenses: list[str]) -> list[Problem]:
    """Schema problems, then disagreements with the package's version, release date, title and licence."""
    data, lines, problems = load(root)
    if data is None:
        return problems
    validator = jsonschema.Draft7Validator(schema(), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    problems += [p for error in validator.iter_errors(data) for p in _explain(error, lines)]

    def disagree(key, stated, wanted, what):
        if wanted is not None and str(stated) != str(wanted):
            problems.append(problem(CITATION, lines.get((key,)), key, f"says {stated!r}",
                                    f"{wanted!r}, {what}"))

    disagree("version", data.get("version"), version, "the version in datapackage.json")
    disagree("date-released", data.get("date-released"), released, f"the date of {version} in CHANGELOG.md")
    disagree("title", data.get("title"), title, "the title in datapackage.json")
    if licenses:
        disagree("license", data.get("license"), licenses[0] if len(licenses) == 1 else licenses,
                 "the licence in datapackage.json")
    return sorted(problems, key=lambda p: (p.line or 0, p.field or ""))
