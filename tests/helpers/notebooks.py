"""Tiny notebooks for the runner's tests: they start a real kernel but run in about a second."""
from __future__ import annotations

from pathlib import Path

import nbformat


def write_notebook(path: Path, *cells: str) -> Path:
    """A python3 notebook at ``path`` whose code cells are ``cells``; the first writes the kernel's pid."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    pid_file = path.with_suffix(".kernel-pid")
    first = f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))"
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in (first, *cells)]
    nbformat.write(notebook, str(path))
    return path


def kernel_pid(notebook: Path) -> int | None:
    """The pid the notebook's kernel wrote, once it has."""
    try:
        text = notebook.with_suffix(".kernel-pid").read_text()
    except OSError:
        return None
    return int(text) if text else None


def process_alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie counts as dead)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False
