"""Build a release: validate, check version, changelog and citation, build, then publish into dist/ whole.

Everything is built in a staging folder inside dist/ (so the final moves are
renames on one file system) and checked there: the zip is unpacked and read
by frictionless, the official reading of the standard. Only then do the
files replace their namesakes in dist/; a refusal or a failed build leaves
dist/ as it was.
"""
from __future__ import annotations

import json
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from schemas import cache, descriptor
from schemas.report import Problem, Report

from . import citation, exports, swap, versions, zipfiles
from .distfiles import archive_name, sha256, stem, sums_name, sums_text, under

DOCUMENTS = ("README.md", "LICENSE")
SHIPPED = (*DOCUMENTS, versions.CHANGELOG, citation.CITATION)  # beside the data in the zip
REFUSED = "release refused: {why}; dist/ was left as it was."


class Refused(Exception):
    """The release was not built; the text says every reason, in `file:line:field: ...` form where it can."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


@dataclass(frozen=True)
class Artifact:
    path: Path  # in dist/
    bytes: int
    sha256: str


@dataclass
class Release:
    name: str
    version: str
    dist: Path
    report: Report
    artifacts: list[Artifact] = field(default_factory=list)
    seconds: float = 0.0

    def to_text(self) -> str:
        checked = (f"quotes checked against {self.report.archive}" if self.report.archive else
                   "quotes NOT checked: no archive folder given (--archive DIR)")
        lines = [f"Validated: {sum(self.report.rows.values())} rows in {len(self.report.rows)} tables, "
                 f"{len(self.report.findings)} finding(s); {checked}.",
                 f"Released {self.name} {self.version} into {self.dist}/:"]
        for a in self.artifacts:
            lines.append(f"  {a.path.relative_to(self.dist)}  {a.bytes:,} bytes  sha256 {a.sha256}")
        lines.append(f"Built in {self.seconds:.1f} s.")
        return "\n".join(lines) + "\n"


def preflight(root: Path, desc: descriptor.Descriptor) -> tuple[list[Problem], versions.Entry | None]:
    """Everything a release needs beyond a valid package: the shipped files, version, changelog, citation."""
    text = (root / descriptor.DESCRIPTOR).read_text(encoding="utf-8")
    problems = [versions.problem(name, None, None, "file is missing", f"{name}, shipped in the release zip")
                for name in DOCUMENTS if not (root / name).is_file()]
    bad_version = versions.check_version(desc.raw.get("version"), versions.json_line(text, "version"))
    if bad_version:  # without a version there is no changelog entry or citation to compare
        return problems + bad_version, None
    found, entry = versions.check_changelog(root, desc.version)
    problems += found
    licenses = [lic.get("name") for lic in desc.raw.get("licenses", []) if lic.get("name")]
    problems += citation.check(root, version=desc.version, released=entry.date if entry else None,
                               title=desc.raw.get("title"), licenses=licenses)
    return problems, entry


def release_descriptor(root: Path, desc: descriptor.Descriptor, created: str) -> dict:
    """The descriptor as shipped: each resource's `bytes` and `hash` computed from its file, `created` set."""
    raw = {**desc.raw, "created": created}
    resources = []
    for res in raw["resources"]:
        path = root / res["path"]
        checksums = {"bytes": path.stat().st_size, "hash": f"sha256:{sha256(path)}"}
        shipped = {}
        for key, value in res.items():
            if key not in checksums:
                shipped[key] = value
            if key == "path":
                shipped.update(checksums)
        resources.append(shipped)
    raw["resources"] = resources
    return raw


def _zip(root: Path, desc: descriptor.Descriptor, raw: dict, dest: Path) -> None:
    text = json.dumps(raw, ensure_ascii=False, indent=2) + "\n"
    members = [(descriptor.DESCRIPTOR, text.encode("utf-8"))]
    members += [(res.path, (root / res.path).read_bytes()) for res in desc.resources.values()]
    members += [(name, (root / name).read_bytes()) for name in SHIPPED]
    zipfiles.write(dest, members, zipfiles.date_time(raw["created"]))


def _check_zip(path: Path, folder: Path) -> None:
    """Unpack the zip where nothing else is and read it as a user will: with frictionless."""
    import frictionless  # the official reading of the standard; slow to import, so only here

    with zipfile.ZipFile(path) as zf:
        zf.extractall(folder)
    report = frictionless.Package(str(folder / descriptor.DESCRIPTOR)).validate()
    if not report.valid:
        errors = "\n".join(f"{path.name}: {kind}: {message}" for kind, message in report.flatten(["type", "message"]))
        raise Refused(f"{errors}\n" + REFUSED.format(why="frictionless does not accept the built zip"))


def _artifacts(paths: list[Path]) -> list[Artifact]:
    return [Artifact(f, f.stat().st_size, sha256(f)) for p in paths for f in under(p)]


def build(root: Path | str = ".", dist: Path | str | None = None, archive: Path | str | None = None,
          cache_dir: Path | str | None = None) -> Release:
    """Validate the package at `root` and release it into `dist` (default `root`/dist); with `cache_dir`, reuse
    the validation kept there if it is of the same bytes (schemas.cache).

    Raises Refused (nothing written) or descriptor.UnusableInput (no readable descriptor).
    """
    started = time.perf_counter()
    root = Path(root)
    dist = Path(dist) if dist is not None else root / "dist"
    desc = descriptor.load(root)
    report = cache.validate(root, archive, cache_dir)
    if not report.valid:
        raise Refused(report.to_text() + REFUSED.format(why=f"the package is invalid ({len(report.problems)} "
                                                             "error(s) above)"))
    problems, entry = preflight(root, desc)
    if problems:
        raise Refused("\n".join(p.text() for p in problems) + "\n" +
                      REFUSED.format(why=f"{len(problems)} problem(s) with the release's files"))
    created = desc.raw.get("created") or f"{entry.date}T00:00:00Z"

    made_dist = not dist.exists()
    dist.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=dist))
    published = False
    try:
        raw = release_descriptor(root, desc, created)
        out = stage / "out"
        out.mkdir()
        archive_zip = out / archive_name(desc)
        _zip(root, desc, raw, archive_zip)
        _check_zip(archive_zip, stage / "unpacked")
        shipped = descriptor.load(stage / "unpacked")  # the exports describe what the zip holds
        try:
            built = exports.write_all(shipped, report.tables, out, stem(desc))
        except exports.ExportError as exc:
            raise Refused(f"{exc}\n" + REFUSED.format(why="an export cannot hold the data faithfully")) from None
        built.insert(0, archive_zip)
        artifacts = _artifacts(built)
        sums = out / sums_name(desc)  # the checksum of every file of the release, as `sha256sum -c` reads it
        sums.write_text(sums_text([(a.sha256, a.path.relative_to(out).as_posix()) for a in artifacts]),
                        encoding="utf-8")
        artifacts += _artifacts([sums])
        swap.replace_all([(path, dist / path.name) for path in [*built, sums]])
        published = True
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if made_dist and not published:
            shutil.rmtree(dist, ignore_errors=True)
    moved = [Artifact(dist / a.path.relative_to(out), a.bytes, a.sha256) for a in artifacts]
    return Release(desc.name, desc.version, dist, report, moved, time.perf_counter() - started)
