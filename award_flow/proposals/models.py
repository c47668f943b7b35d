"""Commendation proposals, their nominees and dossier."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from award_flow.auth.models import User
from award_flow.campaigns.models import Campaign, Phase
from award_flow.catalogue.models import AwardType, NomineeKind
from award_flow.core.enums import enum_column_type
from award_flow.core.model_base import utcnow
from award_flow.core.seen import seen_digest
from award_flow.extensions import Model
from award_flow.org.models import Unit

if TYPE_CHECKING:
    from award_flow.decisions.models import Decision


class ProposalState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    IN_COMMITTEE = "in_committee"
    AWAITING_DECISION = "awaiting_decision"
    DECIDED = "decided"
    RETURNED = "returned"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self])


STATE_LABELS = {
    ProposalState.DRAFT: _l("Bản nháp"),
    ProposalState.SUBMITTED: _l("Đã gửi"),
    ProposalState.UNDER_REVIEW: _l("Đang thẩm định"),
    ProposalState.IN_COMMITTEE: _l("Thường trực Hội đồng đang xét"),
    ProposalState.AWAITING_DECISION: _l("Chờ Chủ tịch quyết định"),
    ProposalState.DECIDED: _l("Đã có quyết định"),
    ProposalState.RETURNED: _l("Bị trả lại, bổ sung hồ sơ"),
    ProposalState.REJECTED: _l("Không được phê duyệt"),
    ProposalState.WITHDRAWN: _l("Đã rút"),
}


class PriorityGroup(StrEnum):
    """The plan's II.5: small collectives and people who work directly come first."""

    FARMER = "farmer"
    WORKER = "worker"
    SOLDIER = "soldier"
    DIRECT_WORKER = "direct_worker"
    SMALL_COLLECTIVE = "small_collective"
    NONE = "none"

    @property
    def label(self) -> str:
        return str(PRIORITY_LABELS[self])

    @property
    def is_priority(self) -> bool:
        return self is not PriorityGroup.NONE

    def fits(self, kind: NomineeKind) -> bool:
        """Whether a nominee of ``kind`` can belong to this group (people work directly;
        collectives can be small)."""
        return self in PRIORITY_GROUPS_BY_KIND[kind]


#: Which priority groups each kind of nominee can be in (RULES.md "Priority"): the people
#: groups for individuals; a household by how it makes its living (farming, a worker's
#: household, or other direct work: fishing, salt-making, a craft), not as soldiers, which
#: a household is not; a collective can be small.
PRIORITY_GROUPS_BY_KIND: dict[NomineeKind, tuple[PriorityGroup, ...]] = {
    NomineeKind.INDIVIDUAL: (PriorityGroup.FARMER, PriorityGroup.WORKER, PriorityGroup.SOLDIER,
                             PriorityGroup.DIRECT_WORKER, PriorityGroup.NONE),
    NomineeKind.HOUSEHOLD: (PriorityGroup.FARMER, PriorityGroup.WORKER,
                            PriorityGroup.DIRECT_WORKER, PriorityGroup.NONE),
    NomineeKind.COLLECTIVE: (PriorityGroup.SMALL_COLLECTIVE, PriorityGroup.NONE),
}

#: A nominee's name, by kind, as the form and the blank list head it.
NAME_LABELS: dict[NomineeKind, object] = {
    NomineeKind.INDIVIDUAL: _l("Họ và tên"),
    NomineeKind.COLLECTIVE: _l("Tên tập thể"),
    NomineeKind.HOUSEHOLD: _l("Tên hộ gia đình (chủ hộ)"),
}
#: What a nominee's "unit or address" holds, by kind, as the form and the blank list head it
#: (the decision's annex heads its column so too): a person's workplace or address, a
#: collective's unit or address, a household's address.
PLACE_LABELS: dict[NomineeKind, object] = {
    NomineeKind.INDIVIDUAL: _l("Đơn vị công tác hoặc địa chỉ"),
    NomineeKind.COLLECTIVE: _l("Đơn vị hoặc địa chỉ"),
    NomineeKind.HOUSEHOLD: _l("Địa chỉ"),
}
#: The lists' column of a nominee's position and place (`Nominee.description`), by kind, as
#: the decision's annex heads it: a household has no position, a collective no workplace.
DESCRIPTION_LABELS: dict[NomineeKind, object] = {
    NomineeKind.INDIVIDUAL: _l("Chức vụ, đơn vị hoặc địa chỉ"),
    NomineeKind.COLLECTIVE: _l("Đơn vị hoặc địa chỉ"),
    NomineeKind.HOUSEHOLD: _l("Địa chỉ"),
}

PRIORITY_LABELS = {
    PriorityGroup.FARMER: _l("Nông dân"),
    PriorityGroup.WORKER: _l("Công nhân"),
    PriorityGroup.SOLDIER: _l("Chiến sĩ lực lượng vũ trang"),
    PriorityGroup.DIRECT_WORKER: _l("Người trực tiếp lao động, công tác khác"),
    PriorityGroup.SMALL_COLLECTIVE: _l("Tập thể nhỏ"),
    PriorityGroup.NONE: _l("Không thuộc nhóm ưu tiên"),
}


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"

    @property
    def label(self) -> str:
        return str(_l("Nữ") if self is Gender.FEMALE else _l("Nam"))


#: The decision's annex says "Ông" or "Bà" before each person: a person's gender is required
#: (by the nominee form, with the other fields, and by the operation for a list's rows).
GENDER_REQUIRED = _l("Cần chọn giới tính của người được đề nghị.")

#: A nominee's texts, as the refusals name them.
NOMINEE_TEXT_LABELS = {
    "name": _l("Họ tên hoặc tên tập thể"),
    "position": _l("Chức vụ"),
    "unit_or_address": _l("Đơn vị công tác hoặc địa chỉ"),
    "achievement_summary": _l("Tóm tắt thành tích"),
}


def nominee_text_label(field: str, kind: NomineeKind) -> object:
    """How a refusal names one of a nominee's texts: its name as its kind's form heads it
    ("Họ và tên" of a person, "Tên tập thể"), the others by NOMINEE_TEXT_LABELS."""
    return NAME_LABELS[kind] if field == "name" else NOMINEE_TEXT_LABELS[field]


#: Those the decision's annex prints (in its font: `documents.render.unprintable`).
PRINTED_NOMINEE_TEXTS = ("name", "position", "unit_or_address")


class NomineeOutcome(StrEnum):
    """The Standing Committee's conclusion on one nominee."""

    RECOMMENDED = "recommended"
    NOT_RECOMMENDED = "not_recommended"
    DEFERRED = "deferred"

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self])


OUTCOME_LABELS = {
    NomineeOutcome.RECOMMENDED: _l("Đề nghị khen thưởng"),
    NomineeOutcome.NOT_RECOMMENDED: _l("Không đề nghị khen thưởng"),
    NomineeOutcome.DEFERRED: _l("Hoãn xét"),
}


class AttachmentKind(StrEnum):
    PROPOSAL_LETTER = "proposal_letter"  # tờ trình
    MEETING_MINUTES = "meeting_minutes"  # biên bản họp
    ACHIEVEMENT_REPORT = "achievement_report"  # báo cáo thành tích
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(ATTACHMENT_KIND_LABELS[self])


ATTACHMENT_KIND_LABELS = {
    AttachmentKind.PROPOSAL_LETTER: lazy_pgettext("attachment kind", "Tờ trình"),
    AttachmentKind.MEETING_MINUTES: _l("Biên bản họp"),
    AttachmentKind.ACHIEVEMENT_REPORT: _l("Báo cáo thành tích"),
    AttachmentKind.OTHER: _l("Tài liệu khác"),
}


class Proposal(Model):
    """Tờ trình đề nghị khen thưởng: a unit's request to award one or more nominees."""

    __table_args__ = (
        CheckConstraint(
            "(state = 'decided') = (decision_id IS NOT NULL)", name="decided_iff_decision"
        ),
        CheckConstraint(
            "(state = 'draft') = (submitted_at IS NULL) OR state = 'withdrawn'",
            name="submitted_unless_draft",
        ),
        CheckConstraint("revision_count >= 0", name="revision_count_not_negative"),
        CheckConstraint("priority_count <= nominee_count", name="priority_within_nominees"),
        CheckConstraint("nominee_count >= 0", name="nominee_count_not_negative"),
        CheckConstraint("priority_count >= 0", name="priority_count_not_negative"),
        # The queues sort on the flag; it says whether the count is positive (migration 0008).
        CheckConstraint("has_priority = (priority_count > 0)", name="has_priority_follows_count"),
        Index("ix_proposal_unit_state", "unit_id", "state", "state_changed_at"),
        # One proposal per "new proposal" form sent: the same form sent twice (a second click,
        # a browser sending it again) finds the first instead of filing a copy (migration 0017).
        Index("ix_proposal_created_by_id_form_key", "created_by_id", "form_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    phase_id: Mapped[int | None] = mapped_column(ForeignKey("phase.id"))
    award_type_id: Mapped[int] = mapped_column(ForeignKey("award_type.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    title: Mapped[str] = mapped_column(String(400))
    #: The achievement the decision cites: "đã có thành tích xuất sắc trong ...".
    achievement: Mapped[str] = mapped_column(Text)
    #: The year the achievement is for (Năm thành tích). An emulation title is recognised for
    #: a year ("Lao động tiên tiến" năm 2025), so a title's proposal is not sent without it;
    #: a form's may give it. NULL on proposals filed before migration 0010, never guessed.
    achievement_year: Mapped[int | None]
    state: Mapped[ProposalState] = mapped_column(
        enum_column_type(ProposalState, "proposal_state"), default=ProposalState.DRAFT
    )
    #: How many times the unit resubmitted after a return for revision.
    revision_count: Mapped[int] = mapped_column(default=0)
    #: Kept by the nominee operations; the queues sort and show them without counting rows.
    nominee_count: Mapped[int] = mapped_column(default=0)
    priority_count: Mapped[int] = mapped_column(default=0)
    has_priority: Mapped[bool] = mapped_column(default=False)
    #: The nominees' folded names (`Nominee.name_folded`), one per line in nominee order: name
    #: search reads this column instead of joining the nominees. Kept with the counts above.
    nominee_names: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Whose desk the proposal is on ("unit", "secretariat", "committee", "signer"; None when
    #: it waits on nobody), so that a queue is one index range however many states it spans.
    #: Follows `state`: workflow.py sets it and adds the CHECK that ties the two together.
    queue_key: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    #: When the proposal entered its current state: queues serve the longest-waiting first.
    state_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"), unique=True)
    #: The decided proposal whose deferred nominees this one proposes again (one follow-up
    #: each: the unique index keeps a deferred nominee from being proposed twice at once).
    follows_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"), index=True,
                                                   unique=True)
    #: Optimistic lock: two people acting at once cannot both win.
    version: Mapped[int] = mapped_column(default=1)
    #: The random key of the "new proposal" form it was created from (unique per creator);
    #: None for one filed again from another, or before migration 0017.
    form_key: Mapped[str | None] = mapped_column(String(32))

    unit: Mapped[Unit] = relationship()
    campaign: Mapped[Campaign] = relationship()
    phase: Mapped[Phase | None] = relationship()
    award_type: Mapped[AwardType] = relationship()
    created_by: Mapped[User] = relationship()
    decision: Mapped[Decision | None] = relationship(back_populates="proposal")
    nominees: Mapped[list[Nominee]] = relationship(
        back_populates="proposal", order_by="Nominee.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="proposal", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    follows: Mapped[Proposal | None] = relationship(remote_side="Proposal.id",
                                                    back_populates="follow_up")
    follow_up: Mapped[Proposal | None] = relationship(back_populates="follows")

    __mapper_args__ = {"version_id_col": version}

    @property
    def edited_values(self) -> dict[str, object]:
        """The details its edit form changes, as the form's data reads them (no phase: 0)."""
        return {"title": self.title, "campaign_id": self.campaign_id,
                "phase_id": self.phase_id or 0, "award_type_id": self.award_type_id,
                "achievement_year": self.achievement_year, "achievement": self.achievement}

    @property
    def details_digest(self) -> str:
        """What its edit form carries (`core.seen`): a save is refused once the details were
        saved again meanwhile, and not for a nominee or a file added in between (which move
        `version`)."""
        return seen_digest(self.edited_values)

    @property
    def priority_share(self) -> str:
        return f"{self.priority_count}/{self.nominee_count}"

    @property
    def outcome_counts(self) -> dict[NomineeOutcome, int]:
        """How many nominees the committee concluded each way (empty before it concludes)."""
        counts = Counter(n.outcome for n in self.nominees if n.outcome is not None)
        return {outcome: counts[outcome] for outcome in NomineeOutcome if counts[outcome]}

    @property
    def awaits_decision(self) -> bool:
        """Whether the chairman is yet to decide on it: what the committee deferred will not
        be in that decision."""
        return self.state == ProposalState.AWAITING_DECISION

    @property
    def deferred_nominees(self) -> list[Nominee]:
        """Nominees the committee deferred: not in this proposal's decision, not refused."""
        return [n for n in self.nominees if n.outcome == NomineeOutcome.DEFERRED]

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.state}>"


# The "my work" queues: whose desk, priority first, then the longest-waiting first. The index
# has the ORDER BY's directions, and unit_id/submitted_at make it cover the visibility filter,
# so a queue page reads a page of index entries (bench/bench_queue.py).
Index("ix_proposal_queue_key", Proposal.queue_key, Proposal.has_priority.desc(),
      Proposal.state_changed_at, Proposal.id, Proposal.unit_id, Proposal.submitted_at)
# The list of all proposals, the most recently changed first (migration 0006), unfiltered and
# filtered by state; unit_id and submitted_at again cover the visibility filter.
Index("ix_proposal_recent", Proposal.state_changed_at.desc(), Proposal.id.desc(),
      Proposal.unit_id, Proposal.submitted_at)
Index("ix_proposal_state_recent", Proposal.state, Proposal.state_changed_at.desc(),
      Proposal.id.desc(), Proposal.unit_id, Proposal.submitted_at)


#: The longest achievement summary of a nominee, typed in or read from a list (the column is
#: Text: the limit is the form's and the operations', not the database's).
ACHIEVEMENT_SUMMARY_MAX_LENGTH = 4000


class Nominee(Model):
    """Người được đề nghị: an individual, collective or household."""

    __table_args__ = (
        CheckConstraint(
            "kind = 'individual' OR gender IS NULL", name="gender_only_for_individuals"
        ),
        # Name search checks a proposal's nominees from the index alone.
        Index("ix_nominee_proposal_name", "proposal_id", "name_folded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    kind: Mapped[NomineeKind] = mapped_column(enum_column_type(NomineeKind, "nominee_kind"))
    name: Mapped[str] = mapped_column(String(200))
    #: Lower-case, diacritics removed: what name search matches against.
    name_folded: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")
    #: The nominee's unit, or a household's address.
    unit_or_address: Mapped[str] = mapped_column(String(300), default="")
    gender: Mapped[Gender | None] = mapped_column(enum_column_type(Gender, "gender"))
    achievement_summary: Mapped[str] = mapped_column(Text, default="")
    priority_group: Mapped[PriorityGroup] = mapped_column(
        enum_column_type(PriorityGroup, "priority_group"), default=PriorityGroup.NONE
    )
    outcome: Mapped[NomineeOutcome | None] = mapped_column(
        enum_column_type(NomineeOutcome, "nominee_outcome")
    )
    #: Optimistic lock of the nominee's own row (migration 0018): two writes of it at once
    #: cannot both win. (Its edit form carries `details_digest`.)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    proposal: Mapped[Proposal] = relationship(back_populates="nominees")

    __mapper_args__ = {"version_id_col": version}

    @property
    def edited_values(self) -> dict[str, object]:
        """What its edit form changes, as the form's data reads them (choices by value)."""
        return {"name": self.name, "position": self.position,
                "unit_or_address": self.unit_or_address,
                "gender": self.gender.value if self.gender else None,
                "priority_group": self.priority_group.value,
                "achievement_summary": self.achievement_summary}

    @property
    def details_digest(self) -> str:
        """What its edit form carries (`core.seen`): a save is refused once this nominee was
        saved again meanwhile, and not for a change elsewhere in the dossier."""
        return seen_digest(self.edited_values)

    @property
    def description(self) -> str:
        """Position and unit (or address), as printed in lists."""
        return ", ".join(part for part in (self.position, self.unit_or_address) if part)


class Attachment(Model):
    """A file of the dossier (hồ sơ). Stored outside static under a generated name."""

    __table_args__ = (CheckConstraint("size > 0", name="not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"),
                                             index=True)
    kind: Mapped[AttachmentKind] = mapped_column(
        enum_column_type(AttachmentKind, "attachment_kind"))
    #: The name the user gave, cleaned of paths and control characters; shown, never used on disk.
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="attachments")
    uploaded_by: Mapped[User] = relationship()
