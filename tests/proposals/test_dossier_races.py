"""A change to the dossier and the submission of the proposal, at the same moment: each locks
the proposal before reading it, so one is served after the other, and what is filed is what
the unit head saw. Whatever the order, the end is consistent: no file is added to or removed
from a filed proposal, and a filed proposal has a file."""

from __future__ import annotations

import io
import time

import pytest
from sqlalchemy import select

from award_flow.core.audit import AuditEvent
from award_flow.extensions import db
from award_flow.proposals import operations as ops
from award_flow.proposals.models import Attachment, ProposalState
from tests.factories import PDF_BYTES, make_proposal
from tests.support import run_at_once
from tests.web_helpers import client_as, flashes, forms

S = ProposalState

#: How long the dossier change takes between reading the proposal and writing its change (the
#: file being stored, say), and how much later the head presses "submit": without the lock the
#: submission would fall in between.
SLOW_STEP, HEAD_LATER = 1.5, 0.5
STALE = ("Tờ trình vừa được người khác xử lý (hiện ở trạng thái “Bản nháp”). Không có thay "
         "đổi nào được lưu.")


def _slowed(monkeypatch, name: str) -> None:  # noqa: ANN001
    """Make the operations' `name` (a step between reading and writing) take SLOW_STEP."""
    real = getattr(ops, name)

    def slow(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        time.sleep(SLOW_STEP)
        return real(*args, **kwargs)

    monkeypatch.setattr(ops, name, slow)


def _form(html: str, action: str):  # noqa: ANN202
    (form,) = [f for f in forms(html) if f.action == action]
    return form


def _upload(officer, proposal):  # noqa: ANN001, ANN202
    form = _form(officer.get(f"/proposals/{proposal.id}").text,
                 f"/proposals/{proposal.id}/attachments")
    return lambda: officer.post(form.action, data=form.data(
        kind="meeting_minutes", file=(io.BytesIO(PDF_BYTES), "bien-ban.pdf")))


def _delete_the_only_file(officer, proposal):  # noqa: ANN001, ANN202
    form = _form(officer.get(f"/proposals/{proposal.id}").text,
                 f"/proposals/{proposal.id}/attachments/{proposal.attachments[0].id}/delete")
    return lambda: officer.post(form.action, data=form.data())


#: the dossier change, and the step of its operation that runs between reading and writing
CHANGES = {
    "upload": (_upload, "store_upload"),
    "delete the only file": (_delete_the_only_file, "delete_after_commit"),
}


@pytest.mark.slow
@pytest.mark.parametrize("change", list(CHANGES))
def test_a_dossier_change_racing_the_submission_ends_consistent(app, world, monkeypatch,
                                                                change):
    proposal = make_proposal(world, state=S.DRAFT)
    db.session.commit()
    head, officer = client_as(app, world.head_a), client_as(app, world.officer_a)
    submit = _form(head.get(f"/proposals/{proposal.id}").text,
                   f"/proposals/{proposal.id}/actions/submit")
    make_change, slow_step = CHANGES[change]
    dossier_change = make_change(officer, proposal)
    _slowed(monkeypatch, slow_step)

    def submit_a_moment_later():  # noqa: ANN202
        time.sleep(HEAD_LATER)
        return head.post(submit.action, data=submit.data())

    db.session.rollback()  # and hold no transaction (SQLite: no lock) while the threads run
    results = run_at_once(app, [dossier_change, submit_a_moment_later])

    assert [kind for kind, _response in results] == ["ok", "ok"], results
    db.session.expire_all()
    actions = list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.proposal_id == proposal.id).order_by(AuditEvent.id)))
    files = db.session.scalars(select(Attachment).where(
        Attachment.proposal_id == proposal.id)).all()
    # Consistent whatever the order: nothing in the dossier changes once it is filed, and a
    # filed dossier has a file.
    if "submit" in actions:
        after_filing = set(actions[actions.index("submit") + 1:])
        assert not {"add_attachment", "remove_attachment"} & after_filing, actions
        assert files, "a filed proposal has a file"
    # And in this order: the change, which read the proposal first, holds it until it is
    # saved; the head, who pressed a button from before it, is told to reload.
    assert proposal.state == S.DRAFT and "submit" not in actions, actions
    assert actions[-1] in {"add_attachment", "remove_attachment"}
    assert ("error", STALE) in flashes(head.get(f"/proposals/{proposal.id}").text)
