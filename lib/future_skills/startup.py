"""A command's start: its imports without garbage collections.

Importing what a run needs (pandas, scikit-learn, papermill, nbconvert) leaves some 200k objects that
live as long as the process. While they came in, Python's collector walked all of them again at each
full collection: a tenth of the import time (0.17 s of the warm template's 1.8 s, 0.16 s in a
retrain's driver). Within :func:`uncollected_imports` nothing is collected. In a process that runs
one command and ends (:func:`one_command_process`, called by the console entry points only), what
the imports brought is then frozen (``gc.freeze``), so later collections no longer walk it: the
recipe of ``gc.freeze``'s documentation. A process that calls the library from Python is never frozen.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

_FREEZE_AFTER_IMPORTS = False


def one_command_process() -> None:
    """Declare this process a command's own (it ends after the command): :func:`uncollected_imports` then
    freezes what it imported. For the console entry points only, never a library caller's process."""
    global _FREEZE_AFTER_IMPORTS
    _FREEZE_AFTER_IMPORTS = True


@contextmanager
def uncollected_imports() -> Iterator[None]:
    """Run the block (its imports) without garbage collections; then, in a command's own process, freeze what
    it brought (see the module docstring). Collection resumes as it was before the block."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _FREEZE_AFTER_IMPORTS:
            gc.freeze()
        if collecting:
            gc.enable()
