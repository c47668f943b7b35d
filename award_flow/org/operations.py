"""Creating and changing units and users (used by the admin pages and the CLI).

Two guards keep the administration reachable: an admin cannot demote or lock itself (nor
switch off its own unit), and the last active admin of an authority cannot be demoted, locked,
or have its unit switched off. The admins' rows are locked while this is checked (PostgreSQL;
SQLite's write lock is taken at BEGIN), so two admins demoting each other at once cannot
both succeed.

Two more keep the roles where they belong: the chairman, the vice chairmen and the
secretariat are staff of one of the authority's agencies (`AGENCY_ROLES`), not of a commune,
a ward or a mass organisation; and an authority has one active chairman (its row is locked
while this is checked, so two new chairmen at once cannot both be saved). The unit's row is
locked the same way while such an account is saved into it, so an agency cannot become
another kind of unit at that moment.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from award_flow.auth.models import USERNAME, USERNAME_RULE, User
from award_flow.auth.passwords import password_problem
from award_flow.auth.roles import AGENCY_ROLES, Role
from award_flow.catalogue.defaults import (
    DEFAULT_SECRETARIATS,
    default_decision_texts,
    install_defaults,
    rename_default_awards,
    require_parent_name,
)
from award_flow.core import audit
from award_flow.core.database import flush_unique
from award_flow.core.display import number
from award_flow.core.errors import NotAllowed, ValidationError
from award_flow.core.text import nfc, same_name_key
from award_flow.documents.render import header_parent_fits
from award_flow.documents.validators import require_printable
from award_flow.extensions import db
from award_flow.org.models import (
    AUTHORITY_NAME_LABELS,
    DECISION_TEXT_LABELS,
    DECISION_TEXT_MAX_LENGTHS,
    Authority,
    AuthorityLevel,
    Unit,
    UnitKind,
)


def active_admin_ids(authority_id: int, *, lock: bool = False) -> set[int]:
    """Ids of the authority's admins who can sign in (account and unit active); with `lock`,
    their rows stay locked until the transaction ends (PostgreSQL)."""
    query = (
        select(User.id).join(Unit, User.unit_id == Unit.id)
        .where(Unit.authority_id == authority_id, User.role == Role.ADMIN,
               User.active.is_(True), Unit.active.is_(True))
    )
    if lock:
        query = query.with_for_update()
    return set(db.session.scalars(query))


def _is_active_admin(role: Role, active: bool, unit: Unit) -> bool:
    return role == Role.ADMIN and bool(active) and bool(unit.active)


def _check_admins_remain(actor: User | None, user: User, role: Role, active: bool,
                         unit: Unit) -> None:
    """Refuse a change that takes an active admin's rights away from itself, or from the
    authority's last active admin."""
    if not _is_active_admin(user.role, user.active, user.unit):
        return
    if _is_active_admin(role, active, unit):
        return
    if actor is not None and actor.id == user.id:
        raise NotAllowed(_("Bạn không thể tự hạ quyền hoặc khóa tài khoản của chính mình."))
    if not active_admin_ids(user.unit.authority_id, lock=True) - {user.id}:
        raise NotAllowed(_("Phải còn ít nhất một quản trị viên đang hoạt động: không thể hạ "
                           "quyền hoặc khóa quản trị viên cuối cùng."))


def _check_role_fits(user: User | None, role: Role, unit: Unit, active: bool) -> None:
    """Refuse an account whose role does not fit its unit, or a second active chairman of
    the authority. An account saved without a change of role, unit or state is left as it
    is (one made before the rule keeps working until someone changes it)."""
    if not active or (user is not None
                      and (user.role, user.unit_id, user.active) == (role, unit.id, active)):
        return  # a locked account signs nothing: locking a misplaced one is always allowed
    if role in AGENCY_ROLES:
        # The unit's row stays shared-locked until the account is saved, so an admin changing
        # the unit's kind at the same moment waits, then finds this account (save_unit); the
        # kind is read again under the lock, in case such a change was committed meanwhile.
        db.session.scalars(select(Unit).where(Unit.id == unit.id).with_for_update(read=True)
                           .execution_options(populate_existing=True)).one()
    if role in AGENCY_ROLES and unit.kind != UnitKind.AGENCY:
        raise ValidationError(_("%(role)s là cán bộ một cơ quan của %(authority)s: hãy chọn "
                                "đơn vị loại “%(kind)s”.", role=role.label,
                                authority=unit.authority.name, kind=UnitKind.AGENCY.label),
                              field="unit_id")
    if role != Role.CHAIRMAN:
        return
    db.session.execute(select(Authority.id).where(Authority.id == unit.authority_id)
                       .with_for_update(key_share=True))
    other = db.session.scalar(
        select(User).join(Unit, User.unit_id == Unit.id)
        .where(Unit.authority_id == unit.authority_id, User.role == Role.CHAIRMAN,
               User.active.is_(True), User.id != (user.id if user is not None else 0)))
    if other is not None:
        raise ValidationError(_("%(authority)s đã có Chủ tịch đang hoạt động: %(name)s "
                                "(%(username)s). Hãy khóa tài khoản đó trước, hoặc chọn vai "
                                "trò Phó Chủ tịch UBND.", authority=unit.authority.name,
                                name=other.full_name, username=other.username),
                              field="role")


def _check_unit_may_stop(actor: User | None, unit: Unit) -> None:
    """Switching a unit off signs its users out: not the acting admin's own unit, nor the unit
    of the authority's last active admins."""
    if actor is not None and actor.unit_id == unit.id:
        raise NotAllowed(_("Bạn không thể ngừng hoạt động đơn vị của chính mình."))
    admins = active_admin_ids(unit.authority_id, lock=True)
    if admins and not admins - {u.id for u in unit.users}:
        raise NotAllowed(_("Phải còn ít nhất một quản trị viên đang hoạt động: không thể ngừng "
                           "hoạt động đơn vị của quản trị viên cuối cùng."))


def save_unit(actor: User | None, authority: Authority, name: str, kind: UnitKind,
              unit: Unit | None = None, active: bool = True) -> Unit:
    name = nfc(name) or ""
    if not name:
        raise ValidationError(_("Cần nhập tên đơn vị."), field="name")
    require_printable("name", _("Tên đơn vị"), name)
    # "xã long hữu" beside "Xã Long Hữu" would be a second unit in every list and filter.
    # Unit.name_key is unique per authority: two admins saving one name at the same moment
    # both pass this check, and the second is refused by flush_unique below.
    same_name = select(Unit).where(Unit.authority_id == authority.id,
                                   Unit.name_key == same_name_key(name))
    if unit is not None:
        same_name = same_name.where(Unit.id != unit.id)
    clash = db.session.scalar(same_name)
    taken = _("Đã có đơn vị “%(name)s”: tên chỉ khác chữ hoa, chữ thường hoặc vị trí dấu "
              "thanh là cùng một đơn vị.", name=clash.name if clash else name)
    if clash is not None:
        raise ValidationError(taken, field="name")
    kinds = authority.unit_kinds(unit)
    if kind not in kinds:
        # The admin form offers these only; the CLI is told here.
        raise ValidationError(_(
            "%(authority)s không có đơn vị loại “%(kind)s”: chọn một trong các loại %(kinds)s.",
            authority=authority.name, kind=kind.label,
            kinds=", ".join(f"“{k.label}”" for k in kinds)), field="kind")
    if unit is not None and unit.kind == UnitKind.AGENCY and kind != UnitKind.AGENCY:
        # Its row locked first: an account being saved into it (_check_role_fits holds the
        # row shared) is committed before its staff are read, and one saved later sees the
        # new kind.
        db.session.execute(select(Unit.id).where(Unit.id == unit.id).with_for_update())
        staff = db.session.scalars(select(User).where(
            User.unit_id == unit.id, User.active.is_(True),
            User.role.in_(AGENCY_ROLES))).all()
        if staff:
            raise ValidationError(_(
                "Đơn vị có tài khoản %(roles)s: chỉ một cơ quan có các vai trò này; hãy chuyển "
                "các tài khoản đó sang cơ quan khác trước.",
                roles=", ".join(sorted({u.role.label for u in staff}))), field="kind")
    stopping = unit is not None and unit.active and not active
    if stopping and unit is not None:
        _check_unit_may_stop(actor, unit)
    if unit is None:
        unit = Unit(authority=authority)
        db.session.add(unit)
    unit.name, unit.kind, unit.active = name, kind, active
    if stopping:
        # Its users cannot sign in any more (User.is_active); their sessions end now, and do
        # not come back if the unit is switched on again.
        for member in unit.users:
            member.end_all_sessions()
    flush_unique(taken, "name")
    audit.record("save_unit", actor, comment=f"{unit.id}: {unit.name}")
    return unit


def save_user(actor: User | None, *, username: str, full_name: str, role: Role, unit: Unit,
              password: str | None, active: bool = True, user: User | None = None) -> User:
    username = (nfc(username) or "").lower()
    if not username or not full_name:
        raise ValidationError(_("Cần nhập tên đăng nhập và họ tên."))
    require_printable("full_name", _("Họ và tên"), nfc(full_name))  # a signer's is printed
    clash = db.session.scalar(select(User).where(User.username == username))
    # The form says so at the field; the CLI (flask users create) is told here. An account
    # made before the rule keeps its name.
    if not USERNAME.fullmatch(username) and (user is None or username != user.username):
        raise ValidationError(str(USERNAME_RULE), field="username")
    taken = _("Tên đăng nhập đã được dùng.")
    if clash is not None and clash is not user:
        raise ValidationError(taken, field="username")
    if user is None and not password:
        raise ValidationError(_("Cần đặt mật khẩu cho tài khoản mới."), field="password")
    if password and (problem := password_problem(password, username, full_name or "")) \
            is not None:
        raise ValidationError(problem, field="password")
    if not unit.active and (user is None or user.unit_id != unit.id):
        raise ValidationError(_("Đơn vị này đã ngừng hoạt động."), field="unit_id")
    if user is not None:
        _check_admins_remain(actor, user, role, active, unit)
    _check_role_fits(user, role, unit, active)
    if user is None:
        user = User()
        db.session.add(user)
    # Locking the account (User.active) also ends its sessions (auth/models.py).
    user.username, user.full_name, user.role, user.unit, user.active = (
        username, nfc(full_name), role, unit, active)
    if password:
        user.set_password(password)  # a new password ends the account's other sessions
    flush_unique(taken, "username")
    audit.record("save_user", actor, comment=f"{user.username} ({role.value}, {unit.name})")
    return user


@dataclass(frozen=True)
class AuthorityData:
    """What an authority prints on its decisions (Decree 30 header, bases, Điều 2–3, Nơi
    nhận); the multi-line texts hold one item per line."""

    name: str
    place_name: str
    parent_name: str
    header_parent: str
    issuer_code: str
    decision_legal_bases: str
    decision_proposer: str
    decision_executors: str
    decision_recipients: str
    bonus_fund: str
    secretariat_name: str


def _lines(text: str) -> str:
    """NFC, one item per line, blank lines and surrounding spaces dropped."""
    return "\n".join(line.strip() for line in nfc(text or "").splitlines() if line.strip())


#: Decree 30, Appendix III: an issuer's part of a document's symbol is an abbreviation in
#: capitals, parts joined by hyphens ("UBND", "HĐND", "UBND-NV"); the type ("QĐ") comes
#: before it on every document, so it is not part of the code.
_ISSUER_CODE = re.compile(r"[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*")
#: The code typed with the decision's type before it ("QĐ-UBND"), which would print twice.
_DOCUMENT_TYPE_FIRST = re.compile(r"(QĐ|QD)-", re.IGNORECASE)


def _issuer_code_of(text: str | None) -> str:
    """The issuer's code as printed after "QĐ-": in capitals (what was typed otherwise),
    refused at its field unless it is an abbreviation of capitals, digits and hyphens."""
    code = unicodedata.normalize("NFC", (text or "").strip().upper())
    if _DOCUMENT_TYPE_FIRST.match(code):
        raise ValidationError(_("Chỉ nhập phần sau “QĐ-”, ví dụ: UBND (số, ký hiệu in ra là "
                                "15/QĐ-UBND)."), field="issuer_code")
    if code and not _ISSUER_CODE.fullmatch(code):
        raise ValidationError(_("Ký hiệu chỉ gồm chữ in hoa, chữ số và dấu gạch nối, không có "
                                "dấu cách, ví dụ: UBND hoặc UBND-NV."), field="issuer_code")
    return code


def _check_authority_names(name: str | None, place_name: str | None, issuer_code: str | None,
                           secretariat_name: str | None, header_parent: str | None, *,
                           other_than: int | None = None) -> None:
    """An authority needs a name (its own: no other authority's), a place name for its dates,
    an issuer code for its document numbers and its secretariat's name for the pages; a
    header parent prints on one line of a decision's header."""
    if not (name and place_name and issuer_code):
        raise ValidationError(_("Cần nhập tên cơ quan, địa danh và ký hiệu cơ quan ban hành."))
    if not secretariat_name:
        raise ValidationError(_("Cần nhập tên cơ quan thường trực Hội đồng Thi đua - Khen "
                                "thưởng."))
    if header_parent and not header_parent_fits(header_parent):
        raise ValidationError(_("Tên cơ quan chủ quản quá dài để in trên một dòng của tiêu đề "
                                "quyết định; hãy viết tắt cụm từ thông dụng, ví dụ: “UBND” cho "
                                "“Ủy ban nhân dân”."), field="header_parent")
    if db.session.scalar(select(Authority.id).where(Authority.name == name,
                                                    Authority.id != (other_than or 0))):
        raise ValidationError(_("Đã có cơ quan khác mang tên này."))


def _check_printable(**texts: str | None) -> None:
    """What the authority's decisions print is in their font (its names and texts)."""
    labels = {**AUTHORITY_NAME_LABELS, **DECISION_TEXT_LABELS}
    for field, text in texts.items():
        require_printable(field, str(labels[field]), text)


def _check_lengths(texts: dict[str, str]) -> None:
    """A decision's many-line texts within their lengths (`DECISION_TEXT_MAX_LENGTHS`)."""
    for field, text in texts.items():
        if len(text) > DECISION_TEXT_MAX_LENGTHS[field]:
            raise ValidationError(
                _("%(what)s dài quá: tối đa %(max)s ký tự (hiện có %(count)s).",
                  what=DECISION_TEXT_LABELS[field], max=number(DECISION_TEXT_MAX_LENGTHS[field]),
                  count=number(len(text))), field=field)


def create_authority(*, name: str, place_name: str, level: AuthorityLevel,
                     parent_name: str | None = None, header_parent: str | None = None,
                     issuer_code: str = "UBND",
                     secretariat_name: str | None = None) -> Authority:
    """A new issuing People's Committee with the default catalogue, settings and decision
    texts, and its level's name for the secretariat unless given (the admin edits them on
    "Cơ quan ban hành")."""
    name, place_name, issuer_code = nfc(name), nfc(place_name), _issuer_code_of(issuer_code)
    secretariat_name = nfc(secretariat_name) or DEFAULT_SECRETARIATS[level]
    _check_authority_names(name, place_name, issuer_code, secretariat_name, nfc(header_parent))
    require_parent_name(nfc(parent_name), level)
    _check_printable(name=name, place_name=place_name, parent_name=nfc(parent_name),
                     header_parent=nfc(header_parent), issuer_code=issuer_code,
                     secretariat_name=secretariat_name)
    authority = Authority(
        name=name, place_name=place_name, level=level, parent_name=nfc(parent_name) or None,
        header_parent=nfc(header_parent) or None, issuer_code=issuer_code,
        secretariat_name=secretariat_name, **default_decision_texts(name, level))
    db.session.add(authority)
    db.session.flush()
    install_defaults(authority)
    return authority


def update_authority(actor: User, authority: Authority, data: AuthorityData) -> None:
    """Change how the authority names itself and what its decisions print.

    The catalogue's names follow a new name: an award still printed with its default name for
    the old names ("Giấy khen của Chủ tịch <old name>") takes the default for the new ones;
    a name the admin edited stays as it is."""
    name, place, code = nfc(data.name), nfc(data.place_name), _issuer_code_of(data.issuer_code)
    secretariat = nfc(data.secretariat_name)
    _check_authority_names(name, place, code, secretariat, nfc(data.header_parent),
                           other_than=authority.id)
    _check_printable(**{field: nfc(text) for field, text in asdict(data).items()})
    old_name, old_parent = authority.name, authority.parent_name
    authority.name = name
    authority.place_name = place
    authority.parent_name = nfc(data.parent_name) or None
    authority.header_parent = nfc(data.header_parent) or None
    authority.issuer_code = code
    authority.secretariat_name = secretariat
    texts = {field: _lines(getattr(data, field)) for field in DECISION_TEXT_MAX_LENGTHS}
    _check_lengths(texts)
    authority.decision_legal_bases = texts["decision_legal_bases"]
    authority.decision_proposer = nfc(data.decision_proposer) or ""
    authority.decision_executors = texts["decision_executors"]
    authority.decision_recipients = texts["decision_recipients"]
    authority.bonus_fund = nfc(data.bonus_fund) or ""
    db.session.flush()
    renamed = rename_default_awards(authority, old_name, old_parent)
    # The codes of the catalogue entries renamed with it, in the same event.
    comment = f"{authority.name} [{', '.join(renamed)}]" if renamed else authority.name
    audit.record("update_authority", actor, comment=comment)
