"""The benchmark runs end to end, measures its children, and writes its Markdown table."""
from __future__ import annotations

import subprocess
import sys

from benchmark import measure, seeded
from benchmark.run import timings_of
from conftest import REPO


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
