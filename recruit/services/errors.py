"""Errors raised by the use cases."""

from __future__ import annotations

from typing import Any


def _l(text: str) -> str:
    """Mark `text` for translation; the web says it in the reader's language."""
    return text


class ServiceError(ValueError):
    """A request that cannot be carried out, with a message for the person who made it.

    The message is an English msgid with %(name)s placeholders filled from `params`: `str()`
    gives the English (logs, the CLI, the API); the web translates `msgid` and fills it.
    """

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(msgid % params if params else msgid)
