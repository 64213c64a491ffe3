"""What one benchmark run measured: timings per tool and size, as the runner fills them and the report reads them."""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from . import detection, measure, seeded


@dataclass
class Timing:
    tool: str
    runs: list[measure.Run] = field(default_factory=list)
    expected_exit: int = 0

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def cpu_median(self) -> float:
        return statistics.median(r.cpu_seconds for r in self.runs)

    @property
    def fastest(self) -> float:
        return min(r.seconds for r in self.runs)

    @property
    def slowest(self) -> float:
        return max(r.seconds for r in self.runs)

    @property
    def peak_mib(self) -> float:
        return max(r.peak_mib for r in self.runs)

    reports: list[bool] = field(default_factory=list)  # per run: did it write a JSON report
    steps: list[dict[str, float]] = field(default_factory=list)  # per run: seconds per layer (ours: --timings)

    @property
    def failure(self) -> str | None:
        """Why the figures cannot be trusted: a run timed out, exited unexpectedly or crashed."""
        for i, r in enumerate(self.runs):
            if r.timed_out:
                return f"timed out after {r.seconds:.0f} s"
            if r.returncode != self.expected_exit:
                return f"exit {r.returncode}, expected {self.expected_exit}"
            if i < len(self.reports) and not self.reports[i]:
                return f"exit {r.returncode} without a JSON report (a crash: see its .err file)"
        return None


@dataclass
class Size:
    requested: int
    rows: dict[str, int]
    records: int
    ours: Timing
    frictionless: Timing
    seeded: list[seeded.Seeded]
    found: dict[str, detection.Detection]  # tool -> what its first run's report caught
    floor: Timing | None = None  # only parsing the same files (benchmark.floor)


@dataclass
class Docs:
    requested: int
    records: int
    build: Timing


@dataclass
class Result:
    machine: dict[str, str]
    real_rows: dict[str, int]
    real: dict[str, Timing]  # ours, frictionless, and the parse floor
    sizes: list[Size]
    docs: list[Docs]
    runs: dict[int, int]
