"""Content-addressed storage of original files: written once, atomically, before any parsing.

Two backends behind one small interface (put / get / exists / delete): a local directory by
default, and an S3-compatible bucket when several machines must see the same files.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from recruit.settings import private_dir


@dataclass(frozen=True)
class StoredFile:
    key: str  # "ab/cd/<sha256>": never derived from the uploaded filename
    sha256: str
    size: int
    created: bool  # False when the same bytes were already stored


class StorageUnavailable(OSError):
    """The store could not be reached: a transient failure, worth retrying later."""


class Storage(Protocol):
    """What the services and workers need from a file store."""

    def put(self, data: bytes) -> StoredFile: ...
    def get(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def keep_reading(self, key: str, reading: bytes) -> None: ...
    def take_reading(self, key: str) -> bytes | None: ...


def content_key(digest: str) -> str:
    """Return the storage key of a sha256 hex digest."""
    return f"{digest[:2]}/{digest[2:4]}/{digest}"


def check_key(key: str) -> list[str]:
    """Split a storage key, refusing anything that is not ours (so it can never escape a root)."""
    parts = key.split("/")
    if len(parts) != 3 or not all(p and all(c in "0123456789abcdef" for c in p) for p in parts):
        raise ValueError(f"not a storage key: {key!r}")
    return parts


class LocalStorage:
    """Files under one directory, named by the sha256 of their bytes."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def put(self, data: bytes) -> StoredFile:
        """Store `data` once: a temp file in the same folder, fsync, then an atomic rename."""
        digest = hashlib.sha256(data).hexdigest()
        key = content_key(digest)
        path = self.root / key
        if path.is_file() and path.stat().st_size == len(data):
            return StoredFile(key, digest, len(data), created=False)
        _write(path, data, durable=True)
        return StoredFile(key, digest, len(data), created=True)

    def get(self, key: str) -> bytes:
        """Return the bytes stored under `key`."""
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        """Tell whether `key` is stored."""
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        """Remove the file stored under `key` and a reading kept of it (no error when gone)."""
        self._path(key).unlink(missing_ok=True)
        self._reading(key).unlink(missing_ok=True)

    def keep_reading(self, key: str, reading: bytes) -> None:
        """Keep what reading the file under `key` gave, for the worker of this machine.

        The upload's request reads the file at once; the worker that reads it next takes
        this instead of reading it again. Not durable: a lost one only costs that reading.
        """
        _write(self._reading(key), reading, durable=False)

    def take_reading(self, key: str) -> bytes | None:
        """Return the reading kept of the file under `key` and forget it (None: none kept)."""
        path = self._reading(key)
        try:
            reading = path.read_bytes()
        except FileNotFoundError:
            return None
        path.unlink(missing_ok=True)
        return reading

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key))

    def _reading(self, key: str) -> Path:
        return self.root / "readings" / check_key(key)[2]


def _write(path: Path, data: bytes, *, durable: bool) -> None:
    """Write `data` at `path` atomically: a temp file in the same folder, then a rename."""
    private_dir(path.parent)
    # mkstemp creates the file 0600, and the rename keeps it: only the owner reads CVs.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class S3Storage:
    """Files in an S3-compatible bucket under an optional prefix, named like LocalStorage's."""

    def __init__(self, bucket: str, *, prefix: str = "", client: Any = None, **client_args: Any):
        import boto3

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = client or boto3.client("s3", **client_args)

    def put(self, data: bytes) -> StoredFile:
        """Store `data` once; S3 writes are atomic, so a failed upload leaves nothing behind."""
        digest = hashlib.sha256(data).hexdigest()
        key = content_key(digest)
        if self.exists(key):
            return StoredFile(key, digest, len(data), created=False)
        with self._errors():
            self.client.put_object(
                Bucket=self.bucket,
                Key=self.prefix + key,
                Body=data,
                # The server checks what it received against our digest.
                ChecksumSHA256=_b64(bytes.fromhex(digest)),
            )
        return StoredFile(key, digest, len(data), created=True)

    def get(self, key: str) -> bytes:
        """Return the bytes stored under `key` (FileNotFoundError when absent)."""
        with self._errors(key):
            body = self.client.get_object(Bucket=self.bucket, Key=self._object(key))["Body"]
            return body.read()

    def exists(self, key: str) -> bool:
        """Tell whether `key` is stored."""
        try:
            with self._errors(key):
                self.client.head_object(Bucket=self.bucket, Key=self._object(key))
        except FileNotFoundError:
            return False
        return True

    def delete(self, key: str) -> None:
        """Remove the object stored under `key` (no error when it is gone)."""
        with self._errors():
            self.client.delete_object(Bucket=self.bucket, Key=self._object(key))

    def keep_reading(self, key: str, reading: bytes) -> None:
        """Keep nothing: the workers reading from a bucket may be on other machines."""

    def take_reading(self, key: str) -> bytes | None:
        """Return None: no reading is kept in a bucket (see keep_reading)."""
        return None

    def _object(self, key: str) -> str:
        check_key(key)
        return self.prefix + key

    @contextlib.contextmanager
    def _errors(self, key: str = "") -> Iterator[None]:
        """Map botocore's errors to the ones LocalStorage raises, so callers handle one kind."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
            if code in ("404", "NoSuchKey", "NotFound"):
                raise FileNotFoundError(key) from exc
            if status >= 500 or code in ("SlowDown", "RequestTimeout", "Throttling"):
                raise StorageUnavailable(str(exc)) from exc
            raise
        except BotoCoreError as exc:  # connection refused, timeouts, DNS: the store is away
            raise StorageUnavailable(str(exc)) from exc


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def make_storage(
    upload_dir: str | os.PathLike[str], env: Mapping[str, str] | None = None
) -> Storage:
    """Return the S3 store when RECRUIT_S3_BUCKET is set, else the local directory `upload_dir`.

    RECRUIT_S3_ENDPOINT_URL points at an S3-compatible server (MinIO, Ceph, ...); credentials
    and region come from boto3's usual sources (AWS_ACCESS_KEY_ID, ~/.aws, instance roles).
    """
    env = os.environ if env is None else env
    bucket = env.get("RECRUIT_S3_BUCKET")
    if not bucket:
        return LocalStorage(upload_dir)
    args: dict[str, Any] = {}
    if env.get("RECRUIT_S3_ENDPOINT_URL"):
        args["endpoint_url"] = env["RECRUIT_S3_ENDPOINT_URL"]
    if env.get("RECRUIT_S3_REGION"):
        args["region_name"] = env["RECRUIT_S3_REGION"]
    return S3Storage(bucket, prefix=env.get("RECRUIT_S3_PREFIX", ""), **args)
