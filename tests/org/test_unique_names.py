"""A unit name (per authority) and a username are taken once: when two admins create the
same one at the same moment, one succeeds and the other is told the name is taken — the
check before the insert cannot see the other's row, the unique index decides."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from award_flow.auth.models import User
from award_flow.auth.roles import Role
from award_flow.extensions import db
from award_flow.org.models import Unit, UnitKind
from award_flow.org.operations import save_unit, save_user
from tests.support import run_at_once


def _new_unit(admin_id: int):  # noqa: ANN202
    def job() -> None:
        admin = db.session.get(User, admin_id)
        save_unit(admin, admin.unit.authority, "Xã Hiệp Thạnh", UnitKind.COMMUNE)

    return job


def _new_user(admin_id: int, unit_id: int):  # noqa: ANN202
    def job() -> None:
        save_user(db.session.get(User, admin_id), username="canbo.hiepthanh",
                  full_name="Trần Thị Mai", role=Role.UNIT_OFFICER,
                  unit=db.session.get(Unit, unit_id), password="mat-khau-dai-du")

    return job


@pytest.mark.slow
@pytest.mark.parametrize(("what", "message", "count"), [
    ("unit", "Đã có đơn vị “Xã Hiệp Thạnh”: tên chỉ khác chữ hoa, chữ thường hoặc vị trí dấu "
             "thanh là cùng một đơn vị.",
     lambda: select(func.count()).select_from(Unit).where(Unit.name == "Xã Hiệp Thạnh")),
    ("user", "Tên đăng nhập đã được dùng.",
     lambda: select(func.count()).select_from(User).where(User.username == "canbo.hiepthanh")),
])
def test_two_admins_creating_the_same_name_at_once(app, world, what, message, count):
    admin_id, unit_id = world.admin.id, world.unit_a.id
    jobs = [_new_unit(admin_id) if what == "unit" else _new_user(admin_id, unit_id)
            for _ in range(2)]
    db.session.commit()  # hold no transaction (SQLite: no lock) while the threads run
    results = run_at_once(app, jobs)

    assert sorted(kind for kind, _ in results) == ["ok", "refused"], results
    assert [text for kind, text in results if kind == "refused"] == [message]
    assert db.session.scalar(count()) == 1
