"""The synthetic package: valid by both validators, complete, and the same from the same seed."""
from __future__ import annotations

import hashlib
import json

import pyarrow.compute as pc
import pytest

from benchmark import synthetic, wording
from conftest import REPO, frictionless, validate_cli
from schemas import numbers

N = 1_000


@pytest.fixture(scope="module")
def pkg():
    return synthetic.build(N, seed=3)


@pytest.fixture(scope="module")
def written(pkg, tmp_path_factory):
    base = tmp_path_factory.mktemp("synthetic")
    synthetic.write(pkg, base / "pkg", base / "archive")
    return base / "pkg", base / "archive"


def column(pkg, table, name) -> set:
    return set(pkg.tables[table].column(name).to_pylist())


def test_valid_under_our_validator(written):
    root, archive = written
    proc = validate_cli(root, "--archive", archive, "--format", "json")
    report = json.loads(proc.stdout)
    assert report["errors"] == [] and proc.returncode == 0, report["errors"][:5]
    assert report["summary"]["rows"]["provenance"] > 5 * N


def test_valid_under_frictionless(written):
    root, _ = written
    proc = frictionless("validate", root / "datapackage.json", "--json")
    report = json.loads(proc.stdout)
    assert report["valid"] and proc.returncode == 0, [t["errors"][:3] for t in report["tasks"]]


def test_descriptor_and_definitions_are_the_real_ones(pkg, written):
    root, _ = written
    assert json.loads((root / "datapackage.json").read_text()) == json.loads((REPO / "datapackage.json").read_text())
    assert (root / "data" / "indicator_definitions.csv").read_text() == \
        (REPO / "data" / "indicator_definitions.csv").read_text()


def test_every_indicator_region_unit_and_comparator_occurs(pkg):
    defs = pkg.tables["indicator_definitions"]
    used = column(pkg, "indicators", "indicator") | column(pkg, "targets", "indicator")
    assert used == set(defs.column("indicator").to_pylist())
    units = {u for u in defs.column("unit").to_pylist() if u}
    assert units <= column(pkg, "indicators", "unit") | column(pkg, "targets", "unit")
    real_regions = set((REPO / "data" / "regions.csv").read_text().splitlines()[1:])
    assert {line.split(",")[0] for line in real_regions} <= column(pkg, "regions", "region_id")
    assert {"=", "~", ">", ">=", "<", "<="} <= column(pkg, "indicators", "comparator")
    assert "" in column(pkg, "targets", "value")  # qualitative aims
    assert len(column(pkg, "indicators", "equivalent_of")) > 1  # currency pairs


def test_archive_checksums_are_recorded(pkg):
    recorded = dict(zip(pkg.tables["sources"].column("archive_file").to_pylist(),
                        pkg.tables["sources"].column("sha256").to_pylist()))
    assert {name: hashlib.sha256(text.encode()).hexdigest() for name, text in pkg.texts.items()} == recorded


def test_evidence_states_values_with_their_scale_words(pkg):
    prov = pkg.tables["provenance"]
    value_spans = set(prov.filter(pc.equal(prov.column("field"), "value")).column("evidence").to_pylist())
    assert any(s.endswith(" billion yuan") for s in value_spans)
    assert any(s.endswith(" per cent") for s in value_spans)
    assert any("," in s and s.replace(",", "").isdigit() for s in value_spans)
    assert {"five", "three"} & value_spans


def test_same_seed_same_package_other_seed_other_package(pkg):
    again = synthetic.build(N, seed=3)
    assert all(again.tables[n].equals(t) for n, t in pkg.tables.items()) and again.texts == pkg.texts
    assert not synthetic.build(N, seed=4).tables["indicators"].equals(pkg.tables["indicators"])


def test_regions_grow_with_the_records():
    small, large = synthetic.build(200, seed=1), synthetic.build(20_000, seed=1)
    assert large.rows()["regions"] > small.rows()["regions"]
    assert large.rows()["sources"] == 20_000 // synthetic.RECORDS_PER_SOURCE


def test_every_hedge_the_generator_writes_is_one_the_validator_reads():
    unread = [(comparator, word) for comparator, words in wording.HEDGES.items() for word in words
              if word and not numbers.states_hedge(f"{word} 180 billion yuan", comparator)]
    assert unread == [], "hedges schemas.numbers.HEDGES does not read as their comparator's"
    assert wording.HEDGES["="] == [""]  # '=' is stated with no hedge: its provenance is inferred
