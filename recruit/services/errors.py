"""Errors raised by the use cases."""

from __future__ import annotations


class ServiceError(ValueError):
    """A request that cannot be carried out, with a message for the person who made it."""
