"""Web fixtures: the shared app with CSRF off for form posts (one test keeps it on)."""

from __future__ import annotations

from collections.abc import Iterator

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


@pytest.fixture
def server(web) -> Iterator[str]:
    """Serve the app with the embedded worker (CVs are really read); yield its URL."""
    from recruit.web.app import start_worker
    from tests.browser import live_server

    start_worker(web)
    runner = web.extensions["recruit.runner"]
    runner.idle_sleep = 0.2
    with live_server(web) as url:
        yield url
    runner.stop()


@pytest.fixture
def page(server):
    """A desktop-sized Chromium page; the test fails on script errors or CSP violations."""
    from tests.browser import browser_page

    with browser_page(viewport={"width": 1280, "height": 860}) as (pg, problems):
        yield pg
    assert not problems, f"script errors or CSP violations: {problems}"
