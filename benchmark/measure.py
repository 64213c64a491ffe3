"""Run a command as a child process and measure it: wall time, CPU time and the child's own peak memory.

Peak memory is the child's maximum resident set size as the kernel reports it
when the child is reaped (os.wait4), so the memory of the process that
measures is never counted; for a child that starts children of its own, it is
the largest of them that the child waited for. CPU time (user plus system, from
the same account) is the cross-check on a shared machine: a busy neighbour
stretches wall time far more than CPU time.

Linux counts in a child's peak the size of the process image it was forked
from (exec keeps the old image's high-water mark), and the benchmark holds a
generated package of gigabytes. So the command is not forked from the
benchmark: a small launcher (this file run by `python -I -S`, about 10 MiB)
forks it, reaps it and writes the figures to a file.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float
    peak_mib: float
    returncode: int
    timed_out: bool = False


def run(cmd: list[str], stdout: Path, stderr: Path, timeout: float, cwd: Path | None = None) -> Run:
    """Run `cmd` with its output in files; kill its process group after `timeout` seconds."""
    figures = Path(f"{stdout}.measure.json")
    figures.unlink(missing_ok=True)
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        launcher = subprocess.Popen([sys.executable, "-I", "-S", str(Path(__file__).resolve()), str(figures), *cmd],
                                    stdout=out, stderr=err, cwd=cwd, start_new_session=True)
        expired = threading.Event()

        def kill():
            expired.set()
            os.killpg(launcher.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            launcher.wait()
        finally:
            timer.cancel()
    if expired.is_set() or not figures.is_file():
        return Run(timeout, 0.0, 0.0, launcher.returncode, expired.is_set())
    got = json.loads(figures.read_text())
    figures.unlink()
    return Run(got["seconds"], got["cpu_seconds"], got["maxrss_kib"] / 1024, got["returncode"])


def _launch(figures: str, cmd: list[str]) -> int:
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)  # exec failed: the shell's code for a command not found
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    with open(figures, "w") as fh:
        json.dump({"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime, "maxrss_kib": usage.ru_maxrss,
                   "returncode": os.waitstatus_to_exitcode(status)}, fh)
    return 0


if __name__ == "__main__":
    sys.exit(_launch(sys.argv[1], sys.argv[2:]))
