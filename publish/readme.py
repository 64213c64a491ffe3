"""The README inside a release: what the files are, how to check them and how to load them.

It is written for whoever unpacks the zip, who has the data and not the repository (so nothing here says how
to build it), and it is generated from the shipped descriptor and the validated tables: the names, titles,
row counts, sizes and loading code can never disagree with the files beside it.
"""
from __future__ import annotations

from importlib.metadata import version

from schemas.descriptor import Descriptor

from . import exports, snippets

README = "README.md"
SUMS = "SHA256SUMS"  # inside the folder: every other file's SHA-256, as `sha256sum -c` reads it
# What each document shipped beside the data is for (the files themselves come from the repository).
DOCUMENTS = {"LICENSE": "the licence's full text",
             "CHANGELOG.md": "what changed in each version",
             "CITATION.cff": "how to cite the package (GitHub and Zotero read it)"}
# The fields that say how to read a figure, described as the descriptor describes them.
READING = ("value", "unit", "comparator")


def text(desc: Descriptor, raw: dict, rows: dict[str, int], stem: str) -> str:
    """The README of release `stem` (`<name>-<version>`); `raw` is the shipped descriptor, with each file's bytes."""
    title = raw.get("title") or desc.name
    released = str(raw.get("created") or "")[:10]
    out = [f"# {title}: release {desc.version}", "", raw.get("description", ""), "",
           f"This folder is version {desc.version} of the data package `{desc.name}`"
           + (f", released {released}" if released else "") + ". " + _licences(raw), ""]
    out += _files(raw, rows, stem)
    out += _reading(desc)
    out += _checking(stem)
    out += _loading(desc)
    return "\n".join(out).rstrip() + "\n"


def _licences(raw: dict) -> str:
    said = []
    for lic in raw.get("licenses", []):
        name = " ".join(x for x in (lic.get("name"), f"({lic['title']})" if lic.get("title") else "") if x)
        said.append(f"Licence: {name}" + (f". {lic['scope']}" if lic.get("scope") else "."))
    return " ".join(said)


def _files(raw: dict, rows: dict[str, int], stem: str) -> list[str]:
    out = ["## The files", "", "| file | table | rows | bytes |", "| --- | --- | ---: | ---: |"]
    for res in raw["resources"]:
        out.append(f"| `{res['path']}` | {_cell(res.get('title') or res['name'])} (`{res['name']}`) | "
                   f"{rows.get(res['name'], 0):,} | {res.get('bytes', 0):,} |")
    out.append("")
    out += [f"- **{res.get('title') or res['name']}** (`{res['path']}`): {res.get('description', '')}"
            for res in raw["resources"]]
    out += ["", "Beside the tables:", "",
            "- `datapackage.json`: the descriptor. It gives every column's type, description and constraints, "
            "the keys that join the tables, and each file's size and SHA-256.",
            f"- `{README}`: this file.",
            *(f"- `{name}`: {what}." for name, what in DOCUMENTS.items()),
            f"- `{SUMS}`: the SHA-256 of every other file in this folder.", "",
            "Published beside the zip, with the same tables: "
            + ", ".join(f"`{name}`" for name in exports.names(stem).values())
            + f" (SQLite, Parquet, Excel), and `{stem}.sha256`, the checksums of the zip and of each of them.", ""]
    return out


def _reading(desc: Descriptor) -> list[str]:
    res = next((r for r in desc.resources.values() if all(n in r.field_names for n in READING)), None)
    if res is None:
        return []
    return ["## Reading a figure", "",
            *(f"- `{n}`: {res.field(n).description}" for n in READING), ""]


def _checking(stem: str) -> list[str]:
    return ["## Checking the files", "", "In this folder:", "",
            f"    pip install frictionless=={version('frictionless')}",
            "    frictionless validate datapackage.json", "",
            "checks every table against its schema (types, constraints, primary and foreign keys) and every file "
            "against the size and SHA-256 the descriptor gives; it ends with VALID and exits 0, or lists each "
            "error and exits 1.", "",
            f"    sha256sum -c {SUMS}", "",
            f"checks every file of the folder (on macOS: `shasum -a 256 -c {SUMS}`). To check the downloaded zip "
            f"itself, run `sha256sum -c --ignore-missing {stem}.sha256` in the folder you downloaded it to.", ""]


def _loading(desc: Descriptor) -> list[str]:
    out = ["## Loading the tables", "", "Each snippet runs in this folder and takes the column types from "
           "`datapackage.json`, so that codes such as `440000` stay text and years stay whole numbers.", ""]
    for heading, lang, code in (("Python, with frictionless", "python", snippets.frictionless()),
                                ("pandas", "python", snippets.pandas(desc)),
                                ("R, with the frictionless package", "r", snippets.r(desc)),
                                ("DuckDB", "sql", snippets.duckdb(desc))):
        out += [f"### {heading}", "", f"```{lang}", code.rstrip(), "```", ""]
    return out


def _cell(s: str) -> str:
    return s.replace("|", "\\|")
