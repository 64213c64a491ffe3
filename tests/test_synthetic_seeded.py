"""Every seeded error is reported where it was seeded: by ours always, by frictionless when it can see it."""
from __future__ import annotations

import json

import pytest

from benchmark import detection, seeded, synthetic
from conftest import frictionless, validate_cli

N = 1_000


@pytest.fixture(scope="module")
def damaged(tmp_path_factory):
    pkg = synthetic.build(N, seed=5)
    errors = seeded.seed(pkg, seed=5)
    base = tmp_path_factory.mktemp("seeded")
    synthetic.write(pkg, base / "pkg", base / "archive")
    ours = validate_cli(base / "pkg", "--archive", base / "archive", "--format", "json")
    fl = frictionless("validate", base / "pkg" / "datapackage.json", "--json")
    assert ours.returncode == 1 and fl.returncode == 1
    return errors, json.loads(ours.stdout), json.loads(fl.stdout), pkg.descriptor


def test_one_error_of_each_kind_each_in_its_own_record(damaged):
    errors = damaged[0]
    assert [e.kind for e in errors] == [k.name for k in seeded.KINDS]
    assert len({(e.file, e.line) for e in errors}) == len(errors)


@pytest.mark.parametrize("kind", [k.name for k in seeded.KINDS])
def test_our_validator_reports_it_at_its_file_line_and_field(damaged, kind):
    errors, ours, _, _ = damaged
    s = next(e for e in errors if e.kind == kind)
    at = [(e["file"], e["line"], e["field"]) for e in ours["errors"]]
    assert any(f == s.file and line == s.line and s.field in (field or "").split(",") for f, line, field in at), \
        f"{kind} seeded at {s.file}:{s.line}:{s.field}; reported: {at}"


@pytest.mark.parametrize("kind", [k.name for k in seeded.KINDS if k.frictionless])
def test_frictionless_reports_what_a_table_schema_can_state(damaged, kind):
    errors, _, fl, descriptor = damaged
    s = next(e for e in errors if e.kind == kind)
    found = detection.score([s], detection.frictionless(fl, descriptor), sees_all=False)
    assert found.caught == (s,)


def test_every_reported_error_is_at_a_seeded_place(damaged):
    errors, ours, fl, descriptor = damaged
    assert detection.score(errors, detection.ours(ours), sees_all=True).unexplained == 0
    assert detection.score(errors, detection.frictionless(fl, descriptor), sees_all=False).unexplained == 0
