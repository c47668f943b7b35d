"""A refusal is said where the user looks: under the field it is about, or in place of a
button that could only be refused."""

from __future__ import annotations

import io
from html import unescape

from award_flow.extensions import db
from award_flow.proposals import operations as ops
from award_flow.proposals.models import AttachmentKind
from award_flow.proposals.models import ProposalState as S
from tests.factories import PDF_BYTES, make_proposal
from tests.proposals.test_views import action_form
from tests.web_helpers import db_snapshot, field_errors, flashes, page_form


def test_a_person_without_a_gender_is_refused_under_the_gender(client, world, login):
    proposal = make_proposal(world)
    db.session.commit()
    login(world.officer_a)
    form = page_form(client, f"/proposals/{proposal.id}/nominees/new")
    before = db_snapshot()

    response = client.post(f"/proposals/{proposal.id}/nominees/new",
                           data=form.data(name="Lê Văn Tám", priority_group="worker"))

    assert response.status_code == 200
    assert field_errors(response.text)["gender"] == ["Cần chọn giới tính của người được đề nghị."]
    assert not [m for kind, m in flashes(response.text) if kind == "error"]
    assert db_snapshot() == before


def test_a_namesake_is_refused_under_the_name(client, world, login):
    proposal = make_proposal(world)
    db.session.commit()
    login(world.officer_a)
    form = page_form(client, f"/proposals/{proposal.id}/nominees/new")

    response = client.post(f"/proposals/{proposal.id}/nominees/new", data=form.data(
        name="Nguyen Van Ut", position="Nông dân", unit_or_address="Ấp Cây Da", gender="male"))

    (message,) = field_errors(response.text)["name"]
    assert message.startswith("“Nguyễn Văn Út” đã có trong tờ trình này")


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
