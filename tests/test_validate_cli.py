"""`scripts/validate.py` and `make validate` as a user meets them: exit status, the report,
no traceback on any input, and no file written or changed."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from conftest import REPO, copy_package, snapshot, table, validate_cli
from damage import descriptor_bad_type

from schemas.report import LAYERS, TIMINGS

LOCATION = re.compile(r"^(datapackage\.json|data/[a-z_]+\.csv)(:\d*)?(:[^:]*)?: .+; expected .+$")


def test_valid_package_exits_0(repo, archive):
    out = validate_cli(repo, "--archive", archive)
    assert out.returncode == 0, out.stdout
    assert out.stdout.splitlines()[-1].startswith("VALID: 0 error(s)")
    assert "Findings (published, not failures)" in out.stdout


def test_without_archive_it_says_quotes_were_not_checked(repo):
    out = validate_cli(repo)
    assert out.returncode == 0
    assert "quotes and evidence were NOT checked" in out.stdout


def _write(path, data: bytes):
    path.write_bytes(data)


# Broken input of every sort a user may hand the validator: (name, damage, exit status)
BROKEN = [
    ("missing-csv", lambda p: (p / "data/targets.csv").unlink(), 1),
    ("empty-csv", lambda p: _write(p / "data/targets.csv", b""), 1),
    ("header-only-is-valid", lambda p: _write(p / "data/findings.csv", (p / "data/findings.csv").read_bytes().split(b"\n")[0] + b"\n"), 0),
    ("not-utf8", lambda p: _write(p / "data/regions.csv", "región".encode("latin-1") + (p / "data/regions.csv").read_bytes()), 1),
    ("bom", lambda p: _write(p / "data/sources.csv", b"\xef\xbb\xbf" + (p / "data/sources.csv").read_bytes()), 1),
    ("crlf", lambda p: _write(p / "data/provenance.csv", (p / "data/provenance.csv").read_bytes().replace(b"\n", b"\r\n")), 1),
    ("truncated-last-row", lambda p: _write(p / "data/indicators.csv", (p / "data/indicators.csv").read_bytes()[:-200]), 1),
    ("open-quote-at-end", lambda p: _write(p / "data/regions.csv", (p / "data/regions.csv").read_bytes() + b'x,"never closed\n'), 1),
    ("binary-garbage", lambda p: _write(p / "data/regions.csv", bytes(range(256)) * 4), 1),
    ("renamed-column", lambda p: _write(p / "data/targets.csv", (p / "data/targets.csv").read_bytes().replace(b"target_year", b"year", 1)), 1),
    ("extra-column", lambda p: _write(p / "data/regions.csv", b"\n".join(l + b",x" for l in (p / "data/regions.csv").read_bytes().split(b"\n") if l) + b"\n"), 1),
    ("csv-is-a-folder", lambda p: ((p / "data/findings.csv").unlink(), (p / "data/findings.csv").mkdir()), 1),
    ("broken-json", lambda p: _write(p / "datapackage.json", b'{"resources": [}'), 2),
    ("json-not-object", lambda p: _write(p / "datapackage.json", b"[]"), 2),
    ("descriptor-missing", lambda p: (p / "datapackage.json").unlink(), 2),
    ("resource-missing", lambda p: _write(p / "datapackage.json", json.dumps(
        {**json.loads((p / "datapackage.json").read_text()), "resources": json.loads(
            (p / "datapackage.json").read_text())["resources"][:3]}).encode()), 2),
    ("descriptor-not-utf8", lambda p: _write(p / "datapackage.json", b'{"name": "\xff"}'), 2),
    ("bad-regex-in-descriptor", lambda p: _write(p / "datapackage.json", (p / "datapackage.json").read_bytes().replace(
        b'"pattern": "^CN-[A-Z]{2}$"', b'"pattern": "^CN-[A-Z{2}$"')), 1),
]


@pytest.mark.parametrize("name,damage,status", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_input_gets_a_clear_report_and_no_traceback(package, archive, name, damage, status):
    damage(package)
    before = snapshot(package)
    out = validate_cli(package, "--archive", archive)
    assert out.returncode == status, out.stdout + out.stderr
    assert "Traceback" not in out.stdout + out.stderr
    assert snapshot(package) == before  # nothing written, nothing changed
    if status == 0:
        assert "VALID: 0 error(s)" in out.stdout
    elif status == 1:
        problems = [l for l in out.stdout.splitlines() if l.startswith(("data/", "datapackage.json"))]
        assert problems and all(LOCATION.match(l) for l in problems), out.stdout
    else:
        assert out.stderr.startswith("unusable input: ") and "expected" in out.stderr


def test_all_problems_at_once(package, archive):
    """Three damaged files, one run: each is reported."""
    t = table(package, "indicators")
    t.set(2, "value", "lots").save()
    t = table(package, "regions")
    t.set(3, "level", "galaxy").save()
    t = table(package, "sources")
    t.set(2, "sha256", "f" * 64).save()
    out = validate_cli(package, "--archive", archive)
    assert out.returncode == 1
    for expected in ("data/indicators.csv:2:value: 'lots' is not a number",
                     "data/regions.csv:3:level: 'galaxy' is not an allowed value",
                     "data/sources.csv:2:sha256:"):
        assert expected in out.stdout
    assert re.search(r"INVALID: \d+ error\(s\) \(descriptor 0, structure 1, schema 1, provenance [1-9]", out.stdout)


def test_json_report(package, archive):
    table(package, "indicators").set(3, "unit", "EUR").save()
    out = validate_cli(package, "--archive", archive, "--format", "json")
    doc = json.loads(out.stdout)
    assert out.returncode == 1 and doc["valid"] is False and doc["archive_checked"] is True
    (err,) = [e for e in doc["errors"] if e["field"] == "unit" and e["layer"] == "schema"]
    assert err["file"] == "data/indicators.csv" and err["line"] == 3 and err["text"].startswith("data/indicators.csv:3:unit:")
    assert doc["summary"]["errors"] == len(doc["errors"]) and doc["findings"]


def test_the_official_descriptor_check_reaches_the_report(package, archive):
    """The command line starts frictionless's check of the descriptor itself, before the heavy imports:
    its verdict must still be in the report."""
    descriptor_bad_type(package, None)
    out = validate_cli(package, "--archive", archive)
    assert out.returncode == 1, out.stdout + out.stderr
    assert re.search(r"^datapackage\.json: .*strng.*; expected a descriptor valid by the Data Package v2 profile$",
                     out.stdout, re.M), out.stdout


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_reader_that_stops_early_gets_no_traceback(repo, archive, fmt):
    """`... | head`: the pipe closes before the report is written; the exit status is still the verdict."""
    with subprocess.Popen([sys.executable, str(REPO / "scripts" / "validate.py"), "--archive", str(archive),
                           "--format", fmt], cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        proc.stdout.close()  # closed long before the validator, a second away, writes
        err = proc.stderr.read().decode()
    assert proc.returncode == 0 and err == ""


def test_make_validate_end_to_end(repo, archive):
    out = subprocess.run(["make", "-s", "validate", f"ARCHIVE={archive}"], cwd=repo, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"Archive: {archive}" in out.stdout and "VALID" in out.stdout


def test_make_validate_fails_on_a_damaged_package(tmp_path, archive):
    """The Makefile's validate target runs on the working tree: a damaged copy of the repository fails."""
    pkg = copy_package(tmp_path / "repo")
    for part in ("Makefile", "requirements.txt", "pyproject.toml", "scripts", "schemas", ".venv"):
        (pkg / part).symlink_to(REPO / part)
    table(pkg, "regions").set(4, "iso_3166_2", "CN-Shanghai").save()
    out = subprocess.run(["make", "-s", "validate", f"ARCHIVE={archive}"], cwd=pkg, capture_output=True, text=True)
    assert out.returncode != 0
    assert "data/regions.csv:4:iso_3166_2: 'CN-Shanghai' does not match the field's pattern" in out.stdout


def test_timings_tell_each_layer_and_add_up_to_the_run(repo, archive):
    """`--timings` adds one line to stderr and leaves the report as it was."""
    plain = validate_cli(repo, "--archive", archive, "--format", "json")
    timed = validate_cli(repo, "--archive", archive, "--format", "json", "--timings")
    assert timed.returncode == plain.returncode == 0 and plain.stderr == ""
    assert json.loads(timed.stdout) == json.loads(plain.stdout)
    (line,) = timed.stderr.splitlines()
    assert line.startswith(TIMINGS)
    seconds = json.loads(line[len(TIMINGS):])
    assert list(seconds) == [*LAYERS, "report", "other", "total"]
    # to the millisecond: the descriptor and the report of the real package can take less
    assert all(seconds[k] > 0 for k in ("structure", "schema", "provenance", "consistency", "total"))
    assert seconds["descriptor"] >= 0 and seconds["report"] >= 0
    assert seconds["other"] >= 0  # no second counted twice
    assert abs(sum(v for k, v in seconds.items() if k != "total") - seconds["total"]) < 0.01


# What the command's process leaves Polars and numpy to start with: the threads of Polars' pool, OpenBLAS's variable
THREADS = ("import os, sys; from schemas import cli; cli.ONE_THREAD_BELOW = int(sys.argv[2])\n"
           "with cli._starting(sys.argv[1]): import polars\n"
           "print(polars.thread_pool_size(), os.environ.get('OPENBLAS_NUM_THREADS'))")


@pytest.mark.parametrize("below, given, said", [
    (32 * 2**20, None, "1 1"),  # the package itself: Polars on one thread, and OpenBLAS
    (0, None, None),  # tables over the limit: Polars' own choice
    (32 * 2**20, "2", "2 1"),  # the user's setting is kept
])
def test_a_small_package_runs_polars_on_one_thread_unless_the_user_says_otherwise(repo, below, given, said):
    """The command's own process only (`run`): `main` called in another program's process leaves it as it is."""
    env = {k: v for k, v in os.environ.items() if k not in ("POLARS_MAX_THREADS", "OPENBLAS_NUM_THREADS")}
    if given:
        env["POLARS_MAX_THREADS"] = given
    out = subprocess.run([sys.executable, "-c", THREADS, str(repo), str(below)], capture_output=True, text=True,
                         env=env, cwd=repo, check=True)
    if said is None:  # what Polars chooses by itself
        default = subprocess.run([sys.executable, "-c", "import polars; print(polars.thread_pool_size())"],
                                 capture_output=True, text=True, env=env, check=True)
        said = f"{default.stdout.strip()} 1"
    assert out.stdout.strip() == said


def test_main_in_another_programs_process_leaves_its_start_alone(repo):
    """No thread settings and no frozen objects for a program that calls `main` (the fuzz tests do, many
    times): frozen, its objects would be kept for good."""
    code = ("import gc, io, os, sys, contextlib; from schemas import cli\n"
            "with contextlib.redirect_stdout(io.StringIO()): code = cli.main([sys.argv[1]])\n"
            "print(code, gc.get_freeze_count(), gc.isenabled(), os.environ.get('POLARS_MAX_THREADS'), "
            "os.environ.get('OPENBLAS_NUM_THREADS'))")
    env = {k: v for k, v in os.environ.items() if k not in ("POLARS_MAX_THREADS", "OPENBLAS_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", code, str(repo)], capture_output=True, text=True, env=env,
                         cwd=repo, check=True)
    assert out.stdout.split() == ["0", "0", "True", "None", "None"]
