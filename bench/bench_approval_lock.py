"""Benchmark: does approving a long decision hold up everyone else's writes?

The chairman approves a proposal with 1,000 recommended nominees through the real button
(``POST /proposals/<id>/actions/approve``); its decision PDF takes seconds to render.  While
that request runs, a secretariat clerk keeps accepting other proposals (one write every
0.2 s).  On SQLite a write transaction locks the whole database, so every clerk's write
waits for the approval's transaction to end.

Two variants, each on a fresh SQLite database under bench/results/:

* ``render in transaction``: the approval renders inside its transaction (the app before
  render-ahead; obtained by disabling ``award_flow.proposals.views._render_ahead``).
* ``render ahead``: the app as is: the decision is rendered before the transaction, which
  then only writes.

Reported: the approval's wall time, the clerk's write latencies while it ran (p50, max) and
the longest time the approval held the write lock (its transaction, BEGIN to COMMIT).

Run from the repository root:

    .venv/bin/python bench/bench_approval_lock.py [--awardees 1000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event  # noqa: E402

from award_flow import create_app  # noqa: E402
from award_flow.documents.render import prepare_fonts  # noqa: E402
from award_flow.extensions import db  # noqa: E402
from award_flow.proposals import views as proposal_views  # noqa: E402
from award_flow.proposals.models import Gender, PriorityGroup, ProposalState  # noqa: E402
from config import Config  # noqa: E402
from tests.factories import PASSWORD, make_proposal, make_world  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
CLERK_PAUSE_S = 0.2


def bench_config(url: str, uploads: str) -> type[Config]:
    class BenchConfig(Config):
        SECRET_KEY = "bench-not-secret"
        SQLALCHEMY_DATABASE_URI = url
        WTF_CSRF_ENABLED = False  # plain POSTs; CSRF is not what is measured
        UPLOAD_FOLDER = uploads
        RATELIMIT_ENABLED = False

    return BenchConfig


def nominees(n: int) -> list[tuple]:
    places = ["Ấp Cây Da, xã Long Hữu", "Ấp Giồng Giếng, xã Hiệp Thạnh", "Khóm 1, phường 1"]
    return [(f"Nguyễn Văn Nông Dân Thứ {i}", "Nông dân sản xuất giỏi", places[i % 3],
             Gender.MALE, PriorityGroup.FARMER) for i in range(1, n + 1)]


def signed_in(app, username: str):  # noqa: ANN001, ANN201
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"login as {username} failed: {response.status_code}")
    return client


def run_variant(name: str, awardees: int, render_ahead: bool) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="approval-lock-", dir=RESULTS_DIR))
    app = create_app(bench_config(f"sqlite:///{workdir / 'bench.sqlite3'}",
                                  str(workdir / "uploads")))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        world = make_world()
        big = make_proposal(world, state=ProposalState.AWAITING_DECISION,
                            nominees=nominees(awardees), title="Đề nghị khen thưởng nông dân")
        waiting = [make_proposal(world, state=ProposalState.SUBMITTED, unit="b",
                                 title=f"Tờ trình {i}") for i in range(200)]
        db.session.commit()
        big_id, big_version = big.id, big.version
        queue = [(p.id, p.version) for p in waiting]
        chairman, clerk = world.chairman.username, world.secretariat.username
        db.session.remove()

    # How long each write transaction of the approval's thread lasted (BEGIN → end).
    held: list[float] = []
    approval_thread: list[threading.Thread] = []
    engine = None
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # noqa: ANN001
        if threading.current_thread() in approval_thread:
            conn.info["began"] = time.perf_counter()

    def _end(conn) -> None:  # noqa: ANN001
        began = conn.info.pop("began", None)
        if began is not None:
            held.append(time.perf_counter() - began)

    event.listen(engine, "commit", _end)
    event.listen(engine, "rollback", _end)

    original = proposal_views._render_ahead
    if not render_ahead:
        proposal_views._render_ahead = lambda *_args: None
    approver, writer = signed_in(app, chairman), signed_in(app, clerk)
    result: dict = {}
    done = threading.Event()

    def approve() -> None:
        started = time.perf_counter()
        response = approver.post(f"/proposals/{big_id}/actions/approve",
                                 data={"version": big_version, "comment": ""})
        result["approval_s"] = time.perf_counter() - started
        result["status"] = response.status_code
        done.set()

    latencies: list[float] = []
    thread = threading.Thread(target=approve)
    approval_thread.append(thread)
    try:
        thread.start()
        time.sleep(0.5)  # the approval is under way (rendering, or holding the lock)
        while not done.is_set() and queue:
            proposal_id, version = queue.pop(0)
            started = time.perf_counter()
            response = writer.post(f"/proposals/{proposal_id}/actions/accept",
                                   data={"version": version})
            latencies.append(time.perf_counter() - started)
            if response.status_code != 302:
                raise RuntimeError(f"accept failed: {response.status_code}")
            time.sleep(CLERK_PAUSE_S)
        thread.join()
    finally:
        proposal_views._render_ahead = original
        event.remove(engine, "begin", _begin)
        event.remove(engine, "commit", _end)
        event.remove(engine, "rollback", _end)
        engine.dispose()
        shutil.rmtree(workdir, ignore_errors=True)
    if result.get("status") != 302:
        raise RuntimeError(f"approval failed: {result}")
    return {
        "variant": name,
        "approval_s": result["approval_s"],
        "lock_s": max(held) if held else 0.0,
        "writes": len(latencies),
        "write_p50_s": statistics.median(latencies) if latencies else float("nan"),
        "write_max_s": max(latencies) if latencies else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--awardees", type=int, default=1000)
    args = parser.parse_args()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    prepare_fonts()
    rows = [run_variant("render in transaction (before)", args.awardees, render_ahead=False),
            run_variant("render ahead (now)", args.awardees, render_ahead=True)]
    print(f"SQLite, {args.awardees} awardees, {os.cpu_count()} CPUs, "
          f"load average after {os.getloadavg()[0]:.2f}\n")
    print("| variant | approval (s) | write lock held (s) | clerk's writes meanwhile "
          "| clerk's write p50 (ms) | clerk's write max (ms) |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['variant']} | {r['approval_s']:.2f} | {r['lock_s']:.2f} | {r['writes']} "
              f"| {r['write_p50_s'] * 1000:.0f} | {r['write_max_s'] * 1000:.0f} |")


if __name__ == "__main__":
    main()
