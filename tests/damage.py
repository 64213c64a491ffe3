"""Kinds of damage to a copy of the package, each with the exact problem it must cause.

A case damages the files under `pkg` (and, for archive damage, a copy of the
archive) and returns the problems the validator must report, as
(file, line, field, code); line None means a whole-file problem.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from conftest import table

GD = "guangdong-ai_industry_value-2023-scmp"  # 180 billion yuan
GD_USD = "guangdong-ai_industry_value_usd-2023-scmp"
SZ_SHARE = "shenzhen-ai_industry_share_of_province-2023-scmp"  # 44 per cent
SH_COMPANIES = "shanghai-ai_companies-2023-scmp"  # 1,100
GD_T25 = "guangdong-ai_industry_value-by2025-scmp"
QUALITATIVE = "guangdong-computing_power_leadership-by2025-multiplatform"
IND = "data/indicators.csv"
TGT = "data/targets.csv"
PROV = "data/provenance.csv"
SRC = "data/sources.csv"


@dataclass(frozen=True)
class Case:
    name: str
    damage: Callable[[Path, Path], list[tuple]]  # (pkg, archive copy) -> expected problems
    archive: bool = False  # the check needs the archive


def _cell(name: str, record: str, field: str, value: str, key: str = "record_id"):
    def damage(pkg: Path, _archive: Path):
        t = table(pkg, name)
        line = t.line_of(key, record)
        t.set(line, field, value).save()
        return line
    return damage


def set_cell(name: str, key, record, field: str, value: str):
    """A damage of a package folder alone: one cell set, by its row's key; returns (file, line, field)."""
    def damage(pkg: Path):
        t = table(pkg, name)
        line = t.line_of(key, record)
        t.set(line, field, value).save()
        return f"data/{name}.csv", line, field
    return damage


def edit(name, record, field, value, expect_field=None, code=None, key="record_id", file=None):
    def damage(pkg, archive):
        line = _cell(name, record, field, value, key)(pkg, archive)
        return [(file or f"data/{name}.csv", line, expect_field or field, code)]
    return damage


def _prov_line(pkg, record, field):
    t = table(pkg, "provenance")
    return t, t.line_of(("record_id", "field"), (record, field))


def lost_provenance(pkg, _):
    t, line = _prov_line(pkg, GD, "value")
    del t.rows[line - 1]
    t.save()
    return [(IND, table(pkg, "indicators").line_of("record_id", GD), "value", "provenance-missing")]


def provenance_wrong_source(pkg, _):
    t, line = _prov_line(pkg, GD, "unit")
    t.set(line, "source_id", "techtimes").save()
    return [(PROV, line, "source_id", "provenance-source")]


def value_evidence_altered(pkg, _):
    t, line = _prov_line(pkg, GD, "value")
    t.set(line, "evidence", "80 billion yuan").save()
    return [(PROV, line, "evidence", "evidence-not-value")]


def _contradicts_evidence(record, field, value):
    """The observed figure's `field` set to `value`, which the article's words for that field contradict."""
    def damage(pkg, archive):
        _cell("indicators", record, field, value)(pkg, archive)
        _, line = _prov_line(pkg, record, field)
        return [(PROV, line, "evidence", f"evidence-{field}")]
    return damage


def duplicate_record(pkg, _):
    t = table(pkg, "indicators")
    line = t.line_of("record_id", GD)
    t.rows.append(list(t.rows[line - 1]))
    t.save()
    return [(IND, len(t.rows), "record_id", "primary-key")]


def duplicate_figure(pkg, _):
    """The same region, indicator, year and source under a new record_id."""
    t = table(pkg, "indicators")
    row = list(t.rows[t.line_of("record_id", GD) - 1])
    row[0] = GD + "-again"
    t.rows.append(row)
    t.save()
    return [(IND, len(t.rows), "region_id,indicator,period,source_id", "rule:region_id,indicator,period,source_id")]


def truncated_row(pkg, _):
    t = table(pkg, "indicators")
    line = t.line_of("record_id", GD)
    t.rows[line - 1] = t.rows[line - 1][:5]
    t.save()
    return [(IND, line, None, "missing-cell")]


def extra_cell(pkg, _):
    t = table(pkg, "regions")
    line = t.line_of("region_id", "guizhou")
    t.rows[line - 1].append("surplus")
    t.save()
    return [("data/regions.csv", line, None, "extra-cell")]


def blank_row(pkg, _):
    t = table(pkg, "regions")
    t.rows.insert(3, [""] * len(t.header))
    t.save()
    return [("data/regions.csv", 4, None, "blank-row")]


def _columns(name, change):
    def damage(pkg, _):
        t = table(pkg, name)
        expected = change(t)
        t.save()
        return expected
    return damage


def _drop_column(t, field):
    i = t.header.index(field)
    for row in t.rows:
        del row[i]


def _rename(t, old, new):
    t.header[t.header.index(old)] = new


def _bytes(name, change, expected):
    def damage(pkg, _):
        path = pkg / "data" / f"{name}.csv"
        path.write_bytes(change(path.read_bytes()))
        return expected
    return damage


def checksum_recorded_wrong(pkg, _):
    t = table(pkg, "sources")
    line = t.line_of("source_id", "techtimes")
    t.set(line, "sha256", "0" * 64).save()
    return [(SRC, line, "sha256", "checksum-mismatch")]


def archive_text_changed(pkg, archive):
    name = "003_b697a7851b347f48.txt"
    path = archive / name
    path.write_text(path.read_text(encoding="utf-8").replace("578 billion", "587 billion"), encoding="utf-8")
    src = table(pkg, "sources").line_of("source_id", "techtimes")
    core = table(pkg, "indicators").line_of("record_id", "china-core_ai_industry_value-2023-techtimes")
    return [(SRC, src, "sha256", "checksum-mismatch"), (IND, core, "quote", "not-verbatim")]


def quote_altered(pkg, _):
    t = table(pkg, "indicators")
    line = t.line_of("record_id", SH_COMPANIES)
    t.set(line, "quote", t.get(line, "quote").replace("nearly", "almost")).save()
    return [(IND, line, "quote", "not-verbatim")]


def evidence_altered(pkg, _):
    t, line = _prov_line(pkg, GD, "region_id")
    t.set(line, "evidence", "Guangdong Province").save()
    return [(PROV, line, "evidence", "not-verbatim")]


def broken_descriptor(pkg, _):
    (pkg / "datapackage.json").write_text('{"name": "x", "resources": [', encoding="utf-8")
    return []


def descriptor_bad_type(pkg, _):
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    desc["resources"][1]["schema"]["fields"][0]["type"] = "strng"
    (pkg / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    return [("datapackage.json", None, None, "field-error")]


def finding_unknown_record(pkg, _):
    t = table(pkg, "findings")
    line = t.line_of("finding_id", "scmp-ai-tigers-count")
    t.set(line, "records", "no-such-record").save()
    return [("data/findings.csv", line, "records", "rule:records")]


def currency_link_mismatch(pkg, _):
    t = table(pkg, "indicators")
    line = t.line_of("record_id", GD_USD)
    t.set(line, "equivalent_of", "beijing-ai_industry_value-2023-scmp").save()
    return [(IND, line, "equivalent_of", "rule:equivalent_of")]


def missing_file(pkg, _):
    (pkg / "data" / "regions.csv").unlink()
    return [("data/regions.csv", None, None, "missing-file")]


def empty_file(pkg, _):
    (pkg / "data" / "findings.csv").write_bytes(b"")
    return [("data/findings.csv", None, None, "empty-file")]


def _parents(*edits):
    """Regions' parents set as (region_id, parent_id): the problem is at the first of them."""
    def damage(pkg, _):
        t = table(pkg, "regions")
        for region, parent in edits:
            t.set(t.line_of("region_id", region), "parent_id", parent)
        t.save()
        return [("data/regions.csv", t.line_of("region_id", edits[0][0]), "parent_id", "rule:parent_id")]
    return damage


def finding_evidence_altered(pkg, _):
    t = table(pkg, "findings")
    line = t.line_of("finding_id", "scmp-guangdong-lags")
    t.set(line, "evidence", t.get(line, "evidence").replace("lags behind", "leads")).save()
    return [("data/findings.csv", line, "evidence", "not-verbatim")]


def provenance_source_nowhere(pkg, _):
    """A source_id that is in no table at all: only the foreign key of the provenance batches can see it."""
    t, line = _prov_line(pkg, GD, "unit")
    t.set(line, "source_id", "nosuch").save()
    return [(PROV, line, "source_id", "foreign-key")]


CASES = [
    Case("type-error", edit("indicators", GD, "period", "twenty23", code="type-error")),
    Case("negative-money", edit("indicators", GD, "value", "-180000000000", code="rule:value")),
    Case("percent-over-100", edit("indicators", SZ_SHARE, "value", "144", code="rule:value")),
    Case("swapped-unit", edit("indicators", GD, "unit", "USD", code="rule:unit")),
    Case("dangling-source", edit("indicators", GD, "source_id", "nosuch", code="foreign-key")),
    Case("dangling-region", edit("indicators", GD, "region_id", "atlantis", code="foreign-key")),
    Case("dangling-indicator", edit("indicators", GD, "indicator", "gdp_growth", code="foreign-key")),
    Case("dangling-parent", edit("regions", "shenzhen", "parent_id", "nowhere", key="region_id", code="foreign-key")),
    Case("duplicate-record", duplicate_record),
    Case("duplicate-figure", duplicate_figure),
    Case("altered-quote", quote_altered, archive=True),
    Case("altered-evidence", evidence_altered, archive=True),
    Case("value-not-in-quote", edit("indicators", GD, "value", "181000000000", code="value-not-in-quote")),
    Case("value-evidence-wrong", value_evidence_altered),
    Case("stated-year-wrong", _contradicts_evidence(GD, "period", "2022")),
    # "surpassed 250 billion yuan": '>'
    Case("hedge-swapped", _contradicts_evidence("beijing-ai_industry_value-2023-scmp", "comparator", "<")),
    Case("year-out-of-range", edit("indicators", GD, "period", "1890", code="greater_than_or_equal_to(1990)")),
    Case("checksum-recorded-wrong", checksum_recorded_wrong, archive=True),
    Case("archive-text-changed", archive_text_changed, archive=True),
    Case("lost-provenance", lost_provenance),
    Case("provenance-wrong-source", provenance_wrong_source),
    Case("formula-text", edit("indicators", GD, "notes", "=HYPERLINK(\"http://x\")", code="no_formula")),
    Case("enum", edit("indicators", GD, "comparator", "≈", code="isin(['=', '~', '>', '>=', '<', '<='])")),
    Case("pattern", edit("regions", "guizhou", "iso_3166_2", "CN-Guizhou", key="region_id", code="pattern")),
    Case("required-empty", edit("indicators", GD, "quote", "", code="not_nullable")),
    Case("count-not-whole", edit("indicators", SH_COMPANIES, "value", "1100.5", code="rule:value")),
    Case("qualitative-with-value", edit("targets", QUALITATIVE, "value", "5", code="rule:value")),
    Case("target-before-announcement", edit("targets", GD_T25, "target_year", "2020", code="rule:target_year")),
    Case("currency-link-mismatch", currency_link_mismatch),
    Case("finding-unknown-record", finding_unknown_record),
    Case("finding-repeats-source", edit("findings", "scmp-ai-tigers-count", "other_sources", "techtimes scmp",
                                        key="finding_id", code="rule:other_sources")),
    Case("finding-unknown-source", edit("findings", "scmp-ai-tigers-count", "other_sources", "techtimes nosuch",
                                        key="finding_id", code="rule:other_sources")),
    Case("bad-date", edit("sources", "techtimes", "published_latest", "2024-02-30", key="source_id", code="type-error")),
    Case("bad-url", edit("sources", "techtimes", "url", "techtimes dot com", key="source_id", code="type-error")),
    Case("script-url", edit("sources", "techtimes", "url", "javascript://alert(1)", key="source_id", code="pattern")),
    Case("record-id-in-both-tables", edit("targets", GD_T25, "record_id", GD, code="rule:record_id")),
    Case("truncated-row", truncated_row),
    Case("extra-cell", extra_cell),
    Case("blank-row", blank_row),
    Case("missing-column", _columns("indicators", lambda t: (_drop_column(t, "unit"), [(IND, 1, "unit", "missing-label")])[1])),
    Case("extra-column", _columns("regions", lambda t: ([r.append("x") for r in t.rows], t.header.__setitem__(-1, "population"),
                                                       [("data/regions.csv", 1, "population", "extra-label")])[2])),
    Case("renamed-column", _columns("targets", lambda t: (_rename(t, "value", "valu"),
                                                          [(TGT, 1, "valu", "extra-label"), (TGT, 1, "value", "missing-label")])[1])),
    Case("duplicate-label", _columns("regions", lambda t: (_rename(t, "notes", "name_en"),
                                                           [("data/regions.csv", 1, "name_en", "duplicate-label")])[1])),
    Case("byte-order-mark", _bytes("regions", lambda b: b"\xef\xbb\xbf" + b, [("data/regions.csv", 1, None, "bom")])),
    Case("crlf", _bytes("regions", lambda b: b.replace(b"\n", b"\r\n"), [("data/regions.csv", 1, None, "crlf")])),
    Case("not-utf8", _bytes("regions", lambda b: b.replace("广东省".encode(), "广东省".encode("gb18030")),
                            [("data/regions.csv", 5, None, "encoding-error")])),
    Case("missing-file", missing_file),
    Case("empty-file", empty_file),
    Case("descriptor-bad-type", descriptor_bad_type),
    Case("parent-cycle-of-two", _parents(("guangdong", "shenzhen"))),
    Case("parent-cycle-of-three", _parents(("beijing", "shanghai"), ("shanghai", "guizhou"), ("guizhou", "beijing"))),
    Case("country-with-a-parent", _parents(("china", "guizhou"))),
    Case("finding-evidence-altered", finding_evidence_altered, archive=True),
    Case("provenance-source-nowhere", provenance_source_nowhere),
    Case("finding-source-nowhere", edit("findings", "scmp-ai-tigers-count", "source_id", "nosuch", key="finding_id",
                                        code="foreign-key")),
]
