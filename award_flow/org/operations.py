"""Creating and changing units and users (used by the admin pages and the CLI)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from award_flow.auth.models import User
from award_flow.auth.roles import Role
from award_flow.core import audit
from award_flow.core.errors import ValidationError
from award_flow.core.text import nfc
from award_flow.extensions import db
from award_flow.org.models import Authority, Unit, UnitKind

MIN_PASSWORD_LENGTH = 10


def save_unit(actor: User | None, authority: Authority, name: str, kind: UnitKind,
              unit: Unit | None = None, active: bool = True) -> Unit:
    name = nfc(name) or ""
    if not name:
        raise ValidationError(_("Cần nhập tên đơn vị."))
    clash = db.session.scalar(
        select(Unit).where(Unit.authority_id == authority.id, Unit.name == name)
    )
    if clash is not None and clash is not unit:
        raise ValidationError(_("Đã có đơn vị mang tên này."))
    if unit is None:
        unit = Unit(authority=authority)
        db.session.add(unit)
    unit.name, unit.kind, unit.active = name, kind, active
    db.session.flush()
    audit.record("save_unit", actor, comment=f"{unit.id}: {unit.name}")
    return unit


def save_user(actor: User | None, *, username: str, full_name: str, role: Role, unit: Unit,
              password: str | None, active: bool = True, user: User | None = None) -> User:
    username = (nfc(username) or "").lower()
    if not username or not full_name:
        raise ValidationError(_("Cần nhập tên đăng nhập và họ tên."))
    clash = db.session.scalar(select(User).where(User.username == username))
    if clash is not None and clash is not user:
        raise ValidationError(_("Tên đăng nhập đã được dùng."))
    if user is None and not password:
        raise ValidationError(_("Cần đặt mật khẩu cho tài khoản mới."))
    if password and len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            _("Mật khẩu cần ít nhất %(n)s ký tự.", n=MIN_PASSWORD_LENGTH)
        )
    if user is None:
        user = User()
        db.session.add(user)
    user.username, user.full_name, user.role, user.unit, user.active = (
        username, nfc(full_name), role, unit, active)
    if password:
        user.set_password(password)
    db.session.flush()
    audit.record("save_user", actor, comment=f"{user.username} ({role.value}, {unit.name})")
    return user
