"""Web fixtures: the shared app with CSRF off for form posts (one test keeps it on)."""

from __future__ import annotations

import pytest

from recruit.services import requirements


@pytest.fixture
def web(app):
    """The app with CSRF checks off, so tests post forms directly."""
    app.config["WTF_CSRF_ENABLED"] = False
    requirements.clear_cache()
    return app


@pytest.fixture
def wclient(web):
    return web.test_client()
