"""Benchmark: decision PDF with a 1,000-awardee annex (time and peak memory).

Run from the repository root:

    .venv/bin/python bench/bench_decision_pdf.py [--runs 3] [--awardees 1000]

Every measured render runs in a fresh subprocess, so that its peak RSS (``ru_maxrss`` of
the child itself) is not inflated by earlier runs and the import cost is excluded from the
render time (it is reported separately).  The child reports wall time and CPU time
(user + sys) of the render only; CPU time is less sensitive to other load on the machine.

Variants:
* ``production``: ``render_decision_pdf`` as used by the app (fixed table layout, set column
  widths, collapsed 0.5pt borders, static font instances).
* ``naive table``: the same HTML with the annex table stripped of its classes and column
  widths, so it gets WeasyPrint's default table styles (automatic layout, separate borders)
  plus a 1px border on cells; otherwise identical (fonts, page set-up).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from award_flow.documents.render import (  # noqa: E402
    DecisionAwardee,
    DecisionDocument,
)

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Thạch", "Kim", "Sơn", "Trương", "Lâm"]
MIDDLE_M = ["Văn", "Minh", "Quốc", "Thanh", "Hoàng", "Hữu", "Đức", "Công", "Tấn", ""]
MIDDLE_F = ["Thị", "Ngọc", "Thị Ánh", "Thị Kim", "Thanh", "Mỹ", "Thị Bích", "Hồng"]
GIVEN_M = ["Hùng", "Dũng", "Phúc", "Khánh", "Tuấn", "Hải", "Sang", "Thành", "Sà Rết",
           "Sô Phanh", "Nghĩa", "Lộc", "Trọng", "Thắng", "Vũ"]
GIVEN_F = ["Tuyết", "Lan", "Hương", "Thảo", "Sương", "Vy", "Diễm", "Ngân", "Phượng",
           "Thúy", "Nguyệt", "Loan", "Chăm Rên", "Hằng", "Yến"]
PLACES = ["phường 1", "phường 2", "phường Trường Long Hòa", "xã Long Hữu", "xã Hiệp Thạnh",
          "xã Long Toàn", "xã Dân Thành", "xã Trường Long Hòa"]
UNITS = ["Trường Tiểu học Long Toàn A", "Trường Trung học cơ sở Trường Long Hòa",
         "Trường Mẫu giáo Hoa Sen", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân thị xã",
         "Phòng Nội vụ thị xã", "Trạm Y tế", "Công an", "Ban Chỉ huy Quân sự"]
POSITIONS = ["Giáo viên", "Hiệu trưởng", "Chuyên viên", "Công chức Văn phòng - Thống kê",
             "Bí thư Chi đoàn", "Trưởng ấp", "Y sĩ", "Phó Chủ tịch Hội Nông dân"]
COLLECTIVES = ["Trường Tiểu học {p}", "Hội Liên hiệp Phụ nữ {p}", "Đoàn Thanh niên {p}",
               "Ban Chỉ huy Quân sự {p}", "Trạm Y tế {p}", "Hội Nông dân {p}",
               "Ban Nhân dân ấp Giồng Giếng, {p}", "Hội Cựu chiến binh {p}"]


def make_document(n: int, seed: int = 2026) -> DecisionDocument:
    """A decision with ``n`` awardees: ~10% collectives, ~5% households, the rest people."""
    rnd = random.Random(seed)
    n_coll, n_house = max(1, n // 10), max(1, n // 20)
    awardees: list[DecisionAwardee] = []
    for _ in range(n_coll):
        place = rnd.choice(PLACES)
        awardees.append(DecisionAwardee(
            rnd.choice(COLLECTIVES).format(p=place), f"{place.capitalize()}, thị xã Duyên Hải",
            "Giấy khen", 1_755_000, "collective"))
    for _ in range(n_house):
        given = rnd.choice(GIVEN_M)
        awardees.append(DecisionAwardee(
            f"Hộ ông {rnd.choice(FAMILY)} {rnd.choice(MIDDLE_M)} {given}".replace("  ", " "),
            f"Ấp Giồng Giếng, {rnd.choice(PLACES)}", "Giấy khen", 500_000, "household"))
    for _ in range(n - n_coll - n_house):
        if rnd.random() < 0.5:
            name = f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE_F)} {rnd.choice(GIVEN_F)}"
        else:
            name = f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE_M)} {rnd.choice(GIVEN_M)}"
        description = f"{rnd.choice(POSITIONS)} {rnd.choice(UNITS)}, {rnd.choice(PLACES)}"
        awardees.append(DecisionAwardee(
            re.sub(r"\s+", " ", name), description, "Giấy khen", 877_500, "individual"))
    return DecisionDocument(
        parent_body="Ủy ban nhân dân tỉnh Trà Vinh",
        issuing_body="Ủy ban nhân dân thị xã Duyên Hải",
        place_name="Duyên Hải",
        number=5,
        symbol="QĐ-UBND",
        issued_on=date(2026, 1, 5),
        subject="Về việc khen thưởng thành tích xuất sắc trong phong trào thi đua yêu nước "
                "năm 2025",
        award_form="Giấy khen của Chủ tịch Ủy ban nhân dân thị xã",
        achievement="thành tích xuất sắc trong phong trào thi đua yêu nước năm 2025",
        legal_bases=(
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025",
            "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
            "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết một số điều "
            "của Luật Thi đua, khen thưởng",
        ),
        proposer="Theo đề nghị của Trưởng phòng Nội vụ thị xã",
        fund="Quỹ Thi đua, khen thưởng thị xã năm 2026",
        executors=("Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân thị xã",
                   "Trưởng phòng Nội vụ",
                   "Thủ trưởng các cơ quan, đơn vị có liên quan và các tập thể, cá nhân có "
                   "tên tại Điều 1"),
        recipients=("Như Điều 3", "Thường trực Thị ủy", "CT, các PCT UBND thị xã",
                    "Lưu: VT, NV"),
        signer_name="Lê Văn Hẳn",
        signer_is_vice=True,
        awardees=tuple(awardees),
    )


def naive_html(html: str) -> str:
    """The decision HTML with the annex as a plain table (default WeasyPrint table styles)."""
    html, found = re.subn(r'<table class="awardees[^"]*">\s*<colgroup>.*?</colgroup>',
                          '<table class="naive">', html, count=1, flags=re.S)
    if not found:
        raise RuntimeError("annex table not found: update naive_html() to the template")
    style = "<style>table.naive td, table.naive th { border: 1px solid black }</style>"
    return html.replace("</head>", style + "</head>", 1)


# ------------------------------------------------------------------------- child process


def child(variant: str, n: int) -> None:
    """Render once and print a JSON line with the measurements."""
    import resource

    from award_flow.documents import render as R

    doc = make_document(n)
    static_dir = R.prepare_fonts()  # already built by the parent: just a lookup
    ready_at = time.time()  # epoch: the parent subtracts its launch time (start-up cost)

    wall0, cpu0 = time.perf_counter(), time.process_time()
    if variant == "production":
        pdf = R.render_decision_pdf(doc)
    else:
        # The same call as production's (render lock, collector paused, own stack chunk).
        pdf = R._pdf_from_html(naive_html(R._render_html(doc, static_dir)), static_dir)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(json.dumps({"wall": wall, "cpu": cpu, "rss_mib": rss_kib / 1024,
                      "ready_at": ready_at, "pages": pages, "bytes": len(pdf)}))


# ------------------------------------------------------------------------- parent


def run_child(variant: str, n: int) -> dict:
    launched = time.time()
    out = subprocess.run(
        [sys.executable, __file__, "--child", variant, "--awardees", str(n)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    # Interpreter start, imports and building the document, before the render starts.
    result["startup"] = result.pop("ready_at") - launched
    return result


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{os.cpu_count()} CPUs ({cpu}), {mem} RAM, Python {platform.python_version()}, "
            f"load average {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--awardees", type=int, default=1000)
    parser.add_argument("--child", choices=["production", "naive"])
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.awardees)
        return

    from award_flow.documents import render as R

    cache_existed = R.font_cache_dir().is_dir()
    t = time.perf_counter()
    R.prepare_fonts()
    font_s = time.perf_counter() - t
    print(f"Machine: {machine()}")
    print(f"Font cache: {'present' if cache_existed else f'built in {font_s:.1f} s (once)'}"
          f" at {R.font_cache_dir()}\n")

    cases = [("production", 20), ("production", args.awardees)]
    if not args.skip_naive:
        cases.append(("naive", args.awardees))
    rows = []
    for variant, n in cases:
        results = [run_child(variant, n) for _ in range(args.runs)]
        rows.append((variant, n, results))
        print(f"  {variant} {n}: " + ", ".join(f"{r['wall']:.2f}s" for r in results),
              flush=True)

    print()
    print("| variant | awardees | pages | wall median (s) | CPU median (s) | peak RSS (MiB) "
          "| start-up (s) | PDF (KiB) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    medians = {}
    for variant, n, results in rows:
        wall = statistics.median(r["wall"] for r in results)
        cpu = statistics.median(r["cpu"] for r in results)
        medians[(variant, n)] = (wall, cpu)
        print(f"| {variant} | {n} | {results[0]['pages']} | {wall:.2f} | {cpu:.2f} | "
              f"{max(r['rss_mib'] for r in results):.0f} | "
              f"{statistics.median(r['startup'] for r in results):.2f} | "
              f"{results[0]['bytes'] / 1024:.0f} |")
    if ("naive", args.awardees) in medians:
        key_n, key_p = ("naive", args.awardees), ("production", args.awardees)
        print(f"\nnaive / production ratio at {args.awardees} awardees: "
              f"wall {medians[key_n][0] / medians[key_p][0]:.2f}x, "
              f"CPU {medians[key_n][1] / medians[key_p][1]:.2f}x")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
