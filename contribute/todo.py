"""What is left to record of the archived articles: each number that no record traces and nothing sets
aside, with its sentence, and a drafted record with its provenance rows for a person to finish.

The drafts hold only what the number reader reads: the value (with its scale word), the unit a mark or word
beside it names, the hedge before it, and a year in the same sentence; each is marked a draft. The region
and the indicator are left for a person, and so is whether the number is a figure at all (a date, a byline
or a headline restating a figure is set aside instead, with a reason). Nothing here writes into data/.
"""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from schemas import completeness, descriptor, numbers
from schemas.descriptor import YEAR_FIELD
from schemas.numbers import Number

from . import article

DRAFT = "DRAFT"  # the mark every drafted cell's note begins with, until a person has checked it
YEARS = (1990, 2100)  # the years a record may have (datapackage.json's period and target_year bounds)
# A year after these words is the year a target is for.
TARGET_YEAR = re.compile(r"\b(?:by|until|through|in the year)\s+$", re.IGNORECASE)
YEAR_WORDS = re.compile(r"\b(?:in|by|until|through|of|for|since)\s+$", re.IGNORECASE)
# A hedge is a number's when only a currency mark stands between them ('more than 300', 'over US$5').
HEDGE_REACH = 30
BETWEEN_HEDGE_AND_NUMBER = re.compile(r"\s*(?:US\$|\$|¥|RMB|CNY|US)?\s*", re.IGNORECASE)
# A unit the number reader does not name (it names CNY, USD and percent), by the word right after the number.
OTHER_UNITS = {"EFLOPS": re.compile(r"\s*(exaflops?|EFLOPS)\b", re.IGNORECASE)}


@dataclass
class Draft:
    """One unaccounted number, its sentence, and (for a figure) a drafted record with its provenance."""

    left: completeness.Unaccounted
    resource: str = ""  # indicators or targets; empty: a year alone, with no figure to draft
    year_at: int = -1  # where the drafted record's year stands in the folded article text
    record: dict[str, str] = field(default_factory=dict)
    provenance: list[dict[str, str]] = field(default_factory=list)


def todo(package: Path | str, archive: Path | str, source_ids: list[str] | None = None) -> list[Draft]:
    package, archive = Path(package), Path(archive)
    if not archive.is_dir():
        raise article.Unusable(f"{archive}: archive folder not found; expected the folder of archived article "
                               "texts (e.g. ../shared/sources)")
    descriptor.load(package)  # a folder without a readable datapackage.json is unusable input
    if source_ids:
        known = set(completeness.articles(package, archive))
        for sid in source_ids:
            if sid not in known:
                raise article.Unusable(f"{sid!r} is not a source of {package}/data/sources.csv whose text is in "
                                       f"{archive}; expected one of {', '.join(sorted(known))}")
    texts = completeness.articles(package, archive, source_ids)
    drafts, counters = [], {}
    for left in completeness.unaccounted(package, archive, source_ids):
        sentence_start = _sentence_start(texts[left.source_id], left)
        read = numbers.read(left.sentence)
        me = next((n for n in read if n.start == left.number.start - sentence_start), None)
        if me is None or _is_year(me):
            drafts.append(Draft(left))
            continue
        key = (left.source_id, left.line)
        counters[key] = counters.get(key, 0) + 1
        record_id = f"draft-{left.source_id}-{left.line}-{counters[key]}"
        drafts.append(_draft(left, me, read, record_id, sentence_start))
    return drafts


def _sentence_start(text: completeness.Article, left: completeness.Unaccounted) -> int:
    """Where the number's sentence starts in the folded article text."""
    for at in text.find(left.sentence):
        if at <= left.number.start < at + len(left.sentence):
            return at
    return -1


def _is_year(n: Number) -> bool:
    return (n.kind == "digits" and n.scale == 1 and n.unit is None and n.value == n.value.to_integral_value()
            and YEARS[0] <= n.value <= YEARS[1] and "," not in n.text)


def _draft(left: completeness.Unaccounted, me: Number, read: list[Number], record_id: str, offset: int) -> Draft:
    sentence = left.sentence
    years = [n for n in read if _is_year(n)]
    year = min(years, key=lambda y: abs(y.start - me.start)) if years else None
    is_target = year is not None and TARGET_YEAR.search(sentence, 0, year.start) is not None
    resource = "targets" if is_target else "indicators"
    year_field = YEAR_FIELD[resource]
    unit, unit_words = _unit(sentence, me)
    hedge = _hedge(sentence, me)
    record = {"record_id": record_id, "region_id": "", "indicator": "",
              year_field: str(year.value) if year else "", "value": _plain(me.value), "unit": unit or "",
              "comparator": hedge[0] if hedge else "=", "source_id": left.source_id, "quote": sentence,
              "notes": f"{DRAFT}: read by the number reader from {left.archive_file}:{left.line}; fill region_id and "
                       "indicator, check every field, then remove this note"}
    if is_target:
        record["kind"] = "target"
    year_words = ""
    if year is not None:
        before = YEAR_WORDS.search(sentence, 0, year.start)
        year_words = sentence[before.start() if before else year.start: year.end]

    def row(name, evidence, method, note):
        return {"resource": resource, "record_id": record_id, "field": name, "source_id": left.source_id,
                "evidence": evidence, "method": method, "note": f"{DRAFT}: {note}"}

    prov = [row("region_id", "", "normalized", "for a person: the words naming the place"),
            row("indicator", "", "normalized", "for a person: the words naming what is measured"),
            row(year_field, year_words, "stated", "the year in the sentence") if year else
            row(year_field, "", "inferred", "no year in the sentence: the publication year, or the year the "
                "article's context gives; say from what"),
            row("value", me.text, "converted" if me.scale > 1 else "stated",
                "scale word to base units" if me.scale > 1 else "the number as written"),
            row("unit", unit_words, "normalized", "the unit beside the number") if unit else
            row("unit", "", "normalized", "for a person: no unit beside the number (count, rank, ...)"),
            row("comparator", hedge[1], "stated", "the hedge before the number") if hedge else
            row("comparator", me.text, "inferred", "no hedge word beside the number: taken as stated exactly")]
    return Draft(left, resource, offset + year.start if year else -1, record, prov)


def _unit(sentence: str, n: Number) -> tuple[str | None, str]:
    """The unit beside the number (as the number reader names it) and the words that say it."""
    if n.unit is not None:
        after = numbers.UNIT_AFTER.match(sentence, n.end)
        if after:
            return n.unit, after.group(0).strip()
        before = numbers.CURRENCY_BEFORE.search(sentence, max(0, n.start - 4), n.start)
        return n.unit, before.group(0).strip() if before else ""
    for unit, pattern in OTHER_UNITS.items():
        m = pattern.match(sentence, n.end)
        if m:
            return unit, m.group(1)
    return None, ""


def _hedge(sentence: str, n: Number) -> tuple[str, str] | None:
    """The comparator a hedge right before the number says ('more than 300', 'over US$5'), with its words."""
    window_start = max(0, n.start - HEDGE_REACH)
    for comparator, words in numbers.HEDGES.items():
        for m in re.finditer(rf"\b(?:{words})\b", sentence[window_start:n.start], re.IGNORECASE):
            if BETWEEN_HEDGE_AND_NUMBER.fullmatch(sentence, window_start + m.end(), n.start):
                return comparator, m.group(0)
    return None


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# ------------------------------------------------------------------ output
def listing(drafts: list[Draft]) -> str:
    """Each unaccounted number with its sentence, and what was drafted for it."""
    lines = []
    for d in drafts:
        lines.append(f"{d.left.archive_file}:{d.left.line}: \"{d.left.number.text}\" in \"{d.left.sentence}\"")
        if d.resource:
            r = d.record
            year_field = YEAR_FIELD[d.resource]
            lines.append(f"    drafted {d.resource} {r['record_id']}: value {r['value']}, unit {r['unit'] or '?'}, "
                         f"comparator {r['comparator']}, {year_field} {r[year_field] or '?'}; region_id and indicator "
                         "are yours to fill")
        else:
            users = [u.record["record_id"] for u in drafts if u.resource and u.left.source_id == d.left.source_id
                     and u.year_at == d.left.number.start]
            lines.append(f"    the year of {', '.join(users)} (its year evidence will account for it)" if users else
                         "    a year alone: the year of a record of this sentence, or a row in "
                         f"{completeness.TABLE_FILE} with a reason")
    total = len(drafts)
    drafted = sum(1 for d in drafts if d.resource)
    lines.append(f"{total} unaccounted number(s); {drafted} drafted record(s)")
    return "\n".join(lines) + "\n"


def tables(package: Path | str, drafts: list[Draft]) -> dict[str, str]:
    """The drafted rows as CSV text per table (header first, columns as datapackage.json has them)."""
    desc = descriptor.load(package)
    rows: dict[str, list[dict[str, str]]] = {"indicators": [], "targets": [], "provenance": []}
    for d in drafts:
        if d.resource:
            rows[d.resource].append(d.record)
            rows["provenance"] += d.provenance
    out = {}
    for name, found in rows.items():
        if not found:
            continue
        buf = io.StringIO()
        writer = csv.DictWriter(buf, desc.resources[name].field_names, lineterminator="\n", extrasaction="raise")
        writer.writeheader()
        writer.writerows(found)
        out[Path(desc.resources[name].path).name] = buf.getvalue()
    return out


def write_drafts(package: Path | str, drafts: list[Draft], folder: Path | str) -> list[Path]:
    """The drafted tables and the listing into `folder` (never the package's data/), each written whole."""
    package, folder = Path(package), Path(folder)
    data = (package / "data").resolve()
    target = folder.resolve()
    if target == data or data in target.parents:
        raise article.Unusable(f"{folder}: inside the package's data/; expected a drafts folder elsewhere "
                               "(data/ is changed only by a person who has checked the drafts)")
    folder.mkdir(parents=True, exist_ok=True)
    files = {"todo.txt": listing(drafts)} | tables(package, drafts)
    written = []
    for name, text in files.items():
        path = folder / name
        tmp = folder / f".{name}.new-{os.getpid()}"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        written.append(path)
    return written
