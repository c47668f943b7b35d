"""Reading the organisation: an authority's units as people look for them."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from award_flow.auth.models import User
from award_flow.auth.roles import Role
from award_flow.core.params import id_arg
from award_flow.core.text import alphabetical, fold, nfc
from award_flow.extensions import db
from award_flow.org.models import Unit


def units_of(authority_id: int) -> list[Unit]:
    """The authority's units in Vietnamese alphabetical order (filters, choices, lists)."""
    units = db.session.scalars(select(Unit).where(Unit.authority_id == authority_id)).all()
    return sorted(units, key=lambda unit: alphabetical(unit.name))


#: The account list's status filter, by its value: those who can sign in, and those who
#: cannot (the account locked, or its unit no longer active).
USER_STATUSES = {
    "active": _l("Đăng nhập được"),
    "locked": _l("Không đăng nhập được (đã khóa, đơn vị ngừng hoạt động)"),
}


@dataclass(frozen=True)
class UserFilters:
    """What the admin looks for in the account list: a name or username (case and diacritics
    ignored), a unit, a role, whether the account can sign in."""

    text: str = ""
    unit_id: int | None = None
    role: Role | None = None
    status: str | None = None

    @classmethod
    def from_args(cls, args) -> UserFilters:  # noqa: ANN001
        role, status = str(args.get("role") or ""), str(args.get("status") or "")
        return cls(text=" ".join((nfc(args.get("q")) or "").split())[:100],
                   unit_id=id_arg(args, "unit"),
                   role=Role(role) if role in Role._value2member_map_ else None,
                   status=status if status in USER_STATUSES else None)

    @property
    def active(self) -> bool:
        return any((self.text, self.unit_id, self.role, self.status))

    def matches(self, user: User) -> bool:
        if self.unit_id and user.unit_id != self.unit_id:
            return False
        if self.role and user.role != self.role:
            return False
        if self.status and (self.status == "active") != (user.active and user.unit.active):
            return False
        if self.text:
            typed = fold(self.text)
            return typed in fold(user.full_name) or typed in fold(user.username)
        return True


def users_of(authority_id: int) -> list[User]:
    """The authority's accounts, by unit (in Vietnamese alphabetical order) then username.
    An authority has tens to a few hundred: the list reads them whole and filters them here
    (`UserFilters.matches`), where names compare as `fold` writes them."""
    users = db.session.scalars(
        select(User).join(User.unit).options(contains_eager(User.unit))
        .where(Unit.authority_id == authority_id)
    ).all()
    return sorted(users, key=lambda user: (alphabetical(user.unit.name), user.username))
