"""Proposal pages. Each view loads, checks, validates and calls one operation, then commits."""

from __future__ import annotations

import io
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn, cast

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext, ngettext, to_user_timezone
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from award_flow.auth.permissions import can_administer
from award_flow.campaigns.models import Campaign, Phase
from award_flow.campaigns.queries import campaigns_of
from award_flow.catalogue.models import AwardType, ConferredBy, NomineeKind
from award_flow.core.audit import AuditEvent
from award_flow.core.display import data_choice, short_date, vietnamese_page
from award_flow.core.errors import DomainError, ValidationError
from award_flow.core.formatting import document_number
from award_flow.core.forms import EmptyForm
from award_flow.core.params import page_arg, past_last_page
from award_flow.core.seen import changed_since
from award_flow.core.storage import ALLOWED_TYPES, download_name, send_download, stored_path
from award_flow.core.text import alphabetical
from award_flow.core.views import go_to, perform, perform_on
from award_flow.decisions.operations import (
    RenderedDecision,
    draft_decision_document,
    render_draft,
)
from award_flow.documents.render import article_one
from award_flow.extensions import db
from award_flow.org.queries import units_of
from award_flow.proposals import nominee_list
from award_flow.proposals import operations as ops
from award_flow.proposals.forms import (
    COMMENT_MAX_LENGTH,
    ActionForm,
    AttachmentForm,
    NomineeEditForm,
    NomineeForm,
    NomineeListForm,
    ProposalEditForm,
    ProposalForm,
    outcome_choices,
)
from award_flow.proposals.models import (
    DESCRIPTION_LABELS,
    NAME_LABELS,
    AttachmentKind,
    Gender,
    Nominee,
    NomineeOutcome,
    PriorityGroup,
    Proposal,
    ProposalState,
)
from award_flow.proposals.queries import (
    ProposalFilters,
    arrival_badges,
    get_visible_attachment,
    get_visible_proposal,
    latest_moves,
    latest_send_back,
    page_of_proposals,
    sent_from_form,
)
from award_flow.proposals.workflow import (
    BEFORE_A_REVIEWER,
    QUEUE_STATES,
    TRANSITIONS,
    Action,
    Transition,
    allowed_actions,
    can_create,
    can_edit,
    can_propose_again,
    editing_closed,
    event_label,
    filed_again_already,
    may,
    moved_on,
    offered_actions,
    refiled_whole,
    sees_audit_details,
    sees_every_unit,
    transition_of,
    withheld_note,
    works_on_proposals,
)

bp = Blueprint("proposals", __name__)

XLSX_TYPE = ALLOWED_TYPES["xlsx"][0]
#: The list form shares the proposal page with the dossier's upload form: its own ids.
NOMINEE_LIST_PREFIX = "list"
#: `?list=` after a refused list: the page shows the list form open.
LIST_REFUSED = "refused"


def _authority_id() -> int:
    return current_user.unit.authority_id


def _moved_on(proposal: Proposal, message: str, section: str | None = None) -> NoReturn:
    """End the request on the proposal's page (at `section`), saying why the page the user
    acted from no longer applies (someone else moved the proposal on, or removed what the
    page showed, meanwhile); nothing was changed."""
    flash(message, "error")
    abort(redirect(_back_to(proposal.id, section) if section
                   else url_for(".detail", proposal_id=proposal.id)))


def _require_editable(proposal: Proposal) -> None:
    """403 unless the user may change the proposal's content (its unit, while it is with it);
    its own unit's user, once it has left the unit, is told so on its page."""
    if can_edit(current_user, proposal):
        return
    if editing_closed(current_user, proposal):
        _moved_on(proposal, _("Không sửa được hồ sơ nữa: tờ trình đang ở trạng thái "
                              "“%(state)s”. Không có thay đổi nào được lưu.",
                              state=proposal.state.label))
    abort(403)


def _editable_proposal(proposal_id: int, *, for_update: bool = False) -> Proposal:
    """A proposal the user may see (404 otherwise) and change (403 otherwise)."""
    proposal = get_visible_proposal(proposal_id, current_user, for_update=for_update)
    _require_editable(proposal)
    return proposal


def _filter_options(queue: bool) -> dict:
    authority_id = _authority_id()
    return {
        "campaigns": campaigns_of(authority_id),
        "units": units_of(authority_id) if sees_every_unit(current_user) else [],
        # The entries a proposal may be filed for: those the authority confers (the ones
        # "forwarded to the province" are the province's to decide, and no proposal has one).
        "award_types": sorted(db.session.scalars(
            select(AwardType).where(AwardType.authority_id == authority_id,
                                    AwardType.conferred_by == ConferredBy.SELF)
        ).all(), key=lambda award: alphabetical(award.label)),
        # "My work" holds only the states of the user's desk: the others would never match.
        "states": [s for s in ProposalState if s in QUEUE_STATES.get(current_user.role, ())]
        if queue else list(ProposalState),
    }


def _filter_summary(filters: ProposalFilters, options: dict) -> list[str]:
    """The filters in use, in words, for the line above the (folded) filter panel."""
    def name_of(items, wanted, attribute):  # noqa: ANN001, ANN202
        return next((getattr(i, attribute) for i in items if i.id == wanted), None)

    parts = []
    if filters.name:
        parts.append(_("tên “%(text)s”", text=filters.name))
    for label, items, wanted, attribute in (
            (_("phong trào"), options["campaigns"], filters.campaign_id, "name"),
            (_("đơn vị"), options["units"], filters.unit_id, "name"),
            (_("danh hiệu, hình thức"), options["award_types"], filters.award_type_id, "label")):
        value = name_of(items, wanted, attribute) if wanted else None
        if value:
            parts.append(f"{label}: {value}")
    if filters.state:
        parts.append(_("trạng thái: %(state)s", state=filters.state.label))
    if filters.priority_only:
        parts.append(_("chỉ tờ trình ưu tiên"))
    return parts


def _list_page(queue: bool, template_title: str):
    filters = ProposalFilters.from_args(request.args)
    per_page = current_app.config["PAGE_SIZE"]
    pagination = page_of_proposals(current_user, filters, queue=queue,
                                   page=page_arg(request.args, per_page), per_page=per_page)
    if (last := past_last_page(pagination, request.args.to_dict())) is not None:
        return redirect(url_for(cast(str, request.endpoint), **last))
    options = _filter_options(queue)
    return render_template(
        "proposals/list.html",
        pagination=pagination,
        arrival_badges=arrival_badges(pagination.items),
        filters=filters,
        filter_summary=_filter_summary(filters, options),
        queue=queue,
        title=template_title,
        **options,
    )


@bp.get("/work")
@login_required
def my_work():
    """What waits on the signed-in user."""
    if can_administer(current_user):
        return redirect(url_for("admin.users"))
    return _list_page(queue=True, template_title=_("Việc của tôi"))


@bp.get("/proposals")
@login_required
def index():
    if not works_on_proposals(current_user):
        abort(404)
    return _list_page(queue=False, template_title=_("Tất cả tờ trình"))


def _phase_choice(phase: Phase) -> str:
    """A phase as the form offers it: with its years, which the achievement year must be in
    ("Đợt 2 (2022)"), unless its name says them."""
    return phase.name if phase.years in phase.name else f"{phase.name} ({phase.years})"


def _fill_proposal_choices(form: ProposalForm) -> None:
    authority_id = _authority_id()
    campaigns = campaigns_of(authority_id)
    form.campaign_id.choices = [data_choice(c.id, c.name) for c in campaigns]
    phases = db.session.scalars(
        select(Phase).join(Campaign).where(Campaign.authority_id == authority_id)
        .order_by(Phase.starts_on)
    ).all()
    # Phases grouped under their campaign (<optgroup>): a campaign's long name is read once,
    # its phases by their own short names.
    groups: dict[str | None, list[tuple[int, str]]] = {None: [(0, _("— Không theo đợt —"))]}
    for phase in phases:
        groups.setdefault(phase.campaign.name, []).append(
            data_choice(phase.id, _phase_choice(phase), {"data-campaign": phase.campaign_id}))
    form.phase_id.choices = groups
    award_types = db.session.scalars(select(AwardType).where(
        AwardType.authority_id == authority_id, AwardType.active.is_(True))).all()
    # No default: the award decides the kind of nominee, so it is chosen, not left as is.
    form.award_type_id.choices = [(0, _("— Chọn —"))] + [
        data_choice(a.id, a.label)
        for a in sorted(award_types, key=lambda a: alphabetical(a.label))
        if a.conferred_by == ConferredBy.SELF]
    # What the superior body decides is not among them: said, not left to be wondered at.
    forwarded = sorted({a.name for a in award_types if a.conferred_by == ConferredBy.PARENT},
                       key=alphabetical)
    if forwarded:
        form.award_type_id.description = _(
            "Chỉ gồm các danh hiệu, hình thức khen thưởng thuộc thẩm quyền của cơ quan ban "
            "hành. Hồ sơ đề nghị cấp trên khen thưởng (%(names)s) chưa lập được trên hệ thống "
            "này.",
            names=", ".join(f"“{name}”" for name in forwarded))


def _proposal_data(form: ProposalForm) -> ops.ProposalData:
    campaign = db.session.get(Campaign, form.campaign_id.data)
    award_type = db.session.get(AwardType, form.award_type_id.data)
    phase = db.session.get(Phase, form.phase_id.data) if form.phase_id.data else None
    # Offered by the form's choices a moment ago: gone only if removed since (the form
    # refuses one removed before the request).
    if campaign is None or award_type is None or (form.phase_id.data and phase is None):
        abort(400)
    return ops.ProposalData(title=form.title.data, achievement=form.achievement.data,
                            campaign=campaign, award_type=award_type, phase=phase,
                            achievement_year=form.achievement_year.data)


@bp.route("/proposals/new", methods=["GET", "POST"])
@login_required
def create():
    if not can_create(current_user):
        abort(403)
    form = ProposalForm()
    if not form.is_submitted():
        form.form_key.data = secrets.token_urlsafe(16)
    _fill_proposal_choices(form)
    if form.validate_on_submit():
        key = form.form_key.data or None
        # The same form sent again (a second click, a browser resending it): the proposal it
        # created, once.
        if key is not None and (sent := sent_from_form(current_user, key)) is not None:
            flash(str(ops.FORM_SENT_ALREADY), "info")
            return redirect(url_for(".detail", proposal_id=sent.id))
        done = perform_on(form, lambda: ops.create_proposal(
            current_user, _proposal_data(form), form_key=key),
            _("Đã tạo tờ trình. Hãy thêm người được đề nghị và hồ sơ."))
        if done.ok:
            return redirect(url_for(".detail", proposal_id=done.value.id))
        if key is not None and (sent := sent_from_form(current_user, key)) is not None:
            return redirect(url_for(".detail", proposal_id=sent.id))  # sent at the same moment
    return render_template("proposals/form.html", form=form, proposal=None, saved={})


@dataclass(frozen=True)
class Saved:
    """What a field of an edit form holds as saved now, shown under it after a save refused
    as stale (templates/macros.html `field`)."""

    text: str
    #: "vi" for Vietnamese data (a title, a name) on a page in another language.
    lang: str | None = None
    #: Whether the field took what is saved now (`text` then says so).
    taken: bool = False


def _saved_data(text: str) -> Saved:
    """Saved data as the user typed it, marked as Vietnamese on a page in another language
    (as `vi()` marks it in templates); an empty one said so."""
    if not text:
        return Saved(_("(để trống)"))
    return Saved(text, None if vietnamese_page() else "vi")


def _after_stale_save(form: ProposalEditForm | NomineeEditForm, now: str,
                      saved: Mapping[str, tuple[object, Saved]]) -> dict[str, Saved]:
    """A save refused because what the form shows was saved again meanwhile
    (`ops.EditedMeanwhile`), merged three ways: a field saved meanwhile that the user left
    as it was takes what is saved now; one the user changed keeps what was typed, and says
    what is saved now if that changed too; one only the user changed says nothing. (A form
    that carried no digest cannot tell: every field that differs says what is saved.) The
    form takes the digest saved now (`now`), so that saving it again is deliberate. Returns
    the note under each field (`saved`: field → its saved value as the form's data reads
    it, and as the page shows it)."""
    values = {name: value for name, (value, _shown) in saved.items()}
    theirs = changed_since(form.seen.data or "", values)
    mine = changed_since(form.seen.data or "", {
        name: form[name].data if name in form else value for name, value in values.items()})
    notes: dict[str, Saved] = {}
    for name, (value, shown) in saved.items():
        if name not in form or form[name].data == value:
            continue
        if theirs is None or mine is None or name in mine and name in theirs:
            notes[name] = shown
        elif name in theirs:
            form[name].data, form[name].raw_data = value, None
            notes[name] = Saved(_("Đã cập nhật theo thông tin vừa lưu."), taken=True)
    form.seen.data = now
    return notes


def _saved_details(proposal: Proposal) -> dict[str, tuple[object, Saved]]:
    phase, year = proposal.phase, proposal.achievement_year
    shown = {
        "title": _saved_data(proposal.title),
        "campaign_id": _saved_data(proposal.campaign.name),
        "phase_id": _saved_data(_phase_choice(phase)) if phase
        else Saved(_("— Không theo đợt —")),
        "award_type_id": _saved_data(proposal.award_type.label),
        "achievement_year": Saved(str(year)) if year else _saved_data(""),
        "achievement": _saved_data(proposal.achievement),
    }
    return {name: (value, shown[name]) for name, value in proposal.edited_values.items()}


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(proposal_id: int):
    proposal = _editable_proposal(proposal_id, for_update=request.method == "POST")
    form = ProposalEditForm(obj=proposal)
    if request.method == "GET":
        form.phase_id.data = proposal.phase_id or 0
        form.seen.data = proposal.details_digest
    _fill_proposal_choices(form)
    saved: dict[str, Saved] = {}
    if form.validate_on_submit():
        done = perform_on(form, lambda: ops.update_proposal(
            current_user, proposal, _proposal_data(form), seen=form.seen.data),
            _("Đã lưu."))
        if done.ok:
            return redirect(url_for(".detail", proposal_id=proposal.id))
        if isinstance(done.error, ops.EditedMeanwhile):
            # Read again, as saved now (the refusal rolled back).
            saved = _after_stale_save(form, proposal.details_digest, _saved_details(proposal))
    return render_template("proposals/form.html", form=form, proposal=proposal, saved=saved)


def _approval_preview(proposal: Proposal) -> dict | None:
    """What approving would issue, for the signer to read before pressing the button."""
    if not may(current_user, Action.APPROVE, proposal):
        return None
    document = draft_decision_document(proposal, current_user)
    if document is None:
        return None
    amounts = [a.amount for a in document.awardees]
    return {"reference": document_number(document.number, document.symbol),
            "subject": document.subject, "article_one": article_one(document),
            "count": len(amounts), "amount": amounts[0], "total": sum(amounts)}


#: The sections of the proposal page a change sends the user back to: the messages about
#: it are shown there (`?at=`), where the page lands, not at the top, off-screen.
SECTIONS = frozenset({"nominees", "dossier", "actions"})


def _attachment_form() -> AttachmentForm:
    """The dossier's upload form, with the kind of a refused upload still chosen."""
    form = AttachmentForm()
    if request.args.get("kind") in set(AttachmentKind):
        form.kind.data = request.args["kind"]
    return form


def _back_to(proposal_id: int, section: str, **args: Any) -> str:
    return url_for(".detail", proposal_id=proposal_id, at=section, _anchor=section, **args)


@dataclass(frozen=True)
class ActionButton:
    """One workflow form of the proposal page: its transition, its button's label and
    whether it has a box."""

    transition: Transition
    label: object
    comment: bool

    @property
    def comment_id(self) -> str:
        return f"comment-{self.transition.action.value}"


@dataclass(frozen=True)
class Banner:
    """The comment that explains where the proposal is now, at the top of its page."""

    heading: str
    comment: str
    warning: bool


def _banner(proposal: Proposal, moved: AuditEvent | None) -> Banner | None:
    """The comment of the transition that brought the proposal to its state (`moved`, its
    latest state change), when that transition has a banner: the reasons of a return, a
    send-back or a rejection, a withdrawal's reason, the appraisal opinion, the committee's
    comment, what a resubmission changed."""
    if moved is None or moved.to_state != proposal.state.value:
        return None
    return _said(moved)


def _said(event: AuditEvent) -> Banner | None:
    """An event's comment under its transition's banner heading, if it has both."""
    transition = transition_of(event.action)
    if not event.comment or transition is None or transition.banner is None:
        return None
    heading = str(transition.banner) % {
        "name": event.actor.full_name if event.actor else _("Hệ thống"),
        "date": short_date(to_user_timezone(event.created_at).date())}
    return Banner(heading=heading, comment=event.comment,
                  warning=transition.gives_reasons_against)


def _banners(proposal: Proposal, moved: AuditEvent | None,
             sent_back: AuditEvent | None) -> list[Banner]:
    """What explains where the proposal is (`_banner`) and, when it was sent back before
    the move that brought it there (`sent_back`: its latest send-back), why, while a
    reviewer has it (`workflow.BEFORE_A_REVIEWER`), not only in the history at the foot of
    the page."""
    banners = [banner] if (banner := _banner(proposal, moved)) else []
    if (sent_back is not None and (moved is None or sent_back.id != moved.id)
            and proposal.state in BEFORE_A_REVIEWER
            and (reasons := _said(sent_back)) is not None):
        banners.append(reasons)
    return banners


def _submit_note(proposal: Proposal) -> str | None:
    """For a unit member who may edit but not submit: whether the proposal is ready for the
    unit head, by the submission's own checks (`lacks`), or what it still lacks."""
    submit = TRANSITIONS[Action.SUBMIT]
    if (not can_edit(current_user, proposal) or proposal.state not in submit.sources
            or current_user.role in submit.roles):
        return None
    missing = withheld_note(submit, proposal)  # what the unit head sees instead of the button
    if missing is not None:
        return missing
    if proposal.state == ProposalState.RETURNED:
        return _("Tờ trình đã có thể gửi lại; Thủ trưởng đơn vị sẽ gửi lại tờ trình.")
    return _("Bản nháp đã có thể gửi; Thủ trưởng đơn vị sẽ gửi tờ trình.")


#: How the nominees' section is headed, above its count, by the award's kind of nominee: a
#: list ("danh sách"), in the plural where the language has one ("Nominees (2)").
NOMINEES_HEADINGS = {
    NomineeKind.INDIVIDUAL: lazy_pgettext("danh sách", "Người được đề nghị"),
    NomineeKind.COLLECTIVE: lazy_pgettext("danh sách", "Tập thể được đề nghị"),
    NomineeKind.HOUSEHOLD: lazy_pgettext("danh sách", "Hộ gia đình được đề nghị"),
}
#: The conclusion table's column of nominees, one a row.
NOMINEE_COLUMNS = {
    NomineeKind.INDIVIDUAL: _l("Người được đề nghị"),
    NomineeKind.COLLECTIVE: _l("Tập thể được đề nghị"),
    NomineeKind.HOUSEHOLD: _l("Hộ gia đình được đề nghị"),
}


@bp.get("/proposals/<int:proposal_id>")
@login_required
def detail(proposal_id: int):
    proposal = get_visible_proposal(proposal_id, current_user)
    history = db.session.scalars(
        select(AuditEvent).where(AuditEvent.proposal_id == proposal.id)
        .order_by(AuditEvent.id).options(selectinload(AuditEvent.actor))
    ).all()
    offered, withheld_notes = offered_actions(current_user, proposal)
    kind = proposal.award_type.subject
    # The move forward first (primary), then the others in the table's order.
    actions = [ActionButton(t, t.label_in(proposal.state), t.takes_comment(proposal.state))
               for t in sorted((t for t in offered if t.action != Action.CONCLUDE),
                               key=lambda t: t.style != "primary")]
    can_conclude = may(current_user, Action.CONCLUDE, proposal)
    submit_note = _submit_note(proposal)
    # Filed again whole from the "Xử lý" card; a decided one's deferred, from its nominees.
    may_propose_again = can_propose_again(current_user, proposal)
    refile = may_propose_again and refiled_whole(proposal)
    has_actions_card = bool(actions or can_conclude or withheld_notes or submit_note or refile)
    at = request.args.get("at")
    if at not in SECTIONS or (at == "actions" and not has_actions_card):
        at = None  # the messages go to the top of the page
    return render_template(
        "proposals/detail.html",
        proposal=proposal,
        history=history,
        banners=_banners(
            proposal, next((e for e in reversed(history) if e.to_state is not None), None),
            next((e for e in reversed(history) if e.action == Action.SEND_BACK.value), None)),
        actions=actions,
        has_actions_card=has_actions_card,
        withheld_notes=withheld_notes,
        comment_max_length=COMMENT_MAX_LENGTH,
        submit_note=submit_note,
        flash_section=at,
        # The comment box a refused action was missing (see _back_to_action).
        box_in_error=request.args.get("box") if at == "actions" else None,
        nominees_heading=NOMINEES_HEADINGS[kind],
        name_column=NAME_LABELS[kind],
        description_column=DESCRIPTION_LABELS[kind],
        # The conclusion column once the committee has concluded (a "—" on every row before).
        show_outcomes=any(n.outcome is not None for n in proposal.nominees),
        can_conclude=can_conclude,
        approval_preview=_approval_preview(proposal),
        refile=refile,
        propose_deferred_again=may_propose_again and not refile,
        show_audit_ip=sees_audit_details(current_user),
        editable=can_edit(current_user, proposal),
        attachment_form=_attachment_form(),
        nominee_list_form=NomineeListForm(prefix=NOMINEE_LIST_PREFIX),
        nominee_list_open=request.args.get("list") == LIST_REFUSED,
        empty_form=EmptyForm(),
        event_label=event_label,
        state_labels={s.value: s.label for s in ProposalState},
    )


@bp.post("/proposals/<int:proposal_id>/actions/<action>")
@login_required
def act(proposal_id: int, action: str):
    """One workflow button: the form carries the version the user saw."""
    try:
        chosen = Action(action)
    except ValueError:
        abort(404)
    if chosen not in ops.BUTTON_OPERATIONS:
        abort(404)
    form = ActionForm()
    extra = {}
    if chosen == Action.APPROVE and form.validate_on_submit():
        proposal, extra["rendered"] = _lock_for_approval(proposal_id, form.version.data)
    else:
        proposal = get_visible_proposal(proposal_id, current_user, for_update=True)
    if not form.validate_on_submit():
        if set(form.errors) == {"comment"}:
            # What the user wrote is wrong (too long): say so, not "reload the page", which
            # is for a form the page no longer matches (its version, its CSRF token).
            for message in form.comment.errors:
                flash(str(message), "error")
            return redirect(_back_to_action(proposal.id, chosen))
        flash(_("Biểu mẫu không hợp lệ. Hãy tải lại trang."), "error")
        return redirect(_back_to(proposal.id, "actions"))
    done = perform(lambda: ops.BUTTON_OPERATIONS[chosen](
        proposal, current_user, comment=form.comment.data or "",
        expected_version=form.version.data, **extra), shown_at=("comment",))
    if not done.ok:
        return redirect(_back_to_action(proposal_id, chosen, done.error))
    if chosen == Action.APPROVE:
        flash(str(TRANSITIONS[chosen].done), "success")
        return redirect(url_for("decisions.detail", decision_id=done.value.id))
    if sees_every_unit(current_user) and not allowed_actions(current_user, proposal):
        # The reviewer's part is done: back to what still waits on them. (After accepting,
        # the next step — return or forward — is theirs again: they stay on the proposal.)
        flash(_done_with(TRANSITIONS[chosen].done, proposal), "success")
        return redirect(url_for(".my_work"))
    flash(str(TRANSITIONS[chosen].done), "success")
    return redirect(url_for(".detail", proposal_id=proposal.id))


def _done_with(done: object, proposal: Proposal) -> str:
    """A move's message on the queue the reviewer goes back to, where the proposal is no
    more: which proposal it was ("Đã trả lại hồ sơ cho đơn vị: “…”.")."""
    return _("%(done)s: “%(title)s”.", done=str(done).rstrip("."), title=proposal.title)


def _back_to_action(proposal_id: int, action: Action, error: DomainError | None = None) -> str:
    """Back to the "Xử lý" card, whose message says why nothing was done. A refusal that
    belongs to the comment box (a required reason left empty) marks the refused action's box
    instead (`?box=`): the page says it under the box, once, and its script takes the
    keyboard there."""
    at_box = error is not None and error.field == "comment"  # not flashed (perform's shown_at)
    return url_for(".detail", proposal_id=proposal_id, at="actions",
                   box=action.value if at_box else None, _anchor="actions")


def _render_ahead(proposal_id: int, version: int | None) -> RenderedDecision | None:
    """Render the decision an approval would issue before any lock is taken: a long annex
    takes seconds, and meanwhile the number counter (on SQLite, every write) would wait.
    approve_proposal stores it only if what it issues under the lock is the same document."""
    proposal = get_visible_proposal(proposal_id, current_user)
    document = None
    if proposal.version == version and may(current_user, Action.APPROVE, proposal):
        document = draft_decision_document(proposal, current_user)
    db.session.rollback()  # end this read-only transaction: render holding no lock
    return render_draft(document) if document is not None else None


#: Renders ahead before an approval falls back to rendering inside its transaction (when
#: other decisions keep taking the predicted number meanwhile).
RENDER_AHEAD_ATTEMPTS = 2


def _lock_for_approval(proposal_id: int, version: int | None):  # noqa: ANN202
    """The proposal, locked for the approval, and its decision rendered ahead if that is
    still exactly what would be issued (checked under the lock; on SQLite that lock also
    keeps the number until commit, on PostgreSQL the issuance re-checks it)."""
    for _attempt in range(RENDER_AHEAD_ATTEMPTS):
        rendered = _render_ahead(proposal_id, version)
        proposal = get_visible_proposal(proposal_id, current_user, for_update=True)
        if rendered is None or draft_decision_document(proposal, current_user) == rendered.document:
            return proposal, rendered
        db.session.rollback()  # a decision was issued meanwhile: render again, lock-free
    return get_visible_proposal(proposal_id, current_user, for_update=True), None


@bp.post("/proposals/<int:proposal_id>/propose-again")
@login_required
def propose_again(proposal_id: int):
    """A closed proposal filed again in a new draft of the same unit: the deferred nominees
    of a decided one, every nominee of one withdrawn or not approved."""
    proposal = get_visible_proposal(proposal_id, current_user, for_update=True)
    if not can_propose_again(current_user, proposal):
        if filed_again_already(current_user, proposal) and proposal.follow_up is not None:
            _moved_on(proposal, _("Tờ trình này vừa được lập lại (“%(title)s”). Không có thay "
                                  "đổi nào được lưu.", title=proposal.follow_up.title))
        abort(403)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if refiled_whole(proposal):
        message = _("Đã lập tờ trình mới với thông tin và những người được đề nghị của tờ "
                    "trình cũ. Hãy kiểm tra, sửa, bổ sung hồ sơ rồi gửi.")
    else:
        message = _("Đã lập tờ trình đề nghị lại các trường hợp hoãn xét. Hãy bổ sung hồ sơ "
                    "rồi gửi.")
    done = perform(lambda: ops.propose_again(current_user, proposal), message)
    if not done.ok:
        return redirect(url_for(".detail", proposal_id=proposal_id))
    return redirect(url_for(".detail", proposal_id=done.value.id))


@bp.route("/proposals/<int:proposal_id>/conclude", methods=["GET", "POST"])
@login_required
def conclude(proposal_id: int):
    """The Standing Committee's conclusion, one outcome per nominee."""
    proposal = get_visible_proposal(proposal_id, current_user,
                                    for_update=request.method == "POST")
    if not may(current_user, Action.CONCLUDE, proposal):
        if moved_on(current_user, Action.CONCLUDE, proposal):
            _moved_on(proposal, _("Tờ trình không còn chờ Thường trực Hội đồng kết luận (hiện "
                                  "ở trạng thái “%(state)s”). Không có thay đổi nào được lưu.",
                                  state=proposal.state.label))
        abort(403)
    form = ActionForm(version=proposal.version)
    form.comment.label.text = str(TRANSITIONS[Action.CONCLUDE].comment_box_label)
    choices = {value for value, _label in outcome_choices()}
    if form.validate_on_submit():
        outcomes = {}
        for nominee in proposal.nominees:
            value = request.form.get(f"outcome-{nominee.id}")
            if value in choices:
                outcomes[nominee.id] = NomineeOutcome(value)
        missing = sum(1 for n in proposal.nominees if n.id not in outcomes)
        if missing and proposal.version == form.version.data:
            # Each nominee's choice is a required field of this form: the page again, saying
            # how many are left (each one is marked in its row), not a generic refusal. A form
            # the proposal no longer matches is the operation's to refuse, as stale.
            flash(ngettext("Cần kết luận cho từng trường hợp được đề nghị: còn %(num)s trường "
                           "hợp chưa chọn kết luận.",
                           "Cần kết luận cho từng trường hợp được đề nghị: còn %(num)s trường "
                           "hợp chưa chọn kết luận.", missing), "error")
            return _conclude_page(proposal, form,
                                  chosen={n.id: outcomes.get(n.id) for n in proposal.nominees})
        done = perform(lambda: ops.conclude_review(
            proposal, current_user, outcomes, comment=form.comment.data or "",
            expected_version=form.version.data))
        if done.ok:
            flash(_done_with(TRANSITIONS[Action.CONCLUDE].done, proposal), "success")
            return redirect(url_for(".my_work"))
        if isinstance(done.error, ValidationError):
            # Refused as entered: the page again with what the member chose and wrote.
            return _conclude_page(proposal, form,
                                  chosen={n.id: outcomes.get(n.id) for n in proposal.nominees})
        # Someone else moved it meanwhile, or it is no longer the member's to conclude: the
        # message says so; show what it is now.
        return redirect(url_for(".detail", proposal_id=proposal_id))
    if form.is_submitted() and set(form.errors) != {"comment"}:
        # (A comment too long is said under its box.)
        flash(_("Biểu mẫu không hợp lệ. Hãy tải lại trang."), "error")
    return _conclude_page(proposal, form, chosen=None)


def _conclude_page(proposal: Proposal, form: ActionForm, chosen: dict | None):  # noqa: ANN202
    """The conclusion form, under the appraisal opinion it concludes on."""
    return render_template("proposals/conclude.html", proposal=proposal, form=form,
                           outcomes=outcome_choices(), chosen=chosen,
                           banners=_banners(proposal,
                                            latest_moves([proposal.id]).get(proposal.id),
                                            latest_send_back(proposal.id)),
                           comment_max_length=COMMENT_MAX_LENGTH,
                           nominee_column=NOMINEE_COLUMNS[proposal.award_type.subject])


# --- nominees -----------------------------------------------------------------------------


def _nominee_data(form: NomineeForm, proposal) -> ops.NomineeData:  # noqa: ANN001
    gender = form.gender.data if form.gender else None
    return ops.NomineeData(
        kind=proposal.award_type.subject,
        name=form.name.data,
        position=(form.position.data if form.position else "") or "",
        unit_or_address=form.unit_or_address.data or "",
        gender=Gender(str(gender)) if gender in Gender._value2member_map_ else None,
        achievement_summary=form.achievement_summary.data or "",
        priority_group=PriorityGroup(form.priority_group.data),
    )


def _nominee_page(form: NomineeForm, proposal: Proposal, nominee,  # noqa: ANN001, ANN202
                  saved: Mapping[str, Saved] | None = None):
    kind = proposal.award_type.subject
    if kind == NomineeKind.INDIVIDUAL:
        heading = (_("Sửa thông tin người được đề nghị") if nominee is not None
                   else _("Thêm người được đề nghị"))
    elif nominee is not None:
        heading = _("Sửa thông tin %(kind)s được đề nghị", kind=kind.label.lower())
    else:
        heading = _("Thêm %(kind)s được đề nghị", kind=kind.label.lower())
    return render_template("proposals/nominee_form.html", form=form, proposal=proposal,
                           heading=heading, saved=saved or {})


@bp.route("/proposals/<int:proposal_id>/nominees/new", methods=["GET", "POST"])
@login_required
def add_nominee(proposal_id: int):
    proposal = _editable_proposal(proposal_id, for_update=request.method == "POST")
    form = NomineeForm(kind=proposal.award_type.subject)
    if form.validate_on_submit():
        if perform_on(form, lambda: ops.add_nominee(current_user, proposal,
                                                    _nominee_data(form, proposal)),
                      _("Đã thêm người được đề nghị.")).ok:
            return redirect(_back_to(proposal.id, "nominees"))
    return _nominee_page(form, proposal, None)


#: What a page loaded before a colleague removed a nominee or a file is told on acting on it.
_GONE = {
    "nominees": _l("Người được đề nghị này không còn trong tờ trình: có thể vừa có người xóa. "
                   "Không có thay đổi nào được lưu."),
    "attachments": _l("Tệp này không còn trong hồ sơ: có thể vừa có người xóa. Không có thay "
                      "đổi nào được lưu."),
}
_GONE_TO_DOWNLOAD = _l("Tệp này không còn trong hồ sơ: có thể vừa có người xóa.")
#: The section of the proposal page that lists each.
_SECTIONS = {"nominees": "nominees", "attachments": "dossier"}


def _child_of(proposal: Proposal, relation: str, child_id: int):  # noqa: ANN202
    """The proposal's nominee or dossier file `child_id` (`relation`), as the proposal has
    it now; gone since the page was loaded: back to its section, saying so."""
    child = next((c for c in getattr(proposal, relation) if c.id == child_id), None)
    if child is None:
        _moved_on(proposal, str(_GONE[relation]), _SECTIONS[relation])
    return child


@bp.route("/proposals/<int:proposal_id>/nominees/<int:nominee_id>/edit",
          methods=["GET", "POST"])
@login_required
def edit_nominee(proposal_id: int, nominee_id: int):
    # A change to a nominee is a change to the proposal: read after whoever holds it.
    proposal = _editable_proposal(proposal_id, for_update=request.method == "POST")
    nominee = _child_of(proposal, "nominees", nominee_id)
    form = NomineeEditForm(obj=nominee, kind=proposal.award_type.subject)
    if request.method == "GET":
        if form.gender:
            form.gender.data = nominee.gender.value if nominee.gender else None
        form.priority_group.data = nominee.priority_group.value
        form.seen.data = nominee.details_digest
    if form.validate_on_submit():
        done = perform_on(form, lambda: ops.update_nominee(
            current_user, nominee, _nominee_data(form, proposal), seen=form.seen.data),
            _("Đã lưu."))
        if done.ok:
            return redirect(_back_to(proposal.id, "nominees"))
        if isinstance(done.error, ops.EditedMeanwhile):
            # Read again, as saved now (the refusal rolled back, the lock with it).
            nominee = _child_of(proposal, "nominees", nominee_id)
            return _nominee_page(form, proposal, nominee, _after_stale_save(
                form, nominee.details_digest, _saved_nominee(nominee)))
    return _nominee_page(form, proposal, nominee)


def _saved_nominee(nominee: Nominee) -> dict[str, tuple[object, Saved]]:
    gender = nominee.gender
    shown = {
        "name": _saved_data(nominee.name),
        "position": _saved_data(nominee.position),
        "unit_or_address": _saved_data(nominee.unit_or_address),
        "gender": Saved(gender.label) if gender else _saved_data(""),
        "priority_group": Saved(nominee.priority_group.label),
        "achievement_summary": _saved_data(nominee.achievement_summary),
    }
    return {name: (value, shown[name]) for name, value in nominee.edited_values.items()}


@bp.post("/proposals/<int:proposal_id>/nominees/<int:nominee_id>/delete")
@login_required
def delete_nominee(proposal_id: int, nominee_id: int):
    proposal = _editable_proposal(proposal_id, for_update=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    nominee = _child_of(proposal, "nominees", nominee_id)
    perform(lambda: ops.remove_nominee(current_user, nominee), _("Đã xóa người được đề nghị."))
    return redirect(_back_to(proposal.id, "nominees"))


# --- dossier ------------------------------------------------------------------------------


def _flash_errors(form: FlaskForm) -> None:
    """A file form's own refusals, said where the page lands (it has no page of its own)."""
    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "error")


@bp.get("/proposals/<int:proposal_id>/nominees/list.xlsx")
@login_required
def blank_nominee_list(proposal_id: int):
    """The blank list of nominees for this proposal's award (its kind of nominee)."""
    proposal = _editable_proposal(proposal_id)
    kind = proposal.award_type.subject
    response = send_file(io.BytesIO(nominee_list.blank_list(kind)), mimetype=XLSX_TYPE,
                         as_attachment=True, download_name=nominee_list.blank_list_name(kind))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/proposals/<int:proposal_id>/nominees/list")
@login_required
def import_nominee_list(proposal_id: int):
    proposal = _editable_proposal(proposal_id)
    form = NomineeListForm(prefix=NOMINEE_LIST_PREFIX)
    refused = _back_to(proposal.id, "nominees", list=LIST_REFUSED)
    if not form.validate_on_submit():
        _flash_errors(form)
        return go_to(refused)
    upload_file = form.file.data
    name, data = upload_file.filename or "", upload_file.read()
    max_rows = current_app.config["NOMINEE_LIST_MAX_ROWS"]
    kind = proposal.award_type.subject
    # Read the sheet before the proposal is locked (and on SQLite, before the write lock
    # every POST takes): reading does not touch the database, and a large list takes a
    # while. The rows are then added, all or none, under the lock.
    db.session.rollback()
    read = perform(lambda: nominee_list.read_rows(data, kind, max_rows))
    if not read.ok:  # the list form stays open under its refusal, to send the fixed file
        return go_to(refused)
    proposal = _editable_proposal(proposal_id, for_update=True)

    def add() -> int:
        now = proposal.award_type.subject  # the award changed meanwhile: its columns
        rows = read.value if now == kind else nominee_list.read_rows(data, now, max_rows)
        return ops.import_nominees(current_user, proposal, name, rows)

    done = perform(add)
    if not done.ok:
        return go_to(refused)
    flash(ngettext("Đã thêm %(num)s trường hợp từ danh sách.",
                   "Đã thêm %(num)s trường hợp từ danh sách.", done.value), "success")
    return go_to(_back_to(proposal.id, "nominees"))


@bp.post("/proposals/<int:proposal_id>/attachments")
@login_required
def upload(proposal_id: int):
    proposal = _editable_proposal(proposal_id, for_update=True)
    form = AttachmentForm()
    # A refused upload comes back with the kind chosen (the file has to be chosen again: a
    # browser never lets a page fill in a file).
    kept = {"kind": form.kind.data} if form.kind.data in set(AttachmentKind) else {}
    if not form.validate_on_submit():
        _flash_errors(form)
        return go_to(_back_to(proposal.id, "dossier", **kept))
    upload_file = form.file.data
    done = perform(lambda: ops.add_attachment(current_user, proposal,
                                              AttachmentKind(form.kind.data),
                                              upload_file.filename or "", upload_file.stream),
                   _("Đã tải lên tệp."))
    return go_to(_back_to(proposal.id, "dossier", **({} if done.ok else kept)))


@bp.get("/proposals/<int:proposal_id>/attachments/<int:attachment_id>")
@login_required
def download(proposal_id: int, attachment_id: int):
    proposal, attachment = get_visible_attachment(proposal_id, attachment_id, current_user)
    if attachment is None:  # a link on a page loaded before a colleague removed the file
        _moved_on(proposal, str(_GONE_TO_DOWNLOAD), "dossier")
    path = stored_path(attachment.stored_name)
    if not path.is_file():
        abort(404)
    return send_download(path, download_name(attachment.original_name, attachment.content_type),
                         attachment.content_type)


@bp.post("/proposals/<int:proposal_id>/attachments/<int:attachment_id>/delete")
@login_required
def delete_attachment(proposal_id: int, attachment_id: int):
    proposal = _editable_proposal(proposal_id, for_update=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    attachment = _child_of(proposal, "attachments", attachment_id)
    perform(lambda: ops.remove_attachment(current_user, attachment), _("Đã xóa tệp."))
    return redirect(_back_to(proposal.id, "dossier"))

