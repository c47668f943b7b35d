"""The benchmarks still run against the app as it is (a change of the models or the pages
must not leave bench/ behind until the next measurement): each on a few rows, on SQLite,
without touching docs/benchmarks.md. What they measure is in docs/benchmarks.md, not here."""

from __future__ import annotations

import subprocess
import sys

import pytest

from award_flow import PROJECT_ROOT

#: script and arguments for a run of a few seconds
BENCHMARKS = [
    ("bench_queue.py", ["--db", "sqlite", "--sizes", "100", "--requests", "3", "--warmup", "1",
                        "--no-docs"]),
    ("bench_approval_lock.py", ["--awardees", "5"]),
]


@pytest.mark.slow
@pytest.mark.parametrize(("script", "arguments"), BENCHMARKS)
def test_the_benchmark_runs_on_a_few_rows(script, arguments):
    docs = (PROJECT_ROOT / "docs" / "benchmarks.md").read_bytes()
    run = subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / script), *arguments],
                         cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
                         check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "| SQLite |" in run.stdout or "SQLite" in run.stdout
    assert (PROJECT_ROOT / "docs" / "benchmarks.md").read_bytes() == docs
