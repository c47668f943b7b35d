"""Benchmark: a unit sends a filled list of nominees (proposals/nominee_list.py).

The officer posts an XLSX list of N nominees to ``POST /proposals/<id>/nominees/list``
through the real view (Flask test client, CSRF off) on a fresh draft each time; every row is
checked as one nominee typed in (namesakes against all rows before it), then all are added
in one transaction. Reported per database and size: the request's wall time (median and
max of the runs) and the peak of Python memory allocated during one more run, traced
(tracemalloc).

Databases: a fresh SQLite file under bench/results/, and a PostgreSQL database created for
the run on the local server (``BENCH_PG_ADMIN_URL``, default the test database's server)
and dropped at the end; PostgreSQL is skipped when unreachable.

Run from the repository root:

    .venv/bin/python bench/bench_nominee_list.py [--sizes 100,1000,2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from award_flow import create_app  # noqa: E402
from award_flow.extensions import db  # noqa: E402
from config import Config  # noqa: E402
from tests.factories import PASSWORD, make_proposal, make_world  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
PG_BENCH_DB = "award_flow_bench_nominee_list"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Thạch", "Kim", "Sơn", "Lâm"]
GIVEN = ["Văn Hùng", "Thị Lan", "Minh Tuấn", "Thị Ánh Tuyết", "Hữu Phúc", "Ngọc Diễm"]


def bench_config(url: str, uploads: str) -> type[Config]:
    class BenchConfig(Config):
        SECRET_KEY = "bench-not-secret"
        SQLALCHEMY_DATABASE_URI = url
        WTF_CSRF_ENABLED = False
        UPLOAD_FOLDER = uploads
        RATELIMIT_ENABLED = False

    return BenchConfig


def filled_list(n: int) -> bytes:
    """A list of n people as a unit would fill it: namesakes told apart by their place."""
    book = Workbook()
    sheet = book.active
    sheet.append(["STT", "Họ và tên", "Giới tính", "Chức vụ", "Đơn vị công tác hoặc địa chỉ",
                  "Nhóm ưu tiên", "Tóm tắt thành tích"])
    for i in range(1, n + 1):
        name = f"{FAMILY[i % len(FAMILY)]} {GIVEN[i % len(GIVEN)]}"
        sheet.append([i, name, "Nữ" if "Thị" in name else "Nam", "Giáo viên",
                      f"Trường Tiểu học số {i}, xã Long Hữu",
                      "Công nhân" if i % 3 == 0 else "", "Hoàn thành xuất sắc nhiệm vụ năm 2025"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def measure(url: str, sizes: list[int], runs: int) -> list[dict]:
    with tempfile.TemporaryDirectory() as uploads:
        app = create_app(bench_config(url, uploads))
        results = []
        with app.app_context():
            upgrade()
            world = make_world()
            db.session.commit()
            client = app.test_client()
            client.post("/login", data={"username": world.officer_a.username,
                                        "password": PASSWORD})
            for n in sizes:
                data = filled_list(n)
                times, peaks = [], []
                # The timed runs, then one more under tracemalloc (which slows Python down)
                # for the peak of memory.
                for traced in [False] * runs + [True]:
                    # The id is read before the commit: reading it after would open a read
                    # transaction that SQLite's writer (the request) waits on.
                    proposal_id = make_proposal(world, award="LDTT", nominees=()).id
                    db.session.commit()
                    if traced:
                        tracemalloc.start()
                    start = time.perf_counter()
                    response = client.post(f"/proposals/{proposal_id}/nominees/list", data={
                        "list-file": (io.BytesIO(data), "danh-sach.xlsx")})
                    elapsed = time.perf_counter() - start
                    if traced:
                        peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
                        tracemalloc.stop()
                    else:
                        times.append(elapsed)
                    if response.status_code != 302 or "refused" in response.headers["Location"]:
                        raise RuntimeError(f"the list of {n} was refused")
                results.append({"n": n, "kib": len(data) / 1024, "median": statistics.median(times),
                                "max": max(times), "peak": max(peaks)})
            db.session.remove()
            db.engine.dispose()
    return results


def pg_database() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
            conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    except psycopg.Error as exc:
        print(f"PostgreSQL skipped: {exc}", file=sys.stderr)
        return None
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    return f"{base}/{PG_BENCH_DB}"


def drop_pg_database() -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,2000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    print(f"Machine: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.2f}\n")
    print("| DB | rows | file (KiB) | request median (s) | max (s) | peak Python memory (MiB) |")
    print("|---|---:|---:|---:|---:|---:|")
    sqlite_file = RESULTS_DIR / "nominee_list.sqlite3"
    sqlite_file.unlink(missing_ok=True)
    targets = [("SQLite", f"sqlite:///{sqlite_file}")]
    pg_url = pg_database()
    if pg_url:
        targets.append(("PostgreSQL", pg_url))
    try:
        for name, url in targets:
            for r in measure(url, sizes, args.runs):
                print(f"| {name} | {r['n']:,} | {r['kib']:.0f} | {r['median']:.2f} | "
                      f"{r['max']:.2f} | {r['peak']:.0f} |")
    finally:
        sqlite_file.unlink(missing_ok=True)
        if pg_url:
            drop_pg_database()


if __name__ == "__main__":
    main()
