"""Kill a retrain at a chosen point and check what it left: shared by tests/pipeline/test_faults_e2e.py and
the longer script tests/pipeline/crash_retrain.py.

Points: ``notebook:<name>`` SIGKILLs the driver while that notebook's kernel runs; any other point is a
crash point of the code (``FUTURE_SKILLS_CRASH_AT``, see :func:`future_skills.atomic.crash_point`), where
the driver SIGKILLs itself: ``replace:02_train.html`` (HTML export), ``publish`` (model half moved into
models/), ``register`` (model in models/, not registered), ``replace:registry.json`` (registry written to
its temporary file, not renamed).
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CLI = str(Path(sys.executable).with_name("future-skills"))
NOTEBOOK_POINTS = tuple(f"notebook:{n}" for n in ("01_export.ipynb", "02_train.ipynb", "03_evaluate.ipynb",
                                                   "04_drift.ipynb"))
CODE_POINTS = ("replace:02_train.html", "publish", "register", "replace:registry.json")
RETRAIN_ARGS = ("--n-estimators", "10")


def environment(root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FUTURE_SKILLS_")}
    return {**env, "FUTURE_SKILLS_HOME": str(root), **extra}


def retrain(root: Path, version: str, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(REPO / "run_retrain.py"), "--version", version, *RETRAIN_ARGS,
                             *args], env=environment(root, **env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], env=environment(root), capture_output=True, text=True, timeout=600)


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (the notebook kernels of a driver)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(condition, seconds: float, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")


@dataclass
class Snapshot:
    """What must not change when a run of a new version is killed."""

    registry: bytes
    production_model: bytes
    files: dict[str, str] = field(default_factory=dict)

    @classmethod
    def take(cls, root: Path) -> "Snapshot":
        registry = (root / "models" / "registry.json").read_bytes()
        production = json.loads(registry)["production"]
        model = (root / "models" / f"future_skills_model_{production}.pkl").read_bytes()
        return cls(registry, model)


def kill_run(root: Path, version: str, point: str, timeout: float = 600) -> dict:
    """Start a retrain of ``version`` and SIGKILL it at ``point``; returns what happened (for the report)."""
    started = time.monotonic()
    if point.startswith("notebook:"):
        run = retrain(root, version)
        executed = root / "runs" / version / point.split(":", 1)[1]
        wait_until(lambda: run.poll() is not None or (executed.exists() and children(run.pid)), timeout,
                   f"{point} to start")
        assert run.poll() is None, f"the run ended before {point}: {run.communicate()}"
        time.sleep(1.0)  # well inside the notebook (its kernel is running cells)
        kernels = children(run.pid)
        run.send_signal(signal.SIGKILL)
    else:
        run = retrain(root, version, FUTURE_SKILLS_CRASH_AT=point)
        kernels = []
    out, err = run.communicate(timeout=timeout)
    assert run.returncode == -signal.SIGKILL, f"{point}: the run was not killed there (exit {run.returncode}): {err}"
    wait_until(lambda: not any(alive(k) for k in kernels), 30, "the killed run's kernels to exit")
    return {"point": point, "version": version, "seconds_to_kill": round(time.monotonic() - started, 1)}


def check_after_kill(root: Path, before: Snapshot, version: str) -> dict:
    """Registry valid and unchanged, production model byte-identical, doctor clean after --fix, re-run succeeds."""
    registry = (root / "models" / "registry.json").read_bytes()
    json.loads(registry)  # valid
    assert registry == before.registry, "the registry changed"
    assert Snapshot.take(root).production_model == before.production_model, "the production model changed"
    fixed = cli(root, "doctor", "--fix")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    clean = cli(root, "doctor")
    assert clean.returncode == 0 and "No problem found" in clean.stdout, clean.stdout
    started = time.monotonic()
    rerun = retrain(root, version)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, out + err
    assert f"{version} registered as candidate" in out
    return {"doctor_fixed": fixed.stdout.count("fixed: "), "rerun_seconds": round(time.monotonic() - started, 1),
            "rerun_set_aside": "set aside" in out}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
