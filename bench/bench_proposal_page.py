"""Benchmark: a proposal's page with many nominees, as each desk opens it.

A unit's list of nominees can run to a thousand or two (a large agency's "Lao động tiên tiến"),
and the proposal's page lists them all: the officer's draft (each row with its edit and
remove buttons), the chairman's page awaiting a decision (with the approval's preview, which
reckons every awardee's bonus) and the committee's conclusion page (a choice per nominee).
Each is requested through the real view (Flask test client, signed in), a few untimed
requests first; reported: the median and the slowest of the timed requests, the page's size,
and its size gzip-compressed (what a proxy that compresses sends).

SQLite only (the page sends the same handful of statements on either database: its time is
the template's). Run from the repository root:

    .venv/bin/python bench/bench_proposal_page.py [--sizes 100,1000,2000] [--requests 15]
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from award_flow import create_app  # noqa: E402
from award_flow.extensions import db  # noqa: E402
from award_flow.proposals.models import Gender, PriorityGroup, ProposalState  # noqa: E402
from bench.bench_nominee_list import FAMILY, GIVEN, bench_config  # noqa: E402
from tests.factories import make_proposal, make_world  # noqa: E402
from tests.web_helpers import client_as  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
#: (page, the proposal's state, who opens it, the path after /proposals/<id>)
PAGES = [
    ("draft, the officer's", ProposalState.DRAFT, "officer_a", ""),
    ("awaiting decision, the chairman's", ProposalState.AWAITING_DECISION, "chairman", ""),
    ("conclusion, the committee's", ProposalState.IN_COMMITTEE, "committee", "/conclude"),
]


def nominees(n: int) -> list[tuple]:
    """n people, a third of them workers (a priority group)."""
    return [(f"{FAMILY[i % len(FAMILY)]} {GIVEN[i % len(GIVEN)]} {i}", "Công nhân",
             f"Tổ sản xuất số {i % 40}, xã Long Hữu",
             Gender.FEMALE if "Thị" in GIVEN[i % len(GIVEN)] else Gender.MALE,
             PriorityGroup.WORKER if i % 3 == 0 else PriorityGroup.NONE) for i in range(n)]


def measure(sizes: list[int], requests: int) -> list[dict]:
    sqlite_file = RESULTS_DIR / "proposal_page.sqlite3"
    sqlite_file.unlink(missing_ok=True)
    results = []
    with tempfile.TemporaryDirectory() as uploads:
        app = create_app(bench_config(f"sqlite:///{sqlite_file}", uploads))
        # The pages as served: with their forms' CSRF tokens (the bench config turns it off).
        app.config["WTF_CSRF_ENABLED"] = True
        with app.app_context():
            upgrade()
            world = make_world()
            db.session.commit()
            for n in sizes:
                people = nominees(n)
                for page, state, who, tail in PAGES:
                    proposal_id = make_proposal(world, nominees=people, state=state).id
                    db.session.commit()
                    # A browser of its own (the bench holds one app context, which would
                    # otherwise hand it the user and token of the one before).
                    client = client_as(app, getattr(world, who))
                    path = f"/proposals/{proposal_id}{tail}"
                    times = []
                    for timed in [False] * 3 + [True] * requests:
                        start = time.perf_counter()
                        response = client.get(path)
                        if timed:
                            times.append(time.perf_counter() - start)
                        if response.status_code != 200:
                            raise RuntimeError(f"{path}: {response.status_code}")
                    body = response.data
                    results.append({"n": n, "page": page, "median": statistics.median(times),
                                    "max": max(times), "kib": len(body) / 1024,
                                    "gzip_kib": len(gzip.compress(body)) / 1024})
            db.session.remove()
            db.engine.dispose()
    sqlite_file.unlink(missing_ok=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,2000")
    parser.add_argument("--requests", type=int, default=15)
    args = parser.parse_args()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    print(f"Machine: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.2f}\n")
    print("| nominees | page | median (ms) | max (ms) | HTML (KiB) | gzip (KiB) |")
    print("|---:|---|---:|---:|---:|---:|")
    for r in measure([int(s) for s in args.sizes.split(",")], args.requests):
        print(f"| {r['n']:,} | {r['page']} | {r['median'] * 1000:.0f} | {r['max'] * 1000:.0f} | "
              f"{r['kib']:.0f} | {r['gzip_kib']:.0f} |")
    print(f"\nLoad average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
