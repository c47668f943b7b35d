"""The decision pages: approving through the button issues the decision; its page and the PDF
stored at issuance, served byte for byte with its SHA-256."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select
from werkzeug.http import parse_options_header

from award_flow.decisions.models import Decision, DecisionFile
from award_flow.extensions import db
from award_flow.proposals import operations as ops
from award_flow.proposals.models import NomineeOutcome, PriorityGroup, ProposalState
from award_flow.proposals.workflow import EVENT_LABELS
from tests.factories import make_proposal
from tests.web_helpers import flashes, forms, history

S = ProposalState


def test_the_chairman_approves_through_the_button_and_lands_on_the_decision(client, world,
                                                                           login):
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    farmer, officer = proposal.nominees
    ops.conclude_review(proposal, world.committee, {farmer.id: NomineeOutcome.RECOMMENDED,
                                                    officer.id: NomineeOutcome.NOT_RECOMMENDED})
    db.session.commit()
    login(world.chairman)
    html = client.get(f"/proposals/{proposal.id}").text
    (button,) = [f for f in forms(html)
                 if f.action == f"/proposals/{proposal.id}/actions/approve"]

    response = client.post(button.action, data=button.data(comment="Đồng ý."))

    decision = db.session.scalar(select(Decision))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/decisions/{decision.id}"
    page = client.get(response.headers["Location"])
    assert ("success", "Đã phê duyệt và ban hành quyết định.") in flashes(page.text)
    assert f"Quyết định số {decision.reference}" in page.text
    assert farmer.name in page.text and officer.name not in page.text
    assert decision.signer_name == world.chairman.full_name
    assert f'href="/decisions/{decision.id}/pdf"' in page.text
    db.session.refresh(proposal)
    assert (proposal.state, proposal.decision_id) == (S.DECIDED, decision.id)
    detail = client.get(f"/proposals/{proposal.id}").text
    assert f'href="/decisions/{decision.id}"' in detail
    last = [e for e in history(detail) if e.to_label][-1]
    assert (last.actor, last.label, last.from_label, last.to_label, last.comment) == (
        world.chairman.full_name, str(EVENT_LABELS["approve"]),
        S.AWAITING_DECISION.label, S.DECIDED.label, "Đồng ý.")
    # The history names the decision the approval issued, and only there.
    issued = re.findall(r'<small class="decision-issued">· <a href="([^"]+)">([^<]+)</a>',
                        detail.split('id="history"', 1)[1])
    assert issued == [(f"/decisions/{decision.id}", f"Quyết định số {decision.reference}")]
    listed = client.get("/decisions/").text
    assert f'href="/decisions/{decision.id}"' in listed and decision.reference in listed


def test_the_decision_pdf_is_the_stored_file_with_its_sha256(client, world, login):
    proposal = make_proposal(world, state=S.DECIDED)
    db.session.commit()
    decision = proposal.decision
    stored = db.session.scalar(select(DecisionFile).where(DecisionFile.decision_id == decision.id))
    login(world.officer_a)

    with client.get(f"/decisions/{decision.id}/pdf") as response:
        body = response.data
        headers = response.headers

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert body.startswith(b"%PDF")
    assert headers["X-Content-SHA256"] == hashlib.sha256(body).hexdigest() == stored.sha256
    assert body == stored.content
    disposition, options = parse_options_header(headers["Content-Disposition"])
    assert disposition == "attachment"
    assert options["filename"] == f"QD-{decision.number:02d}-{decision.year}.pdf"
    page = client.get(f"/decisions/{decision.id}").text
    assert re.search(r"<dt>Mã kiểm tra bản PDF \(SHA-256\)</dt><dd><code [^>]*>"
                     + stored.sha256 + "</code>", page)

    with client.get(f"/decisions/{decision.id}/pdf?inline=1") as inline:
        assert inline.headers["Content-Disposition"].startswith("inline")
        assert inline.data == body

    etag = headers["ETag"].strip('"')
    with client.get(f"/decisions/{decision.id}/pdf",
                    headers={"If-None-Match": f'"{etag}"'}) as again:
        assert again.status_code == 304
    assert re.fullmatch(r"[0-9a-f]{64}", stored.sha256)


def test_the_decision_pdf_is_sent_private_and_not_stored_by_any_cache(client, world, login):
    proposal = make_proposal(world, state=S.DECIDED)
    db.session.commit()
    login(world.officer_a)

    for query in ("", "?inline=1"):
        with client.get(f"/decisions/{proposal.decision.id}/pdf{query}") as response:
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "private, no-store"
            assert "Expires" not in response.headers


def test_the_list_of_decisions_says_which_award_each_gave(client, world, login):
    """Two decisions may share a subject; the award tells them apart."""
    form_award = make_proposal(world, state=S.DECIDED)
    title_award = make_proposal(world, state=S.DECIDED, award="LDTT", title="Đề nghị LĐTT")
    db.session.commit()
    login(world.secretariat)
    page = client.get("/decisions/").text
    rows = re.findall(r"<tr>(.*?)</tr>", page, flags=re.S)
    by_reference = {r: row for row in rows for r in (form_award.decision.reference,
                                                     title_award.decision.reference)
                    if f">{r}<" in row}
    assert "Giấy khen của Chủ tịch Ủy ban nhân dân thị xã Duyên Hải" in by_reference[
        form_award.decision.reference]
    assert "Lao động tiên tiến" in by_reference[title_award.decision.reference]


@pytest.mark.parametrize(("award", "label"), [
    ("GK_CN", "Giấy khen của Chủ tịch Ủy ban nhân dân thị xã Duyên Hải (Cá nhân)"),
    ("GK_TT", "Giấy khen của Chủ tịch Ủy ban nhân dân thị xã Duyên Hải (Tập thể)"),
])
def test_the_decision_its_list_and_its_proposal_name_the_award_alike(client, world, login,
                                                                    award, label):
    nominees = (("Tổ hòa giải ấp Cây Da", "", "Ấp Cây Da", None, PriorityGroup.NONE),) \
        if award == "GK_TT" else None
    decision = make_proposal(world, state=S.DECIDED, award=award,
                             **({"nominees": nominees} if nominees else {})).decision
    db.session.commit()
    login(world.chairman)
    for url in (f"/decisions/{decision.id}", "/decisions/", f"/proposals/{decision.proposal.id}"):
        assert label in client.get(url).text, url


#: award → the list of awardees' name and place columns, as the proposal's page heads them
AWARDEE_COLUMNS = {
    "GK_CN": ("Họ và tên", "Chức vụ, đơn vị hoặc địa chỉ"),
    "GK_TT": ("Tên tập thể", "Đơn vị hoặc địa chỉ"),
    "GK_HGD": ("Tên hộ gia đình (chủ hộ)", "Địa chỉ"),
}


@pytest.mark.parametrize("award", list(AWARDEE_COLUMNS))
def test_the_decision_page_heads_its_awardees_by_their_kind(client, world, login, award):
    nominees = (("Hộ ông Nguyễn Văn Út", "", "Ấp Giồng Ổi", None, PriorityGroup.FARMER),) \
        if award == "GK_HGD" else (("Tổ hòa giải ấp Cây Da", "", "Ấp Cây Da", None,
                                    PriorityGroup.NONE),) if award == "GK_TT" else None
    decision = make_proposal(world, state=S.DECIDED, award=award,
                             **({"nominees": nominees} if nominees else {})).decision
    db.session.commit()
    login(world.chairman)

    html = client.get(f"/decisions/{decision.id}").text
    awardees = html[html.index("Danh sách khen thưởng"):]
    assert re.findall(r"<th>(.*?)</th>", awardees)[1:3] == list(AWARDEE_COLUMNS[award])


def test_the_total_says_its_unit_on_a_phone_too(client, world, login):
    """On a phone the table's rows are cards, each cell named by its data-label: the total's
    amount says "Số tiền (đồng)" as every awardee's does, not a bare number."""
    decision = make_proposal(world, state=S.DECIDED).decision
    db.session.commit()
    login(world.chairman)
    html = client.get(f"/decisions/{decision.id}").text
    total = re.search(r'<tr class="total">(.*?)</tr>', html, re.S).group(1)
    assert re.search(r'<td class="num" data-label="Số tiền \(đồng\)">[\d.]+</td>', total)
