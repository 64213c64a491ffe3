"""The data dictionary, generated from datapackage.json: every resource and field, keys, and the indicator codes."""
from __future__ import annotations

import json

from schemas.numbers import human

from .. import paths
from ..markup import block, code, dl, esc, md_text, missing, table
from ..records import Links, exact
from . import Page

# A Table Schema field has no unit; these say what the numbers and dates of the package's fields are counted in.
FIELD_UNITS = {
    "value": "the row's <code>unit</code> (its indicator's canonical unit), in base units",
    "period": "calendar year",
    "target_year": "calendar year",
    "min": "the indicator's <code>unit</code>",
    "max": "the indicator's <code>unit</code>",
}
TYPE_UNITS = {"date": "ISO 8601 date (YYYY-MM-DD)"}
EXAMPLE_CHARS = 80


def page(ctx) -> Page:
    pkg = ctx.pkg
    links = Links(pkg, paths.DICTIONARY)
    desc = pkg.desc
    rows = [[links.to(paths.DICTIONARY, code(res.name), res.name), esc(res.title),
             links.to(res.path, code(res.path)), str(pkg.report.rows.get(name, 0)), _key(res.primary_key)]
            for name, res in desc.resources.items()]
    md = [f"Generated from `datapackage.json` (package `{esc(desc.name)}`, version {esc(desc.version)}, Data "
          "Package v2). Every table is a UTF-8 CSV with a header row; an empty cell is a missing value. Values are "
          "plain numbers in base units: 12 billion yuan is `12000000000` with unit `CNY`.",
          block(table(["Resource", "Title", "File", "Rows", "Primary key"], rows, stack=True))]
    for name, res in desc.resources.items():
        md += ["", f"## {md_text(res.title)} {{#{name}}}", block(_resource(links, pkg, res))]
    md += ["", "## Indicator codes {#indicator-codes}", "",
           "The codes that `indicators.csv` and `targets.csv` use, from `indicator_definitions.csv`: what each "
           "measures, its one unit, and the plausible range the validator's range check applies (set by the "
           "maintainers, not taken from the sources).", block(_indicators(links, pkg))]
    return Page(paths.DICTIONARY, "Data dictionary", "\n".join(md) + "\n")


def _resource(links: Links, pkg, res) -> str:
    frame = pkg.report.tables.get(res.name)
    # a block per field, not a table: seven columns of prose squeeze the description to a few words a line
    fields = []
    for f in res.fields:
        example = _example(f, frame)
        fields.append(_entry(f"{res.name}-{f.name}", f"{code(f.name)} {esc(f.title)}", [
            ("Type", code(f.type) + (f" ({esc(f.format)})" if f.format else "")),
            ("Unit", FIELD_UNITS.get(f.name) or TYPE_UNITS.get(f.type, "")),
            ("Constraints", _constraints(f.constraints)), ("Description", esc(f.description)),
            ("Example", code(example) if example else "")]))
    fks = [f"{_key(fk.fields)} refers to {links.to(paths.DICTIONARY, code(fk.resource), fk.resource)}"
           f".{_key(fk.ref_fields)}" for fk in res.foreign_keys]
    return "".join([
        f"<p>{esc(res.description)}</p>",
        f"<p>File: {links.to(res.path, code(res.path))}. Primary key: {_key(res.primary_key) or 'none'}. "
        f"Foreign keys: {'; '.join(fks) or 'none'}.</p>",
        *fields,
    ])


def _entry(anchor: str, name_html: str, pairs) -> str:
    """One field or indicator code: its name, then what is known about it."""
    return (f'<div class="aidata-entry" id="{esc(anchor)}"><p class="aidata-entry__name">{name_html}</p>'
            + dl(pairs) + "</div>")


def _indicators(links: Links, pkg) -> str:
    entries = []
    for d in pkg.definitions.itertuples(index=False):
        unit = d.unit if not missing(d.unit) else None
        span = ("no number" if d.qualitative else
                f"{esc(human(d.min, unit))} to {esc(human(d.max, unit))}" if not missing(d.min) else "")
        relation = "" if missing(d.relation) else f"{esc(d.relation)} of " + links.to(
            paths.DICTIONARY, code(d.relates_to), paths.indicator_anchor(d.relates_to))
        used = [links.to(paths.record_table(res), f"{n} {label}", d.indicator)
                for res, label, n in zip(("indicators", "targets"), ("observed", "targets"),
                                         pkg.counts("indicator", d.indicator)) if n]
        entries.append(_entry(paths.indicator_anchor(d.indicator), f"{code(d.indicator)} {esc(d.label)}", [
            ("Definition", esc(d.definition)), ("Unit", code(unit) if unit else "none (qualitative)"),
            ("Plausible range", span), ("Relation", relation), ("Records", ", ".join(used) or "none"),
            ("Notes", esc(d.notes))]))
    return "".join(entries)


def _constraints(c: dict) -> str:
    parts = []
    for key, value in c.items():
        if key == "enum":
            parts.append("one of " + ", ".join(code(v) for v in value))
        elif key in ("required", "unique") and value:
            parts.append(key)
        else:
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            parts.append(f"{esc(key)} {code(shown)}")
    return "; ".join(parts)


def _example(f, frame) -> str:
    """The descriptor's example, else the first value the table has."""
    if f.example is not None:
        value = f.example
    elif frame is None or f.name not in frame.columns or frame[f.name].isna().all():
        return ""
    else:
        value = frame[f.name].dropna().iloc[0]
        value = f"{value:%Y-%m-%d}" if f.type == "date" else exact(value) if f.type == "number" else value
    text = str(bool(value)).lower() if f.type == "boolean" else str(value)
    return text if len(text) <= EXAMPLE_CHARS else text[:EXAMPLE_CHARS - 1] + "…"


def _key(fields) -> str:
    return ", ".join(code(f) for f in fields)
