"""Roles a user can hold (GLOSSARY.md)."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from award_flow.org.wording import secretariat_l


class Role(StrEnum):
    UNIT_OFFICER = "unit_officer"
    UNIT_HEAD = "unit_head"
    SECRETARIAT = "secretariat"
    COMMITTEE_MEMBER = "committee_member"
    CHAIRMAN = "chairman"
    VICE_CHAIRMAN = "vice_chairman"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.UNIT_OFFICER: _l("Cán bộ thi đua, khen thưởng của đơn vị"),
    Role.UNIT_HEAD: _l("Thủ trưởng đơn vị"),
    Role.SECRETARIAT: secretariat_l("Cán bộ %(secretariat)s"),
    Role.COMMITTEE_MEMBER: _l("Thành viên Thường trực Hội đồng Thi đua - Khen thưởng"),
    Role.CHAIRMAN: _l("Chủ tịch UBND"),
    Role.VICE_CHAIRMAN: _l("Phó Chủ tịch UBND"),
    Role.ADMIN: _l("Quản trị hệ thống"),
}

#: Roles that act for their own unit only.
UNIT_ROLES = frozenset({Role.UNIT_OFFICER, Role.UNIT_HEAD})
#: Roles of the authority that review every unit's filed proposals.  Not the administrator:
#: managing accounts needs no access to dossiers and the people's data in them.
REVIEWER_ROLES = frozenset(
    {Role.SECRETARIAT, Role.COMMITTEE_MEMBER, Role.CHAIRMAN, Role.VICE_CHAIRMAN}
)
#: Roles that sign decisions.
SIGNER_ROLES = frozenset({Role.CHAIRMAN, Role.VICE_CHAIRMAN})
#: Roles held by staff of the authority's own agencies (a unit of kind "agency"): its
#: leaders, and the Council's standing body that appraises every unit's dossiers. Not the
#: Standing Committee, which seats mass organisations too, nor the admin.
AGENCY_ROLES = frozenset({Role.SECRETARIAT, Role.CHAIRMAN, Role.VICE_CHAIRMAN})
#: The Standing Committee's members, who recuse themselves from their own unit's proposals
#: (RULES.md "Council voting": a member with a conflict of interest does not review).
RECUSING_ROLES = frozenset({Role.COMMITTEE_MEMBER})
