"""Content-addressed storage of original files: written once, atomically, before any parsing."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StoredFile:
    key: str  # "ab/cd/<sha256>": never derived from the uploaded filename
    sha256: str
    size: int
    created: bool  # False when the same bytes were already stored


class LocalStorage:
    """Files under one directory, named by the sha256 of their bytes."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def put(self, data: bytes) -> StoredFile:
        """Store `data` once: a temp file in the same folder, fsync, then an atomic rename."""
        digest = hashlib.sha256(data).hexdigest()
        key = f"{digest[:2]}/{digest[2:4]}/{digest}"
        path = self.root / key
        if path.is_file() and path.stat().st_size == len(data):
            return StoredFile(key, digest, len(data), created=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return StoredFile(key, digest, len(data), created=True)

    def get(self, key: str) -> bytes:
        """Return the bytes stored under `key`."""
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        """Tell whether `key` is stored."""
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        """Remove the file stored under `key` (no error when it is gone)."""
        self._path(key).unlink(missing_ok=True)

    def _path(self, key: str) -> Path:
        parts = key.split("/")
        # Keys are ours (hex digests); refuse anything else so a key can never escape the root.
        if len(parts) != 3 or not all(p and all(c in "0123456789abcdef" for c in p) for p in parts):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root.joinpath(*parts)
