"""Where e-mails go: an SMTP server (RECRUIT_SMTP_URL), or .eml files in the instance folder.

    smtp://user:password@host:587?starttls=1   plain SMTP, STARTTLS when asked (port 25 default)
    smtps://user:password@host:465             SMTP over TLS from the first byte (465 default)

The user and password are URL-encoded in the URL (`%40` for an @ in a user name). Without a
URL the embedded default writes each message to `<instance>/outbox/<id>.eml`, which any mail
program opens, so a first install sends nothing anywhere by surprise.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit


class PermanentFailure(Exception):
    """The server refused the message for good (a 5xx answer): retrying cannot help."""


class Mailer(Protocol):
    def send(self, message: EmailMessage, name: str) -> str | None:
        """Send one message; return where it was written (files), or None."""


@dataclass(frozen=True)
class FileMailer:
    """Write each message as an .eml file (the embedded default)."""

    folder: Path

    def send(self, message: EmailMessage, name: str) -> str | None:
        """Write `message` to `<folder>/<name>.eml` atomically; return the file's path."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = self.folder / f"{name}.eml"
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".eml.tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(message.as_bytes())
        os.replace(tmp, target)
        return str(target)


@dataclass(frozen=True)
class SmtpMailer:
    """Send through an SMTP server, with optional STARTTLS or implicit TLS and a login."""

    host: str
    port: int
    implicit_tls: bool = False
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0

    def send(self, message: EmailMessage, name: str) -> str | None:
        """Deliver `message`; a 5xx refusal raises PermanentFailure, anything else retries."""
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.implicit_tls:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with smtp:
            if self.starttls:
                smtp.starttls(context=context)
            if self.user:
                smtp.login(self.user, self.password or "")
            try:
                smtp.send_message(message)
            except smtplib.SMTPRecipientsRefused as exc:
                codes = [code for code, _ in exc.recipients.values()]
                if all(500 <= code < 600 for code in codes):
                    raise PermanentFailure(f"recipient refused: {codes}") from exc
                raise
            except smtplib.SMTPResponseException as exc:
                if 500 <= exc.smtp_code < 600:
                    raise PermanentFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
                raise
        return None


def make_mailer(smtp_url: str | None, outbox_folder: Path) -> Mailer:
    """Return the SMTP sender for `smtp_url`, or the .eml writer when it is unset."""
    if not smtp_url:
        return FileMailer(outbox_folder)
    parts = urlsplit(smtp_url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("RECRUIT_SMTP_URL must look like smtp://host:587 or smtps://host:465")
    query = parse_qs(parts.query)
    implicit = parts.scheme == "smtps"
    return SmtpMailer(
        host=parts.hostname,
        port=parts.port or (465 if implicit else 25),
        implicit_tls=implicit,
        starttls=not implicit and query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )
