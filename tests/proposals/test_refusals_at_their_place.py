"""A refusal is said where the user looks: in place of a button that could only be refused,
and with the lines it was written on. (Refusals under their field: the nominee, account and
unit form tests.)"""

from __future__ import annotations

import io
from html import unescape

from award_flow.extensions import db
from award_flow.proposals import operations as ops
from award_flow.proposals.models import AttachmentKind
from award_flow.proposals.models import ProposalState as S
from tests.factories import PDF_BYTES, make_proposal
from tests.proposals.test_views import action_form


def test_the_unit_head_is_told_what_the_dossier_lacks_instead_of_a_send_button(client, world,
                                                                              login):
    proposal = make_proposal(world)
    for attachment in list(proposal.attachments):
        ops.remove_attachment(world.officer_a, attachment)
    db.session.commit()
    login(world.head_a)

    page = client.get(f"/proposals/{proposal.id}").text

    assert action_form(page, proposal.id, "submit") is None
    assert ("Chưa đủ để gửi: Hồ sơ chưa có tệp đính kèm (tờ trình, biên bản họp...)."
            in unescape(page))

    ops.add_attachment(world.officer_a, proposal, AttachmentKind.MEETING_MINUTES,
                       "bien-ban.pdf", io.BytesIO(PDF_BYTES))
    db.session.commit()
    assert action_form(client.get(f"/proposals/{proposal.id}").text, proposal.id,
                       "submit") is not None


def test_a_reason_written_on_several_lines_keeps_them_in_the_banner(client, world, login):
    proposal = make_proposal(world, state=S.UNDER_REVIEW)
    ops.return_proposal(proposal, world.secretariat,
                        comment="1. Bổ sung biên bản họp.\n2. Ghi rõ chức vụ.")
    db.session.commit()
    login(world.officer_a)
    page = client.get(f"/proposals/{proposal.id}").text
    assert '<span class="said">1. Bổ sung biên bản họp.\n2. Ghi rõ chức vụ.</span>' in page
