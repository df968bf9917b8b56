"""recruit: CV screening for account-manager roles."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def create_app(test_config: dict[str, Any] | None = None) -> Any:
    """Build the Flask application (imported lazily so the pure core never loads Flask)."""
    from recruit.web.app import create_app as _create_app

    return _create_app(test_config)
