"""The package itself: what a user downloads must be valid, verbatim, complete and checksummed.

These checks read the files directly (csv, hashlib, str.find) rather than
through the validator, so that a bug in the validator cannot vouch for the data.
"""
from __future__ import annotations

import hashlib
import json
import re

import pytest
from conftest import frictionless, rows

from schemas.numbers import read as read_numbers
from schemas.numbers import states_in_words


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def texts(archive):
    return {s["source_id"]: fold((archive / s["archive_file"]).read_text(encoding="utf-8")) for s in rows("sources")}


def test_official_frictionless_cli_passes(repo):
    out = frictionless("validate", "--json", repo / "datapackage.json")
    report = json.loads(out.stdout)
    assert out.returncode == 0 and report["valid"], out.stdout[-2000:]
    assert {t["name"] for t in report["tasks"]} == {"sources", "regions", "indicator_definitions", "indicators",
                                                    "targets", "provenance", "findings", "set_aside"}


def test_archive_checksums_match_sources(archive):
    for s in rows("sources"):
        assert hashlib.sha256((archive / s["archive_file"]).read_bytes()).hexdigest() == s["sha256"], s["source_id"]


def test_headlines_are_exact(texts):
    for s in rows("sources"):
        assert fold(s["title"]) in texts[s["source_id"]], s["source_id"]


def test_every_quote_and_evidence_is_verbatim(texts):
    spans = [(r["source_id"], r["quote"], f"{name}:{r['record_id']}") for name in ("indicators", "targets")
             for r in rows(name)]
    spans += [(r["source_id"], r["evidence"], f"provenance:{r['record_id']}:{r['field']}") for r in rows("provenance")]
    spans += [(r["source_id"], r["evidence"], f"findings:{r['finding_id']}") for r in rows("findings")]
    missing = [where for sid, span, where in spans if fold(span) not in texts[sid]]
    assert not missing


def test_every_quote_states_its_value_with_the_scale_word():
    for name in ("indicators", "targets"):
        for r in rows(name):
            if r["value"]:
                stated = {float(n.value) for n in read_numbers(r["quote"])}
                in_words = not stated and states_in_words(r["quote"], float(r["value"]), r["unit"])  # 'the largest'
                assert float(r["value"]) in stated or in_words, (r["record_id"], r["value"], r["quote"])


def test_every_record_field_has_provenance():
    traced = {(r["resource"], r["record_id"], r["field"]): r for r in rows("provenance")}
    for name, year in (("indicators", "period"), ("targets", "target_year")):
        for r in rows(name):
            fields = ["region_id", "indicator", year] + [f for f in ("value", "unit", "comparator", "announced") if r.get(f)]
            for field in fields:
                p = traced.get((name, r["record_id"], field))
                assert p is not None, (name, r["record_id"], field)
                assert p["source_id"] == r["source_id"]
                if p["method"] == "inferred":
                    assert p["note"], f"inferred without saying from what: {r['record_id']} {field}"


def test_no_number_left_behind(texts):
    """Every number in every article lies inside some evidence span of that article or inside a span of
    set_aside.csv, each with its reason: read here with the csv module and plain text search, apart from the
    validator's own check (schemas/completeness.py)."""
    spans: dict[str, set[str]] = {}
    for r in rows("provenance"):
        spans.setdefault(r["source_id"], set()).add(fold(r["evidence"]))
    aside: dict[str, set[str]] = {}
    for r in rows("set_aside"):
        assert r["reason"] and r["note"], r
        aside.setdefault(r["source_id"], set()).add(fold(r["span"]))
    left, set_apart = set(), set()
    for sid, text in texts.items():
        covered = [(m.start(), m.end()) for span in spans.get(sid, ()) for m in re.finditer(re.escape(span), text)]
        apart = [(m.start(), m.end()) for span in aside.get(sid, ()) for m in re.finditer(re.escape(span), text)]
        for n in read_numbers(text):
            if any(a <= n.start and n.end <= b for a, b in apart):
                set_apart.add((sid, n.text))
            elif not any(a <= n.start and n.end <= b for a, b in covered):
                left.add((sid, n.text))
    assert not left, f"numbers neither traced nor set aside: {sorted(left)}"
    assert ("ceoinsights", "61") in set_apart and ("scmp", "2022") in set_apart  # the view count, ChatGPT's year


def test_both_rows_kept_when_articles_repeat_a_figure():
    """The 300 billion yuan target for 2025 is stated by three articles: three rows, one per source."""
    same = [r for r in rows("targets") if r["region_id"] == "guangdong" and r["indicator"] == "ai_industry_value"
            and r["target_year"] == "2025"]
    assert sorted(r["source_id"] for r in same) == ["ceoinsights", "multiplatform", "scmp"]
    assert {r["value"] for r in same} == {"300000000000"}


def test_currency_equivalents_are_rows_linked_to_their_yuan_row():
    for name in ("indicators", "targets"):
        table = {r["record_id"]: r for r in rows(name)}
        usd = [r for r in table.values() if r["unit"] == "USD"]
        assert usd
        for r in usd:
            base = table[r["equivalent_of"]]
            assert base["unit"] == "CNY" and base["source_id"] == r["source_id"] and base["quote"] == r["quote"]


def test_values_are_plain_numbers_in_base_units():
    for name in ("indicators", "targets"):
        for r in rows(name):
            assert re.fullmatch(r"|-?[0-9]+(\.[0-9]+)?", r["value"]), r["record_id"]


def test_files_are_utf8_with_newline_line_ends(repo):
    for path in sorted((repo / "data").glob("*.csv")):
        raw = path.read_bytes()
        raw.decode("utf-8")
        assert b"\r" not in raw and not raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\n"), path.name


def test_readme_lists_every_resource_as_the_descriptor_does(repo):
    """The README's table of resources cannot drift from datapackage.json."""
    descriptor = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    readme = (repo / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| ([a-z_]+) \| `([^`]+)` \|", readme, re.M)
    assert listed == [(r["name"], r["path"]) for r in descriptor["resources"]]


def test_readme_counts_match_the_data(repo):
    readme = (repo / "README.md").read_text(encoding="utf-8")
    targets = rows("targets")
    counts = {"observed figures": len(rows("indicators")), "targets and projections": len(targets),
              "field-level provenance rows": len(rows("provenance")),
              "recorded problems": len(rows("findings"))}
    for words, n in counts.items():
        assert re.search(rf"\b{n} {words}", readme.replace("\n", " ")), (words, n)
    assert f"({sum(1 for t in targets if not t['value'])} of them\nqualitative)" in readme
