"""The machine a benchmark ran on: CPU, cores, memory, Python and library versions, date."""
from __future__ import annotations

import hashlib
import os
import platform
import subprocess
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

LIBRARIES = ("frictionless", "pandas", "pandera", "pyarrow", "numpy", "mkdocs", "mkdocs-material")


def describe() -> dict[str, str]:
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return {
        "CPU": _cpuinfo("model name") or platform.processor() or "unknown",
        "cores": str(os.cpu_count()),
        "memory": f"{_meminfo_gib():.1f} GiB",
        "system": platform.platform(),
        "Python": platform.python_version(),
        "libraries": ", ".join(versions),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def code(repo: Path) -> str:
    """The commit measured, and whether the validator's files differed from it (a benchmark measures the work tree)."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                                  timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "not a git checkout"
    paths = [line.split(maxsplit=1)[1] for line in git("status", "--porcelain", "--", "schemas",
                                                           "scripts/validate.py").splitlines()]
    changed = sorted({p.split("/")[0] + "/" if "/" in p else p for p in paths})
    if not changed:
        return f"git {commit}"
    files = sorted((repo / "schemas").rglob("*.py")) + [repo / "scripts" / "validate.py"]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files if f.is_file())).hexdigest()[:12]
    return f"git {commit}, with uncommitted changes to {', '.join(changed)} (their files' SHA-256 {digest})"


def _cpuinfo(key: str) -> str | None:
    path = Path("/proc/cpuinfo")
    if not path.is_file():
        return None
    for line in path.read_text().splitlines():
        if line.startswith(key):
            return line.split(":", 1)[1].strip()
    return None


def _meminfo_gib() -> float:
    path = Path("/proc/meminfo")
    if path.is_file():
        for line in path.read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 ** 2
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3
