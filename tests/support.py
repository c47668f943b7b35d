"""What several test modules need that is neither a factory nor a web helper: running
operations at the same moment in threads, one held open while another starts, and importing
config.py under an environment."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from award_flow import PROJECT_ROOT
from award_flow.core.errors import DomainError
from award_flow.extensions import db


class HeldTransaction(threading.Thread):
    """`job` in its own thread, app context and transaction, committed once `release` is set
    (at once without one); `ready` is set when the job has run, before the commit, so that a
    test can start a second one while the first holds what it wrote. `outcome`: "ok", or the
    exception that rolled it back (its message, field and cause for the test to read)."""

    def __init__(self, app, job: Callable[[], object],  # noqa: ANN001
                 release: threading.Event | None = None) -> None:
        super().__init__(daemon=True)
        self.app, self.job, self.release = app, job, release
        self.ready = threading.Event()
        self.outcome: str | Exception | None = None

    def run(self) -> None:
        with self.app.app_context():
            try:
                self.job()
                self.ready.set()
                if self.release is not None:
                    self.release.wait(30)
                db.session.commit()
                self.outcome = "ok"
            except Exception as error:  # noqa: BLE001 - reported to the test
                db.session.rollback()
                self.outcome = error
            finally:
                self.ready.set()
                db.session.remove()


def second_waits_for_first(app, first_job: Callable[[], object],  # noqa: ANN001
                           second_job: Callable[[], object], waited: str,
                           ) -> tuple[HeldTransaction, HeldTransaction]:
    """`first_job` run and its transaction held open; `second_job` started meanwhile, and
    checked still waiting a second later (else the test fails saying `waited`); then the first
    committed and both ended. The two threads, for the test to read their outcomes.

    The caller commits first and holds no transaction (on SQLite, no lock) meanwhile."""
    release = threading.Event()
    first = HeldTransaction(app, first_job, release)
    first.start()
    assert first.ready.wait(60) and first.outcome is None, first.outcome
    second = HeldTransaction(app, second_job)
    second.start()
    second.join(1.0)
    assert second.is_alive(), waited
    release.set()
    first.join(60)
    second.join(60)
    return first, second


def run_at_once(app, jobs: list[Callable[[], object]], *,  # noqa: ANN001
                timeout: float = 120) -> list[tuple[str, object]]:
    """Run each job in its own thread and app context, all starting together (a barrier,
    before any transaction), each committing its own work. Results, in the order they end:
    ("ok", what the job returned), ("refused", the DomainError's message) or ("error", repr).

    The caller commits first and holds no transaction (on SQLite, no lock) meanwhile."""
    barrier, results = threading.Barrier(len(jobs)), []

    def run(job: Callable[[], object]) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                value = job()
                db.session.commit()
                results.append(("ok", value))
            except DomainError as error:
                db.session.rollback()
                results.append(("refused", error.message))
            except Exception as error:  # noqa: BLE001 - reported to the test
                db.session.rollback()
                results.append(("error", repr(error)))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results


def fresh_config_module(monkeypatch, **env: str | None) -> ModuleType:  # noqa: ANN001
    """config.py imported again under this environment (class attributes read it at import);
    a value of None removes the variable."""
    for key, value in env.items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    spec = importlib.util.spec_from_file_location("config_under_test",
                                                  Path(PROJECT_ROOT) / "config.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
