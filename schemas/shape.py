"""The types of the descriptor's parts that the validator builds its checks from.

A descriptor may come from anyone. Before the checks are built from it, each
part they read is checked to be of the type the Table Schema gives it (a field
name is text, constraints are an object, an enum is a list of values, ...),
so that a wrong type is reported at its place in datapackage.json rather than
failing deep inside a check. Everything else about the descriptor is the
official check's (frictionless) and ours in descriptor.check.
"""
from __future__ import annotations

TEXT = (str,)
NUMBER = (int, float)
WHOLE = (int,)
FLAG = (bool,)
OBJECT = (dict,)
LIST = (list,)
SCALAR = (str, int, float, bool, type(None))

# part -> (types it may have, what to say was expected)
RESOURCE = {"name": (TEXT, "text"), "title": (TEXT, "text"), "description": (TEXT, "text"),
            "schema": (OBJECT, "a Table Schema object (a schema given by path or URL is not read)"),
            "bytes": (WHOLE, "a whole number of bytes"), "hash": (TEXT, "text such as sha256:<hex digest>"),
            "dialect": (OBJECT, "a CSV dialect object (one given by path or URL is not read)"),
            "encoding": (TEXT, "an encoding name such as utf-8"), "profile": (TEXT, "a profile name")}
SCHEMA = {"fields": (LIST, "a list of field objects"), "primaryKey": (TEXT + LIST, "a field name or a list of them"),
          "foreignKeys": (LIST, "a list of foreign key objects")}
FIELD = {"name": (TEXT, "text"), "type": (TEXT, "a Table Schema type name"), "title": (TEXT, "text"),
         "description": (TEXT, "text"), "format": (TEXT, "text"), "constraints": (OBJECT, "an object of constraints")}
CONSTRAINTS = {"required": (FLAG, "true or false"), "unique": (FLAG, "true or false"),
               "enum": (LIST, "a list of allowed values"), "pattern": (TEXT, "a regular expression as text"),
               "minLength": (WHOLE, "a whole number"), "maxLength": (WHOLE, "a whole number"),
               "minimum": (NUMBER + TEXT, "a number (or a date as text)"),
               "maximum": (NUMBER + TEXT, "a number (or a date as text)")}


def problems(raw: dict) -> list[tuple[str, str, str]]:
    """(place, what is wrong, what was expected) for every part of a wrong type; raw["resources"] is a list."""
    out: list[tuple[str, str, str]] = []

    def check(obj: dict, spec: dict, where: str) -> None:
        for key, (types, expected) in spec.items():
            if key in obj and not _is(obj[key], types):
                out.append((f"{where}.{key}", f"{shown(obj[key])} is {kind(obj[key])}", expected))

    def names(value, where: str, expected: str) -> None:
        if not (isinstance(value, str) or isinstance(value, list) and all(isinstance(v, str) for v in value)):
            out.append((where, f"{shown(value)} is {kind(value)}", expected))

    def whole(obj, where: str, what: str, needs: dict[str, str]) -> bool:
        """Whether `obj` is an object with every key `needs` names (what each should be)."""
        if not isinstance(obj, dict):
            out.append((where, f"{shown(obj)} is {kind(obj)}", f"{what} object"))
            return False
        out.extend((where, f"the {what[2:]} has no {key}", expected) for key, expected in needs.items() if key not in obj)
        return True

    for i, res in enumerate(raw["resources"]):
        where = f"resources[{i}]"
        if not whole(res, where, "a resource", {"name": "a name such as 'regions'", "schema": "a Table Schema object",
                                                "path": "the path of its CSV file inside the package"}):
            continue
        check(res, RESOURCE, where)
        schema = res.get("schema")
        if not isinstance(schema, dict):
            continue
        check(schema, SCHEMA, f"{where}.schema")
        if "primaryKey" in schema and isinstance(schema["primaryKey"], list):
            names(schema["primaryKey"], f"{where}.schema.primaryKey", "a field name or a list of them")
        for j, fld in enumerate(schema.get("fields") if isinstance(schema.get("fields"), list) else []):
            here = f"{where}.schema.fields[{j}]"
            if not whole(fld, here, "a field", {"name": "a name"}):
                continue
            check(fld, FIELD, here)
            constraints = fld.get("constraints")
            if isinstance(constraints, dict):
                check(constraints, CONSTRAINTS, f"{here}.constraints")
                enum = constraints.get("enum")
                if isinstance(enum, list) and not all(isinstance(v, SCALAR) for v in enum):
                    out.append((f"{here}.constraints.enum", "the list holds a list or an object",
                                "a list of values (text or numbers)"))
        for j, fk in enumerate(schema.get("foreignKeys") if isinstance(schema.get("foreignKeys"), list) else []):
            here = f"{where}.schema.foreignKeys[{j}]"
            ref = fk.get("reference") if isinstance(fk, dict) else None
            if not isinstance(ref, dict):
                out.append((here, f"{shown(fk)} has no reference object",
                            "an object with fields and reference: {resource, fields}"))
                continue
            names(fk.get("fields"), f"{here}.fields", "a field name or a list of them")
            names(ref.get("fields"), f"{here}.reference.fields", "a field name or a list of them")
            if not isinstance(ref.get("resource", ""), str):
                out.append((f"{here}.reference.resource", f"{shown(ref['resource'])} is {kind(ref['resource'])}",
                            "a resource name"))
    return out


def _is(value, types: tuple) -> bool:
    # JSON's true and false are Python's bool, a kind of int: a flag is not a number, nor a number a flag
    if isinstance(value, bool):
        return bool in types
    return isinstance(value, types)


def kind(value) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true or false", int: "a number",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def shown(value, n: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= n else text[: n - 1] + "…"
