"""Run the four layers on a package folder and gather one report.

Every layer runs on whatever could be read, so one run lists every problem;
nothing here writes a file. Each table is read whole.
"""
from __future__ import annotations

import hashlib
import os
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Callable

from . import consistency, csvfile, descriptor, pandera_schemas, provenance, releasable, structure
from .report import LAYERS, Problem, Report


def validate(root: Path | str, archive: Path | str | None = None, keep_tables: bool = True,
             standard: Callable[[], list[Problem]] | None = None) -> Report:
    """Validate the package at `root`; raise descriptor.UnusableInput when it cannot be read at all.

    With keep_tables, `report.tables` holds every typed table (the docs and the release read them);
    without, none is handed on (the findings keep the records they need). `standard` is the check against the
    Data Package standard when the caller has started it already (descriptor.start_standard_check).
    `report.seconds` tells how long each layer took."""
    root = Path(root)
    if archive is not None:
        archive = Path(archive)
        if not archive.is_dir():
            raise descriptor.UnusableInput(f"{archive}: archive folder not found; expected the folder of archived "
                                           "article texts (e.g. ../shared/sources)")
    report = Report(archive=str(archive) if archive is not None else None)
    clock = Stopwatch(report.seconds)
    with clock("descriptor"):
        desc = descriptor.load(root)
        standard = standard or descriptor.start_standard_check(root)
        report.add(descriptor.check(desc))
        report.add(releasable.check(desc))
    typed = {}
    with clock("structure"), ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        # Arrow's streaming reader parses a file on about one core: the files are read side by side
        for name, (problems, t) in zip(desc.resources, pool.map(partial(_read, root), desc.resources.values())):
            report.add(problems)
            if t is not None:
                typed[name] = t
                report.rows[name] = t.pl.height
    # a cell is reported by the first check it fails, and every later check leaves it and what depends on it
    # (structure.Typed.mark): so the cell's own constraints go before the keys, and the rules after them
    with clock("schema"):
        report.add(pandera_schemas.check_columns(typed))
    with clock("structure"):
        report.add(structure.keys(desc, typed))
    with clock("schema"):
        report.add(pandera_schemas.check_rules(desc, typed))

    with clock("provenance"):
        checker = provenance.Checker(typed, archive)
        report.add(checker.check_archive())
        report.add(checker.check_quotes())
        report.add(checker.check_findings(typed.get("findings")))
        if "provenance" in typed:
            report.add(checker.add(typed["provenance"]))
        report.add(checker.finish())
        report.completeness = checker.completeness

    with clock("consistency"):
        problems, findings = consistency.check(typed)
        report.add(problems)
    with clock("descriptor"):
        report.add(descriptor.official(standard(), desc))
    report.findings = findings
    if keep_tables:
        report.tables = {name: t.frame for name, t in typed.items()}
    return report


class Stopwatch:
    """Seconds in each layer, added up as the layers take turns (structure and schema take two turns each),
    into the dict it is given. Only the code of each layer is counted, not what lies between."""

    def __init__(self, seconds: dict[str, float]):
        self.seconds = seconds
        for layer in LAYERS:
            seconds.setdefault(layer, 0.0)

    @contextmanager
    def __call__(self, layer: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[layer] += time.perf_counter() - start


def _read(root: Path, res) -> tuple[list[Problem], structure.Typed | None]:
    """One table read and cast, with its problems in the order they are found."""
    problems = _declared_size(root, res)
    table, found = csvfile.read(root, res)
    problems += found
    if table is None:
        return problems, None
    typed, found = structure.cast(table)
    return problems + found, typed


def _declared_size(root: Path, res) -> list[Problem]:
    """A release descriptor declares each file's bytes and hash: they must match the file."""
    path = res.file
    if (res.bytes is None and res.hash is None) or path is None or not path.is_file():
        return []
    problems = []
    size = path.stat().st_size
    if res.bytes is not None and size != res.bytes:
        problems.append(Problem("structure", res.path, None, None, f"file has {size} bytes",
                                f"{res.bytes} bytes, as datapackage.json declares", "byte-count"))
    algo = descriptor.hash_algorithm(res.hash) if res.hash is not None else None
    if algo is not None:  # an unknown one is the descriptor check's to report
        want = res.hash.rpartition(":")[2].lower()
        with open(path, "rb") as fh:
            h = hashlib.file_digest(fh, algo)
        if h.hexdigest() != want:
            problems.append(Problem("structure", res.path, None, None, f"file has {algo} {h.hexdigest()}",
                                    f"{res.hash}, as datapackage.json declares", "hash-count"))
    return problems
