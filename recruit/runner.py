"""How recruit's processes run: the embedded task threads, and the production web server.

The embedded runner keeps its task state in the database, so a restart loses nothing. The
production server is gunicorn with several worker processes, each building its own app
(engine, pools) after the fork: nothing one process holds is needed by another.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from typing import Any

from recruit.backoff import Backoff
from recruit.settings import Settings
from recruit.tasks import (
    TaskContext,
    mail_loop,
    purge_loop,
    reclaim_dead_leases,
    run_next,
    serve_documents,
    warm_up,
)

log = logging.getLogger(__name__)


class LocalRunner:
    """Poll the database for queued documents and read them on a few threads."""

    def __init__(self, ctx: TaskContext, threads: int = 2, idle_sleep: float = 1.0) -> None:
        self.ctx = ctx
        self.threads = threads
        self.idle_sleep = idle_sleep
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []
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
        for name, loop in (("recruit-purge", purge_loop), ("recruit-mail", mail_loop)):
            thread = threading.Thread(
                target=loop, args=(self.ctx, self._stop), name=name, daemon=True
            )
            thread.start()
            self._workers.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the threads to stop after their current document and wait for them."""
        self._stop.set()
        for t in self._workers:
            t.join(timeout)

    def run_until_idle(self) -> int:
        """Read documents in this thread until none is queued; return how many were read."""
        done = 0
        while run_next(self.ctx) is not None:
            done += 1
        return done

    def _loop(self) -> None:
        serve_documents(self.ctx, self._stop, self._backoff, self.idle_sleep)


class ProcessRunner:
    """Read queued documents on several processes until none is left (embedded, no Redis).

    Reading is pure Python (pdfminer), so threads share one core; processes use them all.
    Each process builds its own engine; the claim on the document row keeps them apart.
    Start it before adding documents: the processes warm up (seconds: spaCy, lexicons) while
    the files are stored, and read them as they are committed until `close()` is called.
    """

    def __init__(self, settings: Settings, processes: int, *, lease: dt.timedelta) -> None:
        self.settings = settings
        self.processes = processes
        self.lease = lease
        self._mp = multiprocessing.get_context("spawn")  # no inherited connections or threads
        self._stop = self._mp.Event()
        self._closed = self._mp.Event()
        self._procs: list[Any] = []

    def start(self) -> None:
        """Start the processes; each warms up, then reads what is queued."""
        for n in range(self.processes):
            proc = self._mp.Process(
                target=_drain,
                args=(self.settings, self.lease, self._stop, self._closed),
                name=f"recruit-reader-{n}",
                daemon=True,
            )
            proc.start()
            self._procs.append(proc)

    def close(self) -> None:
        """Say that no more documents are coming: the processes exit once the queue is empty."""
        self._closed.set()

    def alive(self) -> bool:
        """Tell whether any process is still reading."""
        return any(p.is_alive() for p in self._procs)

    def stop(self, timeout: float = 30.0) -> None:
        """Let each process finish its current document, then wait for them."""
        self._stop.set()
        for proc in self._procs:
            proc.join(timeout)
            if proc.is_alive():
                proc.terminate()


def _drain(settings: Settings, lease: dt.timedelta, stop: Any, closed: Any) -> None:
    # Ctrl-C reaches the whole terminal group: the parent decides, we finish our document.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ctx = TaskContext.from_settings(settings, lease=lease)
    reclaim_dead_leases(ctx)
    warm_up()
    serve_documents(ctx, stop, Backoff("import reader", log), 0.2, closed)


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
