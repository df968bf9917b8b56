"""Browser-test plumbing shared by the suites: a live server and Debian's Chromium."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
# The flags this machine needs: no sandbox as root, no GPU, no calls to outside hosts.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

marks = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@contextmanager
def live_server(app: Flask) -> Iterator[str]:
    """Serve `app` with CSRF on, as in production, on a free port of 127.0.0.1; yield its URL."""
    app.config["WTF_CSRF_ENABLED"] = True
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(5)


@contextmanager
def browser_page(**context_options: Any) -> Iterator[tuple[Any, list[str]]]:
    """Yield a Playwright page and the list its uncaught script errors and CSP reports go to."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-GB", accept_downloads=True, **context_options)
        context.set_default_timeout(15_000)
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.on(
            "console",
            lambda msg: (
                problems.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )
        try:
            yield page, problems
        finally:
            context.close()
            browser.close()


def shot(pg: Any, name: str, full_page: bool = True) -> None:
    """Save a screenshot of the page to $RECRUIT_SCREENSHOTS (for the README), when set."""
    folder = os.environ.get("RECRUIT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)
