"""The benchmark: our validator, `frictionless validate` and the docs build, side by side.

For each size it generates a synthetic package (benchmark.synthetic) with a
known set of seeded errors (benchmark.seeded), then runs both validators on the
same files, alternating which goes first so that a noisy neighbour slows both
alike, and the docs build on the undamaged package at the docs sizes. Each
run is a child process: wall time, and peak memory from the kernel's account
of that child (benchmark.measure). Generating the packages is not timed. The
real package (data/ and the real archive) is measured the same way.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from schemas.report import TIMINGS

from . import detection, floor, machine, measure, report, seeded, synthetic
from .results import Docs, Result, Size, Timing

REPO = Path(__file__).resolve().parent.parent
SIZES = (1_000, 10_000, 100_000, 1_000_000)
DOCS_SIZES = (1_000, 10_000)
# Runs per size: the median of five where a run takes seconds, of three where frictionless takes minutes.
RUNS = {1_000: 5, 10_000: 5, 100_000: 3, 1_000_000: 3}
REAL_RUNS = 5
TIMEOUT = 3600.0  # seconds one run may take before it is stopped and reported as timed out
SEED = 6


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench.py", description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default=",".join(map(str, SIZES)), type=_ints,
                   help="records per synthetic package, comma-separated (default: %(default)s)")
    p.add_argument("--docs-sizes", default=",".join(map(str, DOCS_SIZES)), type=_ints,
                   help="sizes at which the docs build is measured too; '' for none (default: %(default)s)")
    p.add_argument("--runs", type=int, help="runs per measurement at every size (default: 5, 5, 3, 3 from 1,000 "
                                            "to 1,000,000 records; 5 on the real package)")
    p.add_argument("--out", type=Path, default=REPO / "docs" / "benchmark.md", help="the Markdown report to write")
    p.add_argument("--archive", type=Path, default=REPO.parent / "shared" / "sources",
                   help="the real archive, for the real package's run (default: %(default)s)")
    p.add_argument("--workdir", type=Path, help="keep the generated packages here (default: a temporary folder, "
                                                "removed at the end)")
    p.add_argument("--seed", type=int, default=SEED, help="seed of the synthetic data and the seeded errors")
    p.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds one run may take (default: %(default)s)")
    args = p.parse_args(argv)
    if any(n < 20 for n in args.sizes):
        p.error("--sizes: each size must be at least 20 records (the seeded errors need that many)")
    if args.runs is not None and args.runs < 1:
        p.error("--runs: expected at least 1")
    if not args.archive.is_dir():
        p.error(f"--archive: no folder at {args.archive}; expected the archived article texts")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    work = Path(tempfile.mkdtemp(prefix="benchmark-")) if args.workdir is None else args.workdir
    work.mkdir(parents=True, exist_ok=True)
    runs = {n: _runs(n, args) for n in args.sizes}
    code_at_start = machine.code(REPO)
    try:
        _say(f"benchmark in {work}: sizes {args.sizes}, runs {runs}, docs at {args.docs_sizes}")
        real = _pair(REPO, args.archive, args.runs or REAL_RUNS, work / "real", args.timeout, expected_exit=0)
        real_rows = floor.parse(REPO)
        sizes = [_size(n, runs[n], work, args) for n in args.sizes]
        # last, so that the validators' figures never wait on the docs build
        docs = [_docs(n, _runs(n, args), work, args) for n in args.docs_sizes]
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    code_at_end = machine.code(REPO)
    measured = code_at_start if code_at_start == code_at_end else \
        f"{code_at_start} at the start, {code_at_end} at the end: the validator changed during the run"
    result = Result(machine.describe() | {"validator code": measured}, real_rows, real, sizes, docs, runs)
    print(report.console(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report.markdown(result), encoding="utf-8")
    _say(f"wrote {args.out}")
    return 0


def _runs(n: int, args) -> int:
    """Runs per measurement at `n` records: --runs, else the default for that size."""
    return args.runs or RUNS.get(n, 3)


def _size(n: int, runs: int, work: Path, args) -> Size:
    _say(f"{n:,} records: generating")
    pkg = synthetic.build(n, seed=args.seed)
    here = work / f"n{n}"
    errors = seeded.seed(pkg, seed=args.seed)
    synthetic.write(pkg, here / "pkg", here / "archive")
    rows, records, desc = pkg.rows(), pkg.records, pkg.descriptor
    del pkg  # the children need the memory more than the generator does
    _say(f"{n:,} records: {sum(rows.values()):,} rows written; measuring, {runs} run(s) each")
    pair = _pair(here / "pkg", here / "archive", runs, here, args.timeout, expected_exit=1)
    found = {}
    for tool, sees_all in (("ours", True), ("frictionless", False)):
        out = here / f"{tool}-1.out"
        if pair[tool].reports[0]:
            parsed = json.loads(out.read_text(encoding="utf-8"))
            places = detection.ours(parsed) if tool == "ours" else detection.frictionless(parsed, desc)
            found[tool] = detection.score(errors, places, sees_all)
    if args.workdir is None:
        shutil.rmtree(here, ignore_errors=True)
    return Size(n, rows, records, pair["ours"], pair["frictionless"], errors, found, pair["floor"])


def _pair(root: Path, archive: Path, runs: int, out: Path, timeout: float, expected_exit: int) -> dict[str, Timing]:
    """Both validators on the same package, alternating which runs first, and the parse floor beside them."""
    out.mkdir(parents=True, exist_ok=True)
    cmds = {"ours": [sys.executable, str(REPO / "scripts" / "validate.py"), str(root), "--archive", str(archive),
                     "--format", "json", "--timings"],
            # the default error limit (1,000 per resource) is far above the seeded errors: every row is read
            "frictionless": [str(Path(sys.executable).parent / "frictionless"), "validate",
                             str(root / "datapackage.json"), "--json"],
            # the same files only parsed (benchmark.floor): it checks nothing, so it exits 0 whatever they hold
            "floor": [sys.executable, "-m", "benchmark.floor", str(root)]}
    timings = {tool: Timing(tool, expected_exit=0 if tool == "floor" else expected_exit) for tool in cmds}
    for i in range(1, runs + 1):
        order = list(cmds) if i % 2 else list(reversed(cmds))
        for tool in order:
            _measure(cmds[tool], out / f"{tool}-{i}", timeout, timings[tool], f"{out.name} {tool} run {i}")
            timings[tool].reports.append(_is_json_report(out / f"{tool}-{i}.out"))
            if tool == "ours":
                timings[tool].steps.append(timings_of(out / f"{tool}-{i}.err"))
    return timings


def _docs(n: int, runs: int, work: Path, args) -> Docs:
    """The docs build on the undamaged package of `n` records."""
    pkg = synthetic.build(n, seed=args.seed)
    out = work / f"docs{n}"
    synthetic.write(pkg, out / "pkg", out / "archive")
    timing = Timing("docs")
    cmd = [sys.executable, str(REPO / "scripts" / "docs.py"), "build", "--root", str(out / "pkg"), "--site-dir",
           str(out / "site"), "--archive", str(out / "archive")]
    for i in range(1, runs + 1):
        _measure(cmd, out / f"docs-{i}", args.timeout, timing, f"docs at {n:,} records, run {i}")
        shutil.rmtree(out / "site", ignore_errors=True)
    if args.workdir is None:
        shutil.rmtree(out, ignore_errors=True)
    return Docs(n, pkg.records, timing)


def _measure(cmd: list[str], stem: Path, timeout: float, timing: Timing, label: str) -> None:
    """One run of `cmd`, its output in STEM.out and STEM.err: added to `timing` and told on stderr."""
    r = measure.run(cmd, Path(f"{stem}.out"), Path(f"{stem}.err"), timeout, cwd=REPO)
    timing.runs.append(r)
    _say(f"  {label}: {r.seconds:.2f} s (CPU {r.cpu_seconds:.2f} s), {r.peak_mib:.0f} MiB, exit {r.returncode}")


def _is_json_report(path: Path) -> bool:
    """An object from first byte to last: enough to tell a report from a traceback, without parsing gigabytes."""
    size = path.stat().st_size
    if size == 0:
        return False
    with open(path, "rb") as fh:
        head = fh.read(64).lstrip()
        fh.seek(max(0, size - 64))
        tail = fh.read().rstrip()
    return head.startswith(b"{") and tail.endswith(b"}")


def timings_of(path: Path) -> dict[str, float]:
    """The seconds per layer that `validate.py --timings` printed last on stderr ({} when it printed none)."""
    for line in reversed(path.read_text(encoding="utf-8", errors="replace").splitlines()):
        if line.startswith(TIMINGS):
            try:
                got = json.loads(line[len(TIMINGS):])
            except ValueError:
                return {}
            return got if isinstance(got, dict) else {}
    return {}


def _ints(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(x.replace("_", "")) for x in text.split(",") if x.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected whole numbers separated by commas, e.g. 1000,10000")


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
