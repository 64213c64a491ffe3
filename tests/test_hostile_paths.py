"""The path rule (schemas/paths.py) and the official check's process without network (schemas/standard.py)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest
from conftest import validate_cli

from schemas import descriptor, paths


@pytest.mark.parametrize("name,why", [
    ("/etc/passwd", "absolute path"), ("../../x.csv", "leads outside"), ("data/../../x.csv", "leads outside"),
    ("data/re\0gions.csv", "NUL byte"), (["data/regions.csv"], "a list"), (7, "a number"), (None, "null"),
    ("", "empty"), ("https://example.org/x.csv", "URL"), ("file:///etc/passwd", "URL"),
    ("a" * 300 + ".txt", "longer than 255 bytes")])
def test_a_name_that_leaves_or_is_no_path_is_refused(tmp_path, name, why):
    with pytest.raises(paths.Refused, match=why):
        paths.inside(tmp_path, name)


def test_a_symlink_that_leads_outside_is_refused(tmp_path):
    (tmp_path / "outside.csv").write_text("x\n")
    (tmp_path / "pkg" / "data").mkdir(parents=True)
    os.symlink(tmp_path / "outside.csv", tmp_path / "pkg" / "data" / "regions.csv")
    with pytest.raises(paths.Refused, match="through a symlink"):
        paths.inside(tmp_path / "pkg", "data/regions.csv")
    os.symlink(tmp_path / "pkg" / "data", tmp_path / "pkg" / "inner")  # a symlink that stays inside is followed
    (tmp_path / "pkg" / "data" / "real.csv").write_text("x\n")
    assert paths.inside(tmp_path / "pkg", "inner/real.csv") == (tmp_path / "pkg" / "data" / "real.csv").resolve()


@pytest.fixture
def listener():
    """A TCP port on this machine that records whether anything connected."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.5)
    yield server
    server.close()


def _connected(server) -> bool:
    try:
        conn, _ = server.accept()
        conn.close()
        return True
    except (TimeoutError, socket.timeout):
        return False


@pytest.mark.parametrize("where", ["package", "resource"])
def test_a_profile_url_is_reported_and_not_fetched(package, listener, where):
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/profile.json"
    raw = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    (raw if where == "package" else raw["resources"][1])["profile"] = url
    (package / "datapackage.json").write_text(json.dumps(raw), encoding="utf-8")
    out = validate_cli(package)
    assert not _connected(listener), "the validator (or the official check it runs) fetched the profile"
    assert out.returncode == 1, out.stdout + out.stderr
    assert f"profile {url!r} is a URL: the validator fetches nothing" in out.stdout


def test_the_official_checks_process_refuses_sockets_and_files(tmp_path, listener):
    """The guard itself, should frictionless ever reach for the network or a file another way."""
    allowed = tmp_path / "datapackage.json"
    allowed.write_text("{}")
    (tmp_path / "secret.txt").write_text("secret")
    port = listener.getsockname()[1]
    code = (f"import sys, socket; sys.path.insert(0, {str(descriptor.STANDARD.parent)!r}); import standard\n"
            f"refused = []; standard.guard({str(allowed)!r}, refused)\n"
            f"open({str(allowed)!r}).read()\n"
            "for attempt in (lambda: socket.create_connection(('127.0.0.1', %d), timeout=1),\n"
            f"                lambda: open({str(tmp_path / 'secret.txt')!r}).read()):\n"
            "    try:\n        attempt(); print('DONE')\n    except PermissionError:\n        pass\n"
            "print(len(refused))\n") % port
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True)
    assert out.stdout.split() == ["2"], out.stdout + out.stderr
    assert not _connected(listener)
