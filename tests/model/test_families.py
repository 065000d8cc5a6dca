"""families.py: auto's choice, the forest's bounds, the hgb pipeline, importances for both."""
from __future__ import annotations

import pytest

from future_skills.exceptions import FutureSkillsError
from future_skills.model import families
from future_skills.schema import CATEGORICAL_FEATURES, FEATURES, LABEL, NUMERIC_FEATURES
from helpers.model import make_dataset


def test_auto_keeps_the_forest_below_the_threshold_and_says_why():
    below = families.choose_family("auto", families.AUTO_HGB_MIN_ROWS - 1)
    at = families.choose_family("auto", families.AUTO_HGB_MIN_ROWS)
    assert (below.family, at.family) == ("rf", "hgb")
    assert below.requested == at.requested == "auto"
    assert "below" in below.reason and "reaches" in at.reason
    assert families.choose_family("rf", 10**7).family == "rf"
    assert families.choose_family("hgb", 10).family == "hgb"


def test_unknown_family_is_one_sentence():
    with pytest.raises(FutureSkillsError, match="--model must be one of rf, hgb, auto, got 'gbm'"):
        families.choose_family("gbm", 10)


def test_forest_is_the_original_on_small_data_and_bounded_on_large():
    small = families.build_rf(10, 0, rows=5_000).named_steps["model"]
    medium = families.build_rf(10, 0, rows=80_000).named_steps["model"]
    cap = families.RF_BOUNDS["max_rows_per_tree"]
    large, huge = (families.build_rf(10, 0, rows=n).named_steps["model"] for n in (cap * 3, cap * 30))
    assert (small.min_samples_leaf, small.max_samples) == (1, None)  # the demo's forest is unchanged
    assert medium.min_samples_leaf == 5 and medium.max_samples is None
    assert large.max_samples == huge.max_samples == cap  # trees stop growing with the data
    assert large.min_samples_leaf == huge.min_samples_leaf > medium.min_samples_leaf


def test_hgb_target_encodes_every_name_inside_the_pipeline():
    frame = make_dataset(n_roles=12, n_skills=15, seed=3)
    pipeline = families.build_hgb(0).fit(frame[list(FEATURES)], frame[LABEL])
    encoder = pipeline.named_steps["preprocess"].named_transformers_["categorical"]
    assert type(encoder).__name__ == "TargetEncoder" and list(encoder.feature_names_in_) == list(CATEGORICAL_FEATURES)
    unseen = frame.head(3).assign(job_role_name="never seen", skill_name="never seen either")
    assert pipeline.predict_proba(unseen[list(FEATURES)]).shape == (3, 3)  # unknown names do not fail
    top, by_feature, method = families.feature_importances(pipeline, 5, frame, frame[LABEL], 0)
    assert method.startswith("permutation") and len(top) == 5 and set(by_feature) == set(FEATURES)
    assert sum(by_feature.values()) == pytest.approx(1.0, abs=1e-4)
    assert max(by_feature, key=by_feature.get) in NUMERIC_FEATURES  # the label follows numeric signals


def test_hgb_importances_need_rows():
    frame = make_dataset(seed=3)
    pipeline = families.build_hgb(0).fit(frame[list(FEATURES)], frame[LABEL])
    with pytest.raises(FutureSkillsError, match="needs rows"):
        families.feature_importances(pipeline)


def test_training_threads_never_exceed_the_cpus():
    with families.model_threads() as threads:
        assert 1 <= threads <= (__import__("os").cpu_count() or 1)


def _fake_task(proc, pid: int, tid: int, state: str, nice: int, command: str = "python") -> None:
    """A /proc/<pid>/task/<tid>/stat line: state is field 3, nice field 19 (16 after the state)."""
    task = proc / str(pid) / "task" / str(tid)
    task.mkdir(parents=True)
    after_state = ["0"] * 15 + [str(nice)] + ["0"] * 30
    (task / "stat").write_text(f"{tid} ({command}) {state} " + " ".join(after_state))


def test_free_cores_counts_what_runs_now_at_our_priority_not_the_load_average(tmp_path, monkeypatch):
    import os

    ours = os.getpriority(os.PRIO_PROCESS, 0)
    _fake_task(tmp_path, 101, 101, "R", ours, "train (fit) x")  # a command with spaces and parentheses
    _fake_task(tmp_path, 101, 102, "R", ours)                    # its second thread
    _fake_task(tmp_path, 202, 202, "R", ours + 5)                # niced: it yields to the fit
    _fake_task(tmp_path, 303, 303, "S", ours)                    # asleep
    _fake_task(tmp_path, os.getpid(), os.getpid(), "R", ours)    # this process itself
    (tmp_path / "self").mkdir()                                  # not a pid
    # machine-wide: the four runnable threads above and one in another container, invisible in /proc
    (tmp_path / "stat").write_text("cpu  1 2 3 4\nprocs_running 5\nprocs_blocked 0\n")
    assert families.runnable_elsewhere(tmp_path) == 3

    monkeypatch.setattr(families, "PROC", tmp_path)
    monkeypatch.setattr(families.os, "getloadavg", lambda: (9.0, 9.0, 9.0))  # a run that just ended
    cpus = len(os.sched_getaffinity(0))
    assert families.free_cores() == max(1, cpus - 3)
    for tid in (101, 102):
        (tmp_path / "101" / "task" / str(tid) / "stat").unlink()
    (tmp_path / "stat").write_text("procs_running 2\n")  # only this process and the niced one run now
    assert families.free_cores() == cpus  # an idle machine: every core, whatever the load average says


def test_free_cores_falls_back_on_the_load_average_without_proc(tmp_path, monkeypatch):
    import os

    monkeypatch.setattr(families, "PROC", tmp_path / "missing")
    monkeypatch.setattr(families.os, "getloadavg", lambda: (1.0 + 64.0, 0.0, 0.0))
    assert families.runnable_elsewhere() is None
    assert families.free_cores() == 1
    monkeypatch.setattr(families.os, "getloadavg", lambda: (1.0, 0.0, 0.0))  # only this process
    assert families.free_cores() == len(os.sched_getaffinity(0))


def test_an_idle_machine_is_seen_without_scanning_every_process(tmp_path):
    (tmp_path / "stat").write_text("procs_running 1\n")  # the thread reading it
    _fake_task(tmp_path, 101, 101, "R", 0)
    (tmp_path / "101" / "task" / "101" / "stat").write_text("unreadable")  # a scan would fail on it
    assert families.runnable_elsewhere(tmp_path) == 0


def test_model_threads_counts_the_cores_at_most_once_a_second(monkeypatch):
    counts = []
    monkeypatch.setattr(families, "_LAST_COUNT", {"at": float("-inf"), "cores": 1})
    monkeypatch.setattr(families, "free_cores", lambda: counts.append(1) or 1)
    for _ in range(3):
        with families.model_threads() as threads:
            assert threads == 1
    assert len(counts) == 1  # batches scored back to back share one count
    monkeypatch.setattr(families, "_LAST_COUNT", {"at": families.time.monotonic() - 2.0, "cores": 1})
    with families.model_threads():
        pass
    assert len(counts) == 2  # a second later it counts again
