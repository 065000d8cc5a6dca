"""Run one pipeline notebook with papermill and turn its failure into one clear sentence."""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

import papermill
from jupyter_client.manager import KernelManager
from papermill.exceptions import PapermillExecutionError

from future_skills.exceptions import NotebookExecutionError
from future_skills.paths import NOTEBOOKS_DIR


class LocalIPCKernelManager(KernelManager):
    """A kernel reached through local IPC sockets instead of unencrypted loopback TCP ports."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("transport", "ipc")
        super().__init__(**kwargs)


@dataclass
class StepResult:
    """What happened when one notebook ran."""

    notebook: str
    output_path: Path
    seconds: float


@contextmanager
def kernel_environment(env: Mapping[str, str] | None) -> Iterator[None]:
    """Set ``env`` while a kernel starts (kernels inherit the environment), then restore it.

    This is how secrets reach a notebook: values passed as papermill parameters are written
    into the executed notebook and its HTML report; environment variables are not.
    """
    saved = {name: os.environ.get(name) for name in (env or {})}
    os.environ.update(env or {})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_notebook(notebook: str, output_path: Path, parameters: dict[str, Any], *,
                 kernel: str | None = None, progress: bool = True, cwd: Path | None = None,
                 env: Mapping[str, str] | None = None) -> StepResult:
    """Execute ``notebooks/<notebook>`` into ``output_path`` with ``parameters`` (kernel environment + ``env``).

    Raises :class:`NotebookExecutionError` naming the notebook, the failing cell and the
    error; the partially executed notebook (with papermill's error banner) is kept at
    ``output_path`` for diagnosis.
    """
    started = time.perf_counter()
    output_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with kernel_environment(env):
            _execute(notebook, output_path, parameters, kernel, progress, cwd)
    except PapermillExecutionError as exc:
        cell = exc.exec_count if exc.exec_count is not None else exc.cell_index
        error = f"{exc.ename}: {first_line(exc.evalue)}"
        raise NotebookExecutionError(
            f"Notebook {notebook} failed at cell {cell} with {error}; the executed notebook is kept at "
            f"{output_path} for diagnosis.",
            notebook=notebook, cell=cell, error=error,
        ) from exc
    except Exception as exc:  # kernel could not start, notebook unreadable, ...
        error = f"{type(exc).__name__}: {first_line(str(exc))}"
        raise NotebookExecutionError(
            f"Notebook {notebook} could not be executed ({error}); check the kernel (--kernel) and the installation.",
            notebook=notebook, cell=None, error=error,
        ) from exc
    return StepResult(notebook, output_path, time.perf_counter() - started)


def _execute(notebook: str, output_path: Path, parameters: dict[str, Any], kernel: str | None,
             progress: bool, cwd: Path | None) -> None:
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / notebook),
        str(output_path),
        parameters=parameters,
        kernel_name=kernel,
        progress_bar=progress and sys.stderr.isatty(),
        cwd=str(cwd) if cwd else None,
        report_mode=False,
        kernel_manager_class=LocalIPCKernelManager,
    )


def first_line(text: str | None) -> str:
    """The first non-empty line of ``text`` (error values can span many lines)."""
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""
