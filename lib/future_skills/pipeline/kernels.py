"""The kernels that run pipeline notebooks: how they start, and how they are stopped.

A kernel is reached through local IPC sockets (not unencrypted loopback TCP ports). When the
run started a :class:`~future_skills.pipeline.warm_kernels.WarmKernelPool`, the kernel is a
fork of its warm template (:class:`WarmProvisioner`); otherwise jupyter_client starts it the
ordinary way. Every running kernel is known to a :class:`KernelWatch`, so a time limit, an
interruption or a failed step elsewhere in the run can kill it (:func:`kill_running_kernels`)
and remove its socket files.
"""
from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
import uuid
from pathlib import Path
from queue import Empty
from typing import Any, Mapping

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import DottedObjectName, Type

from future_skills.exceptions import NotebookCancelled
from future_skills.pipeline.warm_kernels import active_pool, kernel_needs

_RUNNING: set["KernelWatch"] = set()
_RUNNING_LOCK = threading.Lock()


READY_POLL_SECONDS = 0.02
RECONNECT_MILLISECONDS = 5  # a client socket whose kernel has not bound yet tries again this soon (zmq: 100 ms)
TURN_POLL_SECONDS = 0.005  # a kernel waiting for the one started before it looks this often


class PromptKernelClient(AsyncKernelClient):
    """jupyter_client's client, ready as soon as the kernel answers instead of after fixed waits.

    jupyter_client waits 0.2 s for an IOPub message after the kernel_info reply (starting over
    when none came) and another 0.2 s of silence to flush IOPub: most of a warm kernel's start.
    This asks again every :data:`READY_POLL_SECONDS` until both channels answer, then drains what
    IOPub already holds (later stray messages carry another request's id: nbclient ignores them).
    Its sockets try to connect again every :data:`RECONNECT_MILLISECONDS`: the client connects as
    soon as the kernel is forked, before the kernel has bound its sockets, and zmq's default 100 ms
    before the next try was most of the wait for a warm kernel's first answer.
    """

    def _context_default(self) -> zmq.asyncio.Context:
        context = super()._context_default()
        context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MILLISECONDS)  # default of the sockets it creates
        return context

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            if await self._answered():
                break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0)
            except Empty:
                return

    wait_for_ready = _async_wait_for_ready  # the public name is an alias bound in jupyter_client's class

    async def _answered(self) -> bool:
        """A kernel_info reply on shell and any message on IOPub (its subscription is live)."""
        try:
            reply = await self.shell_channel.get_msg(timeout=1)
        except Empty:
            return False
        if reply["msg_type"] != "kernel_info_reply":
            return False
        for _ in range(10):
            try:
                await self.iopub_channel.get_msg(timeout=READY_POLL_SECONDS)
            except Empty:
                continue
            self._handle_kernel_info_reply(reply)
            return True
        return False


class LocalIPCKernelManager(AsyncKernelManager):
    """A kernel reached through local IPC sockets instead of unencrypted loopback TCP ports."""

    client_class = DottedObjectName("future_skills.pipeline.kernels.PromptKernelClient")
    client_factory = Type(PromptKernelClient, klass="jupyter_client.asynchronous.AsyncKernelClient")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("transport", "ipc")
        # socket files in the working folder the driver and the kernel share, named apart from those of a
        # kernel running alongside (jupyter_client numbers them from 1 in each folder)
        kwargs.setdefault("ip", f"kernel-{uuid.uuid4().hex[:8]}-ipc")
        super().__init__(**kwargs)

    async def _async_wait(self, pollinterval: float = READY_POLL_SECONDS / 4) -> None:
        """Until the killed kernel is gone, looking every few ms (jupyter_client: every 0.1 s)."""
        await super()._async_wait(pollinterval)


class KernelWatch:
    """The kernel of one notebook run: known once started, killable from a timer or an interrupt.

    ``after``: another notebook's watch whose kernel is started first. The warm template forks kernels in the
    order they are asked for, so a run asks in the order it needs them.
    """

    def __init__(self, env: Mapping[str, str] | None = None, cwd: Path | None = None, nice: int = 0,
                 notebook: str | None = None, after: "KernelWatch | None" = None) -> None:
        self.manager: LocalIPCKernelManager | None = None
        self.expired = self.killed = False
        self.env, self.cwd, self.nice = dict(env or {}), cwd, nice
        self.notebook = notebook  # a pipeline notebook: its warm kernel is forked once its imports are in
        self.after = after
        self.settled = threading.Event()  # its kernel is up, or it will never start one

    def __enter__(self) -> "KernelWatch":
        with _RUNNING_LOCK:
            _RUNNING.add(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        with _RUNNING_LOCK:
            _RUNNING.discard(self)
        self.settled.set()

    async def turn(self) -> None:
        """Until the kernel of :attr:`after` (if any) is up, or will never be; :class:`NotebookCancelled` when this
        watch was killed meanwhile (the run stopped): no kernel is started."""
        while self.after is not None and not self.after.settled.is_set() and not self.killed:
            await asyncio.sleep(TURN_POLL_SECONDS)
        if self.killed:
            raise NotebookCancelled(self.notebook or "the notebook")

    def manager_class(self) -> type[LocalIPCKernelManager]:
        """A kernel manager class that reports its instance to this watch once the kernel runs."""
        watch = self

        class WatchedKernelManager(LocalIPCKernelManager):
            async def _async_pre_start_kernel(self, **kw: Any) -> Any:
                await watch.turn()
                install_provisioner(self, watch.notebook)  # a fork of the warm template when a run started one
                kw["env"] = kernel_env(watch.env)
                if watch.cwd:
                    kw["cwd"] = str(watch.cwd)
                return await super()._async_pre_start_kernel(**kw)

            async def _async_post_start_kernel(self, **kw: Any) -> None:
                await super()._async_post_start_kernel(**kw)
                watch.manager = self
                watch.settled.set()
                if watch.nice:
                    lower_priority(getattr(self.provisioner, "pid", None), watch.nice)
                if watch.killed:  # killed while it was starting
                    watch.kill()

        return WatchedKernelManager

    def lower_priority(self, nice: int) -> None:
        """Run the kernel at least ``nice`` steps below the driver in CPU priority, from now (or from its start
        if not yet started). Setting it twice (here and as the kernel starts) changes nothing."""
        self.nice = max(self.nice, nice)
        if self.manager is not None:
            lower_priority(getattr(self.manager.provisioner, "pid", None), self.nice)

    def expire(self) -> None:
        """The notebook's time limit passed: kill the kernel (the run then sees a dead kernel)."""
        self.expired = True
        self.kill()

    def kill(self) -> None:
        """SIGKILL the kernel's process group (it runs in its own session) and remove its socket files."""
        self.killed = True
        manager = self.manager
        pid = getattr(getattr(manager, "provisioner", None), "pid", None)
        if pid:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:  # no such group: the process itself, as jupyter_client's provisioner does
                _kill_process(getattr(manager, "provisioner", None))
            except PermissionError:
                pass
            try:
                os.waitpid(pid, os.WNOHANG)  # reap it now rather than leave a zombie
            except ChildProcessError:
                pass
        if manager is not None:
            remove_kernel_files(manager)


def _kill_process(provisioner: Any) -> None:
    """SIGKILL the kernel process itself (``Popen.kill``, or a forked kernel's), if it still runs."""
    process = getattr(provisioner, "process", None)
    if process is not None:
        try:
            process.kill()
        except (ProcessLookupError, PermissionError):
            pass


def lower_priority(pid: int | None, nice: int) -> None:
    """Run a kernel process (each of its threads) at least ``nice`` steps below the driver in CPU priority: it
    then uses the gaps left by the notebooks the run waits for. Best effort: a kernel already gone is left alone.

    Thread by thread (Linux keeps a niceness per thread; threads started later inherit it), not by process
    group: a kernel just forked may not have its own group yet.
    """
    if not pid:
        return
    try:
        threads = [int(task) for task in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        threads = [pid]
    for thread in threads:
        _nice_at_least(thread, nice)


def lower_this_thread_priority(nice: int) -> None:
    """Run the calling thread ``nice`` steps below the driver in CPU priority (Linux keeps one per thread): for the
    driver's background work (report exports, imports ahead of time), which then uses the gaps the notebooks leave."""
    _nice_at_least(threading.get_native_id(), nice)


def _nice_at_least(thread: int, nice: int) -> None:
    """Niceness of ``thread`` raised to the driver's own plus ``nice`` (at most 19), never lowered. Best effort."""
    try:
        target = min(19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + nice)
        if os.getpriority(os.PRIO_PROCESS, thread) < target:
            os.setpriority(os.PRIO_PROCESS, thread, target)
    except OSError:
        pass


def remove_kernel_files(manager: Any) -> None:
    """Remove a kernel's connection file and IPC socket files (what ``cleanup_resources`` does, synchronously)."""
    try:
        manager.cleanup_connection_file()
        if manager.transport == "ipc":
            for port in (manager.shell_port, manager.iopub_port, manager.stdin_port,
                         manager.hb_port, manager.control_port):
                Path(f"{manager.ip}-{port}").unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - clean-up must never hide the original error
        pass




class WarmProvisioner(LocalProvisioner):  # type: ignore[misc]
    """jupyter_client's local provisioner, forking from the run's warm template when there is one."""

    notebook: str | None = None  # the pipeline notebook the kernel runs, if known (see kernel_needs)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        pool = active_pool()
        if pool is None or not pool.can_launch(cmd):
            return await super().launch_kernel(cmd, **kwargs)
        cwd = kwargs.get("cwd") or os.getcwd()  # no folder given: this process's own, as Popen would use
        needs = kernel_needs(self.notebook) if self.notebook else None
        self.process = pool.launch(cmd, dict(kwargs.get("env") or os.environ), cwd, needs)
        self.pid = self.pgid = self.process.pid
        self.cwd = cwd
        return self.connection_info


def install_provisioner(manager: Any, notebook: str | None = None) -> None:
    """Give a kernel manager about to start its first kernel the :class:`WarmProvisioner` (for ``notebook``, a
    pipeline notebook, if known)."""
    if manager.provisioner is None and active_pool() is not None:
        manager.kernel_id = manager.kernel_id or str(uuid.uuid4())
        manager.provisioner = WarmProvisioner(kernel_id=manager.kernel_id, kernel_spec=manager.kernel_spec,
                                              parent=manager)
        manager.provisioner.notebook = notebook


def kernel_env(extra: Mapping[str, str]) -> dict[str, str]:
    """The environment of a kernel: this process's, plus ``extra``.

    This is how secrets reach a notebook: values passed as papermill parameters are written into
    the executed notebook and its HTML report; environment variables are not. ``os.environ``
    itself is never changed, so two notebooks can start at once.
    """
    return {**os.environ, **extra}


def kill_running_kernels() -> None:
    """Kill every pipeline kernel still running in this process (a step failed or the run was interrupted)."""
    with _RUNNING_LOCK:
        watches = list(_RUNNING)
    for watch in watches:
        watch.kill()
