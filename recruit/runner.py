"""The embedded task runner: worker threads that read queued documents, state in the database."""

from __future__ import annotations

import logging
import threading

from recruit.tasks import TaskContext, run_next

log = logging.getLogger(__name__)


class LocalRunner:
    """Poll the database for queued documents and read them on a few threads."""

    def __init__(self, ctx: TaskContext, threads: int = 2, idle_sleep: float = 1.0) -> None:
        self.ctx = ctx
        self.threads = threads
        self.idle_sleep = idle_sleep
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []

    def start(self) -> None:
        """Start the worker threads (daemons: they never keep the process alive)."""
        for n in range(self.threads):
            t = threading.Thread(target=self._loop, name=f"recruit-worker-{n}", daemon=True)
            t.start()
            self._workers.append(t)

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
        while not self._stop.is_set():
            try:
                if run_next(self.ctx) is None:
                    self._stop.wait(self.idle_sleep)
            except Exception:  # the database may be briefly locked or away: keep serving
                log.exception("worker loop error")
                self._stop.wait(self.idle_sleep)
