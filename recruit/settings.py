"""Settings from RECRUIT_* environment variables, read when asked (never at import time)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    instance_path: Path
    database_url: str
    upload_dir: Path
    secret_key: str
    redis_url: str | None
    max_upload_mb: int
    worker_threads: int
    # E-mail: an SMTP URL (see recruit.mailer), else .eml files in <instance>/outbox.
    smtp_url: str | None = None
    mail_from: str = "recruit <recruit@localhost>"

    @property
    def outbox_folder(self) -> Path:
        """Return where the embedded sender writes .eml files."""
        return self.instance_path / "outbox"

    # Applications per client address (requests, seconds): an office behind one NAT address
    # may need more than the default.
    apply_limit: tuple[int, int] = (10, 3600)
    # A staff session ends after this long without a request, and this long after sign-in.
    session_idle_minutes: int = 60
    session_max_hours: int = 12
    # Read again in the background what an older extractor read (RECRUIT_REREAD=off: never).
    reread: bool = True

    @classmethod
    def from_env(
        cls, instance_path: str | os.PathLike[str], env: Mapping[str, str] | None = None
    ) -> Settings:
        """Read the settings, creating the instance folder and the secret key file when missing."""
        env = os.environ if env is None else env
        instance = Path(instance_path)
        private_dir(instance)
        database_url = env.get("RECRUIT_DATABASE_URL") or f"sqlite:///{instance / 'recruit.db'}"
        upload_dir = Path(env.get("RECRUIT_UPLOAD_DIR") or instance / "uploads")
        return cls(
            instance_path=instance,
            database_url=database_url,
            upload_dir=upload_dir,
            secret_key=env.get("RECRUIT_SECRET_KEY") or _instance_secret(instance),
            redis_url=env.get("RECRUIT_REDIS_URL") or None,
            max_upload_mb=int(env.get("RECRUIT_MAX_UPLOAD_MB") or 10),
            worker_threads=int(env.get("RECRUIT_WORKER_THREADS") or 2),
            smtp_url=env.get("RECRUIT_SMTP_URL") or None,
            mail_from=env.get("RECRUIT_MAIL_FROM") or "recruit <recruit@localhost>",
            apply_limit=parse_rate(env.get("RECRUIT_APPLY_LIMIT") or "10/hour"),
            session_idle_minutes=int(env.get("RECRUIT_SESSION_IDLE_MINUTES") or 60),
            session_max_hours=int(env.get("RECRUIT_SESSION_MAX_HOURS") or 12),
            reread=(env.get("RECRUIT_REREAD") or "on").strip().lower() not in OFF,
        )


OFF = {"off", "0", "false", "no"}
_PERIODS = {"minute": 60, "hour": 3600, "day": 86400}


def parse_rate(text: str) -> tuple[int, int]:
    """Read a rate such as "30", "30/hour" or "200/day" as (requests, seconds); bare is per hour."""
    count, _, period = text.strip().partition("/")
    seconds = _PERIODS.get(period.strip().lower() or "hour")
    if not count.strip().isdigit() or int(count) < 1 or seconds is None:
        raise ValueError(f"a rate is N, N/minute, N/hour or N/day, not {text!r}")
    return int(count), seconds


def private_dir(path: Path) -> None:
    """Create `path` and its missing parents for their owner only (0700), whatever the umask.

    Folders that exist already keep their mode: an administrator may have chosen it.
    """
    missing = []
    while not path.exists():
        missing.append(path)
        if path.parent == path:
            break
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:  # another process made it first
            continue
        folder.chmod(0o700)  # mkdir's mode passes through the umask; chmod's does not


def _instance_secret(instance: Path) -> str:
    """Return the secret key kept in the instance folder, generating it once."""
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(32))
    return path.read_text().strip()


def default_instance_path() -> Path:
    """Return the instance folder: RECRUIT_INSTANCE_PATH or ./instance."""
    return Path(os.environ.get("RECRUIT_INSTANCE_PATH") or Path.cwd() / "instance")
