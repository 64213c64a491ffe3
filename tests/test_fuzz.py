"""The validator against hostile and broken input (tests/hostile.py): every damaged copy of the package gets an
exit status of 1 (invalid) or 2 (unusable), or 0 where the damage leaves the data valid; never an internal
error or a traceback; the report names the damaged file; and while it runs, nothing outside the copy, its
archive and Python's own files is opened, no socket is made, and any second process is the official check in
its guarded form.

The command line runs in this process (`schemas.cli.main`), under an audit hook that sees every open, socket
and process. The official check reads the descriptor alone: for a copy whose descriptor is the repository's
own, its answer on that descriptor (asked once) is given rather than asked again per copy.
"""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
from pathlib import Path

import hypothesis  # noqa: F401  (imported before schemas.cli, which keeps it out of a validator's run)
import pytest
from conftest import REPO, copy_package
from hostile import DESC, ELSEWHERE, Copy, cases

from schemas import cli, descriptor

CASES = cases()
PYTHON = tuple({os.path.join(os.path.realpath(p), "") for p in
                (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)})
# Our code, and the metadata of its installation (read by the plugin look-up of the libraries it imports)
CODE = (os.path.join(str(REPO / "schemas"), ""), *(os.path.join(str(p), "") for p in REPO.glob("*.egg-info")))
# What the process itself may open while the validator runs, besides the copy and its archive: the kernel's
# facts on CPUs and memory (numpy and pyarrow ask), and the time zone database (pandas reads it for dates).
SYSTEM = ("/proc/", "/sys/", "/dev/null", "/dev/urandom", "/usr/share/zoneinfo/", "/etc/localtime")


class Watch:
    """Every file opened, socket made and process started while `on`."""

    def __init__(self):
        self.on = False
        self.opened: list[str] = []
        self.sockets: list[str] = []
        self.processes: list[tuple] = []

    def __call__(self, event: str, args: tuple) -> None:
        if not self.on:
            return
        if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            self.opened.append(os.path.realpath(os.fsdecode(args[0])))
        elif event.startswith("socket."):
            self.sockets.append(event)
        elif event == "subprocess.Popen":
            self.processes.append(tuple(map(str, args[1])))

    @contextlib.contextmanager
    def watching(self):
        self.opened, self.sockets, self.processes = [], [], []
        self.on = True
        try:
            yield self
        finally:
            self.on = False


WATCH = Watch()
sys.addaudithook(WATCH)  # a hook cannot be taken out again: it records only while a test asks it to


@pytest.fixture(scope="module")
def own_standard():
    """The official check's answer on the repository's own descriptor."""
    return descriptor.start_standard_check(REPO)()


def _run(root: Path, archive: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(root), "--archive", str(archive)])
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input(case, tmp_path, archive, own_standard, monkeypatch):
    copy = Copy(copy_package(tmp_path / "pkg"), tmp_path / "archive", tmp_path / "outside")
    shutil.copytree(archive, copy.archive)
    copy.outside.mkdir()
    shutil.copy(REPO / "data" / "regions.csv", copy.outside / "regions.csv")  # a trap: read, it would pass
    case.damage(copy)
    own = (copy.pkg / DESC).is_file() and not (copy.pkg / DESC).is_symlink() \
        and (copy.pkg / DESC).read_bytes() == (REPO / DESC).read_bytes()
    if own:
        monkeypatch.setattr(descriptor, "start_standard_check", lambda root: lambda: list(own_standard))

    with WATCH.watching() as seen:
        code, out, err = _run(copy.pkg, copy.archive)

    said = out + err
    assert "internal error" not in said and "Traceback" not in said, f"{case.name}: {err}"
    assert code in case.exits, f"{case.name}: exit {code}, expected one of {case.exits}\n{out[-3000:]}{err}"
    if code:
        located = [l for l in (out.splitlines() if code == 1 else err.splitlines())
                   if l.startswith(("data/", DESC)) or "/datapackage.json" in l or "unusable input" in l]
        assert located, f"{case.name}: no problem says where it is\n{said[-3000:]}"
        if case.names is not None:
            assert any(case.names in l for l in located), f"{case.name}: {case.names} not named\n{said[-3000:]}"
            if case.only:
                assert all(l.startswith(case.names) for l in located if l.startswith(("data/", DESC))), \
                    f"{case.name}: one fault, errors in other files\n{said[-3000:]}"
    allowed = (os.path.join(os.path.realpath(copy.pkg), ""), os.path.join(os.path.realpath(copy.archive), ""),
               *CODE, *PYTHON, *SYSTEM)
    outside = sorted({p for p in seen.opened if not p.startswith(allowed) and p != os.path.realpath(copy.pkg)})
    assert not outside, f"{case.name}: opened outside the package and the archive: {outside}"
    assert not seen.sockets, f"{case.name}: the network was touched: {seen.sockets}"
    for args in seen.processes:  # only the official check, isolated (-I) and guarded (schemas/standard.py)
        assert args[1:3] == ("-I", str(getattr(descriptor, "STANDARD", None))), f"{case.name}: a process was started: {args}"


def test_every_case_of_the_issue_is_here():
    """The named cases are kept: each stood for a way the validator once failed."""
    names = {c.name for c in CASES}
    for name in ("path-etc-passwd", "path-dotdot", "csv-symlink-outside", "archive-file-dotdot",
                 "archive-text-symlink-outside", "profile-url", "resource-profile-url", "sources-header-swapped",
                 "sources-utf16", "value-1e309", "comparator-free-text", "stray-quote-in-value", "archive-file-300",
                 "path-nul", "path-list", "path-number", "field-name-number", "enum-not-a-list", "pattern-not-text",
                 "constraints-a-list", "hash-foo", "hash-shake", "json-100000-deep", "header-100000-extra-columns",
                 "unclosed-quote", "dialect-delimiter", "encoding-utf16", "two-rows-swapped", *ELSEWHERE):
        assert name in names


OUTSIDE = [c for c in CASES if c.name in ("path-etc-passwd", "path-dotdot", "csv-symlink-outside", "path-nul",
                                          "descriptor-symlink-outside", "archive-text-symlink-outside",
                                          "archive-file-dotdot-no-pattern", "json-100000-deep")]


@pytest.mark.parametrize("case", OUTSIDE, ids=[c.name for c in OUTSIDE])
def test_the_cache_keeps_the_path_rule(case, tmp_path, archive):
    """With --cache the files are read once more, for the cache's key: by the same rule."""
    copy = Copy(copy_package(tmp_path / "pkg"), tmp_path / "archive", tmp_path / "outside")
    shutil.copytree(archive, copy.archive)
    copy.outside.mkdir()
    shutil.copy(REPO / "data" / "regions.csv", copy.outside / "regions.csv")
    case.damage(copy)
    with WATCH.watching() as seen:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main([str(copy.pkg), "--archive", str(copy.archive), "--cache", str(tmp_path / "cache")])
    assert code in case.exits and "internal error" not in err.getvalue(), out.getvalue() + err.getvalue()
    allowed = (os.path.join(os.path.realpath(copy.pkg), ""), os.path.join(os.path.realpath(copy.archive), ""),
               os.path.join(os.path.realpath(tmp_path / "cache"), ""), *CODE, *PYTHON, *SYSTEM)
    outside = sorted({p for p in seen.opened if not p.startswith(allowed)
                      and p not in (os.path.realpath(copy.pkg), os.path.realpath(tmp_path / "cache"))})
    assert not outside, f"{case.name}: opened outside the package and the archive: {outside}"
