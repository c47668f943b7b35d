"""Browser tests: the real app over HTTP, driven by headless Chromium through the UI.

The live server serves the session `app` of tests/conftest.py from a thread, so the browser
and the test share that app's database (a SQLite file, or PostgreSQL with TEST_DATABASE_URL)
and the autouse `app_ctx` fixture still empties it after each test. Every request in the
server thread pushes its own app context and so gets its own SQLAlchemy session; the test's
own context must not keep a transaction open while the browser works (on SQLite, a
transaction begun outside a GET request takes the write lock), so `demo` closes its session
once the data is committed.

The browser comes from pytest-playwright's fixtures (`page`, `--headed`, `--slowmo`,
`--tracing retain-on-failure`, `--screenshot only-on-failure` all work), pointed at the
system Chromium (E2E_CHROMIUM, default /usr/bin/chromium) instead of Playwright's download.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from award_flow.demo import load_demo
from award_flow.extensions import db

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


#: The live server is Werkzeug's development server. When the browser drops a connection while
#: a static file is being sent (a navigation cancels the favicon's request), the file is left
#: to the garbage collector, which closes it during whichever test runs then; `filterwarnings
#: = error` would fail that test. Production serves through gunicorn. Only this warning, for
#: a file under static/, is let through.
_DROPPED_STATIC_FILE = ("ignore:Exception ignored in. <_io\\.\\w+ name='[^']*/static/"
                        ":pytest.PytestUnraisableExceptionWarning")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.filterwarnings(_DROPPED_STATIC_FILE))


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:  # noqa: ANN001
    """The app on 127.0.0.1, a free port, one thread per request; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        # The pooled connections the request threads opened are closed by `app`'s teardown.


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options, on the system Chromium."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: install the Debian packages chromium and "
                    f"chromium-driver (or set E2E_CHROMIUM)", pytrace=False)
    headless = browser_type_launch_args.get("headless", True)
    args = [a for a in CHROMIUM_ARGS if headless or a != "--headless"]
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": args}


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """Relative URLs in `page.goto` go to the live server.

    This also replaces pytest-playwright's own `base_url` fixture, an instance method that
    pytest 9 deprecates (PytestRemovedIn10Warning, an error under -W error).
    """
    return live_server


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }


@pytest.fixture
def demo(app_ctx) -> None:  # noqa: ANN001
    """The Duyên Hải demo (units, one account per role, proposals in every state)."""
    load_demo()
    db.session.commit()
    db.session.close()  # hold no connection or lock while the live server works
