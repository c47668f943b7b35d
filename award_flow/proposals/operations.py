"""Operations on proposals: the only code that changes their state.

Each checks who may act and what state allows it, mutates, flushes and writes the audit
event. Views commit once afterwards; any error rolls the whole request back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from award_flow.auth.models import User
from award_flow.campaigns.models import Campaign, Phase
from award_flow.campaigns.operations import check_phase_remains, lock_campaign
from award_flow.catalogue.models import AwardType, ConferredBy, NomineeKind
from award_flow.core import audit
from award_flow.core.clock import local_today
from award_flow.core.database import column_length, unique_columns
from award_flow.core.display import file_size
from award_flow.core.errors import ConflictError, InvalidTransition, NotAllowed, ValidationError
from award_flow.core.model_base import utcnow
from award_flow.core.storage import (
    clean_filename,
    delete_after_commit,
    store_upload,
    track_new_file,
)
from award_flow.core.text import fold, nfc
from award_flow.documents.validators import require_printable
from award_flow.extensions import db
from award_flow.proposals import nominee_list
from award_flow.proposals.models import (
    ACHIEVEMENT_SUMMARY_MAX_LENGTH,
    GENDER_REQUIRED,
    NAME_LABELS,
    Attachment,
    AttachmentKind,
    Gender,
    Nominee,
    NomineeOutcome,
    PriorityGroup,
    Proposal,
    ProposalState,
    nominee_text_label,
)
from award_flow.proposals.workflow import (
    TRANSITIONS,
    Action,
    can_create,
    can_edit,
    can_propose_again,
    lacks,
    may,
    nominees_to_propose_again,
    recuses,
    refiled_whole,
)

if TYPE_CHECKING:
    from award_flow.decisions.operations import RenderedDecision


@dataclass(frozen=True)
class ProposalData:
    title: str
    achievement: str
    campaign: Campaign
    award_type: AwardType
    phase: Phase | None = None
    achievement_year: int | None = None


def _within(year: int, span: Campaign | Phase) -> bool:
    return span.starts_on.year <= year <= span.ends_on.year


@dataclass(frozen=True)
class NomineeData:
    kind: NomineeKind
    name: str
    position: str = ""
    unit_or_address: str = ""
    gender: Gender | None = None
    achievement_summary: str = ""
    priority_group: PriorityGroup = PriorityGroup.NONE


def _check_proposal_data(actor: User, data: ProposalData) -> None:
    authority_id = actor.unit.authority_id
    if data.campaign.authority_id != authority_id:
        raise ValidationError(_("Phong trào thi đua không thuộc cơ quan này."))
    if data.award_type.authority_id != authority_id:
        raise ValidationError(_("Danh hiệu, hình thức khen thưởng không thuộc cơ quan này."))
    if not data.award_type.active:
        raise ValidationError(_("Danh hiệu, hình thức khen thưởng này đã ngừng áp dụng."))
    if data.award_type.conferred_by != ConferredBy.SELF:
        raise ValidationError(
            _("Danh hiệu, hình thức khen thưởng này không thuộc thẩm quyền quyết định của Chủ "
              "tịch Ủy ban nhân dân; cần trình cấp trên.")
        )
    if data.phase is not None and data.phase.campaign_id != data.campaign.id:
        raise ValidationError(_("Đợt thi đua không thuộc phong trào đã chọn."))
    # The campaign's and the phase's dates, as the admin changing them at this moment leaves
    # them; and neither is removed, nor its dates changed, before this proposal is committed
    # (campaigns/operations.py then sees it).
    lock_campaign(data.campaign, share=True)
    if data.phase is not None:
        check_phase_remains(data.phase)
    _check_achievement_year(data)


def _check_achievement_year(data: ProposalData) -> None:
    """A title needs the year it is recognised for; a year given lies within the campaign's
    (and the phase's) years, and is not still to come."""
    year = data.achievement_year
    if year is None:
        if data.award_type.is_title:
            raise ValidationError(_("Danh hiệu thi đua được công nhận theo năm: hãy nhập năm "
                                    "thành tích."), field="achievement_year")
        return
    campaign, phase = data.campaign, data.phase
    if not _within(year, campaign):
        raise ValidationError(_("Năm thành tích phải trong thời gian của phong trào thi đua "
                                "(%(years)s).", years=campaign.years), field="achievement_year")
    if phase is not None and not _within(year, phase):
        raise ValidationError(_("Năm thành tích phải trong thời gian của đợt thi đua "
                                "(%(years)s).", years=phase.years), field="achievement_year")
    if year > local_today().year:
        raise ValidationError(_("Năm %(year)s chưa đến: chỉ công nhận, khen thưởng thành tích đã "
                                "đạt được.", year=year), field="achievement_year")


#: The same "new proposal" form sent a second time: said on the proposal it created.
FORM_SENT_ALREADY = _l("Biểu mẫu này đã được gửi và tờ trình đã được tạo (dưới đây); lần gửi "
                       "sau không tạo thêm tờ trình nào. Muốn lập thêm tờ trình khác, hãy mở "
                       "lại trang lập tờ trình.")


def create_proposal(actor: User, data: ProposalData, *, form_key: str | None = None) -> Proposal:
    """A unit's new draft proposal; `form_key`, the key of the form it comes from, is refused
    when that form already created one (sent twice at once: the view finds the first one
    before, except when both were sent at the same moment)."""
    if not can_create(actor):
        raise NotAllowed(_("Chỉ cán bộ của đơn vị mới lập được tờ trình."))
    _check_proposal_data(actor, data)
    proposal = Proposal(
        unit_id=actor.unit_id,
        created_by=actor,
        title=nfc(data.title),
        achievement=nfc(data.achievement),
        campaign=data.campaign,
        phase=data.phase,
        achievement_year=data.achievement_year,
        award_type=data.award_type,
        state=ProposalState.DRAFT,
        form_key=form_key,
    )
    db.session.add(proposal)
    try:
        db.session.flush()
    except IntegrityError as exc:
        if "form_key" not in unique_columns(exc):
            raise
        raise ConflictError(str(FORM_SENT_ALREADY)) from exc
    audit.record("create", actor, proposal_id=proposal.id, to_state=ProposalState.DRAFT)
    return proposal


def propose_again(actor: User, proposal: Proposal) -> Proposal:
    """A new draft of the same unit, campaign and award, to be completed with a dossier and
    submitted, from a closed proposal (`can_propose_again`): with the nominees the committee
    deferred on a decided one, or with every nominee of one withdrawn or not approved."""
    if not can_propose_again(actor, proposal):
        raise NotAllowed(_("Chỉ đơn vị lập tờ trình mới lập lại được tờ trình, một lần, sau "
                           "khi tờ trình đã rút, không được phê duyệt, hoặc đã có quyết định "
                           "mà còn trường hợp hoãn xét."))
    carried = nominees_to_propose_again(proposal)
    deferred = not refiled_whole(proposal)
    # Part of the title (data, in Vietnamese whatever the page's language), not UI text: the
    # new draft is told apart from the closed one in the lists and the links between them.
    suffix = " (đề nghị lại các trường hợp hoãn xét)" if deferred else " (lập lại)"
    title = proposal.title[:column_length(Proposal, "title") - len(suffix)] + suffix
    again = create_proposal(actor, ProposalData(
        title=title, achievement=proposal.achievement, campaign=proposal.campaign,
        award_type=proposal.award_type, phase=proposal.phase,
        achievement_year=proposal.achievement_year))
    again.follows = proposal
    try:
        db.session.flush()
    except IntegrityError as exc:  # the unique follows_id: someone else was first
        raise ConflictError(_("Tờ trình này vừa được lập lại. Không có thay đổi nào được lưu; "
                              "hãy tải lại trang.")) from exc
    # Carried as they were filed, counted, versioned and recorded once: the new draft's
    # history says it was filed, the closed proposal's whom it carries. Not checked again as
    # if typed in: what a rule made since refuses (a character the decision cannot print) is
    # the unit's to fix in the new draft, which is not sent until it has (`lacks`); refused
    # here, the closed proposal could not be filed again at all.
    for nominee in carried:
        db.session.add(Nominee(
            proposal=again, kind=nominee.kind, name=nominee.name,
            name_folded=nominee.name_folded, position=nominee.position,
            unit_or_address=nominee.unit_or_address, gender=nominee.gender,
            achievement_summary=nominee.achievement_summary,
            priority_group=nominee.priority_group))
    _refresh_counts(again)
    _flush_dossier_change(again)
    # The history names whom the new draft carries; the page links to it ("Đã lập lại…").
    audit.record("propose_again" if deferred else "file_again", actor, proposal_id=proposal.id,
                 comment=", ".join(n.name for n in carried))
    return again


def _require_edit(actor: User, proposal: Proposal) -> None:
    if not can_edit(actor, proposal):
        raise InvalidTransition(
            _("Chỉ sửa được tờ trình của đơn vị mình khi đang là bản nháp hoặc bị trả lại.")
        )


def _flush(proposal: Proposal) -> None:
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise ConflictError(
            _("Tờ trình vừa được người khác thay đổi. Không có thay đổi nào được lưu; "
              "hãy tải lại trang.")
        ) from exc


def _flush_dossier_change(proposal: Proposal) -> None:
    """Flush a change to what the unit files: the details, a nominee or a file. Each is a
    change to the proposal, whatever row it touches: its version moves, so that a page shown
    before it (the unit head's submit button) is stale, and the UPDATE, conditional on the
    version loaded, refuses to follow a change someone else made meanwhile."""
    proposal.version += 1
    _flush(proposal)


class EditedMeanwhile(ConflictError):
    """An edit form's save refused because what it was opened on changed meanwhile (its
    version is not the one the form carries): nothing is saved, and the form's page shows
    again with what the user typed, so that a second save is a deliberate one."""


#: A refusal of an edit form opened before the details it shows were saved again: who saved
#: them ("other": someone named; "self": the same user, on another page; "unknown": the form
#: carried nothing to tell, or the save left no trace), then what the user is to do.
PROPOSAL_EDITED_MEANWHILE = {
    "other": _l("Thông tin của tờ trình vừa được %(name)s sửa trong lúc bạn sửa."),
    "self": _l("Bạn vừa lưu thông tin của tờ trình này ở một trang khác, sau khi mở trang "
               "này."),
    "unknown": _l("Thông tin của tờ trình đã thay đổi sau khi bạn mở trang này."),
}
NOMINEE_EDITED_MEANWHILE = {
    "other": _l("Thông tin của trường hợp này vừa được %(name)s sửa trong lúc bạn sửa."),
    "self": _l("Bạn vừa lưu thông tin của trường hợp này ở một trang khác, sau khi mở trang "
               "này."),
    "unknown": _l("Thông tin của trường hợp này đã thay đổi sau khi bạn mở trang này."),
}
EDITED_MEANWHILE_ADVICE = _l(
    "Những gì bạn nhập chưa được lưu và vẫn còn dưới đây; ô nào bạn không sửa đã được cập "
    "nhật theo thông tin vừa lưu. Dưới ô nào bạn đã sửa mà thông tin đã lưu cũng thay đổi có "
    "ghi thông tin hiện đã lưu. Hãy xem lại rồi bấm “Lưu” lần nữa.")


def _require_unchanged(current: str, expected: str | None, *, unchanged: bool,
                       refusal: Mapping[str, object], actor: User,
                       saved_by: Callable[[], User | None]) -> bool:
    """Whether an edit form's save is to be made: refused unless the form was opened on
    `current`, the digest of what it changes as saved now (`expected` None: no form, nothing
    to compare), or skipped when what it sends is what is saved now (`unchanged`: the
    same form sent twice by a second click, or the same change made meanwhile; saving it would
    change nothing and refusing it would protect nothing). Read under the proposal's lock,
    which every change to the dossier takes, so that nothing can change in between. The
    refusal says who saved meanwhile (`saved_by`, the last save's author) when the form
    carried what it was opened on."""
    if expected is None or expected == current:
        return True
    if unchanged:
        return False
    author = saved_by() if expected else None
    if author is None:
        said = str(refusal["unknown"])
    elif author.id == actor.id:
        said = str(refusal["self"])
    else:
        said = str(refusal["other"]) % {"name": author.full_name}
    raise EditedMeanwhile(f"{said} {EDITED_MEANWHILE_ADVICE}")


def _last_saved_by(proposal: Proposal, action: str, comment: str | None = None) -> User | None:
    """Who wrote the proposal's latest audit event of `action` (with `comment`, if given)."""
    query = select(audit.AuditEvent.actor_id).where(
        audit.AuditEvent.proposal_id == proposal.id, audit.AuditEvent.action == action)
    if comment is not None:
        query = query.where(audit.AuditEvent.comment == comment)
    actor_id = db.session.scalar(query.order_by(audit.AuditEvent.id.desc()).limit(1))
    return db.session.get(User, actor_id) if actor_id is not None else None


def _same_details(proposal: Proposal, data: ProposalData) -> bool:
    """Whether `data` is what the proposal holds, as update_proposal would save it."""
    return (proposal.title == nfc(data.title) and proposal.achievement == nfc(data.achievement)
            and proposal.campaign_id == data.campaign.id
            and proposal.phase_id == (data.phase.id if data.phase is not None else None)
            and proposal.achievement_year == data.achievement_year
            and proposal.award_type_id == data.award_type.id)


def update_proposal(actor: User, proposal: Proposal, data: ProposalData, *,
                    seen: str | None = None) -> None:
    """Save the proposal's details; `seen`, the digest of the details its edit form showed
    (`Proposal.details_digest`), refuses the save (`EditedMeanwhile`) once they were saved
    again since, unless the details sent are those saved now (nothing is then done). A
    nominee or a file added meanwhile does not: the form overwrites neither."""
    _require_edit(actor, proposal)
    if not _require_unchanged(proposal.details_digest, seen,
                              unchanged=_same_details(proposal, data),
                              refusal=PROPOSAL_EDITED_MEANWHILE, actor=actor,
                              saved_by=lambda: _last_saved_by(proposal, "edit")):
        return
    _check_proposal_data(actor, data)
    if data.award_type.subject != proposal.award_type.subject and proposal.nominees:
        raise ValidationError(
            _("Tờ trình đã có người được đề nghị; danh hiệu, hình thức khen thưởng mới phải cùng "
              "đối tượng (cá nhân, tập thể hoặc hộ gia đình).")
        )
    proposal.title = nfc(data.title)
    proposal.achievement = nfc(data.achievement)
    proposal.campaign = data.campaign
    proposal.phase = data.phase
    proposal.achievement_year = data.achievement_year
    proposal.award_type = data.award_type
    _flush_dossier_change(proposal)
    audit.record("edit", actor, proposal_id=proposal.id)


def _refresh_counts(proposal: Proposal) -> None:
    """Keep what the queues read without the nominee rows equal to them: the counters and
    the folded names that name search matches (one per line: `fold` leaves no newline in a
    name, so a search text cannot match across two names)."""
    db.session.flush()
    nominees = db.session.execute(
        select(Nominee.name_folded, Nominee.priority_group)
        .where(Nominee.proposal_id == proposal.id)
        .order_by(Nominee.id)
    ).all()
    priority = sum(group != PriorityGroup.NONE for _name, group in nominees)
    proposal.nominee_count = len(nominees)
    proposal.priority_count = priority
    proposal.has_priority = priority > 0
    proposal.nominee_names = "\n".join(name for name, _group in nominees)


def _told_apart(details: tuple[str, str], other: tuple[str, str]) -> bool:
    """Whether two nominees of the same name are two people (two collectives…): a position,
    or a unit or address, given for this one and different from the other's. Namesakes are
    common ("Nguyễn Văn Hùng"); a name typed again with nothing that differs is the same
    nominee twice."""
    return any(fold(mine) and fold(mine) != fold(theirs)
               for mine, theirs in zip(details, other, strict=True))


#: Limits of the texts whose column has none (Text), as the nominee form sets them.
_TEXT_LIMITS = {"achievement_summary": ACHIEVEMENT_SUMMARY_MAX_LENGTH}


def _check_lengths(kind: NomineeKind, **values: str) -> None:
    """Refuse a text longer than its column or the form's limit (the form says so first; a
    list read from a spreadsheet is checked here)."""
    for field, value in values.items():
        limit = _TEXT_LIMITS.get(field) or column_length(Nominee, field)
        if len(value) > limit:
            raise ValidationError(_("%(what)s dài quá %(n)s ký tự.",
                                    what=nominee_text_label(field, kind), n=limit),
                                  field=field)


def _check_printable(kind: NomineeKind, **values: str) -> None:
    """Refuse a text the decision's annex prints that has a character its font cannot print:
    an emoji or a letter of another script would come out as an empty box, or in another
    font, on a signed decision."""
    for field, value in values.items():
        require_printable(field, str(nominee_text_label(field, kind)), value)


#: The proposal's nominees by folded name (`_namesakes`): what a new name is compared with.
Namesakes = dict[str, list[Nominee]]


def _namesakes(proposal: Proposal) -> Namesakes:
    """The proposal's nominees by folded name, for a list of many rows: each row is compared
    with its namesakes only, not with every nominee before it (linear in the rows)."""
    index: Namesakes = defaultdict(list)
    for nominee in proposal.nominees:
        index[nominee.name_folded].append(nominee)
    return index


def _apply_nominee(nominee: Nominee, proposal: Proposal, data: NomineeData,
                   namesakes: Namesakes | None = None) -> None:
    if data.kind != proposal.award_type.subject:
        raise ValidationError(
            _("%(award)s chỉ dành cho %(subject)s.",
              award=proposal.award_type.name, subject=proposal.award_type.subject.label.lower())
        )
    # Without the invisible characters pasting from Word or Excel brings (core.text.nfc):
    # what is left is what the decision prints.
    name = nfc(data.name) or ""
    if not name:
        raise ValidationError(_("Cần nhập %(what)s.",
                                what=str(NAME_LABELS[data.kind]).lower()), field="name")
    if data.kind == NomineeKind.INDIVIDUAL and data.gender is None:
        raise ValidationError(str(GENDER_REQUIRED), field="gender")
    if not data.priority_group.fits(data.kind):
        raise ValidationError(_("Nhóm ưu tiên “%(group)s” không dùng cho %(kind)s.",
                                group=data.priority_group.label, kind=data.kind.label.lower()),
                              field="priority_group")
    position, place = nfc(data.position) or "", nfc(data.unit_or_address) or ""
    summary = nfc(data.achievement_summary) or ""
    _check_lengths(data.kind, name=name, position=position, unit_or_address=place,
                   achievement_summary=summary)
    _check_printable(data.kind, name=name, position=position, unit_or_address=place)
    name_folded = fold(name)
    # Folding can lengthen a name ("ß" → "ss"): refuse rather than overflow the column.
    if len(name_folded) > column_length(Nominee, "name_folded"):
        raise ValidationError(_("%(what)s quá dài.", what=NAME_LABELS[data.kind]), field="name")
    candidates = proposal.nominees if namesakes is None else namesakes.get(name_folded, ())
    same = next((other for other in candidates if other is not nominee
                 and other.name_folded == name_folded
                 and not _told_apart((position, place), (other.position, other.unit_or_address))),
                None)
    if same is not None:
        # Folded: "Nguyen Van Ut" is "Nguyễn Văn Út" typed without its marks.
        raise ValidationError(_("“%(name)s” đã có trong tờ trình này; mỗi trường hợp chỉ "
                                "được đề nghị một lần. Nếu là người khác cùng họ tên, hãy ghi "
                                "chức vụ hoặc đơn vị, địa chỉ để phân biệt.", name=same.name),
                              field="name")
    nominee.kind = data.kind
    nominee.name = name
    nominee.name_folded = name_folded
    nominee.position = position
    nominee.unit_or_address = place
    nominee.gender = data.gender if data.kind == NomineeKind.INDIVIDUAL else None
    nominee.achievement_summary = summary
    nominee.priority_group = data.priority_group


def _new_nominee(proposal: Proposal, data: NomineeData,
                 namesakes: Namesakes | None = None) -> Nominee:
    # Filled and checked before it is linked to the proposal: reading the proposal may
    # autoflush, and a linked nominee not yet in the session would not be saved with it.
    nominee = Nominee()
    _apply_nominee(nominee, proposal, data, namesakes)
    nominee.proposal = proposal
    db.session.add(nominee)
    if namesakes is not None:
        namesakes[nominee.name_folded].append(nominee)
    return nominee


def add_nominee(actor: User, proposal: Proposal, data: NomineeData) -> Nominee:
    _require_edit(actor, proposal)
    nominee = _new_nominee(proposal, data)
    _refresh_counts(proposal)
    _flush_dossier_change(proposal)
    audit.record("add_nominee", actor, proposal_id=proposal.id, comment=nominee.name)
    return nominee


def import_nominees(actor: User, proposal: Proposal, filename: str,
                    rows: Sequence[nominee_list.ListRow]) -> int:
    """Add every nominee of a filled list (the rows `nominee_list.read_rows` read from
    `filename` for the proposal's kind of nominee), with the checks of one nominee typed in,
    or none: the refusal names each row to fix (up to MAX_REPORTED). Returns how many were
    added."""
    _require_edit(actor, proposal)
    kind = proposal.award_type.subject
    wrong: list[str] = []
    namesakes = _namesakes(proposal)
    for row in rows:
        try:
            gender, group = nominee_list.choices_of(row, kind)
            _new_nominee(proposal, NomineeData(
                kind=kind, name=row.values.get("name", ""), gender=gender,
                position=row.values.get("position", ""),
                unit_or_address=row.values.get("unit_or_address", ""),
                achievement_summary=row.values.get("achievement_summary", ""),
                priority_group=group), namesakes)
        except ValidationError as exc:
            wrong.append(_("Dòng %(line)s: %(problem)s", line=row.line, problem=exc.message))
    if wrong:
        # One row a line (the message box keeps them): a sheet is fixed row by row.
        more = len(wrong) - nominee_list.MAX_REPORTED
        lines = [ngettext("Chưa thêm ai: %(num)s dòng của danh sách cần sửa.",
                          "Chưa thêm ai: %(num)s dòng của danh sách cần sửa.", len(wrong)),
                 *wrong[:nominee_list.MAX_REPORTED],
                 *([ngettext("… và %(num)s dòng nữa.", "… và %(num)s dòng nữa.", more)]
                   if more > 0 else [])]
        raise ValidationError("\n".join(lines))
    _refresh_counts(proposal)
    _flush_dossier_change(proposal)
    # The record is data, in the authority's language ("danh-sach.xlsx: 12 trường hợp").
    with force_locale("vi"):
        comment = _("%(file)s: %(num)s trường hợp", file=clean_filename(filename),
                    num=len(rows))
    audit.record("import_nominees", actor, proposal_id=proposal.id, comment=comment)
    return len(rows)


def update_nominee(actor: User, nominee: Nominee, data: NomineeData, *,
                   seen: str | None = None) -> None:
    """Save a nominee's details; `seen`, the digest of them its edit form showed
    (`Nominee.details_digest`), refuses the save (`EditedMeanwhile`) once this nominee was
    saved again since, unless the details sent are those saved now (nothing is then done).
    A change elsewhere in the dossier does not: the nominee's row is its own."""
    proposal = nominee.proposal
    _require_edit(actor, proposal)
    if not _require_unchanged(
            nominee.details_digest, seen, unchanged=_same_nominee(nominee, data),
            refusal=NOMINEE_EDITED_MEANWHILE, actor=actor,
            # Its audit event names it as saved (`comment`), which is its name now.
            saved_by=lambda: _last_saved_by(proposal, "edit_nominee", nominee.name)):
        return
    _apply_nominee(nominee, proposal, data)
    _refresh_counts(proposal)
    _flush_dossier_change(proposal)
    audit.record("edit_nominee", actor, proposal_id=proposal.id, comment=nominee.name)


def _same_nominee(nominee: Nominee, data: NomineeData) -> bool:
    """Whether `data` is what the nominee holds, as `_apply_nominee` would save it."""
    return (nominee.kind == data.kind and nominee.name == (nfc(data.name) or "")
            and nominee.position == (nfc(data.position) or "")
            and nominee.unit_or_address == (nfc(data.unit_or_address) or "")
            and nominee.gender == (data.gender if data.kind == NomineeKind.INDIVIDUAL else None)
            and nominee.achievement_summary == (nfc(data.achievement_summary) or "")
            and nominee.priority_group == data.priority_group)


def remove_nominee(actor: User, nominee: Nominee) -> None:
    proposal = nominee.proposal
    _require_edit(actor, proposal)
    proposal.nominees.remove(nominee)
    _refresh_counts(proposal)
    _flush_dossier_change(proposal)
    audit.record("remove_nominee", actor, proposal_id=proposal.id, comment=nominee.name)


def add_attachment(
    actor: User, proposal: Proposal, kind: AttachmentKind, filename: str, stream: IO[bytes]
) -> Attachment:
    """Store a dossier file; refused (nothing kept) when its content is not an allowed type."""
    from award_flow.core.storage import clean_filename

    _require_edit(actor, proposal)
    limits = current_app.config
    if len(proposal.attachments) >= limits["MAX_ATTACHMENTS_PER_PROPOSAL"]:
        raise ValidationError(_("Hồ sơ đã có %(n)s tệp, số tệp tối đa của một tờ trình.",
                                n=limits["MAX_ATTACHMENTS_PER_PROPOSAL"]))
    name = clean_filename(filename)
    try:
        stored = store_upload(stream, name)
    except ValidationError as refused:
        raise ValidationError(refused.message, field="file") from refused
    track_new_file(db.session, stored.stored_name)  # removed again if this is refused below
    same = next((a for a in proposal.attachments
                 if a.sha256 == stored.sha256 and a.kind == kind), None)
    if same is not None:
        # The same file twice under one kind is a slip (a second click, a file chosen again);
        # one scan filed under two kinds is not.
        raise ValidationError(_("Tệp “%(name)s”: hồ sơ đã có tệp này (“%(same)s”, %(kind)s).",
                                name=name, same=same.original_name,
                                kind=same.kind.label.lower()), field="file")
    if sum(a.size for a in proposal.attachments) + stored.size > limits["MAX_DOSSIER_BYTES"]:
        raise ValidationError(_("Hồ sơ của một tờ trình tối đa %(size)s; tệp này vượt quá.",
                                size=file_size(limits["MAX_DOSSIER_BYTES"])))
    attachment = Attachment(
        proposal=proposal,
        kind=kind,
        original_name=name,
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=actor,
    )
    db.session.add(attachment)
    _flush_dossier_change(proposal)
    audit.record("add_attachment", actor, proposal_id=proposal.id, comment=attachment.original_name)
    return attachment


def remove_attachment(actor: User, attachment: Attachment) -> None:
    proposal = attachment.proposal
    _require_edit(actor, proposal)
    proposal.attachments.remove(attachment)
    delete_after_commit(db.session, attachment.stored_name)
    _flush_dossier_change(proposal)
    audit.record(
        "remove_attachment", actor, proposal_id=proposal.id, comment=attachment.original_name
    )


# --- transitions --------------------------------------------------------------------------

#: The refusal of an action the actor may not take on the proposal.
NO_PERMISSION = _l("Bạn không có quyền thực hiện thao tác này.")


def _check(
    proposal: Proposal, action: Action, actor: User, comment: str, expected_version: int | None
) -> str:
    """Refuse, changing nothing, unless `actor` may take `action` now; returns the comment."""
    transition = TRANSITIONS[action]
    comment = nfc(comment) or ""
    if expected_version is not None and expected_version != proposal.version:
        raise ConflictError(
            _("Tờ trình vừa được người khác xử lý (hiện ở trạng thái “%(state)s”). "
              "Không có thay đổi nào được lưu.", state=proposal.state.label)
        )
    if not may(actor, action, proposal):
        # Who may never take the action is told so, whatever the state (a forged request).
        if actor.role not in transition.roles:
            raise NotAllowed(str(NO_PERMISSION))
        if recuses(actor, proposal):
            raise NotAllowed(_("Thành viên Thường trực Hội đồng không xét tờ trình của đơn vị "
                               "mình."))
        if proposal.state not in transition.sources:
            raise InvalidTransition(
                _("Không thể thực hiện: tờ trình đang ở trạng thái “%(state)s”.",
                  state=proposal.state.label)
            )
        raise NotAllowed(str(NO_PERMISSION))
    if transition.needs_comment and not comment:
        raise ValidationError(str(transition.missing_comment_message), field="comment")
    # A comment where the page offers none (a first submission) is not recorded.
    return comment if transition.takes_comment(proposal.state) else ""


def _apply(proposal: Proposal, action: Action, actor: User, comment: str) -> None:
    """Move to the transition's target state and write the audit event."""
    transition = TRANSITIONS[action]
    source = proposal.state
    proposal.state = transition.target
    proposal.state_changed_at = utcnow()
    _flush(proposal)
    audit.record(
        action.value,
        actor,
        proposal_id=proposal.id,
        from_state=source.value,
        to_state=transition.target.value,
        comment=comment,
    )


def _move(proposal: Proposal, action: Action, actor: User, *, comment: str = "",
          expected_version: int | None = None) -> None:
    _apply(proposal, action, actor, _check(proposal, action, actor, comment, expected_version))


def _require_ready(proposal: Proposal, action: Action) -> None:
    missing = lacks(action, proposal)
    if missing is not None:
        raise ValidationError(str(missing))


def submit_proposal(proposal: Proposal, actor: User, *, comment: str = "",
                    expected_version: int | None = None) -> None:
    """The unit head files the proposal (again, after a return: that counts a revision, and
    the unit may say what it changed)."""
    comment = _check(proposal, Action.SUBMIT, actor, comment, expected_version)
    _require_ready(proposal, Action.SUBMIT)
    if proposal.state == ProposalState.RETURNED:
        proposal.revision_count += 1
    proposal.submitted_at = proposal.submitted_at or utcnow()
    _apply(proposal, Action.SUBMIT, actor, comment)


def withdraw_proposal(proposal: Proposal, actor: User, *, comment: str = "",
                      expected_version: int | None = None) -> None:
    _move(proposal, Action.WITHDRAW, actor, comment=comment, expected_version=expected_version)


def accept_proposal(proposal: Proposal, actor: User, *, comment: str = "",
                    expected_version: int | None = None) -> None:
    """Taken up for appraisal (no comment is recorded: the secretariat's says come with a
    return or a forward)."""
    _move(proposal, Action.ACCEPT, actor, comment=comment, expected_version=expected_version)


def return_proposal(proposal: Proposal, actor: User, *, comment: str,
                    expected_version: int | None = None) -> None:
    """Back to the unit for revision; the reasons are required and shown to the unit. (No
    outcome to clear: a proposal gets them in committee, and leaves it for the secretariat's
    desk only by `send_back_proposal`, which clears them.)"""
    _move(proposal, Action.RETURN, actor, comment=comment, expected_version=expected_version)


def forward_proposal(proposal: Proposal, actor: User, *, comment: str,
                     expected_version: int | None = None) -> None:
    """To the Standing Committee, with the secretariat's appraisal opinion (required), once
    one of its members may conclude it."""
    comment = _check(proposal, Action.FORWARD, actor, comment, expected_version)
    _require_ready(proposal, Action.FORWARD)
    _apply(proposal, Action.FORWARD, actor, comment)


def send_back_proposal(proposal: Proposal, actor: User, *, comment: str,
                       expected_version: int | None = None) -> None:
    _move(proposal, Action.SEND_BACK, actor, comment=comment, expected_version=expected_version)
    for nominee in proposal.nominees:
        nominee.outcome = None


def conclude_review(
    proposal: Proposal,
    actor: User,
    outcomes: Mapping[int, NomineeOutcome],
    *,
    comment: str = "",
    expected_version: int | None = None,
) -> None:
    """The Standing Committee's conclusion: an outcome for every nominee."""
    comment = _check(proposal, Action.CONCLUDE, actor, comment, expected_version)
    if set(outcomes) != {n.id for n in proposal.nominees}:
        raise ValidationError(_("Cần kết luận cho từng trường hợp được đề nghị."))
    if all(outcome == NomineeOutcome.DEFERRED for outcome in outcomes.values()):
        # Deferred means "decided later": a proposal deferred as a whole stays with the
        # committee rather than going to the chairman with nothing to decide.
        raise ValidationError(_("Không thể hoãn xét tất cả: hãy để tờ trình chờ phiên họp sau "
                                "(chưa kết luận) hoặc chuyển lại %(secretariat)s.",
                                secretariat=proposal.unit.authority.secretariat_name))
    _apply(proposal, Action.CONCLUDE, actor, comment)
    for nominee in proposal.nominees:
        nominee.outcome = outcomes[nominee.id]
    # The record is data, in the authority's language, whatever the member's page showed.
    with force_locale("vi"):
        summary = ", ".join(f"{n.name}: {outcomes[n.id].label}" for n in proposal.nominees)
    audit.record("outcomes", actor, proposal_id=proposal.id, comment=summary)


def reject_proposal(proposal: Proposal, actor: User, *, comment: str,
                    expected_version: int | None = None) -> None:
    _move(proposal, Action.REJECT, actor, comment=comment, expected_version=expected_version)


def approve_proposal(proposal: Proposal, actor: User, *, comment: str = "",
                     expected_version: int | None = None,
                     rendered: RenderedDecision | None = None):  # noqa: ANN201
    """The chairman approves the recommended nominees: this issues the decision.

    ``rendered``: the decision rendered before the transaction, used if still exact
    (see award_flow.decisions.operations.draft_decision_document)."""
    from award_flow.decisions.operations import issue_decision

    comment = _check(proposal, Action.APPROVE, actor, comment, expected_version)
    _require_ready(proposal, Action.APPROVE)
    decision = issue_decision(proposal, actor, rendered)
    # State and decision change in one flush: the table's CHECK keeps them together.
    proposal.decision = decision
    _apply(proposal, Action.APPROVE, actor, comment)
    return decision


#: The operation behind each workflow button of the proposal page, all called as
#: `operation(proposal, actor, comment=…, expected_version=…)` (approve also takes `rendered`,
#: its decision rendered ahead). Conclude has a page of its own: an outcome per nominee.
BUTTON_OPERATIONS: dict[Action, Callable[..., object]] = {
    Action.SUBMIT: submit_proposal,
    Action.WITHDRAW: withdraw_proposal,
    Action.ACCEPT: accept_proposal,
    Action.RETURN: return_proposal,
    Action.FORWARD: forward_proposal,
    Action.SEND_BACK: send_back_proposal,
    Action.REJECT: reject_proposal,
    Action.APPROVE: approve_proposal,
}
