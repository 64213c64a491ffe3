"""Copy-paste code for reading the package, generated from datapackage.json so the types are never retyped.

The site's download page and the release's README show them; the tests run the pandas and DuckDB snippets
against the package, so a snippet that stops working fails the build's tests, not a reader.
"""
from __future__ import annotations

import re
from importlib.metadata import version

from schemas.descriptor import Descriptor

from .exports.typemap import read_as

WIDTH = 100
# Text a spreadsheet would turn into a number or a date on import: 2024, 2024-06, 440000, 1e5.
LOOKS_NUMERIC = re.compile(r"^[+-]?[\d.,]+(?:[eE][+-]?\d+)?$|^\d{4}-\d{1,2}(?:-\d{1,2})?$")


def pandas(desc: Descriptor) -> str:
    dtypes, dates, files = {}, {}, {}
    for name, res in desc.resources.items():
        types = {f.name: read_as(f).pandas for f in res.fields}
        dtypes[name] = {n: t for n, t in types.items() if t is not None}
        dates[name] = [n for n, t in types.items() if t is None]
        files[name] = res.path
    dates = {k: v for k, v in dates.items() if v}
    return "\n".join([
        "import pandas as pd",
        "",
        "# Types from datapackage.json: text as string, whole numbers as nullable Int64, dates as dates;",
        "# only an empty cell is missing (so a text 'NA' stays text).",
        f"FILES = {_py(files)}",
        f"DTYPES = {_py(dtypes)}",
        f"DATES = {_py(dates)}",
        "",
        "",
        "def read(name):",
        "    return pd.read_csv(FILES[name], dtype=DTYPES[name], parse_dates=DATES.get(name, []),",
        "                       date_format=\"ISO8601\", keep_default_na=False, na_values=[\"\"])",
        "",
        "",
        'indicators = read("indicators")  # observed figures',
        'targets = read("targets")',
        'provenance = read("provenance")  # the article\'s words for each field of each record',
    ]) + "\n"


def duckdb(desc: Descriptor) -> str:
    out = ["-- Types from datapackage.json, with auto_detect off so that no column type is guessed."]
    for name, res in desc.resources.items():
        columns = ", ".join(f"'{f.name}': '{read_as(f).duckdb}'" for f in res.fields)
        out += [f"CREATE TABLE {name} AS SELECT * FROM read_csv('{res.path}', header = true, auto_detect = false,",
                f"    delim = ',', quote = '\"', escape = '\"', nullstr = '', columns = {{{columns}}});"]
    out += ["", "SELECT region_id, indicator, period, value, unit, comparator, source_id",
            "FROM indicators WHERE indicator = 'ai_industry_value' ORDER BY value DESC;"]
    return "\n".join(out) + "\n"


def frictionless() -> str:
    return "\n".join([
        f"# pip install frictionless=={version('frictionless')}",
        "from frictionless import Package, validate",
        "",
        "# types, constraints, primary and foreign keys",
        'report = validate("datapackage.json")',
        "print(report.valid)",
        "",
        'package = Package("datapackage.json")',
        'indicators = package.get_resource("indicators").to_pandas()',
    ]) + "\n"


def r(desc: Descriptor) -> str:
    names = [n for n in ("indicators", "targets", "provenance") if n in desc.resources]
    return "\n".join(['# install.packages("frictionless")', "library(frictionless)", "",
                      'package <- read_package("datapackage.json")  # reads the types from the descriptor']
                     + [f'{n} <- read_resource(package, "{n}")' for n in names]) + "\n"


def workflow() -> str:
    return "\n".join([
        "# .github/workflows/validate-data.yml",
        "name: Validate the data package",
        "on: [push, pull_request]",
        "jobs:",
        "  validate:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - uses: actions/checkout@v4",
        "      - uses: actions/setup-python@v5",
        "        with:",
        '          python-version: "3.11"',
        f"      - run: pip install frictionless=={version('frictionless')}",
        "      # exits 1, listing every error, when a table breaks its schema",
        "      - run: frictionless validate datapackage.json",
    ]) + "\n"


def text_columns(desc: Descriptor, tables: dict) -> dict[str, list[str]]:
    """Per table, the text columns whose values a spreadsheet would read as numbers or dates."""
    out = {}
    for name, res in desc.resources.items():
        frame = tables.get(name)
        cols = [f.name for f in res.fields if f.type == "string" and frame is not None and f.name in frame.columns
                and frame[f.name].dropna().astype(str).str.match(LOOKS_NUMERIC).any()]
        if cols:
            out[name] = cols
    return out


def _py(value, indent: int = 0) -> str:
    """A dict or list of texts as Python source, one entry a line where it would not fit in WIDTH."""
    flat = _flat(value)
    if len(flat) + indent <= WIDTH - 10 or not isinstance(value, dict):
        return flat
    pad = " " * (indent + 4)
    items = [f"{pad}{_text(k)}: {_py(v, indent + 4)}," for k, v in value.items()]
    return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"


def _flat(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_text(k)}: {_flat(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flat(v) for v in value) + "]"
    return _text(value) if isinstance(value, str) else repr(value)


def _text(text: str) -> str:
    """A Python literal of any text, in double quotes: repr's escapes (which never write a bare double quote
    inside its single quotes), with the double quotes of the text escaped."""
    literal = repr(text)
    if literal[0] == '"':  # repr chose double quotes itself
        return literal
    return '"' + literal[1:-1].replace('"', '\\"') + '"'
