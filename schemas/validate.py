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
from pathlib import Path
from typing import Callable

from . import consistency, csvfile, descriptor, pandera_schemas, provenance, releasable, structure
from .report import LAYERS, Problem, Report


def validate(root: Path | str, archive: Path | str | None = None, keep_tables: bool = True,
             standard: Callable[[], list[Problem]] | None = None, findings_json: bool = False) -> Report:
    """Validate the package at `root`; raise descriptor.UnusableInput when it cannot be read at all.

    With keep_tables, `report.tables` holds every typed table (the docs and the release read them);
    without, none is handed on (the findings keep the records they need). `standard` is the check against the
    Data Package standard when the caller has started it already (descriptor.start_standard_check).
    `findings_json`: the caller will write the findings as JSON (`report.findings.json()`), which is then made
    ahead, beside the provenance layer.
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
        # Arrow's streaming reader parses a file on about one core: the files are read side by side, and the
        # archived texts sources.csv names are read beside them (for the provenance layer)
        reads, texts = _read_all(pool, root, desc, archive)
        for name, read in reads.items():
            problems, t = read.result()
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

    # consistency reads no cell the provenance layer marks (only quotes): its findings are found first, and with
    # `findings_json` their JSON is made on a thread of its own while provenance runs
    with clock("consistency"):
        problems, findings = consistency.check(typed)
        report.add(problems)
        if findings_json:
            findings.make_ahead()
    with clock("provenance"):
        # the texts are handed on, not kept here: the checker lets them go once it has what it needs of them
        checker = provenance.Checker(typed, archive, provenance.Texts.joined([part.result() for part in texts]))
        del texts
        report.add(checker.check_archive())
        report.add(checker.check_quotes())
        report.add(checker.check_findings(typed.get("findings")))
        if "provenance" in typed:
            report.add(checker.add(typed["provenance"]))
        report.add(checker.finish())
        report.completeness = checker.completeness
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


def _read_all(pool: ThreadPoolExecutor, root: Path, desc, archive: Path | None):
    """Every table's reading (in the descriptor's order), and the archived texts' in two parts (none: no
    archive given). The sources table, which the texts' reading waits for, is handed to the pool first, then
    the texts' first part, the largest file, the texts' second part and the other files, larger before
    smaller: so that no core waits at the end for a large file alone."""
    order = sorted(desc.resources, key=lambda n: (n != "sources", -_size(desc.resources[n])))
    reads, texts = {}, []
    for k, names in enumerate((order[:1], order[1:2], order[2:])):
        reads.update((name, pool.submit(_read, root, desc.resources[name])) for name in names)
        if k < 2 and archive is not None and "sources" in reads:
            texts.append(pool.submit(_texts, archive, reads["sources"], k))
    return {name: reads[name] for name in desc.resources}, texts


def _size(res) -> int:
    path = res.file
    return path.stat().st_size if path is not None and path.is_file() else 0


def _texts(archive: Path, sources, part: int) -> provenance.Texts | None:
    _, t = sources.result()  # handed to the pool before this task: it has started, so this wait ends
    if t is None or not provenance.ARCHIVE_COLUMNS <= set(t.pl.columns):  # the archive is not checked
        return None
    return provenance.Texts(archive, t, part, 2)


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
