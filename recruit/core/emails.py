"""E-mails to candidates: the shipped wording, a placeholder language, and the message itself.

Recruiters edit some of the wording per opening, so a template is data, never code: `{name}`
is replaced by a known placeholder's value and every other character is text. No Jinja, no
attribute access, no format specs: a template can say nothing but what it is given.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from functools import cache
from typing import Any

from recruit.core.assets import models_path

KINDS = ("received", "status", "invitation", "rejection", "link")
# The kinds a recruiter may reword per opening; the others are the system's own.
EDITABLE_KINDS = ("invitation", "rejection")
LANGUAGES = ("ro", "en")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
MAX_SUBJECT = 300
MAX_BODY = 20_000


@dataclass(frozen=True)
class Template:
    subject: str
    body: str


class TemplateError(ValueError):
    """A template uses a placeholder its kind does not have, or is empty or too long.

    An English msgid with its params, as ServiceError: the web translates `msgid`.
    """

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(msgid % params if params else msgid)


def _l(text: str) -> str:
    """Mark `text` for translation; the web says it in the reader's language."""
    return text


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(models_path("emails", "templates.json").read_text("utf-8"))
    return data


def default_template(kind: str, language: str) -> Template:
    """Return the shipped wording of one kind of e-mail in one language."""
    entry = _data()[kind][language if language in LANGUAGES else "en"]
    return Template(entry["subject"], entry["body"])


def placeholders(kind: str) -> tuple[str, ...]:
    """Return the placeholders a template of this kind may use."""
    return tuple(_data()[kind]["placeholders"])


def status_label(status: str, language: str) -> str:
    """Return an application status as the candidate reads it, in their language."""
    labels: dict[str, str] = _data()["statuses"][language if language in LANGUAGES else "en"]
    return labels.get(status, status)


def check_template(kind: str, subject: str, body: str) -> None:
    """Raise TemplateError unless the template is non-empty and uses only its placeholders."""
    if not subject.strip() or not body.strip():
        raise TemplateError(_l("a template needs a subject and a text"))
    if len(subject) > MAX_SUBJECT or len(body) > MAX_BODY:
        raise TemplateError(
            _l("at most %(subject)s characters of subject, %(body)s of text"),
            subject=MAX_SUBJECT,
            body=f"{MAX_BODY:,}",
        )
    allowed = set(placeholders(kind))
    unknown = sorted({m.group(1) for m in _PLACEHOLDER.finditer(subject + body)} - allowed)
    if unknown:
        names = ", ".join("{" + n + "}" for n in unknown)
        raise TemplateError(
            _l("unknown placeholder(s) %(names)s; use %(known)s"),
            names=names,
            known=", ".join("{" + n + "}" for n in placeholders(kind)),
        )


def fill(text: str, values: dict[str, str]) -> str:
    """Replace each known `{name}` by its value; anything else stays as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def render(template: Template, values: dict[str, str]) -> Template:
    """Fill a template; the subject becomes one line (a header cannot hold a line break)."""
    subject = " ".join(fill(template.subject, values).split())[:MAX_SUBJECT]
    return Template(subject, fill(template.body, values))


def new_message_id(domain: str) -> str:
    """Return a fresh Message-ID for a message sent from `domain`."""
    return make_msgid(domain=domain or "localhost")


def build_message(
    *,
    sender: str,
    to: str,
    subject: str,
    body: str,
    message_id: str,
    language: str,
    date: Any,
) -> EmailMessage:
    """Return a plain-text UTF-8 e-mail, ready for SMTP or an .eml file."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr(("", to)) if "<" not in to else to
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    # Automatic replies (vacation notices) should not answer a system message.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body, charset="utf-8")
    message["Content-Language"] = language  # after set_content, which clears Content-* headers
    return message
