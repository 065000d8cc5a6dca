"""What every benchmark shares: the results folder, the JSON envelope, a printed table, peak RSS of a process tree."""
from __future__ import annotations

import json
import os
import platform
import subprocess
import threading
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Sequence

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(os.environ.get("FUTURE_SKILLS_BENCH_RESULTS", REPO / "benchmarks" / "results"))
PACKAGES = ("numpy", "pandas", "scikit-learn", "pyarrow", "joblib", "papermill", "nbconvert", "ipykernel")


def machine() -> dict[str, Any]:
    """CPU count, load, memory, Python and platform: the context every figure needs."""
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    try:
        import psutil

        memory_gb = round(psutil.virtual_memory().total / 1e9, 1)
    except ImportError:
        memory_gb = None
    return {"cpus": os.cpu_count(), "load_average_1_5_15": load, "memory_gb": memory_gb,
            "python": platform.python_version(), "platform": platform.platform()}


def versions() -> dict[str, str | None]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return out.stdout.strip() + ("+dirty" if dirty else "") if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def write_results(name: str, figures: dict[str, Any]) -> Path:
    """``benchmarks/results/<name>.json``: the figures, the machine, package versions, the git commit."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    body = {"benchmark": name, "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": machine(), "versions": versions(), "git_commit": git_commit(), **figures}
    path.write_text(json.dumps(body, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return path


def print_table(title: str, rows: Sequence[dict[str, Any]]) -> None:
    """A plain aligned table of ``rows`` (same keys each), with the current load under it."""
    if not rows:
        return
    columns = list(rows[0])
    cells = [[("" if r.get(c) is None else f"{r[c]:,}" if isinstance(r.get(c), int) else str(r[c])) for c in columns]
             for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    print(f"\n{title}")
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths)))
    print(f"(load average {machine()['load_average_1_5_15']}, {os.cpu_count()} CPUs)")


class TreePeakRSS:
    """Peak resident memory of a process and all its descendants (notebook kernels), polled with psutil."""

    def __init__(self, pid: int | None = None, interval: float = 0.05) -> None:
        self.pid, self.interval, self.peak = pid or os.getpid(), interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            total = 0
            try:
                for proc in [root, *root.children(recursive=True)]:
                    try:
                        total += proc.memory_info().rss
                    except (psutil.NoSuchProcess, psutil.AccessDenied):
                        pass
            except psutil.NoSuchProcess:
                break
            self.peak = max(self.peak, total)
            time.sleep(self.interval)

    def __enter__(self) -> "TreePeakRSS":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return round(self.peak / 1e6, 1)
