"""The benchmark runs end to end, measures its children, and writes its Markdown table."""
from __future__ import annotations

import csv
import json
import subprocess
import sys

from benchmark import floor, measure, report, seeded
from benchmark.results import Result, Size, Timing
from benchmark.run import timings_of
from conftest import REPO, rows, table
from schemas import descriptor


def test_make_bench_quick_run_writes_the_table(tmp_path, archive):  # the benchmark reads ../shared/sources
    out = tmp_path / "benchmark.md"
    proc = subprocess.run(["make", "--no-print-directory", "bench",
                           f"BENCH_ARGS=--sizes 1000 --runs 1 --docs-sizes '' --out {out}"],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    page = out.read_text(encoding="utf-8")
    assert "| package | records | rows | runs | ours: median s (range)" in page
    assert "| real (data/) |" in page and "| synthetic | 1,0" in page
    kinds, visible = len(seeded.KINDS), sum(k.frictionless for k in seeded.KINDS)
    assert f"{kinds} of {kinds}" in page and f"{visible} of {visible}" in page  # each catches what it can see
    assert "## Machine" in page and "CPU:" in page
    steps = page.split("### Where our validator's time goes")[1].split("## Docs build")[0]
    assert "| real (data/) |" in steps and "| synthetic | 1,0" in steps and "not told" not in steps
    assert "ours: median s (range)" in proc.stdout and "Targets:" in proc.stdout
    floors = page.split("### Against the cost of parsing the files")[1].split("###")[0]
    assert "| real (data/) |" in floors and "| synthetic | 1,0" in floors and "not measured" not in floors


def test_peak_memory_is_the_childs(tmp_path):
    run = measure.run([sys.executable, "-c", "x = bytearray(300 * 2**20); x[::4096] = b'1' * len(x[::4096])"],
                      tmp_path / "out", tmp_path / "err", timeout=60)
    assert run.returncode == 0 and not run.timed_out
    assert 300 <= run.peak_mib < 600


def test_peak_memory_excludes_the_benchmarks_own(tmp_path):
    ballast = bytearray(800 * 2**20)  # a benchmark holding a large generated package
    ballast[::4096] = b"1" * len(ballast[::4096])
    run = measure.run([sys.executable, "-c", "pass"], tmp_path / "out", tmp_path / "err", timeout=60)
    assert run.returncode == 0 and run.peak_mib < 200
    del ballast


def test_a_run_past_its_time_is_stopped(tmp_path):
    run = measure.run([sys.executable, "-c", "import time; time.sleep(60)"], tmp_path / "out", tmp_path / "err",
                      timeout=1)
    assert run.timed_out and run.returncode != 0


def test_the_timings_line_is_read_from_what_the_validator_printed(tmp_path):
    err = tmp_path / "ours.err"
    err.write_text('a warning\ntimings: {"structure": 1.5, "total": 2.0}\n', encoding="utf-8")
    assert timings_of(err) == {"structure": 1.5, "total": 2.0}
    err.write_text("Traceback (most recent call last):\n", encoding="utf-8")
    assert timings_of(err) == {}  # a run that crashed told nothing: its row says so
    err.write_text("timings: {not json\n", encoding="utf-8")
    assert timings_of(err) == {}


# ------------------------------------------------------------------ the parse floor
def test_the_floor_parses_every_record_of_every_file(package):
    notes = table(package, "indicators")
    line = notes.line_of("record_id", notes.rows[1][0])
    notes.set(line, "notes", "a note\nover two lines, \"quoted\"").save()  # one record, three physical lines
    expected = {name: len(list(csv.DictReader(open(package / "data" / f"{name}.csv", encoding="utf-8", newline=""))))
                for name in descriptor.load(package).resources}
    assert floor.parse(package) == expected
    assert expected["indicators"] == len(rows("indicators"))


def test_the_floor_runs_as_a_child_and_says_its_rows(package, tmp_path):
    run = measure.run([sys.executable, "-m", "benchmark.floor", str(package)], tmp_path / "out", tmp_path / "err",
                      timeout=120, cwd=REPO)
    assert run.returncode == 0, (tmp_path / "err").read_text()
    assert json.loads((tmp_path / "out").read_text()) == {"rows": floor.parse(package)}
    bad = subprocess.run([sys.executable, "-m", "benchmark.floor"], cwd=REPO, capture_output=True, text=True)
    assert bad.returncode == 2 and "usage" in bad.stderr


def timing(tool: str, seconds: float, cpu: float, exit_code: int = 0) -> Timing:
    return Timing(tool, [measure.Run(seconds, cpu, 100.0, exit_code)], expected_exit=exit_code, reports=[True])


def result(ours: float, floor_s: float, floor_exit: int = 0) -> Result:
    """A run at a million records with the given medians (no detection: the floor is what is read here)."""
    big = Size(1_000_000, {"indicators": 600_000, "targets": 400_000, "provenance": 6_400_000}, 1_000_000,
               timing("ours", ours, ours * 1.5, 1), timing("frictionless", ours * 10, ours * 10, 1), [], {},
               Timing("floor", [measure.Run(floor_s, floor_s * 1.8, 900.0, floor_exit)], reports=[True]))
    real = {"ours": timing("ours", 1.0, 1.0), "frictionless": timing("frictionless", 2.0, 2.0),
            "floor": timing("floor", 0.25, 0.3)}
    return Result({"date": "2026-12-07"}, {"indicators": 27, "targets": 21}, real, [big], [], {1_000_000: 1})


def floor_rows(page: str) -> list[str]:
    part = page.split("### Against the cost of parsing the files")[1].split("###")[0]
    return [line for line in part.splitlines() if line.startswith("| real") or line.startswith("| synthetic")]


def test_the_page_puts_the_floor_beside_each_size_and_our_time_as_a_multiple():
    page = report.markdown(result(ours=30.0, floor_s=7.5))
    real, big = floor_rows(page)
    assert real.split(" | ")[3:] == ["0.25 (0.25–0.25)", "0.30", "1.20", "100", "1.00", "1.00", "4.0 |"]
    assert big.split(" | ")[3:] == ["7.50 (7.50–7.50)", "13.50", "1.80", "900", "30.00", "1.50", "4.0 |"]
    assert "- **met**: at 1,000,000 records our validator takes at most 4 times the parse floor " \
           "(30.0 s / 7.5 s = 4.00)" in page


def test_the_floor_target_fails_past_four_times_and_a_failed_floor_is_not_judged():
    page = report.markdown(result(ours=30.1, floor_s=7.5))
    assert "- **NOT met**: at 1,000,000 records our validator takes at most 4 times the parse floor" in page
    failed = report.markdown(result(ours=30.0, floor_s=7.5, floor_exit=1))
    assert floor_rows(failed)[1].split(" | ")[3] == "exit 1, expected 0"
    assert "- **not measured**: at 1,000,000 records our validator takes at most 4 times the parse floor " \
           "(exit 1, expected 0)" in failed


def test_a_ratio_just_over_its_limit_is_not_shown_as_the_limit():
    run = result(ours=15.53, floor_s=2.28)
    run.sizes[0].frictionless.runs[0] = measure.Run(147.93, 147.9, 2740.0, 1)
    page = report.markdown(run)
    assert "- **NOT met**: at 1,000,000 records our validator takes at most 1/10 of frictionless's time " \
           "(15.5 s / 147.9 s = 0.105)" in page
