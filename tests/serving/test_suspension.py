"""The stop switch seen from serving: suspend -> rules (logged), resume -> the model, one process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from future_skills.paths import get_paths
from future_skills.registry.store import Registry
from future_skills.registry.suspension import SuspensionWatch
from future_skills.serving import predict as serving
from future_skills.serving.predict import RulesFallbackWarning, predict
from helpers.monitoring import install_model, pairs


@pytest.fixture(autouse=True)
def fresh_state(project_root):
    serving.clear_cache()
    yield project_root
    serving.clear_cache()


def logged_engines() -> list[str]:
    lines = get_paths().prediction_log.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["engine"] for line in lines]


def test_suspend_then_resume_in_one_process():
    install_model("v1", status="production")
    registry = Registry(get_paths())
    assert set(predict(pairs(3), log=True)["engine"]) == {"ML (RandomForest)"}
    registry.suspend(by="Claire Martin", reason="complaint from a works council")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        first = predict(pairs(3), log=True)
        second = predict(pairs(2), log=True)
    assert set(first["engine"]) == set(second["engine"]) == {"rules"}
    reasons = [str(w.message) for w in record if issubclass(w.category, RulesFallbackWarning)]
    assert len(reasons) == 1
    assert "suspended by Claire Martin" in reasons[0] and "works council" in reasons[0]
    assert serving.engine_status()["engine"] == "rules"
    registry.resume(by="Claire Martin")
    assert set(predict(pairs(3), log=True)["engine"]) == {"ML (RandomForest)"}
    assert logged_engines() == ["ML (RandomForest)"] * 3 + ["rules"] * 5 + ["ML (RandomForest)"] * 3


def test_the_watch_rereads_the_flag_only_when_it_changes(tmp_path):
    flag = tmp_path / "serving_suspended.json"
    watch = SuspensionWatch()
    assert watch.check(flag) is None
    flag.write_text(json.dumps({"by": "A", "reason": "r", "at": "2025-01-01T00:00:00"}))
    assert watch.check(flag).by == "A"
    flag.write_text("not json")
    assert watch.check(flag).reason == "serving_suspended.json exists but cannot be read"  # fail safe: suspended
    flag.unlink()
    assert watch.check(flag) is None


SERVER = """
import sys, warnings
warnings.simplefilter("ignore")
from future_skills.serving.predict import predict
from helpers.monitoring import pairs
for line in sys.stdin:  # one prediction per line received, in the same process throughout
    print(predict(pairs(2), log=False)["engine"].iloc[0], flush=True)
"""


def test_a_running_process_picks_up_suspend_and_resume_from_another_process():
    install_model("v1", status="production")
    tests_dir = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tests_dir), os.environ.get("PYTHONPATH", "")])}
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, env=env)
    registry = Registry(get_paths())
    try:
        def ask() -> str:
            server.stdin.write("go\n")
            server.stdin.flush()
            return server.stdout.readline().strip()

        assert ask() == "ML (RandomForest)"
        registry.suspend(by="Claire Martin", reason="incident")
        assert ask() == "rules"
        registry.resume(by="Claire Martin")
        assert ask() == "ML (RandomForest)"
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    assert server.returncode == 0
