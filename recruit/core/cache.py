"""Tables the core derives from its data, built once and kept on disk for every later start.

Building the typo vocabulary and the folded lemma tables from wordfreq and spacy-lookups-data
took seconds of every process start; read from an SQLite file they cost a few lookups per
document. Each file is keyed by everything it is built from: the content of `models/`, the
versions of the packages whose data it reads and the source of the module that builds it, so
a changed pattern file, an upgraded package or a changed rule rebuilds it. Files live in
`RECRUIT_CACHE_DIR`, else the user's cache folder (`$XDG_CACHE_HOME/recruit` or
`~/.cache/recruit`), shared by every process of the user: several checkouts or versions may
use it at once, each with its own files. Concurrent first starts build once: a lock file
serialises the builders, and a file only appears, whole, by an atomic rename, so a reader
never sees half of one. A file is removed only when no process has asked for it for a week,
and a reader holds its file open from the start (a removed file stays readable to it); one
that must open it again and finds it gone builds it again. A folder that cannot be written
costs a build per process, never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from recruit.core.assets import asset_root

# Bump when the layout of the files changes in a way their inputs do not show.
_FORMAT = "1"
# A file no process asked for in this long is removed (when another one is built).
UNUSED_FOR = 7 * 24 * 3600


def cache_dir() -> Path:
    """Return the folder of the on-disk cache (not created)."""
    configured = os.environ.get("RECRUIT_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "recruit"


@cache
def models_digest() -> str:
    """Return a digest of everything under `models/`: names and contents."""
    root = asset_root("models")
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _key(name: str, packages: Sequence[str], sources: Sequence[str]) -> str:
    digest = hashlib.sha256(f"{_FORMAT}\0{name}\0{models_digest()}".encode())
    for package in packages:
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"\0{package}={version}".encode())
    for source in sources:
        digest.update(b"\0" + Path(source).read_bytes())
    return digest.hexdigest()[:20]


def cached_file(
    name: str,
    build: Callable[[Path], None],
    *,
    packages: Sequence[str] = (),
    sources: Sequence[str] = (),
) -> Path:
    """Return the path of the cache file `name`, building it with `build(path)` when absent.

    `packages` are the distributions whose data the build reads and `sources` the files of
    the code that builds it: a change in either (or in `models/`) makes a new file.
    """
    key = _key(name, packages, sources)
    folder = cache_dir()
    path = folder / f"{name}-{key}.sqlite"
    if path.is_file():
        with contextlib.suppress(OSError):
            os.utime(path)  # in use: see _remove_stale
        return path
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _locked(folder / f".{name}.lock"):
            if not path.is_file():  # another process may have built it while we waited
                _build_atomically(path, build)
                _remove_stale(folder, name, keep=path)
        return path
    except OSError:
        # A read-only or full cache folder: build privately, for this process only.
        private = Path(tempfile.mkdtemp(prefix="recruit-cache-")) / path.name
        build(private)
        return private


def _build_atomically(path: Path, build: Callable[[Path], None]) -> None:
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    os.unlink(tmp)  # SQLite creates its own file; mkstemp only reserved a unique name
    try:
        build(Path(tmp))
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _remove_stale(folder: Path, name: str, keep: Path) -> None:
    # Other keys' files may be another checkout's or version's, in use right now: only those
    # nobody asked for in a week go.
    now = time.time()
    for old in folder.glob(f"{name}-*.sqlite"):
        with contextlib.suppress(OSError):
            if old != keep and now - old.stat().st_mtime > UNUSED_FOR:
                old.unlink()


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # not POSIX: the atomic rename alone keeps readers safe
        yield
        return
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _check_identifier(*names: str) -> None:
    # Table and column names go into SQL text (parameters cannot name them): the code's own
    # constants, never input; refuse anything but a bare identifier all the same.
    for name in names:
        if not name.split(" ", 1)[0].isidentifier():
            raise ValueError(f"not an SQL identifier: {name!r}")


def write_table(
    path: Path, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Write `rows` as table `table` of an SQLite file: a unique text `key`, then `columns`."""
    _check_identifier(table, *columns)
    marks = ", ".join("?" * (len(columns) + 1))
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute(
            f"CREATE TABLE {table} (key TEXT PRIMARY KEY, {', '.join(columns)}) WITHOUT ROWID"
        )
        db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608  # nosec B608
        db.commit()


class Lookup:
    """A read-only text key -> row table of a cache file, remembered per process as it is read.

    A long-running worker ends up holding the words its CVs use; a one-file command reads
    only those of its file, in one query (`prefetch`).
    """

    # Keys remembered at most; a worker's CVs use far fewer distinct words.
    MAX_REMEMBERED = 500_000
    # SQLite's default limit on host parameters in one statement is 32,766.
    _BATCH = 900

    def __init__(self, source: Callable[[], Path], table: str) -> None:
        _check_identifier(table)
        self.source = source  # returns the file's path, building it when it is missing
        self.table = table
        self._rows: dict[str, tuple[Any, ...] | None] = {}
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        with self._lock:
            self._connection()  # open now: a file removed later stays readable to us

    def _connection(self) -> sqlite3.Connection:
        # One connection per process, shared by its threads under the lock; a forked child
        # (a process-pool worker) opens its own.
        if self._db is None or self._pid != os.getpid():
            try:
                self._db = self._open(self.source())
            except sqlite3.OperationalError:  # removed between finding and opening it
                self._db = self._open(self.source())
            self._pid = os.getpid()
        return self._db

    def _open(self, path: Path) -> sqlite3.Connection:
        uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
        db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        db.execute(f"SELECT 1 FROM {self.table} LIMIT 1").fetchall()  # noqa: S608  # nosec B608
        return db

    def get(self, key: str) -> tuple[Any, ...] | None:
        """Return the row of `key` without the key, or None."""
        try:
            return self._rows[key]
        except KeyError:
            self.prefetch((key,))
            return self._rows.get(key)

    def prefetch(self, keys: Iterable[str]) -> None:
        """Read the rows of `keys` not yet remembered, in as few queries as possible."""
        wanted = [k for k in dict.fromkeys(keys) if k not in self._rows]
        if not wanted:
            return
        with self._lock:
            if len(self._rows) + len(wanted) > self.MAX_REMEMBERED:
                self._rows.clear()
            db = self._connection()
            found: dict[str, tuple[Any, ...]] = {}
            for i in range(0, len(wanted), self._BATCH):
                batch = wanted[i : i + self._BATCH]
                marks = ", ".join("?" * len(batch))
                query = f"SELECT * FROM {self.table} WHERE key IN ({marks})"  # noqa: S608  # nosec B608
                for row in db.execute(query, batch):
                    found[row[0]] = tuple(row[1:])
            for key in wanted:
                self._rows[key] = found.get(key)
