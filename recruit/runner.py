"""How recruit's processes run: the embedded task threads, and the production web server.

The embedded runner keeps its task state in the database, so a restart loses nothing. The
production server is gunicorn with several worker processes, each building its own app
(engine, pools) after the fork: nothing one process holds is needed by another.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from recruit.backoff import Backoff
from recruit.core.lifeline import watch_parent
from recruit.core.reading.sandbox import start_reader, stop_readers
from recruit.services.documents import CLAIM_BATCH
from recruit.settings import Settings
from recruit.tasks import (
    TaskContext,
    Wakeup,
    mail_loop,
    purge_loop,
    reclaim_dead_leases,
    run_batch,
    serve_documents,
    warm_up,
)

log = logging.getLogger(__name__)


# With wake-ups at each commit, polling the database is only the fallback: for documents
# queued where no wake-up reaches (another machine, a lease that ran out, a release).
POLL_SECONDS = 5.0


class LocalRunner:
    """Read queued documents on a few threads, woken at the commit that queued them.

    `wake()` is called by this process's sessions right after a commit queued documents
    (see `tasks.on_queued`); with `listen`, a `recruit worker` process also takes wake-ups
    from the web processes beside it through a socket in that folder (`notify_workers`).
    """

    def __init__(
        self,
        ctx: TaskContext,
        threads: int = 2,
        idle_sleep: float = POLL_SECONDS,
        *,
        listen: Path | None = None,
    ) -> None:
        self.ctx = ctx
        self.threads = threads
        self.idle_sleep = idle_sleep
        self.listen = listen
        self._stop = threading.Event()
        self._wakeup = Wakeup()
        self._workers: list[threading.Thread] = []
        self._socket: socket.socket | None = None
        # Shared by the threads: a database outage is logged once a minute, not per thread.
        self._backoff = Backoff("embedded worker", log)

    def start(self) -> None:
        """Reclaim what dead processes of this host were reading, then start the worker threads
        and the retention purge (daemons: they never keep the process alive)."""
        reclaim_dead_leases(self.ctx)
        for n in range(self.threads):
            t = threading.Thread(target=self._loop, name=f"recruit-worker-{n}", daemon=True)
            t.start()
            self._workers.append(t)
        loops: list[tuple[str, Callable[..., None], tuple[Any, ...]]] = [
            ("recruit-purge", purge_loop, (self.ctx, self._stop)),
            ("recruit-mail", mail_loop, (self.ctx, self._stop)),
        ]
        if self.listen is not None and self.threads:
            self._socket = _bind(self.listen)
            if self._socket is not None:
                loops.append(("recruit-wake", self._serve_wakeups, (self._socket,)))
        for name, loop, args in loops:
            thread = threading.Thread(target=loop, args=args, name=name, daemon=True)
            thread.start()
            self._workers.append(thread)

    def wake(self) -> None:
        """Tell the idle threads that documents were queued."""
        self._wakeup.wake()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the threads to stop after their current document and wait for them."""
        self._stop.set()
        self.wake()
        if self._socket is not None:
            _send([Path(self._socket.getsockname())])  # its recv returns and sees the stop
        for t in self._workers:
            t.join(timeout)
        if self._socket is not None:
            _unbind(self._socket)
            self._socket = None

    def run_until_idle(self, threads: int = 1) -> int:
        """Read documents on `threads` threads until none is queued; return how many were read."""
        counts: list[int] = []

        def drain() -> None:
            done = 0
            while claimed := run_batch(self.ctx, CLAIM_BATCH):
                done += len(claimed)
            counts.append(done)

        if threads <= 1:
            drain()
            return counts[0]
        pool = [threading.Thread(target=drain, name=f"recruit-burst-{n}") for n in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        return sum(counts)

    def _loop(self) -> None:
        serve_documents(self.ctx, self._stop, self._backoff, self.idle_sleep, wakeup=self._wakeup)

    def _serve_wakeups(self, sock: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                sock.recv(64)
            except OSError:
                return
            self.wake()


def wake_folder(settings: Settings) -> Path:
    """Return the folder where `recruit worker` processes listen for wake-ups."""
    return settings.instance_path / "wake"


def notify_workers(folder: Path) -> None:
    """Wake the `recruit worker` processes listening in `folder` (a datagram each, no wait)."""
    if not hasattr(socket, "AF_UNIX"):
        return
    try:
        paths = [p for p in folder.iterdir() if p.suffix == ".sock"]
    except OSError:  # no worker has listened here
        return
    _send(paths)


def _send(paths: list[Path]) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)
        for path in paths:
            try:
                sock.sendto(b"q", str(path))
            except (ConnectionRefusedError, FileNotFoundError):
                path.unlink(missing_ok=True)  # its worker is gone
            except OSError:  # a full buffer: that worker has wake-ups pending anyway
                pass


def _bind(folder: Path) -> socket.socket | None:
    if not hasattr(socket, "AF_UNIX"):
        return None
    path = _socket_path(folder, os.getpid())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(str(path))
    except OSError:  # too long a path, a read-only folder: polling still finds the documents
        log.warning("cannot listen for wake-ups at %s; polling every %s s", path, POLL_SECONDS)
        return None
    return sock


def _socket_path(folder: Path, pid: int) -> Path:
    return folder / f"worker-{pid}.sock"


def _unbind(sock: socket.socket) -> None:
    path = sock.getsockname()
    sock.close()
    with contextlib.suppress(OSError):
        os.unlink(path)


class ProcessRunner:
    """Read queued documents on several processes (embedded, no Redis).

    Reading is pure Python (pdfminer), so threads share one core; processes use them all.
    Each process builds its own engine; the claim on the document row keeps them apart.

    - For `recruit import` (no `listen`): start it before adding documents, from a process
      that holds no database connection and runs no other thread. It warms the pure core here
      (spaCy pipelines, lexicons, pdfplumber), then forks the readers, which start reading at
      once and share those pages: spawned readers imported and warmed everything again, each
      (15-29 s of an import of 300 CVs on a busy 2-core machine). They read the documents as
      they are committed, and exit once `close()` was called and nothing is left to read.
      Where forking is not safe (another thread, a connection still checked out) or not
      available, they are spawned, and warm up while the files are stored.
    - For `recruit serve` (`listen`: the wake folder): each process reads one document at a
      time until `stop()`, woken through its socket in that folder by the commit that queued
      a document (polling every POLL_SECONDS is the fallback); one that dies is started again.
    """

    def __init__(
        self,
        settings: Settings,
        processes: int,
        *,
        lease: dt.timedelta,
        listen: Path | None = None,
        engine: Engine | None = None,
    ) -> None:
        self.settings = settings
        self.processes = processes
        self.lease = lease
        self.listen = listen
        self.engine = engine  # this process's: its idle connections are closed before a fork
        self._mp: Any = multiprocessing.get_context("spawn")  # no inherited connections or threads
        self._stop = self._mp.Event()
        self._closed = self._mp.Event()
        self._procs: list[Any] = []
        self._keeper: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> None:
        """Start the processes; forked warm, or spawned to warm up, then read what is queued."""
        if self.listen is None and self._can_fork():
            self._mp = multiprocessing.get_context("fork")
            self._stop, self._closed = self._mp.Event(), self._mp.Event()
            warm_up(here=True)  # no reader child in this process: it reads nothing itself
        # Ctrl-C reaches the whole terminal group: the parent decides, the readers finish
        # their document. Ignored from their first instruction on, not from a moment later.
        ignoring = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if ignoring else None
        try:
            self._procs = [self._start(n) for n in range(self.processes)]
        finally:
            if ignoring:
                signal.signal(signal.SIGINT, previous)
        if self.listen is not None:
            self._keeper = threading.Thread(
                target=self._keep_alive, name="recruit-reader-keeper", daemon=True
            )
            self._keeper.start()

    def _can_fork(self) -> bool:
        # Linux only: macOS's system libraries are not safe in a forked child (Python spawns
        # there by default for that reason).
        if not sys.platform.startswith("linux"):
            return False
        if threading.active_count() > 1:
            return False  # a fork copies no thread, but whatever lock one held stays held
        if self.engine is not None:
            # A connection copied into a child would be closed or used by both processes:
            # one in use stays open (spawn), idle ones are closed (dispose swaps the pool).
            checkedout = getattr(self.engine.pool, "checkedout", None)
            if checkedout is not None and checkedout() > 0:
                return False
            self.engine.dispose()
        return True

    def _start(self, n: int) -> Any:
        parent = os.getpid()
        args: tuple[Any, ...]
        if self.listen is None:
            forked = self._mp.get_start_method() == "fork"
            target = _drain
            args = (self.settings, self.lease, self._stop, self._closed, parent, forked)
        else:
            target, args = _serve, (self.settings, self.lease, parent, self.listen)
        proc = self._mp.Process(target=target, args=args, name=f"recruit-reader-{n}", daemon=True)
        proc.start()
        return proc

    def _keep_alive(self, every: float = 5.0) -> None:
        # A reader killed by the OOM killer or an operator: the web goes on, so must reading.
        while not self._stopping.wait(every):
            for n, proc in enumerate(self._procs):
                if not proc.is_alive() and not self._stopping.is_set():
                    log.warning("reader %s died (exit %s); starting another", n, proc.exitcode)
                    if self.listen is not None:  # it could not take its socket with it
                        _socket_path(self.listen, proc.pid).unlink(missing_ok=True)
                    self._procs[n] = self._start(n)

    def close(self) -> None:
        """Say that no more documents are coming: the processes exit once the queue is empty."""
        self._closed.set()

    def alive(self) -> bool:
        """Tell whether any process is still reading."""
        return any(p.is_alive() for p in self._procs)

    def wait(self, timeout: float) -> None:
        """Wait up to `timeout` seconds, less when a process ends meanwhile."""
        sentinels = [p.sentinel for p in self._procs if p.is_alive()]
        if sentinels:
            multiprocessing.connection.wait(sentinels, timeout)

    def stop(self, timeout: float = 30.0) -> None:
        """Let each process finish its current document, then wait for them."""
        self._stopping.set()
        if self._keeper is not None:
            self._keeper.join()
        if self.listen is None:
            self._stop.set()
        else:
            # A SIGTERM each, not the shared event: a reader SIGKILLed while it held the
            # event's lock (it polls it) left the lock taken, and every other waiter hung.
            for proc in self._procs:
                proc.terminate()
        for proc in self._procs:
            proc.join(timeout)
            if proc.is_alive():
                proc.kill()


def start_readers(
    settings: Settings,
    processes: int,
    *,
    listen: Path | None = None,
    engine: Engine | None = None,
) -> ProcessRunner:
    """Start `processes` reading processes (see ProcessRunner) with the leases of the queue."""
    from recruit.queue import QueueSettings

    runner = ProcessRunner(
        settings, processes, lease=QueueSettings.from_env("").lease, listen=listen, engine=engine
    )
    runner.start()
    return runner


def _drain(
    settings: Settings, lease: dt.timedelta, stop: Any, closed: Any, parent: int, warm: bool
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # spawned: the parent's SIG_IGN is not inherited
    watch_parent(parent)  # a killed `recruit import` leaves no reader behind
    ctx = TaskContext.from_settings(settings, lease=lease)
    reclaim_dead_leases(ctx)
    if warm:
        start_reader()  # the pure core came warm with the fork; the reader child did not
    else:
        warm_up()
    try:
        serve_documents(ctx, stop, Backoff("import reader", log), 0.2, closed, batch=CLAIM_BATCH)
    finally:
        stop_readers()  # a forked process ends in os._exit: no atexit would stop them


def _serve(settings: Settings, lease: dt.timedelta, parent: int, listen: Path) -> None:
    # Ctrl-C reaches the whole terminal group: the parent decides. SIGTERM (from the parent's
    # stop, or to the group) ends the reader after its current document.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ended = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: ended.set())
    watch_parent(parent)  # a killed `recruit serve` leaves no reader behind
    ctx = TaskContext.from_settings(settings, lease=lease)
    warm_up()
    if ended.is_set():
        return
    runner = LocalRunner(ctx, threads=1, listen=listen)
    runner.start()
    try:
        while not ended.wait(0.5):
            pass
    finally:
        runner.stop()


def default_web_workers() -> int:
    """Return gunicorn's classic 2 x cores + 1, capped: reading CVs is the workers' job."""
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def serve_production(
    factory: Callable[[], Any], *, bind: str, workers: int, threads: int = 4, timeout: int = 60
) -> None:
    """Serve the WSGI app built by `factory` with gunicorn until stopped."""
    from gunicorn.app.base import BaseApplication

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options = {
                "bind": bind,
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "timeout": timeout,
                # Each worker builds its own app after the fork: no shared engine or sockets.
                "preload_app": False,
                "accesslog": "-",
                "errorlog": "-",
                # Recycle workers now and then, so a slow leak can never grow unbounded.
                "max_requests": 2000,
                "max_requests_jitter": 200,
            }
            # gunicorn >= 25 opens a control socket at one fixed path per user: two servers on
            # one machine would fight over it, and we do not use it.
            if "control_socket_disable" in self.cfg.settings:
                options["control_socket_disable"] = True
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return factory()

    _Server().run()
