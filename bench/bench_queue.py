#!/usr/bin/env python
"""Benchmark of the approval queue page (`GET /work` for the chairman).

    python bench/bench_queue.py [--db sqlite|postgresql|both] [--sizes 1000,10000,100000]

For each database and size it builds a fresh schema with the app's migrations, bulk-loads a
realistic data set (N proposals, 10 nominees each), then measures, in-process with the Flask
test client and signed in as the chairman:

* the queue page (page 1), a deep page (page 50, or the last page when the queue is shorter),
  the priority filter (`?priority=1`) and a name search (`?q=nguyen van`): p50/p95 server time;
* the "bare query" of each: the exact item SELECT (LIMIT/OFFSET) and COUNT the page sent,
  captured from the page itself and replayed on a raw DBAPI connection: p50/p95;
* the ratio page / bare.

`--experiments` also measures candidate fixes (an extra index, other query shapes) in the
bench database, before and after, without touching the app. Results are printed as Markdown
and written into docs/benchmarks.md (section "1. Approval queue page" and "Machine"; the rest
of that file is left alone).

SQLite files live under bench/results/ (gitignored). PostgreSQL uses its own schema
(`bench_queue`) in the database of BENCH_PG_URL (default: the local test database), dropped
at the end, so the shared `public` schema is never touched.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import warnings  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)

from sqlalchemy import event, select, text  # noqa: E402

from award_flow import create_app  # noqa: E402
from award_flow.auth.models import User  # noqa: E402
from award_flow.auth.passwords import hash_password  # noqa: E402
from award_flow.auth.roles import Role  # noqa: E402
from award_flow.campaigns.models import Campaign, CampaignKind, Phase  # noqa: E402
from award_flow.catalogue.defaults import install_defaults  # noqa: E402
from award_flow.catalogue.models import AwardType, NomineeKind  # noqa: E402
from award_flow.core.text import fold  # noqa: E402
from award_flow.extensions import db  # noqa: E402
from award_flow.org.models import Authority, AuthorityLevel, Unit, UnitKind  # noqa: E402
from award_flow.proposals.models import ProposalState  # noqa: E402
from award_flow.proposals.workflow import QUEUE_KEY_BY_STATE  # noqa: E402
from config import Config  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
DOCS_FILE = ROOT / "docs" / "benchmarks.md"
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_SCHEMA = "bench_queue"
PASSWORD = "bench-password-2026"
NOMINEES_PER_PROPOSAL = 10
TARGET_P95_MS = 50.0
TARGET_RATIO = 1.5
SEED = 20261126
#: A timing loop stops at --requests samples, or after --budget seconds with at least this many.
MIN_SAMPLES = 20

# --------------------------------------------------------------------------------------
# Data set
# --------------------------------------------------------------------------------------

#: A system in use for five years: most proposals are closed, a few % wait on each desk.
STATE_MIX: tuple[tuple[str, float], ...] = (
    ("decided", 0.60),
    ("rejected", 0.06),
    ("withdrawn", 0.05),
    ("returned", 0.03),
    ("draft", 0.04),
    ("submitted", 0.05),
    ("under_review", 0.06),
    ("in_committee", 0.07),
    ("awaiting_decision", 0.04),
)
TERMINAL = {"decided", "rejected", "withdrawn"}
CONCLUDED = {"awaiting_decision", "decided", "rejected"}

#: code, share of proposals
AWARD_MIX: tuple[tuple[str, float], ...] = (
    ("GK_CN", 0.42), ("LDTT", 0.20), ("CSTDCS", 0.08), ("GK_TT", 0.08), ("TTLDTT", 0.06),
    ("GK_HGD", 0.05), ("BK_TINH_CN", 0.04), ("TDPVH", 0.02), ("BK_TINH_TT", 0.02),
    ("TTLDXS", 0.02), ("CSTD_TINH", 0.01),
)

UNITS: tuple[tuple[str, UnitKind], ...] = (
    ("Phường 1", UnitKind.WARD), ("Phường 2", UnitKind.WARD),
    ("Xã Long Toàn", UnitKind.COMMUNE), ("Xã Long Hữu", UnitKind.COMMUNE),
    ("Xã Hiệp Thạnh", UnitKind.COMMUNE), ("Xã Dân Thành", UnitKind.COMMUNE),
    ("Xã Trường Long Hòa", UnitKind.COMMUNE),
    ("Cơ quan Tổ chức - Nội vụ thị xã", UnitKind.AGENCY),
    ("Văn phòng Hội đồng nhân dân và Ủy ban nhân dân thị xã", UnitKind.AGENCY),
    ("Phòng Văn hóa và Thông tin thị xã", UnitKind.AGENCY),
    ("Trung tâm Văn hóa - Thông tin và Thể thao thị xã", UnitKind.AGENCY),
    ("Văn phòng Thị ủy", UnitKind.AGENCY), ("Ban Dân vận Thị ủy", UnitKind.AGENCY),
    ("Ban Tuyên giáo Thị ủy", UnitKind.AGENCY),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam thị xã", UnitKind.ORGANISATION),
)
HOME_AFFAIRS = UNITS[7][0]
OFFICE = UNITS[8][0]

SURNAMES = (("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Huỳnh", 4), ("Hoàng", 2),
            ("Phan", 4), ("Võ", 4), ("Vũ", 1), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 1), ("Hồ", 2),
            ("Ngô", 1), ("Dương", 1), ("Lý", 1), ("Thạch", 4), ("Kim", 2), ("Sơn", 2),
            ("Lâm", 2), ("Triệu", 1), ("Châu", 1))
MALE_MIDDLE = (("Văn", 55), ("Minh", 8), ("Hoàng", 4), ("Quốc", 6), ("Thanh", 6), ("Hữu", 7),
               ("Công", 5), ("Đức", 5), ("Ngọc", 3), ("Tấn", 3))
FEMALE_MIDDLE = (("Thị", 60), ("Ngọc", 10), ("Thanh", 7), ("Mỹ", 6), ("Bích", 5), ("Kim", 5),
                 ("Thu", 5), ("Hồng", 2))
MALE_GIVEN = ("Út", "Hùng", "Dũng", "Tuấn", "Nam", "Phúc", "Khánh", "Đức", "Long", "Sơn",
              "Hải", "Bình", "Cường", "Thắng", "Tài", "Lộc", "Nghĩa", "Trí", "Hiếu", "Quang",
              "Toàn", "Thành", "Tú", "Vinh", "Hòa", "Sang", "Rây", "Sóc", "Pho", "Chanh")
FEMALE_GIVEN = ("Lan", "Linh", "Ngọc", "Hân", "Thảo", "Ánh", "Mai", "Hương", "Trang", "Nhung",
                "Yến", "Hoa", "Phương", "Thủy", "Hạnh", "Diễm", "Tuyết", "Vân", "Nga", "Loan",
                "Sa Rây", "Sô Phia", "Thươl", "Bô Pha")
HAMLETS = ("Cây Da", "Bào Sen", "Mù U", "Giồng Ổi", "Cái Già", "Chợ", "Khoán Tiều", "Bến Chùa",
           "Cồn Trứng", "Nhà Mát", "Long Điền", "Phước Trị", "Láng Cháo", "Động Cao")
PRIORITY_POSITIONS = {
    "farmer": ("Nông dân", "Nông dân nuôi tôm", "Nông dân trồng màu"),
    "worker": ("Công nhân", "Công nhân chế biến thủy sản", "Công nhân điện lực"),
    "soldier": ("Chiến sĩ dân quân thường trực", "Chiến sĩ công an xã", "Tổ viên tổ bảo vệ"),
    "direct_worker": ("Y sĩ trạm y tế", "Giáo viên tiểu học", "Nhân viên vệ sinh môi trường"),
}
OTHER_POSITIONS = ("Công chức Văn phòng - Thống kê", "Phó Chủ tịch", "Chuyên viên",
                   "Công chức Tư pháp - Hộ tịch", "Kế toán", "Trưởng phòng", "Phó Trưởng ban",
                   "Công chức Địa chính - Xây dựng", "Bí thư Chi đoàn", "Chủ tịch Hội Nông dân")
SUMMARIES = (
    "Hoàn thành xuất sắc nhiệm vụ được giao; tích cực tham gia phong trào thi đua của địa "
    "phương, là tấm gương tiêu biểu trong lao động sản xuất.",
    "Có nhiều đóng góp trong phong trào xây dựng nông thôn mới, hiến đất làm đường giao thông "
    "nông thôn và vận động bà con cùng thực hiện.",
    "Có sáng kiến cải tiến kỹ thuật được Hội đồng sáng kiến công nhận, áp dụng hiệu quả tại "
    "đơn vị, tiết kiệm chi phí.",
    "Tích cực tham gia công tác phòng, chống thiên tai, cứu hộ cứu nạn; bảo vệ an ninh trật tự "
    "tại địa bàn dân cư.",
)
PROPOSAL_TITLES = (
    "Đề nghị tặng {award} cho các cá nhân có thành tích xuất sắc {phase}",
    "Đề nghị khen thưởng tập thể, cá nhân tiêu biểu trong phong trào thi đua {phase}",
    "Đề nghị tặng {award} cho nông dân, công nhân tiêu biểu {phase}",
    "Đề nghị tặng {award} cho lực lượng vũ trang xã {phase}",
)
ACHIEVEMENT = ("đã có thành tích xuất sắc trong phong trào thi đua thực hiện thắng lợi nhiệm vụ "
               "phát triển kinh tế - xã hội hằng năm và kế hoạch 5 năm (2021 - 2025)")


def _weighted(pairs):  # noqa: ANN001, ANN202
    return [p[0] for p in pairs], [p[1] for p in pairs]


@dataclass
class Fixture:
    """Ids of the small reference rows the generated proposals point at."""

    unit_ids: list[int]
    officer_by_unit: dict[int, int]
    chairman_id: int
    vice_id: int
    campaign_id: int
    phases: list[tuple[int, date, date]]
    awards: dict[str, tuple[int, str, float]]  # code -> (id, subject, coefficient)
    authority_id: int


PROPOSAL_COLUMNS = (
    "id", "unit_id", "campaign_id", "phase_id", "award_type_id", "created_by_id", "title",
    "achievement", "state", "revision_count", "nominee_count", "priority_count", "has_priority",
    "created_at", "submitted_at", "state_changed_at", "decision_id", "version",
    "nominee_names", "queue_key",
)
NOMINEE_COLUMNS = (
    "id", "proposal_id", "kind", "name", "name_folded", "position", "unit_or_address", "gender",
    "achievement_summary", "priority_group", "outcome",
)
DECISION_COLUMNS = (
    "id", "authority_id", "year", "number", "symbol", "issued_on", "subject", "signer_id",
    "signer_name", "signer_is_vice", "base_salary", "total_amount", "award_count",
    "priority_count", "created_at",
)


class Generator:
    """Deterministic realistic rows, produced in chunks (bounded memory).

    Nominees are drawn from pre-built pools (~60,000 distinct people, households and
    collectives with their folded names, positions and addresses), which keeps the
    generation of 1,000,000 nominees to a few seconds while names repeat as they do in life.
    """

    POOL = 20000

    def __init__(self, fixture: Fixture, n: int, now: datetime) -> None:
        self.f = fixture
        self.n = n
        self.now = now
        self.rng = rng = random.Random(SEED + n)
        states: list[str] = []
        for state, share in STATE_MIX:
            states += [state] * round(share * n)
        states = (states + ["decided"] * n)[:n]
        rng.shuffle(states)
        self.states = states
        self.award_codes, self.award_weights = _weighted(AWARD_MIX)
        self._folded: dict[str, str] = {}
        self.pools = self._pools()
        self.next_nominee_id = 1
        self.next_decision_id = 1
        self.decision_numbers: dict[int, int] = {}

    def fold(self, name: str) -> str:
        value = self._folded.get(name)
        if value is None:
            value = self._folded[name] = fold(name)
        return value

    def _people(self, k: int) -> list[tuple[str, str]]:
        rng = self.rng
        surnames, surname_w = _weighted(SURNAMES)
        male_mid, male_mid_w = _weighted(MALE_MIDDLE)
        female_mid, female_mid_w = _weighted(FEMALE_MIDDLE)
        out = []
        for surname in rng.choices(surnames, surname_w, k=k):
            if rng.random() < 0.55:
                middle = rng.choices(male_mid, male_mid_w)[0]
                out.append((f"{surname} {middle} {rng.choice(MALE_GIVEN)}", "male"))
            else:
                middle = rng.choices(female_mid, female_mid_w)[0]
                out.append((f"{surname} {middle} {rng.choice(FEMALE_GIVEN)}", "female"))
        return out

    def _place(self) -> str:
        return f"Ấp {self.rng.choice(HAMLETS)}, {self.rng.choice(UNITS[:7])[0].lower()}"

    def _pools(self) -> dict[tuple[str, bool], list[tuple]]:
        """(subject, is_priority) -> [(kind, name, folded, position, place, gender, summary,
        group)]"""
        rng, k = self.rng, self.POOL
        pools: dict[tuple[str, bool], list[tuple]] = {}
        individual = NomineeKind.INDIVIDUAL.value
        for is_priority in (False, True):
            rows = []
            for name, gender in self._people(k):
                group = rng.choice(("farmer", "worker", "soldier", "direct_worker")) \
                    if is_priority else "none"
                position = rng.choice(PRIORITY_POSITIONS[group] if is_priority
                                      else OTHER_POSITIONS)
                rows.append((individual, name, self.fold(name), position, self._place(), gender,
                             rng.choice(SUMMARIES), group))
            pools[(individual, is_priority)] = rows
            household = NomineeKind.HOUSEHOLD.value
            pools[(household, is_priority)] = [
                (household, name, self.fold(name), "", self._place(), None,
                 rng.choice(SUMMARIES), "farmer" if is_priority else "none")
                for name in (f"Hộ {'ông' if g == 'male' else 'bà'} {p}"
                             for p, g in self._people(k // 4))
            ]
            collective = NomineeKind.COLLECTIVE.value
            rows = []
            for hamlet in HAMLETS:
                for pattern in ("Tổ tự quản ấp {}", "Chi hội Nông dân ấp {}", "Ban Nhân dân ấp {}",
                                "Tổ hợp tác ấp {}", "Chi đoàn ấp {}", "Tổ phụ nữ ấp {}"):
                    for unit, _ in UNITS[:7]:
                        name = f"{pattern.format(hamlet)}, {unit.lower()}"
                        rows.append((collective, name, self.fold(name), "", unit, None,
                                     rng.choice(SUMMARIES),
                                     "small_collective" if is_priority else "none"))
            pools[(collective, is_priority)] = rows
        return pools

    def _times(self, state: str) -> tuple[datetime, datetime | None, datetime]:
        rng, now = self.rng, self.now
        if state in TERMINAL:
            created = now - timedelta(days=rng.uniform(30, 5 * 365), seconds=rng.randrange(86400))
            changed = min(created + timedelta(days=rng.uniform(5, 90)), now - timedelta(days=1))
        else:
            created = now - timedelta(days=rng.uniform(5, 200), seconds=rng.randrange(86400))
            changed = min(created + timedelta(days=rng.uniform(0, 60)), now - timedelta(hours=1))
        changed = max(changed, created)
        submitted = None
        if state != "draft" and not (state == "withdrawn" and rng.random() < 0.3):
            submitted = min(created + timedelta(days=rng.uniform(0.1, 5)), changed)
        return created, submitted, changed

    def _phase(self, created: datetime) -> tuple[int, date]:
        """The campaign phase (half-year) the proposal was filed in."""
        day = created.date()
        for phase_id, starts_on, ends_on in self.f.phases:
            if starts_on <= day <= ends_on:
                return phase_id, starts_on
        phase_id, starts_on, _ = self.f.phases[0 if day < self.f.phases[0][1] else -1]
        return phase_id, starts_on

    def chunks(self, size: int = 5000) -> Iterator[tuple[list, list, list]]:
        for start in range(0, self.n, size):
            yield self._chunk(start, min(start + size, self.n))

    def _chunk(self, start: int, stop: int) -> tuple[list, list, list]:
        rng, f, pools = self.rng, self.f, self.pools
        random_ = rng.random
        proposals, nominees, decisions = [], [], []
        for index in range(start, stop):
            pid = index + 1
            state = self.states[index]
            code = rng.choices(self.award_codes, self.award_weights)[0]
            award_id, subject, coefficient = f.awards[code]
            unit_id = rng.choice(f.unit_ids)
            created, submitted, changed = self._times(state)
            phase_id, phase_start = self._phase(created)
            # Priority people cluster: some proposals are for farmers and workers, most for
            # officials. ~22% of nominees end up in a priority group, ~45% of proposals.
            priority_kind = random_() < 0.35
            share = 0.65 if priority_kind else 0.03
            plain, prio = pools[(subject, False)], pools[(subject, True)]
            concluded = state in CONCLUDED
            priority_count = 0
            folded_names = []
            for k in range(NOMINEES_PER_PROPOSAL):
                is_priority = random_() < share or (priority_kind and k == 0)
                pool = prio if is_priority else plain
                kind, name, folded, position, place, gender, summary, group = \
                    pool[int(random_() * len(pool))]
                priority_count += is_priority
                folded_names.append(folded)
                outcome = None
                if concluded:
                    r = random_()
                    outcome = "recommended" if r < 0.92 else (
                        "not_recommended" if r < 0.96 else "deferred")
                nominees.append((self.next_nominee_id, pid, kind, name, folded, position, place,
                                 gender, summary, group, outcome))
                self.next_nominee_id += 1
            decision_id = None
            if state == "decided":
                decision_id = self.next_decision_id
                self.next_decision_id += 1
                year = changed.year
                number = self.decision_numbers.get(year, 0) + 1
                self.decision_numbers[year] = number
                vice = random_() < 0.4
                awarded = NOMINEES_PER_PROPOSAL - rng.randrange(0, 2)
                decisions.append((
                    decision_id, f.authority_id, year, number, "QĐ-UBND", changed.date(),
                    f"Về việc tặng {code} cho {awarded} cá nhân, tập thể", f.vice_id if vice
                    else f.chairman_id, "Thạch Thị Sa Rây" if vice else "Đặng Quốc Khánh", vice,
                    2340000, int(coefficient * 2340000 * awarded), awarded,
                    min(priority_count, awarded), changed,
                ))
            revision = 1 if state == "returned" else (1 if random_() < 0.08 else 0)
            title = rng.choice(PROPOSAL_TITLES).format(
                award="Giấy khen" if code.startswith("GK") else "danh hiệu",
                phase=f"năm {phase_start.year}")
            proposals.append((
                pid, unit_id, f.campaign_id, phase_id, award_id, f.officer_by_unit[unit_id],
                title, ACHIEVEMENT, state, revision, NOMINEES_PER_PROPOSAL, priority_count,
                priority_count > 0, created, submitted, changed, decision_id,
                1 + rng.randrange(1, 6),
                # What the nominee operations and the state event keep (migration 0003): the
                # folded names one per line in nominee order, and whose desk the state is.
                "\n".join(folded_names), QUEUE_KEY_BY_STATE[ProposalState(state)],
            ))
        return proposals, nominees, decisions


# --------------------------------------------------------------------------------------
# Databases
# --------------------------------------------------------------------------------------


def bench_config(url: str, engine_options: dict) -> type[Config]:
    class BenchConfig(Config):
        SECRET_KEY = "bench-not-secret"
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS = {**Config.SQLALCHEMY_ENGINE_OPTIONS, **engine_options}
        WTF_CSRF_ENABLED = False  # lets the bench sign in with one plain POST
        UPLOAD_FOLDER = str(RESULTS_DIR / "uploads")

    return BenchConfig


@dataclass
class Target:
    kind: str  # sqlite | postgresql
    n: int

    @property
    def sqlite_path(self) -> Path:
        return RESULTS_DIR / f"queue_{self.n}.sqlite3"

    def url(self) -> str:
        return f"sqlite:///{self.sqlite_path}" if self.kind == "sqlite" else PG_URL

    def engine_options(self) -> dict:
        if self.kind == "postgresql":
            return {"connect_args": {"options": f"-csearch_path={PG_SCHEMA}"}}
        return {}


def reset_database(target: Target) -> None:
    if target.kind == "sqlite":
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target.sqlite_path}{suffix}").unlink(missing_ok=True)
    else:
        drop_pg_schema(create=True)


def drop_pg_schema(create: bool = False) -> None:
    import psycopg

    with psycopg.connect(_pg_dsn(), autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")
        if create:
            conn.execute(f"CREATE SCHEMA {PG_SCHEMA}")


def _pg_dsn() -> str:
    return PG_URL.replace("postgresql+psycopg://", "postgresql://")


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(_pg_dsn(), connect_timeout=3):
            return True
    except Exception as error:  # noqa: BLE001
        print(f"PostgreSQL not reachable ({error}); skipping it.", file=sys.stderr)
        return False


def build_fixture(now: datetime) -> Fixture:
    """Authority, units, users, campaign and catalogue through the ORM (a few dozen rows)."""
    authority = Authority(
        name="Ủy ban nhân dân thị xã Duyên Hải", place_name="Duyên Hải",
        parent_name="Ủy ban nhân dân tỉnh Trà Vinh", level=AuthorityLevel.DISTRICT,
        decision_legal_bases="Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
        decision_proposer="Trưởng Cơ quan Tổ chức - Nội vụ thị xã",
        decision_executors="Trưởng Cơ quan Tổ chức - Nội vụ thị xã",
        decision_recipients="Như Điều 3\nLưu: VT, NV",
        bonus_fund="Quỹ thi đua, khen thưởng của thị xã",
    )
    db.session.add(authority)
    db.session.flush()
    install_defaults(authority)
    units = {name: Unit(authority=authority, name=name, kind=kind) for name, kind in UNITS}
    db.session.add_all(units.values())
    db.session.flush()
    password_hash = hash_password(PASSWORD)  # hashed once: the bench signs in once

    def user(username: str, full_name: str, role: Role, unit: str) -> User:
        u = User(username=username, full_name=full_name, role=role, unit=units[unit],
                 password_hash=password_hash, active=True)
        db.session.add(u)
        return u

    officer_by_unit = {}
    for i, (name, _) in enumerate(UNITS):
        officer_by_unit[units[name].id] = user(f"canbo{i}", f"Cán bộ {name}",
                                               Role.UNIT_OFFICER, name)
        user(f"thutruong{i}", f"Thủ trưởng {name}", Role.UNIT_HEAD, name)
    for i in range(2):
        user(f"noivu{i}", f"Chuyên viên Nội vụ {i}", Role.SECRETARIAT, HOME_AFFAIRS)
    for i in range(3):
        user(f"thuongtruc{i}", f"Thường trực Hội đồng {i}", Role.COMMITTEE_MEMBER, HOME_AFFAIRS)
    chairman = user("chutich", "Đặng Quốc Khánh", Role.CHAIRMAN, OFFICE)
    vice = user("phochutich", "Thạch Thị Sa Rây", Role.VICE_CHAIRMAN, OFFICE)
    user("phochutich2", "Lê Minh Tâm", Role.VICE_CHAIRMAN, OFFICE)
    user("admin", "Quản trị hệ thống", Role.ADMIN, OFFICE)
    campaign = Campaign(authority=authority, kind=CampaignKind.PHASED,
                        name="Phong trào thi đua thực hiện thắng lợi nhiệm vụ phát triển kinh "
                             "tế - xã hội hằng năm và kế hoạch 5 năm (2021 - 2025)",
                        starts_on=date(now.year - 5, 1, 1), ends_on=date(now.year, 12, 31))
    db.session.add(campaign)
    phases = []
    for year in range(now.year - 5, now.year + 1):
        for half, (start, end) in enumerate(((date(year, 1, 1), date(year, 6, 30)),
                                             (date(year, 7, 1), date(year, 12, 31)))):
            phases.append(Phase(campaign=campaign, name=f"Đợt {half + 1} năm {year}",
                                starts_on=start, ends_on=end))
    db.session.add_all(phases)
    db.session.flush()
    # The default catalogue's coefficients (one each, or that of the entry an entry is paid a
    # multiple of; the decisions generated here only need an amount to store).
    awards = {a.code: (a.id, a.subject.value,
                       float(a.paid_by.coefficients[0].coefficient
                             * (a.coefficients[0].multiple if a.is_multiple else 1)))
              for a in db.session.scalars(
                  select(AwardType).where(AwardType.authority_id == authority.id))}
    fixture = Fixture(
        unit_ids=[u.id for u in units.values()],
        officer_by_unit={uid: u.id for uid, u in officer_by_unit.items()},
        chairman_id=chairman.id, vice_id=vice.id, campaign_id=campaign.id,
        phases=[(p.id, p.starts_on, p.ends_on) for p in phases], awards=awards,
        authority_id=authority.id,
    )
    db.session.commit()
    return fixture


def _sqlite_value(value):  # noqa: ANN001, ANN202
    """What SQLAlchemy's SQLite dialect stores for our column types."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


LOADED_TABLES = ("proposal", "nominee", "decision")


def load_rows(target: Target, gen: Generator) -> dict[str, int]:
    """Bulk load: secondary indexes are dropped first and rebuilt after (as a restore would),
    foreign keys are not re-checked row by row (the generator makes them consistent)."""
    engine = db.engine
    counts = {"proposal": 0, "nominee": 0, "decision": 0}
    raw = engine.raw_connection()
    tables = ", ".join(f"'{t}'" for t in LOADED_TABLES)
    try:
        if target.kind == "sqlite":
            con: sqlite3.Connection = raw.driver_connection
            indexes = con.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({tables})").fetchall()
            for name, _ in indexes:
                con.execute(f'DROP INDEX "{name}"')
            con.execute("PRAGMA foreign_keys = OFF")
            con.execute("PRAGMA synchronous = OFF")
            con.execute("BEGIN")

            def insert(table: str, columns: tuple[str, ...], rows: list[tuple],
                       convert: bool = True) -> None:
                sql = (f'INSERT INTO "{table}" ({", ".join(columns)}) '
                       f'VALUES ({", ".join("?" * len(columns))})')
                con.executemany(sql, ([_sqlite_value(v) for v in row] for row in rows)
                                if convert else rows)

            for proposals, nominees, decisions in gen.chunks():
                insert("decision", DECISION_COLUMNS, decisions)
                insert("proposal", PROPOSAL_COLUMNS, proposals)
                insert("nominee", NOMINEE_COLUMNS, nominees, convert=False)  # plain str/None
                counts["proposal"] += len(proposals)
                counts["nominee"] += len(nominees)
                counts["decision"] += len(decisions)
            for year, last in gen.decision_numbers.items():
                con.execute("INSERT INTO decision_counter (authority_id, year, last_number) "
                            "VALUES (?, ?, ?)", (gen.f.authority_id, year, last))
            for _, sql in indexes:
                con.execute(sql)
            con.execute("COMMIT")
            con.execute("PRAGMA synchronous = NORMAL")
            con.execute("PRAGMA foreign_keys = ON")
            problems = con.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"foreign key problems: {problems[:5]}")
        else:
            con = raw.driver_connection  # psycopg.Connection
            with con.cursor() as cur:
                cur.execute(
                    f"SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = "
                    f"current_schema() AND tablename IN ({tables}) AND indexname NOT IN "
                    f"(SELECT conname FROM pg_constraint)")
                indexes = cur.fetchall()
                for name, _ in indexes:
                    cur.execute(f'DROP INDEX "{name}"')
                # FK triggers off while loading consistent data (superuser, this session only).
                cur.execute("SET session_replication_role = replica")
                for proposals, nominees, decisions in gen.chunks(20000):
                    for table, columns, rows in (("decision", DECISION_COLUMNS, decisions),
                                                 ("proposal", PROPOSAL_COLUMNS, proposals),
                                                 ("nominee", NOMINEE_COLUMNS, nominees)):
                        with cur.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as cp:
                            for row in rows:
                                cp.write_row(row)
                        counts[table] += len(rows)
                cur.execute("SET session_replication_role = DEFAULT")
                for year, last in gen.decision_numbers.items():
                    cur.execute("INSERT INTO decision_counter (authority_id, year, last_number) "
                                "VALUES (%s, %s, %s)", (gen.f.authority_id, year, last))
                for table in LOADED_TABLES:
                    cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT coalesce(max(id), 1) FROM \"{table}\"))")
                cur.execute("SET maintenance_work_mem = '256MB'")
                for _, definition in indexes:
                    cur.execute(definition)
            con.commit()
    finally:
        raw.close()
    return counts


def analyze(target: Target) -> None:
    raw = db.engine.raw_connection()
    try:
        if target.kind == "postgresql":
            con = raw.driver_connection
            con.rollback()
            con.autocommit = True
            con.execute("VACUUM ANALYZE")
            con.autocommit = False
        else:
            # The app never runs ANALYZE on SQLite; see --sqlite-analyze / the experiments.
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def _shim(message: str) -> None:
    if message not in SHIMS:
        SHIMS.append(message)
        print(f"  NOTE: {message}", file=sys.stderr)


def _template_has_get_locale(app) -> bool:  # noqa: ANN001
    from flask import render_template_string
    from jinja2 import UndefinedError

    with app.test_request_context():
        try:
            render_template_string("{{ get_locale() }}")
            return True
        except UndefinedError:
            return False


def bench_app(config: type[Config]):  # noqa: ANN201
    app = create_app(config)
    if not _template_has_get_locale(app):
        # templates/base.html calls get_locale(), which the app does not (yet) expose to
        # Jinja: every page fails with UndefinedError. Shimmed here so the page can be timed.
        from flask_babel import get_locale

        app.jinja_env.globals["get_locale"] = get_locale
        _shim("templates/base.html calls `get_locale()`, which the app does not expose to "
              "Jinja (every page fails with UndefinedError): the bench registers "
              "`flask_babel.get_locale` as a Jinja global.")
    macros = (ROOT / "templates" / "macros.html").read_text()
    if "{% set _ = " in macros:
        # The pager macro does `{% set _ = args.update(...) %}`, which shadows gettext `_` in
        # the macro: any queue with a next page fails ("'NoneType' object is not callable").
        # Served fixed from memory (same markup) so multi-page queues can be timed.
        from jinja2 import ChoiceLoader, DictLoader

        app.jinja_loader  # noqa: B018 - make sure the default loader exists
        app.jinja_env.loader = ChoiceLoader([
            DictLoader({"macros.html": macros.replace("{% set _ = ", "{% set _ignored = ")}),
            app.jinja_env.loader,
        ])
        _shim("templates/macros.html `pager` does `{% set _ = args.update(...) %}`, which "
              "shadows gettext `_` inside the macro: every list with a next page fails "
              "(\"'NoneType' object is not callable\"). The bench serves macros.html with that "
              "variable renamed (same markup).")
    return app


def build(target: Target, now: datetime, *, reuse: bool = False):  # noqa: ANN201
    """A fresh app on a freshly migrated and loaded database; returns (app, load seconds)."""
    from flask_migrate import upgrade

    config = bench_config(target.url(), target.engine_options())
    if reuse and target.kind == "sqlite" and target.sqlite_path.exists():
        return bench_app(config), 0.0
    reset_database(target)
    app = bench_app(config)
    t0 = time.perf_counter()
    with app.app_context():
        upgrade()  # the schema comes from the migrations, as in production
        fixture = build_fixture(now)
        gen = Generator(fixture, target.n, now)
        counts = load_rows(target, gen)
        analyze(target)
        db.session.remove()
    seconds = time.perf_counter() - t0
    print(f"  loaded {counts['proposal']:,} proposals, {counts['nominee']:,} nominees, "
          f"{counts['decision']:,} decisions in {seconds:.1f} s", flush=True)
    return app, seconds


# --------------------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class Timing:
    samples: list[float]

    @property
    def p50(self) -> float:
        return pct(self.samples, 0.50)

    @property
    def p95(self) -> float:
        return pct(self.samples, 0.95)


@dataclass
class Scenario:
    key: str
    label: str
    url: str
    page: int | None = None
    user: str = "chutich"  # the chairman


@dataclass
class Result:
    db: str
    n: int
    scenario: Scenario
    page: Timing
    bare: Timing
    rows: int
    total: int
    statements: int
    sql_ms_p50: float
    render_ms_p50: float
    variant: str = "as is"
    queries: tuple = ()

    @property
    def ratio_p50(self) -> float:
        return self.page.p50 / self.bare.p50

    @property
    def ratio_p95(self) -> float:
        return self.page.p95 / self.bare.p95

    @property
    def meets(self) -> bool:
        return self.page.p95 <= TARGET_P95_MS and self.ratio_p95 <= TARGET_RATIO


@dataclass
class Captured:
    statements: list[tuple[str, object]] = field(default_factory=list)
    sql_seconds: float = 0.0


@contextmanager
def capture_sql(engine) -> Iterator[Captured]:  # noqa: ANN001
    captured = Captured()
    started: list[float] = []

    def before(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        captured.statements.append((statement, parameters))
        started.append(time.perf_counter())

    def after(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        captured.sql_seconds += time.perf_counter() - started.pop()

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield captured
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def page_queries(captured: Captured) -> tuple[tuple[str, object], tuple[str, object]]:
    """The page's item SELECT (with LIMIT) and its COUNT, as sent to the database."""
    items = [s for s in captured.statements
             if re.search(r"\bFROM proposal\b", s[0]) and re.search(r"\bLIMIT\b", s[0])
             and "count(*)" not in s[0]]
    counts = [s for s in captured.statements if s[0].lstrip().startswith("SELECT count(*)")]
    if len(items) != 1 or len(counts) != 1:
        raise RuntimeError("could not find the page's item and count queries:\n"
                           + "\n".join(s[0] for s in captured.statements))
    return items[0], counts[0]


def queue_length(app) -> int:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(text(
            "SELECT count(*) FROM proposal WHERE state = 'awaiting_decision'"))


def scenarios_for(app) -> list[Scenario]:  # noqa: ANN001
    pages = max(1, -(-queue_length(app) // app.config["PAGE_SIZE"]))
    deep = min(50, pages)
    return [
        Scenario("queue", "Queue, page 1", "/work"),
        Scenario("deep", f"Queue, page {deep}" + ("" if deep == 50 else " (last)"),
                 f"/work?page={deep}", deep),
        Scenario("priority", "Priority only (?priority=1)", "/work?priority=1"),
        Scenario("search", "Name search (?q=nguyen van)", "/work?q=nguyen+van"),
        # Not the approval queue: the secretariat's, two states (submitted, under_review) that
        # only `queue_key` (migration 0003) returns as one index range in ORDER BY order.
        Scenario("secretariat", "Secretariat queue (2 states)", "/work", user="noivu0"),
        # Not a queue: every proposal the chairman may see, the most recently changed first.
        Scenario("all", "All proposals (latest first)", "/proposals"),
    ]


_CLIENTS: dict[tuple[int, str], object] = {}


def signed_in_client(app, username: str):  # noqa: ANN001, ANN201
    """A test client signed in through POST /login (once per app and user: the login is rate
    limited like in production, and is not what is measured)."""
    key = (id(app), username)
    if key not in _CLIENTS:
        client = app.test_client()
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        if response.status_code != 302:
            raise RuntimeError(f"login failed: {response.status_code}")
        _CLIENTS[key] = client
    return _CLIENTS[key]


class BareRunner:
    """The page's item SELECT and COUNT replayed on one raw DBAPI connection (execute and
    fetch every row), as a driver-level program would run them."""

    def __init__(self, engine, queries: list[tuple[str, object]]) -> None:  # noqa: ANN001
        self.raw = engine.raw_connection()
        self.cursor = self.raw.cursor()
        self.queries = queries
        self.pg = engine.dialect.name == "postgresql"

    def once(self) -> float:
        t0 = time.perf_counter()
        for statement, parameters in self.queries:
            self.cursor.execute(statement, parameters)
            self.cursor.fetchall()
        elapsed = (time.perf_counter() - t0) * 1000
        if self.pg:
            self.raw.rollback()  # not timed: ends the read transaction, as the page does
        return elapsed

    def close(self) -> None:
        self.cursor.close()
        self.raw.close()


@contextmanager
def render_timer(app) -> Iterator[list[float]]:  # noqa: ANN001
    """Collects how long each render_template call takes (Flask's template signals)."""
    from flask import before_render_template, template_rendered

    samples: list[float] = []
    started: list[float] = []

    def before(sender, template, context, **extra):  # noqa: ANN001, ANN003
        started.append(time.perf_counter())

    def after(sender, template, context, **extra):  # noqa: ANN001, ANN003
        samples.append((time.perf_counter() - started.pop()) * 1000)

    before_render_template.connect(before, app)
    template_rendered.connect(after, app)
    try:
        yield samples
    finally:
        before_render_template.disconnect(before, app)
        template_rendered.disconnect(after, app)


def measure_scenario(app, client, scenario: Scenario, args) -> tuple:  # noqa: ANN001
    """Page and bare timings, interleaved one by one so both see the same machine load."""
    engine = _engine(app)
    client.get(scenario.url)  # first request: fills caches (templates, compiled SQL)
    with capture_sql(engine) as captured:
        response = client.get(scenario.url)
    if response.status_code != 200:
        raise RuntimeError(f"{scenario.url}: HTTP {response.status_code}")
    rows = response.get_data(as_text=True).count('class="card proposal-card')
    items, count = page_queries(captured)
    bare = BareRunner(engine, [items, count])
    try:
        total = _count_value(bare, count)
        warm_until = time.perf_counter() + 5.0
        for _ in range(args.warmup):
            client.get(scenario.url)
            bare.once()
            if time.perf_counter() > warm_until:
                break
        gc.collect()
        page_ms: list[float] = []
        bare_ms: list[float] = []
        deadline = time.perf_counter() + args.budget
        while len(page_ms) < args.requests:
            t0 = time.perf_counter()
            response = client.get(scenario.url)
            page_ms.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{scenario.url}: HTTP {response.status_code}")
            bare_ms.append(bare.once())
            if len(page_ms) >= MIN_SAMPLES and time.perf_counter() > deadline:
                break
    finally:
        bare.close()
    # Where the page's time goes (separate, instrumented requests).
    sql_ms: list[float] = []
    with render_timer(app) as render_ms:
        for _ in range(min(30, args.requests)):
            with capture_sql(engine) as c:
                client.get(scenario.url)
            sql_ms.append(c.sql_seconds * 1000)
    return (Timing(page_ms), Timing(bare_ms), rows, total, len(captured.statements),
            statistics.median(sql_ms), statistics.median(render_ms), (items, count))


def _count_value(bare: BareRunner, count: tuple[str, object]) -> int:
    bare.cursor.execute(*count)
    value = bare.cursor.fetchone()[0]
    if bare.pg:
        bare.raw.rollback()
    return value


def measure(app, target: Target, args, keys: set[str] | None = None,  # noqa: ANN001
            variant: str = "as is") -> list[Result]:
    results = []
    for scenario in scenarios_for(app):
        if keys is not None and scenario.key not in keys:
            continue
        client = signed_in_client(app, scenario.user)
        page, bare, rows, total, statements, sql_ms, render_ms, queries = measure_scenario(
            app, client, scenario, args)
        result = Result(target.kind, target.n, scenario, page, bare, rows, total, statements,
                        sql_ms, render_ms, variant, queries)
        results.append(result)
        print(f"  {variant[:22]:<22} {scenario.label:<30} page p50 {page.p50:7.2f} p95 "
              f"{page.p95:7.2f} | bare p50 {bare.p50:7.2f} p95 {bare.p95:7.2f} | ratio p95 "
              f"{result.ratio_p95:5.1f}x | sql {sql_ms:6.2f} render {render_ms:5.2f} | "
              f"{rows} rows of {total}", flush=True)
    return results


def _engine(app):  # noqa: ANN001, ANN202
    with app.app_context():
        return db.engine


def _driver_args(query: tuple[str, object]) -> tuple:
    statement, parameters = query
    return (statement, parameters) if parameters else (statement,)


# --------------------------------------------------------------------------------------
# Diagnostics and experiments (nothing here changes the app)
# --------------------------------------------------------------------------------------


def explain(app, query: tuple[str, object], analyze_: bool = True) -> str:  # noqa: ANN001
    engine = _engine(app)
    statement, parameters = query
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "sqlite":
            return "\n".join(_sqlite_tree(cur, statement, parameters))
        prefix = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " if analyze_ else "EXPLAIN "
        cur.execute(prefix + statement, parameters)
        lines = [r[0] for r in cur.fetchall()]
        raw.rollback()
        return "\n".join(lines)
    finally:
        raw.close()


def _sqlite_tree(cur, statement: str, parameters) -> list[str]:  # noqa: ANN001
    cur.execute("EXPLAIN QUERY PLAN " + statement, parameters)
    rows = cur.fetchall()
    depth = {0: -1}
    out = []
    for node_id, parent, _, detail in rows:
        depth[node_id] = depth.get(parent, -1) + 1
        out.append("  " * depth[node_id] + detail)
    return out


def page_sql(app, url: str) -> tuple[tuple[str, object], tuple[str, object]]:  # noqa: ANN001
    engine = _engine(app)
    client = signed_in_client(app, "chutich")
    client.get(url)
    with capture_sql(engine) as captured:
        client.get(url)
    return page_queries(captured)


def run_ddl(app, statements: Iterable[str]) -> None:  # noqa: ANN001
    engine = _engine(app)
    raw = engine.raw_connection()
    try:
        con = raw.driver_connection
        if engine.dialect.name == "postgresql":
            con.rollback()
            con.autocommit = True  # VACUUM cannot run in a transaction block
            try:
                for statement in statements:
                    con.execute(statement)
            finally:
                con.autocommit = False
        else:
            for statement in statements:
                con.execute(statement)
    finally:
        raw.close()


#: Index sets the experiments switch between (the names the migrations use). Only these
#: indexes are touched (a set lacking one drops it); whatever the app's migrations built is
#: restored at the end.
MANAGED_INDEXES = ("ix_proposal_queue", "ix_proposal_queue_key", "ix_nominee_proposal_id",
                   "ix_nominee_proposal_name", "ix_nominee_name_folded")
_QUEUE_0001 = ("CREATE INDEX ix_proposal_queue ON proposal "
               "(state, has_priority, state_changed_at, id)")
#: The ORDER BY's directions (priority first), then unit_id and submitted_at so that
#: visible_to() and the COUNT read the index only.
_QUEUE_0002 = ("CREATE INDEX ix_proposal_queue ON proposal "
               "(state, has_priority DESC, state_changed_at, id, unit_id, submitted_at)")
_NOMINEE_PROPOSAL = "CREATE INDEX ix_nominee_proposal_id ON nominee (proposal_id)"
_NOMINEE_COMPOSITE = ("CREATE INDEX ix_nominee_proposal_name ON nominee "
                      "(proposal_id, name_folded)")
INDEX_SETS: dict[str, dict[str, object]] = {
    # Migration 0001: what the app shipped with before the queue fix.
    "0001": {
        "ix_proposal_queue": _QUEUE_0001,
        "ix_nominee_proposal_id": _NOMINEE_PROPOSAL,
        "ix_nominee_name_folded": "CREATE INDEX ix_nominee_name_folded ON nominee (name_folded)",
    },
    # Migration 0002 (before 0003 added ix_proposal_queue_key).
    "0002": {"ix_proposal_queue": _QUEUE_0002, "ix_nominee_proposal_name": _NOMINEE_COMPOSITE},
    # 0002's queue index, but 0001's plain nominee index: what the composite one is worth.
    "0002-queue-only": {"ix_proposal_queue": _QUEUE_0002,
                        "ix_nominee_proposal_id": _NOMINEE_PROPOSAL},
    # Migration 0003 with the denormalised names in the queue_key index.
    "0003+names": {
        "ix_proposal_queue": _QUEUE_0002,
        "ix_proposal_queue_key": {
            "sqlite": "CREATE INDEX ix_proposal_queue_key ON proposal (queue_key, has_priority "
                      "DESC, state_changed_at, id, unit_id, submitted_at, nominee_names)",
            "postgresql": "CREATE INDEX ix_proposal_queue_key ON proposal (queue_key, "
                          "has_priority DESC, state_changed_at, id, unit_id, submitted_at) "
                          "INCLUDE (nominee_names)",
        },
        "ix_nominee_proposal_name": _NOMINEE_COMPOSITE,
    },
}


def _normalise_ddl(ddl: str) -> str:
    ddl = ddl.lower().replace('"', "")
    ddl = re.sub(r"\busing btree\b", "", ddl)
    ddl = re.sub(r"\bon \w+\.", "on ", ddl)  # PostgreSQL's schema-qualified table
    return re.sub(r"\s+", "", ddl)


class BenchSchema:
    """Switches the bench database between index sets, and back."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.app = app
        self.pg = _engine(app).dialect.name == "postgresql"
        self.snapshot = self._current()
        self.analyzed = False

    def _current(self) -> dict[str, str]:
        engine = _engine(self.app)
        names = ", ".join(f"'{n}'" for n in MANAGED_INDEXES)
        with engine.connect() as conn:
            if self.pg:
                rows = conn.exec_driver_sql(
                    f"SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = "
                    f"current_schema() AND indexname IN ({names})").all()
            else:
                rows = conn.exec_driver_sql(
                    f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN "
                    f"({names})").all()
        return {name: ddl for name, ddl in rows}

    def _ddl(self, statements: list[str]) -> None:
        if not statements:
            return
        t0 = time.perf_counter()
        run_ddl(self.app, statements)
        _engine(self.app).dispose()  # no connection keeps a plan made for the old indexes
        print(f"    ddl ({time.perf_counter() - t0:.1f} s): {'; '.join(statements)}", flush=True)

    def indexes(self, wanted: str | dict[str, object]) -> None:
        target = INDEX_SETS[wanted] if isinstance(wanted, str) else wanted
        target = {name: ddl[_engine(self.app).dialect.name] if isinstance(ddl, dict) else ddl
                  for name, ddl in target.items()}
        current = self._current()
        drop = [n for n, ddl in current.items()
                if n not in target or _normalise_ddl(ddl) != _normalise_ddl(target[n])]
        create = [ddl for n, ddl in target.items()
                  if n not in current or n in drop]
        statements = [f"DROP INDEX {n}" for n in drop] + create
        if statements and self.pg:
            statements.append("ANALYZE proposal, nominee")  # as autovacuum would
        self._ddl(statements)

    def sqlite_analyze(self, on: bool) -> None:
        if on != self.analyzed:
            self._ddl(["ANALYZE"] if on else ["DROP TABLE IF EXISTS sqlite_stat1",
                                              "DROP TABLE IF EXISTS sqlite_stat4"])
            self.analyzed = on

    def restore(self) -> None:
        if not self.pg:
            self.sqlite_analyze(False)
        self.indexes(self.snapshot)


@contextmanager
def name_filter(shape: str) -> Iterator[None]:
    """Runs the page with the name filter written one way, everything else being the app's
    proposals_query (patched in this process only):

    - "in": `Proposal.id IN (SELECT nominee.proposal_id FROM nominee WHERE name_folded LIKE ..)`
      (migration 0001's queries.py);
    - "exists": `EXISTS (SELECT nominee.id FROM nominee WHERE nominee.proposal_id =
      proposal.id AND name_folded LIKE ..)` (correlated; migration 0002's queries.py).

    The app's own filter (0003) is `proposal.nominee_names LIKE ..`.
    """
    import dataclasses

    from award_flow.proposals import queries
    from award_flow.proposals.models import Nominee, Proposal

    original = queries.proposals_query

    def proposals_query(user, filters, *, queue):  # noqa: ANN001, ANN202
        if not filters.name:
            return original(user, filters, queue=queue)
        query = original(user, dataclasses.replace(filters, name=""), queue=queue)
        pattern = f"%{queries._escape_like(fold(filters.name))}%"
        if shape == "in":
            return query.where(Proposal.id.in_(
                select(Nominee.proposal_id).where(
                    Nominee.name_folded.like(pattern, escape="\\"))))
        return query.where(
            select(Nominee.id).where(Nominee.proposal_id == Proposal.id,
                                     Nominee.name_folded.like(pattern, escape="\\"))
            .exists())

    queries.proposals_query = proposals_query
    try:
        yield
    finally:
        queries.proposals_query = original


@contextmanager
def queue_filter_on_state() -> Iterator[None]:
    """The queue filter of migrations 0001 and 0002: `state IN (the role's states)` instead
    of the app's `queue_key = …` (0003)."""
    from sqlalchemy import false

    from award_flow.proposals import queries
    from award_flow.proposals.models import Proposal
    from award_flow.proposals.workflow import QUEUE_STATES

    original = queries.queue_filter

    def queue_filter(user):  # noqa: ANN001, ANN202
        states = QUEUE_STATES.get(user.role, frozenset())
        return Proposal.state.in_(sorted(states)) if states else false()

    queries.queue_filter = queue_filter
    try:
        yield
    finally:
        queries.queue_filter = original


@contextmanager
def filter_options_cached() -> Iterator[None]:
    """Candidate: the filter drop-downs (campaigns, units, award types: 3 queries and ~30 ORM
    objects per page) built once per authority and kept in memory as plain values, instead of
    on every request. (An app would drop the cache when an admin edits those lists.)"""
    from types import SimpleNamespace

    from award_flow.proposals import views

    original = views._filter_options
    cache: dict[tuple[int, bool], dict] = {}

    def _filter_options() -> dict:  # noqa: ANN202
        from flask_login import current_user

        key = (views._authority_id(), views.sees_every_unit(current_user))
        if key not in cache:
            options = original()
            cache[key] = {
                "campaigns": [SimpleNamespace(id=c.id, name=c.name) for c in options["campaigns"]],
                "units": [SimpleNamespace(id=u.id, name=u.name) for u in options["units"]],
                "award_types": [SimpleNamespace(id=a.id, label=a.label)
                                for a in options["award_types"]],
            }
        return {**cache[key], "states": list(views.ProposalState)}

    views._filter_options = _filter_options
    try:
        yield
    finally:
        views._filter_options = original


EXPERIMENTS_LEGEND = (
    "Variants (each measured in the bench database, then undone; query shapes are patched "
    "in the bench process only). \"As is\" is migration 0003: the queue filter "
    "`queue_key = …` on `ix_proposal_queue_key`, and name search on "
    "`proposal.nominee_names`.\n\n"
    "- **0001 (before)**: migration 0001's indexes (`ix_proposal_queue (state, has_priority, "
    "state_changed_at, id)`, `ix_nominee_proposal_id`, `ix_nominee_name_folded`), 0001's "
    "name filter `Proposal.id IN (SELECT nominee.proposal_id … LIKE …)` and the queue filter "
    "`state IN (…)`.\n"
    "- **0002 (before 0003)**: migration 0002's indexes, the correlated `EXISTS` on `nominee` "
    "for names and `state IN (…)` for queues.\n"
    "- **0002 + IN**: migration 0002's indexes with 0001's IN filter (is the EXISTS rewrite "
    "needed?).\n"
    "- **0002 − composite**: the EXISTS filter with 0002's queue index but 0001's "
    "`ix_nominee_proposal_id (proposal_id)` instead of `(proposal_id, name_folded)` (is the "
    "composite index needed?).\n"
    "- **F2 names in index**: 0003 + `nominee_names` in `ix_proposal_queue_key` (SQLite: last "
    "key column; PostgreSQL: `INCLUDE`), so the name filter never reads the table.\n"
    "- **H options cached**: the app as is, but the filter drop-downs (campaigns, units, award "
    "types: 3 queries per page) built once per authority and reused (fewer round trips).\n"
    "- **D ANALYZE**: the app as is + `ANALYZE` (SQLite only; the app never runs it)."
)


VARIANTS = ("before", "0002", "in", "nocomposite", "F2", "H", "D")


def run_experiments(app, target: Target, args) -> list[Result]:  # noqa: ANN001
    """Each variant applied to the bench database, measured, then undone."""
    wanted = set(args.variants.split(",")) if args.variants else set(VARIANTS)
    schema = BenchSchema(app)
    results: list[Result] = []
    everything = {"queue", "deep", "priority", "search", "secretariat"}
    try:
        if wanted & {"before", "0002", "in", "nocomposite"}:
            # Migrations 0001 and 0002 read the queues by state.
            with queue_filter_on_state():
                if "before" in wanted:
                    schema.indexes("0001")
                    with name_filter("in"):
                        results += measure(app, target, args, everything, "0001 (before)")
                if "0002" in wanted:
                    schema.indexes("0002")
                    with name_filter("exists"):
                        results += measure(app, target, args, everything,
                                           "0002 (before 0003)")
                if "in" in wanted:
                    schema.indexes("0002")
                    with name_filter("in"):
                        results += measure(app, target, args, {"search"}, "0002 + IN")
                if "nocomposite" in wanted:
                    schema.indexes("0002-queue-only")
                    with name_filter("exists"):
                        results += measure(app, target, args, {"search"}, "0002 − composite")
        if "F2" in wanted:
            schema.indexes("0003+names")
            results += measure(app, target, args, {"queue", "search"}, "F2 names in index")
        schema.restore()
        if "H" in wanted:
            with filter_options_cached():
                results += measure(app, target, args, {"queue", "search"}, "H options cached")
        if "D" in wanted and target.kind == "sqlite":
            schema.sqlite_analyze(True)
            results += measure(app, target, args, everything, "D ANALYZE")
    finally:
        schema.restore()
    return results


def profile_page(app, url: str, requests: int = 200, sort: str = "tottime") -> str:  # noqa: ANN001
    client = signed_in_client(app, "chutich")
    for _ in range(20):
        client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(45)
    return out.getvalue()


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------


def _db(name: str) -> str:
    return "SQLite" if name == "sqlite" else "PostgreSQL"


def _mark(ok: bool) -> str:
    return "✅" if ok else "❌"


def markdown_table(results: list[Result]) -> str:
    lines = [
        "| DB | Proposals | Nominees | Scenario | Rows / total | Page p50 | Page p95 | "
        "Bare p50 | Bare p95 | Ratio p50 | Ratio p95 | p95 ≤ 50 | Ratio ≤ 1.5 |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|:---:|:---:|",
    ]
    for r in results:
        lines.append(
            f"| {_db(r.db)} | {r.n:,} | {r.n * NOMINEES_PER_PROPOSAL:,} | {r.scenario.label} | "
            f"{r.rows} / {r.total:,} | {r.page.p50:.1f} | {r.page.p95:.1f} | {r.bare.p50:.2f} | "
            f"{r.bare.p95:.2f} | {r.ratio_p50:.1f}× | {r.ratio_p95:.1f}× | "
            f"{_mark(r.page.p95 <= TARGET_P95_MS)} | {_mark(r.ratio_p95 <= TARGET_RATIO)} |")
    return "\n".join(lines)


def breakdown_table(results: list[Result]) -> str:
    lines = [
        "| DB | Proposals | Scenario | Page p50 | SQL (all statements) | Template render | "
        "Rest (Flask, login, ORM, paginate) | Statements |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rest = max(r.page.p50 - r.sql_ms_p50 - r.render_ms_p50, 0.0)
        lines.append(f"| {_db(r.db)} | {r.n:,} | {r.scenario.label} | {r.page.p50:.1f} | "
                     f"{r.sql_ms_p50:.1f} | {r.render_ms_p50:.1f} | {rest:.1f} | "
                     f"{r.statements} |")
    return "\n".join(lines)


def flatness_table(results: list[Result]) -> str:
    sizes = sorted({r.n for r in results})
    if len(sizes) < 2:
        return ""
    head = " / ".join(f"{n:,}" for n in sizes)
    lines = [f"| DB | Scenario | Page p95 at {head} | Bare p95 at {head} | Page p95 "
             f"{sizes[-1]:,} ÷ {sizes[0]:,} |", "|---|---|---|---|---:|"]
    keys: list[tuple[str, str]] = []
    for r in results:
        if (r.db, r.scenario.key) not in keys:
            keys.append((r.db, r.scenario.key))
    for db_name, key in keys:
        row = {r.n: r for r in results if r.db == db_name and r.scenario.key == key}
        if not all(n in row for n in sizes):
            continue
        pages = " / ".join(f"{row[n].page.p95:.1f}" for n in sizes)
        bares = " / ".join(f"{row[n].bare.p95:.2f}" for n in sizes)
        label = row[sizes[-1]].scenario.label.split(" (")[0] if key == "deep" else \
            row[sizes[-1]].scenario.label
        lines.append(f"| {_db(db_name)} | {label} | {pages} | {bares} | "
                     f"{row[sizes[-1]].page.p95 / row[sizes[0]].page.p95:.1f}× |")
    return "\n".join(lines)


def experiments_table(baseline: list[Result], experiments: list[Result]) -> str:
    base = {(r.db, r.n, r.scenario.key): r for r in baseline}
    lines = [
        "| DB | Proposals | Variant | Scenario | Page p50 | Page p95 | Bare p50 | Bare p95 | "
        "Ratio p95 | Page p95: as is / variant |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in experiments:
        before = base.get((r.db, r.n, r.scenario.key))
        change = (f"{before.page.p95:.1f} / {r.page.p95:.1f}" if before else "")
        lines.append(f"| {_db(r.db)} | {r.n:,} | {r.variant} | {r.scenario.label} | "
                     f"{r.page.p50:.1f} | {r.page.p95:.1f} | {r.bare.p50:.2f} | "
                     f"{r.bare.p95:.2f} | {r.ratio_p95:.1f}× | {change} |")
    return "\n".join(lines)


SHIMS: list[str] = []


def render_report(results: list[Result], experiments: list[Result],
                  load_before: tuple[float, ...], load_after: tuple[float, ...]) -> str:
    met = sum(r.meets for r in results)
    parts = [
        "#### Results (app as is)",
        "",
        markdown_table(results),
        "",
        f"{met} of {len(results)} measurements meet both targets. Load average (1/5/15 min) "
        f"before the run {'/'.join(f'{x:.1f}' for x in load_before)}, after "
        f"{'/'.join(f'{x:.1f}' for x in load_after)}.",
    ]
    flat = flatness_table(results)
    if flat:
        parts += ["", "#### Flatness", "", flat]
    parts += ["", "#### Where the page's time goes (p50, ms)", "", breakdown_table(results)]
    if experiments:
        parts += ["", "#### Variants, measured in the bench database", "", EXPERIMENTS_LEGEND,
                  "", experiments_table(results, experiments)]
    if SHIMS:
        parts += ["", "#### Shims the bench had to apply", ""] + [f"- {s}" for s in SHIMS]
    return "\n".join(parts)


def machine_info() -> str:
    def run(cmd: list[str]) -> str:
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            return out.strip("\n")
        except Exception:  # noqa: BLE001
            return "n/a"

    cpu = "n/a"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    pg_version = "n/a"
    try:
        import psycopg

        with psycopg.connect(_pg_dsn(), connect_timeout=3) as conn:
            pg_version = conn.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001
        pass
    from importlib.metadata import version

    import flask
    import sqlalchemy

    return "\n".join([
        f"- CPU: {cpu} (`nproc`: {run(['nproc'])})",
        "- Memory (`free -h`):",
        "",
        "```",
        run(["free", "-h"]),
        "```",
        "",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()}, Flask {version('flask')}, "
        f"Flask-SQLAlchemy {version('flask-sqlalchemy')}, SQLAlchemy {sqlalchemy.__version__}, "
        f"psycopg {version('psycopg')}",
        f"- SQLite {sqlite3.sqlite_version} (Python's sqlite3 module)",
        f"- PostgreSQL {pg_version} (local, default configuration, same machine)",
    ]) + ("" if flask else "")


BEGIN, END = "<!-- bench_queue:results:begin -->", "<!-- bench_queue:results:end -->"
MBEGIN, MEND = "<!-- machine:begin -->", "<!-- machine:end -->"

SKELETON = f"""# Benchmarks

Measured on one machine (see [Machine](#machine)); numbers are milliseconds of server time.

## 1. Approval queue page

{BEGIN}
{END}

## Machine

{MBEGIN}
{MEND}
"""


def write_docs(report: str, command: str) -> None:
    DOCS_FILE.parent.mkdir(parents=True, exist_ok=True)
    content = DOCS_FILE.read_text() if DOCS_FILE.exists() else SKELETON
    if BEGIN not in content:
        content = content.rstrip() + "\n\n## 1. Approval queue page\n\n" + BEGIN + "\n" + END + "\n"
    if MBEGIN not in content:
        content = content.rstrip() + "\n\n## Machine\n\n" + MBEGIN + "\n" + MEND + "\n"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = (f"Generated by `{command}` on {stamp}. Times in ms.\n\n" + report)
    content = _replace_between(content, BEGIN, END, block)
    content = _replace_between(content, MBEGIN, MEND, machine_info())
    DOCS_FILE.write_text(content)
    print(f"wrote {DOCS_FILE.relative_to(ROOT)}")


def _replace_between(content: str, begin: str, end: str, body: str) -> str:
    head, rest = content.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{body.strip()}\n{end}{tail}"


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per scenario")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--budget", type=float, default=20.0,
                        help=f"seconds after which a timing loop stops early (keeping at least "
                             f"{MIN_SAMPLES} samples)")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument("--profile", action="store_true", help="cProfile the queue page")
    parser.add_argument("--experiments", action="store_true",
                        help="also measure candidate fixes in the bench database")
    parser.add_argument("--variants", default="",
                        help=f"with --experiments: only these (comma-separated; default all: "
                             f"{','.join(VARIANTS)})")
    parser.add_argument("--keep", action="store_true",
                        help="keep the bench databases: the SQLite files and the PostgreSQL "
                             "schema of the last size (by default all are removed)")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse SQLite files kept by an earlier --keep run")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args(argv)

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    if "postgresql" in kinds and not pg_available():
        kinds.remove("postgresql")
    now = datetime.now(UTC).replace(microsecond=0)
    load_before = os.getloadavg()
    results: list[Result] = []
    experiments: list[Result] = []
    try:
        for kind in kinds:
            for n in sizes:
                target = Target(kind, n)
                print(f"\n== {kind}, {n:,} proposals ==", flush=True)
                app, _ = build(target, now, reuse=args.reuse)
                if args.explain:
                    for url in ("/work", "/work?q=nguyen+van"):
                        items, count = page_sql(app, url)
                        print(f"-- {url} items:\n{items[0]}\n{items[1]}\n"
                              f"{explain(app, items)}\n-- count:\n{count[0]}\n"
                              f"{explain(app, count)}\n")
                if args.profile:
                    print(profile_page(app, "/work"))
                results += measure(app, target, args)
                if args.experiments:
                    experiments += run_experiments(app, target, args)
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()
                if kind == "sqlite" and not args.keep:
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{target.sqlite_path}{suffix}").unlink(missing_ok=True)
    finally:
        if "postgresql" in kinds and not args.keep:
            drop_pg_schema()

    report = render_report(results, experiments, load_before, os.getloadavg())
    print("\n" + report)
    if not args.no_docs and results:
        command = "python bench/bench_queue.py " + " ".join(argv if argv is not None
                                                           else sys.argv[1:])
        write_docs(report, command.strip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
