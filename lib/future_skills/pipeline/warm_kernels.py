"""Warm notebook kernels: one process imports the notebooks' libraries once, each kernel is a fork of it.

A pipeline run starts four kernels, and each used to spend about 1.5 s importing pandas,
scikit-learn, matplotlib and this package before its first real cell — three times the
computation on a 10k-row dataset. :class:`WarmKernelPool` starts one *template* process at
the beginning of a run (on the second core, while the driver validates the dataset); it
imports what the notebooks import (read from the notebooks themselves, :func:`notebook_imports`)
and then only forks. A kernel asked for before the template is through waits for what its own
notebook imports (imported next), never importing it alongside the template. Every notebook
still gets its own fresh kernel process — the executed notebook remains the audit record of one
kernel — but that kernel starts with its imports done, in about a tenth of a second.

A forked kernel behaves like one started by jupyter_client: its own session and process group
(so the time limits' ``killpg`` and interrupts work), stdin on /dev/null, the environment and
working directory jupyter_client asked for, and ``JPY_PARENT_PID`` set to the template, so a
kernel exits when the template does (the template exits when the driver closes its socket or
dies). A kernel whose command is not this interpreter's ``ipykernel_launcher`` (``--kernel``
naming another environment) is started the ordinary way.
"""
from __future__ import annotations

import ast
import gc
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from future_skills.paths import NOTEBOOKS, NOTEBOOKS_DIR

# Imported by the template besides the notebooks' own imports: what every kernel needs to start, including what
# ipykernel imports only while a kernel initialises (its debugger, IPython's history database: 0.1 s a kernel).
KERNEL_MODULES = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
                  "IPython.core.history", "IPython.extensions", "tornado.queues", "tornado.platform.asyncio",
                  "sqlite3", "pdb", "faulthandler",
                  "matplotlib_inline.backend_inline", "matplotlib.pyplot")
# Imported by the package only where used (the pipeline's driver or the drift verdict do not need them), by the
# notebooks always. Not pandera: only 01_export uses it, and only when it validates rows itself (a database
# export); a --dataset-csv is validated by the driver before any kernel starts. 02_train's kernel, which waits
# for scikit-learn, was forked 0.2 s later when the template imported pandera first.
LATE_IMPORTS = ("sklearn.metrics", "scipy.stats")
# What the report notebooks' calls import on their first use: reading the Parquet snapshot (pyarrow.parquet, .dataset),
# scikit-learn scoring a DataFrame (narwhals' pandas support, joblib's threads), a table (pandas' Styler, jinja2), a
# figure saved as PNG (Pillow's plugins). 03_evaluate's kernel, forked while 02_train still runs, imported them in
# its first cells, after the handover: 0.1 s of a run (6.40 -> 6.29 s, 6 interleaved pairs). Not for 01 and 02,
# whose kernels the template forks as soon as their own imports are in.
REPORT_FIRST_USE = ("pyarrow.parquet", "pyarrow.dataset", "pandas.core.arrays.arrow.extension_types",
                    "narwhals._pandas_like.namespace",
                    "narwhals._interchange.dataframe", "narwhals.stable.v2._namespace", "multiprocessing.dummy",
                    "pandas.io.formats.style", "PIL.BmpImagePlugin", "PIL.GifImagePlugin", "PIL.JpegImagePlugin",
                    "PIL.PpmImagePlugin")
# A notebook's first-use imports (above; and drift's chi-square, scipy.special, 0.18 s; scipy.stats only for samples
# above 10k rows): part of its kernel's needs, so that the kernel starts with them in rather than importing them in
# its cells.
FIRST_USE_IMPORTS: dict[str, tuple[str, ...]] = {"03_evaluate.ipynb": REPORT_FIRST_USE,
                                                 "04_drift.ipynb": ("scipy.special", *REPORT_FIRST_USE)}
# scikit-learn's import (~0.9 s) in steps of at most ~0.3 s (scipy.stats is one), after the first notebook's own
# modules: the template serves a kernel request only between two imports, and the driver asks for the first kernels
# while scikit-learn comes in (one import of it whole made them wait 0.7 s).
STEPPING_STONES = ("numpy.testing", "scipy.sparse", "scipy.special", "scipy.linalg", "scipy.optimize",
                   "scipy.integrate", "scipy.interpolate", "scipy.spatial", "scipy.ndimage", "scipy.stats",
                   "sklearn.utils._array_api", "sklearn.utils", "sklearn.base", "sklearn.model_selection",
                   "sklearn.preprocessing", "sklearn.ensemble")
FOLLOW_UP_SECONDS = 0.005  # two kernels asked for at once: the second request follows the first reply
MESSAGE_BYTES = 1 << 20  # one request (command, environment, directory) fits easily
EXIT_SECONDS = 0.2  # how long a closed template may take to collect its ended kernels before it is killed


def notebook_imports(notebooks_dir: Path = NOTEBOOKS_DIR, names: tuple[str, ...] = tuple(NOTEBOOKS)) -> list[str]:
    """The modules the pipeline notebooks' code cells import, in first-seen order."""
    modules: list[str] = []
    for name in names:
        cells = json.loads((notebooks_dir / name).read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            source = "".join(cell["source"])
            code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
            try:
                tree = ast.parse(code)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import):
                    found = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
                else:
                    continue
                modules += [module for module in found if module not in modules]
    return modules


def template_imports() -> list[str]:
    """What the template imports after :data:`KERNEL_MODULES`, in order: the first notebook's modules, the
    :data:`STEPPING_STONES`, then the other notebooks' modules and the :data:`LATE_IMPORTS`."""
    first = notebook_imports(names=tuple(NOTEBOOKS[:1]))
    ordered = first + list(STEPPING_STONES) + notebook_imports() + list(LATE_IMPORTS)
    return list(dict.fromkeys(ordered))


def kernel_needs(notebook: str) -> list[str]:
    """What the template imports before it forks ``notebook``'s kernel: :data:`KERNEL_MODULES`, the notebook's
    own imports and its :data:`FIRST_USE_IMPORTS`."""
    return list(dict.fromkeys([*KERNEL_MODULES, *notebook_imports(names=(notebook,)),
                               *FIRST_USE_IMPORTS.get(notebook, ())]))


class ForkedKernel:
    """A kernel forked by the template: the part of ``subprocess.Popen`` that jupyter_client uses.

    The kernel is the template's child, not ours, so its exit is watched through a pidfd.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int, pidfd: int) -> None:
        self.pid, self.pidfd = pid, pidfd
        self.returncode: int | None = None
        self._signal: int | None = None

    def poll(self) -> int | None:
        """None while the kernel runs, else its exit code (``-signal`` when we killed it)."""
        if self.returncode is None and select.select([self.pidfd], [], [], 0)[0]:
            self.returncode = -self._signal if self._signal else 0
            os.close(self.pidfd)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        """Block until the kernel exits (or ``timeout`` seconds pass)."""
        if self.returncode is None:
            select.select([self.pidfd], [], [], timeout)
        return self.poll()

    def send_signal(self, signum: int) -> None:
        """Signal the kernel unless it already exited."""
        if self.poll() is None:
            self._signal = signum
            os.kill(self.pid, signum)

    def kill(self) -> None:
        """SIGKILL, as ``Popen.kill``."""
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        """SIGTERM, as ``Popen.terminate``."""
        self.send_signal(signal.SIGTERM)


class WarmKernelPool:
    """The template process of one pipeline run and the kernels forked from it."""

    def __init__(self, modules: list[str] | None = None) -> None:
        self.modules = list(dict.fromkeys([*KERNEL_MODULES, *(template_imports() if modules is None else modules)]))
        self._socket: socket.socket | None = None
        self._ready = -1
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def start(self) -> "WarmKernelPool":
        """Start the template; it imports the modules in the background while the caller goes on."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._ready, ready = os.pipe()
        code = ("import sys; from future_skills.pipeline.warm_kernels import serve; "
                "serve(int(sys.argv[1]), sys.argv[3:], int(sys.argv[2]))")
        self._process = subprocess.Popen([sys.executable, "-c", code, str(theirs.fileno()), str(ready), *self.modules],
                                         pass_fds=[theirs.fileno(), ready], stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        theirs.close()
        os.close(ready)
        self._socket = ours
        return self

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Whether the template has imported every module (waiting up to ``timeout`` seconds)."""
        return bool(select.select([self._ready], [], [], timeout)[0])

    def can_launch(self, cmd: list[str]) -> bool:
        """Whether ``cmd`` starts this interpreter's IPython kernel (the template is of no use for another)."""
        return (self._socket is not None and len(cmd) > 2 and cmd[1:3] == ["-m", "ipykernel_launcher"]
                and os.path.realpath(cmd[0]) == os.path.realpath(sys.executable))

    def launch(self, cmd: list[str], env: dict[str, str], cwd: str | None,
               needs: list[str] | None = None) -> ForkedKernel:
        """Fork a kernel running ``cmd``'s arguments with ``env`` in ``cwd`` once the template has imported ``needs``
        (:func:`kernel_needs`; by default every kernel module)."""
        needs = list(KERNEL_MODULES) if needs is None else needs
        request = json.dumps({"argv": cmd[3:], "env": env, "cwd": cwd, "needs": needs}).encode()
        with self._lock:
            assert self._socket is not None
            self._socket.send(request)
            reply, fds, _, _ = socket.recv_fds(self._socket, 1024, 1)
        if not fds:
            raise OSError(f"the warm kernel template could not start a kernel: {reply.decode() or 'it exited'}")
        return ForkedKernel(int(reply), fds[0])

    def close(self) -> None:
        """Stop the template: it collects the kernels that ended and exits, or is killed after
        :data:`EXIT_SECONDS` (busy importing); it holds no state (kernels still running notice and exit)."""
        if self._socket is not None:
            self._socket.close()
            os.close(self._ready)
            self._socket = None
        if self._process is not None:
            try:
                self._process.wait(timeout=EXIT_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None


_ACTIVE: WarmKernelPool | None = None


def active_pool() -> WarmKernelPool | None:
    """The pool of the run in progress in this process, if it started one."""
    return _ACTIVE


@contextmanager
def warm_kernels(enabled: bool = True, modules: list[str] | None = None) -> Iterator[WarmKernelPool | None]:
    """Within the block, pipeline notebooks start from a warm template (see the module docstring) that imports
    ``modules`` (by default every pipeline notebook's, :func:`template_imports`)."""
    global _ACTIVE
    if not enabled or _ACTIVE is not None:
        yield _ACTIVE
        return
    pool = WarmKernelPool(modules).start()
    _ACTIVE = pool
    try:
        yield pool
    finally:
        _ACTIVE = None
        pool.close()


# ---- the template process ---------------------------------------------------------------------

def serve(fd: int, modules: list[str], ready: int | None = None) -> None:
    """The template's main loop: import ``modules``, then fork a kernel per request until the socket closes.

    A request names the modules its notebook imports (:func:`kernel_needs`): the template imports
    those it lacks first (even while still going through ``modules``), then forks. So a kernel
    never imports what the template is importing at that very moment: on two cores both did, and
    02_train's kernel spent a second on imports the template finished meanwhile.
    """
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # as ipykernel_launcher does: the kernel's directory is its own
    channel = socket.socket(fileno=fd)
    # ipykernel's debugger (debugpy) warns on import that frozen modules hide some code from it; its kernelspec
    # silences that warning the same way (a kernel's own environment comes with its request)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # A run's kernels have no frontend to debug them: ipykernel's debugger is left out (its debugpy took 0.05 s of the
    # imports before 02_train's kernel is forked), as ipykernel itself does where debugpy cannot be imported.
    sys.modules.setdefault("debugpy", None)  # type: ignore[arg-type]
    # Python's recipe for a process that forks without exec (gc.freeze's documentation): no collection while the
    # template only imports (a tenth of the import time went to collections, each walking everything imported so
    # far), everything frozen before each fork, collection back on in the kernel, where it then walks only what the
    # kernel itself allocates and never touches, so never copies, the pages the kernels share with the template.
    gc.disable()
    tried: set[str] = set()
    try:
        _import_serving(channel, list(modules), tried)
        if ready is not None:
            os.close(ready)  # the driver sees end-of-file: every module is in
        while True:
            readable = select.select([channel], [], [], 1.0)[0]
            _reap()
            if readable:
                _import_serving(channel, [], tried, _receive(channel))
    except EOFError:  # the driver has gone
        _reap()  # the kernels that ended are collected: their CPU time then counts in the driver's getrusage
        os._exit(0)  # nothing to tear down


def _import_serving(channel: socket.socket, pending: list[str], tried: set[str],
                    waiting: dict[str, Any] | None = None) -> None:
    """Import ``pending`` in order (adding each to ``tried``), answering every request between two imports once
    the modules it needs are in; a request's missing modules go first. The driver waits for each reply before
    it asks again, so one request at most is ``waiting``."""
    while pending or waiting is not None:
        if waiting is None and select.select([channel], [], [], 0.0)[0]:
            waiting = _receive(channel)
        if waiting is not None:
            missing = [module for module in waiting.get("needs", ()) if module not in tried]
            if not missing:
                _answer(channel, waiting)
                waiting = None  # the next kernel is often asked for at once: look again before importing
                if select.select([channel], [], [], FOLLOW_UP_SECONDS)[0]:
                    waiting = _receive(channel)
                continue
            pending = missing + [module for module in pending if module not in missing]
        module = pending.pop(0)
        tried.add(module)
        try:
            __import__(module)
        except Exception:  # noqa: BLE001 - the kernel reports a failing import in its own cell
            pass


def _receive(channel: socket.socket) -> dict[str, Any]:
    """The next kernel request; EOFError when the driver has closed its end."""
    request = channel.recv(MESSAGE_BYTES)
    if not request:
        raise EOFError
    return json.loads(request)


def _answer(channel: socket.socket, request: dict[str, Any]) -> None:
    """Fork the kernel of ``request`` and send back its pid and pidfd (or why it could not start)."""
    try:
        pid = _fork_kernel(request, channel)
        pidfd = os.pidfd_open(pid)
    except OSError as exc:
        channel.send(str(exc).encode())
        return
    socket.send_fds(channel, [str(pid).encode()], [pidfd])
    os.close(pidfd)


def _fork_kernel(request: dict[str, Any], channel: socket.socket) -> int:
    """Fork; in the child become the IPython kernel the request describes (never returns there).

    The pid is returned once the child has its own session, as ``Popen(start_new_session=True)`` returns
    once its child has: a kill of the kernel's process group right after the reply then finds the group
    (before, it found none, the kernel lived on without its socket files and its client waited a minute).
    """
    sys.stdout.flush()
    sys.stderr.flush()
    gc.freeze()
    in_session, session_made = os.pipe()
    pid = os.fork()
    if pid:
        os.close(session_made)
        os.read(in_session, 1)  # end of file: the child has made its session (or died)
        os.close(in_session)
        return pid
    code = 1
    try:
        gc.enable()
        channel.close()
        os.close(in_session)
        os.setsid()
        os.close(session_made)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        if request.get("cwd"):
            os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # the kernel exits when the template does (ipykernel read JPY_PARENT_PID when the template imported it)
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        argv = [*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv = [sys.executable, *argv]
        from ipykernel import kernelapp  # noqa: PLC0415 - already imported by the template; here for the child

        kernelapp.launch_new_instance(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # noqa: BLE001 - a kernel that cannot start reports on its stderr and exits
        import traceback  # noqa: PLC0415 - only on this failure path

        traceback.print_exc()
    finally:
        import atexit  # noqa: PLC0415 - the kernel's exit handlers run, then never back into the template

        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return 0


def _reap() -> None:
    """Collect the template's exited kernels (their pidfds already told the driver)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if not pid:
            return
