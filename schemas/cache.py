"""A validation kept in a folder and reused while the same bytes are validated again.

`make` validates the package, then builds the release and the site from it, and each of those needs the
validator's verdict, findings and typed tables. Given a cache folder (`--cache DIR`, which `make` passes),
the first run keeps them there under a key: the SHA-256 of everything the verdict depends on (the
descriptor, every file it names, the archive's files, the validator's own code, the versions of Python
and of the libraries it runs on, and the package and archive folders as named). A later run whose key is the
same reads them back instead of validating again; a different key, or an entry that does not read back
whole and verified, means validating again. Without a cache folder nothing here runs: the validator alone
never writes a file.

An entry is JSON and Arrow IPC files, read without running any code (no pickle), listed with their SHA-256
in a manifest that names its key: a damaged, truncated or planted entry is refused, never trusted.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import orjson

from . import descriptor, paths
from .report import Finding, Problem, Report

FORMAT = 1  # the layout of an entry; a new layout changes every key
MANIFEST = "manifest.json"
REPORT = "report.json"
CODE = Path(__file__).resolve().parent  # the validator: every file of it is part of the key
LIBRARIES = ("frictionless", "numpy", "orjson", "pandas", "pandera", "pyarrow")
ENTRY = re.compile(r"^[0-9a-f]{64}$")  # only folders so named are ever replaced or removed


def validate(root: Path | str, archive: Path | str | None = None, folder: Path | str | None = None) -> Report:
    """schemas.validate.validate with its typed tables, reused from `folder` when the same bytes were
    validated there before (and kept there when not); without `folder`, simply validated."""
    if folder is None:
        from . import validate as validation  # pandas and pandera: imported only when a validation is needed

        return validation.validate(root, archive)
    return reuse_or_validate(root, archive, folder)[0]


def reuse_or_validate(root: Path | str, archive: Path | str | None, folder: Path | str,
                      tables: bool = True) -> tuple[Report, bool]:
    """The report kept in `folder` for these bytes (with its typed tables unless tables=False), or a new
    validation, then kept there; and whether it was reused."""
    entry = Entry(folder, root, archive)
    report = entry.load(tables)
    if report is not None:
        return report, True
    from . import validate as validation

    report = validation.validate(root, archive, keep_tables=True)
    entry.save(report)
    return report, False


class Entry:
    """The cache entry of one package and archive, keyed by their bytes as they are when it is made."""

    def __init__(self, folder: Path | str, root: Path | str, archive: Path | str | None):
        self.folder = Path(folder)
        archive = None if archive is None else Path(archive)
        self.archive = None if archive is None else str(archive)  # as the report names it
        self.key = key(Path(root), archive)
        self.path = self.folder / self.key

    def load(self, tables: bool = True) -> Report | None:
        """The report kept under this key (with its typed tables unless tables=False), or None when there is
        none or it does not read back verified."""
        try:
            manifest = json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
            if manifest.get("format") != FORMAT or manifest.get("key") != self.key:
                return None
            files = manifest["files"]
            if REPORT not in files or set(files) != {p.name for p in self.path.iterdir()} - {MANIFEST}:
                return None
            data = self._verified(REPORT, files)
            report = _report(orjson.loads(data))
            if report.archive != self.archive or not set(manifest["tables"].values()) <= set(files):
                return None
            if tables:
                report.tables = {name: _read_table(self._verified(file, files), manifest["categories"][name])
                                 for name, file in manifest["tables"].items()}
            return report
        except Exception:  # noqa: BLE001  whatever is wrong with an entry, the answer is to validate again
            return None

    def save(self, report: Report) -> None:
        """Keep `report` (and its typed tables) under this key, replacing any other entry in the folder. A folder
        that cannot be written, or a table Arrow cannot hold, costs the reuse, not the verdict: it is told on
        stderr and passed over."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            stage = Path(tempfile.mkdtemp(prefix=".entry-", dir=self.folder))
            try:
                files = {REPORT: _write(stage / REPORT, _report_json(report))}
                tables, categories = {}, {}
                for i, (name, frame) in enumerate(report.tables.items()):
                    file = f"table-{i}.arrow"
                    files[file] = _write(stage / file, _table_bytes(frame))
                    tables[name] = file
                    categories[name] = _categories(frame)
                manifest = {"format": FORMAT, "key": self.key, "files": files, "tables": tables,
                            "categories": categories}
                (stage / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
                for old in self.folder.iterdir():  # one entry at a time: an older one is never asked for again
                    if ENTRY.match(old.name) and old.is_dir():
                        shutil.rmtree(old)
                os.rename(stage, self.path)
            finally:
                shutil.rmtree(stage, ignore_errors=True)
        except Exception as exc:  # noqa: BLE001  see the docstring
            print(f"cache: the validation was not kept in {self.folder} ({exc}); the next run validates again",
                  file=sys.stderr)

    def _verified(self, name: str, files: dict[str, str]) -> bytes:
        data = (self.path / name).read_bytes()
        if hashlib.sha256(data).hexdigest() != files[name]:
            raise ValueError(f"{name}: damaged")
        return data


def key(root: Path, archive: Path | None) -> str:
    """The SHA-256 of everything a validation of `root` with `archive` depends on."""
    parts: list = [FORMAT, sys.version, {lib: _version(lib) for lib in LIBRARIES},
                   str(root.resolve()), None if archive is None else str(archive)]
    parts.append(["code", *_tree(CODE)])
    top = _inside(root, descriptor.DESCRIPTOR)
    parts.append(["descriptor", _digest(top) if top is not None else "outside"])
    parts.append(["resources", *(_resource_file(root, path) for path in _named_paths(top))])
    if archive is not None:
        parts.append(["archive", str(archive.resolve()), *(_tree(archive) if archive.is_dir() else ["absent"])])
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def _named_paths(top: Path) -> list:
    """The paths the descriptor names ([] when it cannot be read: the validator then refuses it)."""
    try:
        raw = json.loads(top.read_bytes())
        return [r.get("path") for r in raw["resources"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return []


def _resource_file(root: Path, path) -> list:
    """A named file's digest; only a file inside the package is read (the validator reads no other)."""
    target = _inside(root, path)
    return [repr(path), "refused"] if target is None else [path, _digest(target)]


def _inside(folder: Path, name) -> Path | None:
    """The file by the validator's path rule (schemas/paths.py), or None where the rule refuses it."""
    try:
        return paths.inside(folder, name)
    except paths.Refused:
        return None


def _tree(folder: Path) -> list:
    """Each file under `folder` (caches of compiled Python aside) with its digest, in name order."""
    out = []
    for p in sorted(folder.rglob("*")):
        name = p.relative_to(folder).as_posix()
        target = _inside(folder, name)  # a symlink that leads out of the folder is not read
        if "__pycache__" not in p.parts and (target is None and p.is_symlink() or target is not None and target.is_file()):
            out.append([name, _digest(target) if target is not None else "refused"])
    return out


def _digest(path: Path) -> str:
    try:
        return paths.sha256(path)
    except OSError as exc:
        return f"unreadable ({type(exc).__name__})"


def _version(lib: str) -> str | None:
    try:
        return metadata.version(lib)
    except metadata.PackageNotFoundError:
        return None


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


class KeptFindings(list):
    """The findings read back from an entry, counted by check and status as the validator counted them."""

    def __init__(self, findings: list[Finding], counts: dict[tuple[str, str], int]):
        super().__init__(findings)
        self._counts = counts

    def counts(self) -> dict[tuple[str, str], int]:
        return dict(self._counts)


def _report_json(report: Report) -> bytes:
    counts = getattr(report.findings, "counts", lambda: {})()
    return orjson.dumps({"archive": report.archive, "rows": report.rows, "completeness": report.completeness,
                         "problems": [vars(p) for p in report.problems],
                         "findings": [vars(f) for f in report.findings],
                         "counts": [[check, status, n] for (check, status), n in counts.items()]},
                        default=_plain, option=orjson.OPT_SERIALIZE_NUMPY)


def _report(data: dict) -> Report:
    counts = {(check, status): n for check, status, n in data["counts"]}
    findings = KeptFindings([Finding(**f) for f in data["findings"]], counts)
    return Report(problems=[Problem(**p) for p in data["problems"]], findings=findings, archive=data["archive"],
                  rows=data["rows"], completeness=data.get("completeness"))


def _plain(value):
    return value.item() if hasattr(value, "item") else str(value)


def _table_bytes(frame) -> bytes:
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    table = pa.Table.from_pandas(frame)
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _categories(frame) -> dict[str, str]:
    """The type of each categorical column's categories, by a name pandas reads back: Arrow keeps the categories
    but not that type (the validator's text is pandas' nullable string, which Arrow gives back as `str`)."""
    import pandas as pd

    out = {}
    for col in frame.columns:
        dtype = frame[col].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            of = dtype.categories.dtype
            nullable = isinstance(of, pd.StringDtype) and of.na_value is pd.NA
            out[col] = f"string[{of.storage}]" if nullable else str(of)
    return out


def _read_table(data: bytes, categories: dict[str, str]):
    import pandas as pd
    import pyarrow as pa

    frame = pa.ipc.open_file(pa.py_buffer(data)).read_all().to_pandas()
    for col, name in categories.items():
        column = frame[col].cat
        frame[col] = pd.Categorical.from_codes(column.codes, ordered=column.ordered,
                                               categories=column.categories.astype(pd.api.types.pandas_dtype(name)))
    return frame
