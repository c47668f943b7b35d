"""Issuing a decision: number, awards and the stored PDF, all in one transaction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from award_flow.auth.models import User
from award_flow.auth.roles import Role
from award_flow.catalogue.models import (
    AwardType,
    MissingSetting,
    applied_coefficient,
    base_salary_on,
    bonus_amount,
    bonus_rounding_on,
    coefficient_in_force,
    multiple_in_force,
)
from award_flow.core.clock import local_today
from award_flow.core.errors import ValidationError
from award_flow.decisions.models import Award, Decision, DecisionFile
from award_flow.decisions.numbering import next_decision_number, peek_next_decision_number
from award_flow.documents.render import DecisionAwardee, DecisionDocument, render_decision_pdf
from award_flow.extensions import db
from award_flow.org.models import Authority
from award_flow.proposals.models import Nominee, NomineeOutcome, Proposal

DECISION_TYPE = "QĐ"


def decision_subject(proposal: Proposal) -> str:
    """The decision's subject line (trích yếu).

    A title is recognised for a period ("Về việc công nhận danh hiệu “…” năm 2025"); a form
    rewards an achievement: "Về việc khen thưởng thành tích … trong phong trào thi đua …"
    (Decree 30's model) when the proposal's achievement reads that way, else "Về việc tặng
    <award>".
    """
    award = proposal.award_type
    if award.is_title:
        return f"Về việc công nhận danh hiệu “{award.name}” {award_period(proposal)}"
    achievement = " ".join(proposal.achievement.split()).rstrip(".;,")
    if achievement.lower().startswith("đã có "):  # however it is capitalised
        achievement = achievement[len("đã có "):]
    if achievement.lower().startswith("thành tích"):
        return f"Về việc khen thưởng thành tích{achievement[len('thành tích'):]}"
    return f"Về việc tặng {award.name}"


def award_period(proposal: Proposal) -> str:
    """What an emulation title is recognised for: the proposal's year ("năm 2025"). One filed
    before proposals named it (migration 0010) and sent on without it keeps what decisions
    printed then: its phase's years ("năm 2021", "giai đoạn 2021 - 2023"), or its campaign's."""
    if proposal.achievement_year is not None:
        return f"năm {proposal.achievement_year}"
    span = proposal.phase or proposal.campaign
    first, last = span.starts_on.year, span.ends_on.year
    return f"năm {first}" if first == last else f"giai đoạn {first} - {last}"


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


@dataclass(frozen=True)
class RenderedDecision:
    """A decision rendered ahead of its transaction, and the document it was rendered from."""

    document: DecisionDocument
    pdf: bytes


def _recommended(proposal: Proposal) -> list[Nominee]:
    return [n for n in proposal.nominees if n.outcome == NomineeOutcome.RECOMMENDED]


@dataclass(frozen=True)
class Bonus:
    """What one award of a decision pays, and what it was computed from (all in force on the
    day of issue)."""

    base_salary: Decimal
    coefficient: Decimal
    amount: Decimal


def _bonus(award_type: AwardType, issued_on: date) -> Bonus:
    """The bonus an award of this type issued on this day pays: its coefficient and the base
    salary in force that day, rounded as the rule in force that day says."""
    authority_id = award_type.authority_id
    try:
        base_salary = base_salary_on(authority_id, issued_on)
    except MissingSetting as exc:
        raise ValidationError(
            _("Chưa khai báo mức lương cơ sở áp dụng cho ngày ban hành.")) from exc
    paid_by = award_type.paid_by
    try:
        coefficient = coefficient_in_force(paid_by.id, issued_on)
    except MissingSetting as exc:
        raise ValidationError(_("Chưa khai báo hệ số tiền thưởng của “%(award)s” áp dụng cho "
                                "ngày ban hành.", award=paid_by.name)) from exc
    multiple = None
    if award_type.is_multiple:
        try:
            multiple = multiple_in_force(award_type.id, issued_on)
        except MissingSetting as exc:
            raise ValidationError(_("Chưa khai báo số lần tiền thưởng của “%(award)s” áp dụng "
                                    "cho ngày ban hành.", award=award_type.name)) from exc
    return Bonus(base_salary, applied_coefficient(coefficient, multiple), bonus_amount(
        coefficient, base_salary, bonus_rounding_on(authority_id, issued_on), multiple))


def _check_decision_texts(authority: Authority) -> None:
    """Refuse to issue while a text every decision prints is empty (a fresh installation
    before its admin has filled in "Cơ quan ban hành")."""
    missing = authority.missing_decision_texts
    if missing:
        raise ValidationError(_(
            "Chưa thể ban hành quyết định: cơ quan ban hành chưa khai báo %(texts)s. Quản trị "
            "viên cần nhập ở trang “Cơ quan ban hành”.", texts=", ".join(missing)))


def _document(proposal: Proposal, signer: User, *, number: int, issued_on: date,
              amount: Decimal) -> DecisionDocument:
    """Everything the decision prints: a pure function of the proposal, signer and number."""
    authority = proposal.unit.authority
    award_type = proposal.award_type
    return DecisionDocument(
        parent_body=authority.header_parent,
        issuing_body=authority.name,
        place_name=authority.place_name,
        number=number,
        symbol=f"{DECISION_TYPE}-{authority.issuer_code}",
        issued_on=issued_on,
        subject=decision_subject(proposal),
        award_form=award_type.name,
        achievement=proposal.achievement,
        legal_bases=_lines(authority.decision_legal_bases),
        proposer=authority.decision_proposer,
        fund=authority.bonus_fund,
        executors=_lines(authority.decision_executors),
        recipients=_lines(authority.decision_recipients),
        signer_name=signer.full_name,
        signer_is_vice=signer.role == Role.VICE_CHAIRMAN,
        award_is_title=award_type.is_title,
        award_period=award_period(proposal) if award_type.is_title else "",
        awardees=tuple(
            DecisionAwardee(
                name=n.name,
                description=n.description,
                award_name=award_type.name,
                amount=int(amount),
                kind=n.kind.value,
                gender=n.gender.value if n.gender else None,
            )
            for n in _recommended(proposal)
        ),
    )


def draft_decision_document(proposal: Proposal, signer: User) -> DecisionDocument | None:
    """The document an approval issued now would print, with the number it would most likely
    take (read without a lock); None when the proposal cannot be issued as it stands.

    Rendering a long annex takes seconds.  The approval view renders this draft *before* it
    opens the issuing transaction, so that no lock (the number counter; on SQLite, the whole
    database's write lock) is held meanwhile; :func:`issue_decision` then uses that PDF only
    if the document it builds under the lock is identical, and renders again otherwise.
    """
    if not _recommended(proposal):
        return None
    authority = proposal.unit.authority
    issued_on = local_today()
    try:
        _check_decision_texts(authority)
        bonus = _bonus(proposal.award_type, issued_on)
    except ValidationError:
        return None
    number = peek_next_decision_number(authority.id, issued_on.year)
    return _document(proposal, signer, number=number, issued_on=issued_on, amount=bonus.amount)


def render_draft(document: DecisionDocument) -> RenderedDecision:
    return RenderedDecision(document, render_decision_pdf(document))


def issue_decision(proposal: Proposal, signer: User,
                   rendered: RenderedDecision | None = None) -> Decision:
    """Create the decision for the recommended nominees with its PDF.

    Runs inside the caller's transaction: if anything fails, or the process dies before the
    commit, no decision exists and its number is not used.  ``rendered`` is a PDF rendered
    before the transaction (see :func:`draft_decision_document`); it is stored only if it
    was rendered from exactly the document issued here (same number, date, nominees, texts).
    """
    authority = proposal.unit.authority
    award_type = proposal.award_type
    issued_on = local_today()
    _check_decision_texts(authority)
    # The number first: its lock waits for a base salary or coefficient being changed for
    # today (catalogue.operations), and they are read after it, as committed.
    number = next_decision_number(authority.id, issued_on.year)
    bonus = _bonus(award_type, issued_on)
    nominees = _recommended(proposal)
    document = _document(proposal, signer, number=number, issued_on=issued_on,
                         amount=bonus.amount)

    decision = Decision(
        authority=authority,
        year=issued_on.year,
        number=number,
        symbol=document.symbol,
        issued_on=issued_on,
        subject=document.subject,
        signer_id=signer.id,
        signer_name=signer.full_name,
        signer_is_vice=document.signer_is_vice,
        base_salary=bonus.base_salary,
        total_amount=bonus.amount * len(nominees),
        award_count=len(nominees),
        priority_count=sum(1 for n in nominees if n.priority_group.is_priority),
    )
    db.session.add(decision)
    for nominee in nominees:
        db.session.add(
            Award(
                decision=decision,
                nominee=nominee,
                award_type=award_type,
                coefficient=bonus.coefficient,
                amount=bonus.amount,
            )
        )
    db.session.flush()

    if rendered is not None and rendered.document == document:
        pdf = rendered.pdf
    else:
        pdf = render_decision_pdf(document)
    db.session.add(
        DecisionFile(
            decision=decision, content=pdf, sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf)
        )
    )
    db.session.flush()
    return decision
