"""Riding out a dependency that is away (the database, Redis, storage): wait, and say so once.

A loop that retries every second and logs a traceback each time fills the disk and buries the
one line that matters. Backoff doubles the wait after each failure up to a minute, and logs
one line when the trouble starts, one a minute while it lasts and one when it ends.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import redis.exceptions
from sqlalchemy import exc as sa_exc

from recruit.storage import StorageUnavailable

# Failures of the machinery around the work, not of the work: a lost or refused database
# connection, a full pool, a store or Redis that does not answer. Wait them out; anything else
# is a bug and keeps its traceback.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    StorageUnavailable,
    ConnectionError,
    TimeoutError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


class Backoff:
    """How long to wait after each failure of `what`, logging a line a minute at most.

    Threads doing the same work share one, so that they log one line between them.
    """

    def __init__(
        self,
        what: str,
        log: logging.Logger,
        *,
        first: float = 1.0,
        cap: float = 60.0,
        log_every: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.what = what
        self.log = log
        self.first, self.cap, self.log_every = first, cap, log_every
        self.clock = clock
        self.failures = 0
        self._since: float | None = None
        self._logged: float | None = None
        self._lock = threading.Lock()

    def failed(self, exc: BaseException) -> float:
        """Count a failure; log it if a minute passed since the last line; return the wait."""
        with self._lock:
            return self._failed(exc)

    def _failed(self, exc: BaseException) -> float:
        now = self.clock()
        self.failures += 1
        if self._since is None:
            self._since = now
        if self._logged is None or now - self._logged >= self.log_every:
            self._logged = now
            first_line = (str(exc).strip().splitlines() or [""])[0][:300]
            self.log.warning(
                "%s failing for %.0f s (%d failures), retrying: %s: %s",
                self.what,
                now - self._since,
                self.failures,
                type(exc).__name__,
                first_line,
                # A bug's traceback is needed, but once a minute is enough.
                exc_info=None if isinstance(exc, TRANSIENT_ERRORS) else exc,
            )
        return min(self.cap, self.first * 2 ** (self.failures - 1))

    def succeeded(self) -> None:
        """Note that `what` works again (one line if it had failed)."""
        with self._lock:
            self._succeeded()

    def _succeeded(self) -> None:
        if self.failures:
            self.log.warning(
                "%s works again after %.0f s (%d failures)",
                self.what,
                self.clock() - (self._since or self.clock()),
                self.failures,
            )
        self.failures = 0
        self._since = self._logged = None
