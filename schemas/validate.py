"""Run the four layers on a package folder and gather one report.

Every layer runs on whatever could be read, so one run lists every problem;
nothing here writes a file.
"""
from __future__ import annotations

from pathlib import Path

from . import consistency, csvfile, descriptor, pandera_schemas, provenance, structure
from .report import Problem, Report


def validate(root: Path | str, archive: Path | str | None = None) -> Report:
    """Validate the package at `root`; raise descriptor.UnusableInput when it cannot be read at all."""
    root = Path(root)
    if archive is not None:
        archive = Path(archive)
        if not archive.is_dir():
            raise descriptor.UnusableInput(f"{archive}: archive folder not found; expected the folder of archived "
                                           "article texts (e.g. ../shared/sources)")
    desc = descriptor.load(root)
    report = Report(archive=str(archive) if archive is not None else None)
    report.add(descriptor.check(desc))
    typed = {}
    for name, res in desc.resources.items():
        table, problems = csvfile.read(root, res)
        report.add(problems)
        report.add(_declared_size(root, res))
        if table is None:
            continue
        typed[name], problems = structure.cast(table)
        report.add(problems)
        report.rows[name] = len(table.frame)
    report.add(structure.keys(desc, typed))
    report.add(pandera_schemas.validate(desc, typed))
    report.add(provenance.check(desc, typed, archive))
    problems, findings = consistency.check(typed)
    report.add(problems)
    report.findings = findings
    report.tables = {name: t.frame for name, t in typed.items()}
    return report


def _declared_size(root: Path, res) -> list[Problem]:
    """A release descriptor declares each file's bytes and hash: they must match the file."""
    path = root / res.path
    if (res.bytes is None and res.hash is None) or not path.is_file():
        return []
    import hashlib

    problems = []
    size = path.stat().st_size
    if res.bytes is not None and size != res.bytes:
        problems.append(Problem("structure", res.path, None, None, f"file has {size} bytes",
                                f"{res.bytes} bytes, as datapackage.json declares", "byte-count"))
    if res.hash is not None:
        algo, _, want = res.hash.rpartition(":")
        h = hashlib.new(algo or "md5")
        with open(path, "rb") as fh:
            while block := fh.read(1 << 22):
                h.update(block)
        if h.hexdigest() != want:
            problems.append(Problem("structure", res.path, None, None, f"file has {algo or 'md5'} {h.hexdigest()}",
                                    f"{res.hash}, as datapackage.json declares", "hash-count"))
    return problems
