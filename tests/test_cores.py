"""The cores a fit may use: counted from what runs now, machine-wide, less what yields."""
from __future__ import annotations

import os

from future_skills import cores


def _fake_task(proc, pid: int, tid: int, state: str, nice: int, command: str = "python") -> None:
    """A /proc/<pid>/task/<tid>/stat line: state is field 3, nice field 19 (16 after the state)."""
    task = proc / str(pid) / "task" / str(tid)
    task.mkdir(parents=True)
    after_state = ["0"] * 15 + [str(nice)] + ["0"] * 30
    (task / "stat").write_text(f"{tid} ({command}) {state} " + " ".join(after_state))


def test_free_cores_counts_what_runs_now_at_our_priority_not_the_load_average(tmp_path, monkeypatch):
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    _fake_task(tmp_path, 101, 101, "R", ours, "train (fit) x")  # a command with spaces and parentheses
    _fake_task(tmp_path, 101, 102, "R", ours)                    # its second thread
    _fake_task(tmp_path, 202, 202, "R", ours + 5)                # niced: it yields to the fit
    _fake_task(tmp_path, 303, 303, "S", ours)                    # asleep
    _fake_task(tmp_path, os.getpid(), os.getpid(), "R", ours)    # this process itself
    (tmp_path / "self").mkdir()                                  # not a pid
    # machine-wide: the four runnable threads above and one in another container, invisible in /proc
    (tmp_path / "stat").write_text("cpu  1 2 3 4\nprocs_running 5\nprocs_blocked 0\n")
    assert cores.runnable_elsewhere(tmp_path) == 3

    monkeypatch.setattr(cores, "PROC", tmp_path)
    monkeypatch.setattr(cores.os, "getloadavg", lambda: (9.0, 9.0, 9.0))  # a run that just ended
    cpus = len(os.sched_getaffinity(0))
    assert cores.free_cores() == max(1, cpus - 3)
    for tid in (101, 102):
        (tmp_path / "101" / "task" / str(tid) / "stat").unlink()
    (tmp_path / "stat").write_text("procs_running 2\n")  # only this process and the niced one run now
    assert cores.free_cores() == cpus  # an idle machine: every core, whatever the load average says


def test_free_cores_falls_back_on_the_load_average_without_proc(tmp_path, monkeypatch):
    monkeypatch.setattr(cores, "PROC", tmp_path / "missing")
    monkeypatch.setattr(cores.os, "getloadavg", lambda: (1.0 + 64.0, 0.0, 0.0))
    assert cores.runnable_elsewhere() is None
    assert cores.free_cores() == 1
    monkeypatch.setattr(cores.os, "getloadavg", lambda: (1.0, 0.0, 0.0))  # only this process
    assert cores.free_cores() == len(os.sched_getaffinity(0))


def test_an_idle_machine_is_seen_without_scanning_every_process(tmp_path):
    (tmp_path / "stat").write_text("procs_running 1\n")  # the thread reading it
    _fake_task(tmp_path, 101, 101, "R", 0)
    (tmp_path / "101" / "task" / "101" / "stat").write_text("unreadable")  # a scan would fail on it
    assert cores.runnable_elsewhere(tmp_path) == 0
