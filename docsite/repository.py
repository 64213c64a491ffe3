"""The repository link: derived from `git remote get-url origin`, never invented.

Only an http(s) or git@ remote becomes a link, with any user name or token
stripped; anything else (a local path, no remote, no git) gives no link.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

_SCP = re.compile(r"^git@(?P<host>[A-Za-z0-9.-]+):(?P<path>[^\s]+?)(?:\.git)?/?$")
_HTTP = re.compile(r"^(?P<scheme>https?)://(?:[^@/\s]+@)?(?P<host>[A-Za-z0-9.:-]+)/(?P<path>[^\s?#]+?)(?:\.git)?/?$")


def public_url(remote: str | None) -> str | None:
    """https://host/owner/name for an http(s) or git@ remote URL; None for anything else."""
    remote = (remote or "").strip()
    m = _SCP.match(remote) or _HTTP.match(remote)
    if m is None:
        return None
    scheme = m.groupdict().get("scheme") or "https"
    return f"{scheme}://{m['host']}/{m['path']}"


def origin(folder: Path) -> str | None:
    """The public URL of the origin remote of the git work tree at `folder`, if it has one."""
    try:
        out = subprocess.run(["git", "-C", str(folder), "remote", "get-url", "origin"], capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return public_url(out.stdout) if out.returncode == 0 else None
