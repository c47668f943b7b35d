"""An approval renders its decision before the issuing transaction (a long annex takes
seconds, and no lock may be held meanwhile); the issuance stores that PDF only if it was
rendered from exactly the document it issues, and renders again otherwise."""

from __future__ import annotations

import io
import threading
import unicodedata

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from award_flow.auth.models import User
from award_flow.decisions import operations as decision_ops
from award_flow.decisions.models import DecisionFile
from award_flow.extensions import db
from award_flow.proposals import operations as ops
from award_flow.proposals import views as proposal_views
from award_flow.proposals.models import NomineeOutcome, Proposal, ProposalState
from tests.factories import make_proposal
from tests.web_helpers import flashes, forms

S = ProposalState


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


@pytest.fixture
def renders(monkeypatch):  # noqa: ANN001, ANN201
    """Every render of a decision: (its number, whether a database transaction was open)."""
    calls: list[tuple[int, bool]] = []
    real = decision_ops.render_decision_pdf

    def spy(document):  # noqa: ANN001, ANN202
        calls.append((document.number, db.session().in_transaction()))
        return real(document)

    monkeypatch.setattr(decision_ops, "render_decision_pdf", spy)
    return calls


def _stored_pdf(decision) -> bytes:  # noqa: ANN001
    return db.session.scalar(
        select(DecisionFile.content).where(DecisionFile.decision_id == decision.id))


def _approve_button(client, proposal):  # noqa: ANN001, ANN202
    (button,) = [f for f in forms(client.get(f"/proposals/{proposal.id}").text)
                 if f.action.endswith("/actions/approve")]
    return button


def test_the_approval_button_renders_once_before_the_transaction(client, world, login,
                                                                  renders):
    proposal = make_proposal(world, state=S.AWAITING_DECISION)
    db.session.commit()
    login(world.chairman)
    button = _approve_button(client, proposal)

    response = client.post(button.action, data=button.data())

    assert response.status_code == 302
    db.session.refresh(proposal)
    assert proposal.state == S.DECIDED
    assert renders == [(1, False)]  # once, with no transaction (and so no lock) open
    assert "Số: 01/QĐ-UBND" in pdf_text(_stored_pdf(proposal.decision))


def test_a_stale_approval_form_renders_nothing_and_changes_nothing(client, world, login,
                                                                   renders):
    proposal = make_proposal(world, state=S.AWAITING_DECISION)
    db.session.commit()
    login(world.chairman)
    button = _approve_button(client, proposal)
    ops.reject_proposal(proposal, world.vice, comment="Chưa đủ tiêu chuẩn.")
    db.session.commit()

    page = client.post(button.action, data=button.data(), follow_redirects=True)

    assert renders == []
    assert any(kind == "error" for kind, _message in flashes(page.text))
    db.session.refresh(proposal)
    assert proposal.state == S.REJECTED and proposal.decision_id is None


def _issue_other(world) -> None:  # noqa: ANN001
    other = make_proposal(world, state=S.AWAITING_DECISION, title="Đề nghị khác")
    ops.approve_proposal(other, world.chairman)


# What happens between the render ahead (by the chairman, predicting number 1) and the
# issuance → the number issued, and whether the PDF rendered ahead is the one stored.
CASES = [
    ("nothing", None, 1, True),
    ("another decision takes number 1 first", _issue_other, 2, False),
    ("the vice chairman signs instead", "vice", 1, False),
]


@pytest.mark.parametrize(("meanwhile", "change", "number", "reused"), CASES,
                         ids=[c[0] for c in CASES])
def test_the_pdf_rendered_ahead_is_stored_only_if_still_exact(world, renders, meanwhile,
                                                              change, number, reused):
    proposal = make_proposal(world, state=S.AWAITING_DECISION)
    db.session.commit()
    document = decision_ops.draft_decision_document(proposal, world.chairman)
    rendered = decision_ops.render_draft(document)
    signer = world.chairman
    if callable(change):
        change(world)
        db.session.commit()
    elif change == "vice":
        signer = world.vice

    decision = ops.approve_proposal(proposal, signer, rendered=rendered)
    db.session.commit()

    stored = _stored_pdf(decision)
    assert decision.number == number
    assert (stored == rendered.pdf) is reused
    text = pdf_text(stored)
    assert f"Số: {number:02d}/QĐ-UBND" in text
    assert ("KT. CHỦ TỊCH" in text) is (signer == world.vice)
    assert renders[-1][0] == number


def test_no_draft_when_nobody_is_recommended(world):
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    first, second = proposal.nominees
    ops.conclude_review(proposal, world.committee, {first.id: NomineeOutcome.NOT_RECOMMENDED,
                                                    second.id: NomineeOutcome.DEFERRED})
    assert decision_ops.draft_decision_document(proposal, world.chairman) is None


def test_a_decision_issued_during_the_render_ahead_makes_the_approval_render_again_ahead(
        app, client, world, login, renders, monkeypatch):
    proposal = make_proposal(world, state=S.AWAITING_DECISION)
    other_id = make_proposal(world, state=S.AWAITING_DECISION, title="Đề nghị khác").id
    vice_id = world.vice.id
    db.session.commit()
    login(world.chairman)
    button = _approve_button(client, proposal)
    real_render_draft = proposal_views.render_draft

    def vice_approves_the_other_one() -> None:
        with app.app_context():
            vice = db.session.get(User, vice_id)
            ops.approve_proposal(db.session.get(Proposal, other_id), vice)
            db.session.commit()
            db.session.remove()

    def render_draft_while_the_vice_issues(document):  # noqa: ANN001, ANN202
        if len(renders) == 0:  # during the first render ahead only
            thread = threading.Thread(target=vice_approves_the_other_one)
            thread.start()
            thread.join(timeout=60)
        return real_render_draft(document)

    monkeypatch.setattr(proposal_views, "render_draft", render_draft_while_the_vice_issues)

    response = client.post(button.action, data=button.data())

    assert response.status_code == 302
    db.session.expire_all()
    decision = db.session.get(Proposal, proposal.id).decision
    assert decision.number == 2
    # The vice chairman's issuance rendered number 1 in its own transaction; the approval
    # rendered ahead twice (predicting 1, then 2), never inside its transaction.
    assert [(n, open_) for n, open_ in renders if n == 2] == [(2, False)]
    assert "Số: 02/QĐ-UBND" in pdf_text(_stored_pdf(decision))
