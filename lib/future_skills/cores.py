"""How many cores this process may use now: the idle ones, as the machine shows them this instant.

Gradient boosting's OpenMP threads spin while they wait, so a fit or a large scoring batch uses
only the cores that other work at its priority leaves free (``model.families.model_threads``).
Niced work (the pipeline's report notebooks) yields to it and is not counted.
"""
from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")
STAT_NICE = 16  # the nice value's place in /proc/<pid>/stat after the command (field 19 of the whole line)


def free_cores() -> int:
    """Cores not taken by other tasks running now at this process's priority or above, at least 1.

    On a shared machine whose cores are busy, two OpenMP threads fitted 100k rows 8x slower than
    one (BENCHMARKS.md). What runs at a lower priority yields and is not counted. The count is
    taken now (:func:`runnable_elsewhere`): the 1-minute load average, used before, still held the
    run that had just ended and gave a fit on an idle machine one thread of two. Elsewhere than
    Linux, the load average beyond this process stands in.
    """
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    busy = runnable_elsewhere()
    if busy is None:
        try:
            busy = int(max(0.0, os.getloadavg()[0] - 1.0) + 0.5)
        except OSError:
            busy = 0
    return max(1, min(cpus, cpus - busy))


def runnable_elsewhere(proc: Path | None = None) -> int | None:
    """Threads of other processes running or waiting for a core now at this process's priority or above;
    None without a readable ``/proc``.

    The machine-wide count (``procs_running`` in ``/proc/stat``, which also sees other containers)
    less this process's own threads and those at a lower priority (nice above ours in
    ``/proc/<pid>/task/<tid>/stat``), which yield to ours.
    """
    proc = proc or PROC
    try:
        running = next(int(line.split()[1]) for line in (proc / "stat").read_text().splitlines()
                       if line.startswith("procs_running "))
        pids = [entry for entry in os.listdir(proc) if entry.isdigit()]
    except (OSError, StopIteration, ValueError):
        return None
    if running <= 1:
        return 0  # only the thread reading this: an idle machine needs no scan
    ours, me, yielding = os.getpriority(os.PRIO_PROCESS, 0), str(os.getpid()), 0
    for pid in pids:
        for nice in _runnable_nices(proc / pid / "task"):
            yielding += pid == me or nice > ours
    return max(0, running - yielding)


def _runnable_nices(tasks: Path) -> list[int]:
    """The nice values of a process's threads that are running or waiting for a core (state ``R``)."""
    nices = []
    try:
        names = os.listdir(tasks)
    except OSError:
        return nices  # the process ended meanwhile
    for name in names:
        try:
            stat = (tasks / name / "stat").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2:].split()  # after "pid (command) ": the command may hold spaces
        if fields[0] == b"R":
            nices.append(int(fields[STAT_NICE]))
    return nices
