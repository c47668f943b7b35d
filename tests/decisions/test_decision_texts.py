"""What a decision prints from the authority's data: issuance is refused while a text it needs
is empty, a fresh installation's defaults print a complete decision, the subject says what
the decision does (a title's names its period; room for the longest achievement), and
Article 1 recognises a title but confers a form."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from pypdf import PdfReader
from sqlalchemy import func, inspect, select, update
from sqlalchemy.types import Text

from award_flow.catalogue.defaults import default_decision_texts
from award_flow.core.audit import AuditEvent
from award_flow.core.errors import ValidationError
from award_flow.decisions import operations as decision_ops
from award_flow.decisions.models import Award, Decision, DecisionCounter, DecisionFile
from award_flow.extensions import db
from award_flow.org.models import DECISION_TEXT_LABELS
from award_flow.proposals import operations as ops
from award_flow.proposals.forms import ProposalForm
from award_flow.proposals.models import Proposal, ProposalState
from tests.factories import TITLE_YEAR, drive, make_proposal
from tests.web_helpers import flashes, forms

S = ProposalState


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _stored_pdf(decision: Decision) -> bytes:
    return db.session.scalar(
        select(DecisionFile.content).where(DecisionFile.decision_id == decision.id))


def _nothing_issued() -> bool:
    return not any((db.session.scalar(select(func.count(Decision.id))),
                    db.session.scalar(select(func.count(Award.id))),
                    db.session.scalar(select(func.count()).select_from(DecisionCounter))))


@pytest.fixture
def renders(monkeypatch):  # noqa: ANN001, ANN201
    calls: list[int] = []
    real = decision_ops.render_decision_pdf

    def spy(document):  # noqa: ANN001, ANN202
        calls.append(document.number)
        return real(document)

    monkeypatch.setattr(decision_ops, "render_decision_pdf", spy)
    return calls


# --- refused while a text is empty ------------------------------------------------------


def test_approving_through_the_button_is_refused_while_article_3_has_no_executors(
        client, world, login, renders):
    """A fresh installation's broken Article 3 ("… ngày ký. chịu trách nhiệm …") is never
    issued: the approval is refused with a clear message, and nothing changes."""
    proposal = make_proposal(world, state=S.AWAITING_DECISION)
    world.authority.decision_executors = ""
    world.authority.decision_proposer = "  "
    db.session.commit()
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    login(world.chairman)
    (button,) = [f for f in forms(client.get(f"/proposals/{proposal.id}").text)
                 if f.action.endswith("/actions/approve")]

    response = client.post(button.action, data=button.data(comment="Đồng ý."))

    assert response.status_code == 302
    assert response.headers["Location"] == f"/proposals/{proposal.id}?at=actions#actions"
    page = client.get(response.headers["Location"]).text
    assert ("error", "Chưa thể ban hành quyết định: cơ quan ban hành chưa khai báo Theo đề "
            "nghị của, Tổ chức thực hiện (Điều 3). Quản trị viên cần nhập ở trang “Cơ quan "
            "ban hành”.") in flashes(page)
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).state == S.AWAITING_DECISION
    assert _nothing_issued()  # no decision, no award, and no number taken
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events
    assert renders == []  # nothing rendered ahead either


@pytest.mark.parametrize("field", list(DECISION_TEXT_LABELS))
def test_issuance_needs_every_text_a_decision_prints(world, field):
    proposal = make_proposal(world, state=S.AWAITING_DECISION)
    setattr(world.authority, field, " \n ")
    db.session.commit()

    assert decision_ops.draft_decision_document(proposal, world.chairman) is None
    with pytest.raises(ValidationError, match=re.escape(str(DECISION_TEXT_LABELS[field]))):
        ops.approve_proposal(proposal, world.chairman)
    db.session.rollback()
    assert db.session.get(Proposal, proposal.id).state == S.AWAITING_DECISION
    assert _nothing_issued()

    setattr(world.authority, field, "Nội dung đã nhập")  # once filled in, it is issued
    assert ops.approve_proposal(proposal, world.chairman).number == 1


# --- the defaults of a fresh installation ----------------------------------------------


def test_the_default_texts_print_a_complete_decision(world):
    for field, value in default_decision_texts(world.authority.name,
                                               world.authority.level).items():
        setattr(world.authority, field, value)
    decision = make_proposal(world, state=S.DECIDED).decision
    db.session.commit()

    text = pdf_text(_stored_pdf(decision))
    assert ("Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết một số điều "
            "của Luật Thi đua, khen thưởng; Theo đề nghị của Trưởng phòng Nội vụ thị xã Duyên "
            "Hải. QUYẾT ĐỊNH:") in text
    assert "trích từ Quỹ thi đua, khen thưởng của thị xã Duyên Hải." in text
    assert ("Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Hội đồng nhân "
            "dân và Ủy ban nhân dân thị xã Duyên Hải, Trưởng phòng Nội vụ thị xã Duyên Hải, "
            "Thủ trưởng các cơ quan, đơn vị có liên quan và các cá nhân có tên tại Điều 1 chịu "
            "trách nhiệm thi hành Quyết định này./.") in text  # individuals only: "các cá nhân"


def test_a_peoples_committees_decision_has_no_parent_line_in_its_header(world):
    """The province named in award names (parent_name) is not printed above the issuer."""
    assert world.authority.parent_name == "Ủy ban nhân dân tỉnh Trà Vinh"
    decision = make_proposal(world, state=S.DECIDED).decision
    first_page = pdf_text(_stored_pdf(decision)).split("CỘNG HÒA")[0]
    assert first_page.strip() == "ỦY BAN NHÂN DÂN THỊ XÃ DUYÊN HẢI"

    world.authority.header_parent = "UBND tỉnh Trà Vinh"
    other = make_proposal(world, state=S.DECIDED, title="Đề nghị khác").decision
    first_page = pdf_text(_stored_pdf(other)).split("CỘNG HÒA")[0]
    assert first_page.strip() == "UBND TỈNH TRÀ VINH ỦY BAN NHÂN DÂN THỊ XÃ DUYÊN HẢI"


# --- the subject ------------------------------------------------------------------------


#: (year the proposal names, with the factory's phase of 2021 or without one) → what the
#: title is recognised for. None: a proposal filed before 0010 and sent on without its year
#: keeps what decisions printed then, its phase's or its campaign's years.
PERIODS = [
    (2023, False, "năm 2023"),
    (2021, True, "năm 2021"),
    (None, True, "năm 2021"),  # the phase: 01/08/2021 – 31/12/2021
    (None, False, "giai đoạn 2021 - 2025"),  # no phase: the campaign's years
]


@pytest.mark.parametrize(("year", "with_phase", "period"), PERIODS,
                         ids=["year", "year and phase", "before 0010, phase", "before 0010"])
def test_a_title_decision_names_the_year_it_is_for(world, year, with_phase, period):
    proposal = make_proposal(world, award="LDTT")
    ops.update_proposal(world.officer_a, proposal, ops.ProposalData(
        title=proposal.title, achievement=proposal.achievement, campaign=world.campaign,
        award_type=world.awards["LDTT"], phase=world.phase if with_phase else None,
        achievement_year=year or TITLE_YEAR))
    drive(world, proposal, S.AWAITING_DECISION)
    if year is None:  # as migration 0010 left it
        db.session.execute(update(Proposal).where(Proposal.id == proposal.id)
                           .values(achievement_year=None))
        db.session.expire(proposal)
    ops.approve_proposal(proposal, world.chairman)
    decision = proposal.decision
    db.session.commit()

    # Stored as typed; only the printed text joins "2021 - 2025" with no-break spaces.
    assert decision.subject == f"Về việc công nhận danh hiệu “Lao động tiên tiến” {period}"
    text = pdf_text(_stored_pdf(decision))
    assert f"QUYẾT ĐỊNH Về việc công nhận danh hiệu “Lao động tiên tiến” {period}" in text
    assert f"Công nhận danh hiệu “Lao động tiên tiến” {period} cho 2 cá nhân" in text
    assert f"ĐƯỢC CÔNG NHẬN DANH HIỆU “LAO ĐỘNG TIÊN TIẾN” {period.upper()}" in text


def test_the_longest_achievement_makes_a_subject_the_database_keeps(world):
    """The subject is built from the achievement, which the form takes up to its maximum
    length: approving it used to fail on PostgreSQL (VARCHAR(500))."""
    (limit,) = [v.max for v in ProposalForm.achievement.kwargs["validators"]
                if hasattr(v, "max")]
    achievement = ("đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” của "
                   "Ủy ban nhân dân thị xã")
    achievement = (achievement + " và" * limit)[:limit]
    proposal = make_proposal(world)
    ops.update_proposal(world.officer_a, proposal, ops.ProposalData(
        title=proposal.title, achievement=achievement, campaign=world.campaign,
        award_type=proposal.award_type, phase=world.phase,
        achievement_year=proposal.achievement_year))
    drive(world, proposal, S.DECIDED)
    db.session.commit()
    decision_id = proposal.decision_id
    db.session.expire_all()

    subject = db.session.get(Decision, decision_id).subject
    assert len(subject) > 1900
    assert subject == "Về việc khen thưởng " + " ".join(achievement.split())[len("đã có "):]
    columns = {c["name"]: c["type"]
               for c in inspect(db.session.connection()).get_columns("decision")}
    assert isinstance(columns["subject"], Text)


def _decided(world, award: str, achievement: str) -> Decision:  # noqa: ANN001
    proposal = make_proposal(world, award=award)
    ops.update_proposal(world.officer_a, proposal, ops.ProposalData(
        title=proposal.title, achievement=achievement, campaign=world.campaign,
        award_type=proposal.award_type, phase=world.phase,
        achievement_year=proposal.achievement_year))
    drive(world, proposal, S.DECIDED)
    db.session.commit()
    return proposal.decision


#: (award, achievement) → the subject: a title is recognised for its period; a form rewards
#: an achievement worded "(đã có) thành tích …", and is otherwise simply conferred.
SUBJECTS = [
    ("LDTT", "Hoàn thành xuất sắc nhiệm vụ năm 2021",
     "Về việc công nhận danh hiệu “Lao động tiên tiến” năm 2021"),
    ("GK_CN", "đã có thành tích xuất sắc trong phong trào thi đua.",
     "Về việc khen thưởng thành tích xuất sắc trong phong trào thi đua"),
    # Typed as a sentence starts: in lower case inside the subject's sentence.
    ("GK_CN", "Thành tích xuất sắc năm 2021", "Về việc khen thưởng thành tích xuất sắc năm 2021"),
    ("GK_CN", "Đã có Thành tích xuất sắc năm 2021",
     "Về việc khen thưởng thành tích xuất sắc năm 2021"),
    ("GK_CN", "ĐÃ CÓ THÀNH TÍCH XUẤT SẮC", "Về việc khen thưởng thành tích XUẤT SẮC"),
    ("GK_CN", "Hoàn thành xuất sắc nhiệm vụ năm 2021",
     "Về việc tặng Giấy khen của Chủ tịch Ủy ban nhân dân thị xã Duyên Hải"),
]


@pytest.mark.parametrize(("award", "achievement", "subject"), SUBJECTS,
                         ids=["title", "đã có thành tích", "Thành tích", "Đã có Thành tích",
                              "ĐÃ CÓ THÀNH TÍCH", "other achievement"])
def test_the_subject_says_what_the_decision_does(world, award, achievement, subject):
    decision = _decided(world, award, achievement)
    assert decision_ops.decision_subject(decision.proposal) == subject
    assert decision.subject == subject
    assert f"QUYẾT ĐỊNH {subject}" in pdf_text(_stored_pdf(decision))


#: award → how Article 1 and the annex's title award it: a title is *recognised*
#: ("Công nhận danh hiệu"), a form *conferred* ("Tặng").
ARTICLE_1 = {
    "LDTT": ("Công nhận danh hiệu “Lao động tiên tiến” năm 2021 cho",
             "ĐƯỢC CÔNG NHẬN DANH HIỆU “LAO ĐỘNG TIÊN TIẾN” NĂM 2021"),
    "GK_CN": ("Tặng Giấy khen của Chủ tịch Ủy ban nhân dân thị xã Duyên Hải cho",
              "ĐƯỢC TẶNG GIẤY KHEN CỦA CHỦ TỊCH ỦY BAN NHÂN DÂN THỊ XÃ DUYÊN HẢI"),
}


@pytest.mark.parametrize("award", list(ARTICLE_1))
def test_article_1_recognises_a_title_and_confers_a_form(world, award):
    text = pdf_text(_stored_pdf(make_proposal(world, state=S.DECIDED, award=award).decision))
    article_1, annex = ARTICLE_1[award]
    assert article_1 in text and annex in text
    assert ("Công nhận danh hiệu" in text) is (award == "LDTT")
    assert ("ĐƯỢC TẶNG" in text) is (award == "GK_CN")


#: The achievement as typed → Article 1 after its parties, as the signer reads it before
#: approving and as the decision prints it.
ARTICLE_ONE_ENDINGS = [
    pytest.param("thành tích xuất sắc trong phong trào thi đua năm 2025",
                 "đã có thành tích xuất sắc trong phong trào thi đua năm 2025.",
                 id="a noun phrase follows 'đã có'"),
    pytest.param("đã hoàn thành xuất sắc nhiệm vụ năm 2025.",
                 "đã hoàn thành xuất sắc nhiệm vụ năm 2025.", id="'đã …' is printed as typed"),
    # Typed as a sentence starts: inside Article 1's sentence, in lower case.
    pytest.param("Thành tích xuất sắc trong công tác phòng, chống thiên tai năm 2026",
                 "đã có thành tích xuất sắc trong công tác phòng, chống thiên tai năm 2026.",
                 id="a capital first letter"),
    pytest.param("Đã có nhiều đóng góp cho phong trào", "đã có nhiều đóng góp cho phong trào.",
                 id="a capital 'Đã'"),
    pytest.param("UBND xã ghi nhận thành tích", "đã có UBND xã ghi nhận thành tích.",
                 id="an abbreviation keeps its capitals"),
    pytest.param("ĐÃ CÓ THÀNH TÍCH trong công tác", "đã có THÀNH TÍCH trong công tác.",
                 id="'ĐÃ CÓ' in capitals is not doubled"),
    pytest.param("Đã có Thành tích xuất sắc", "đã có thành tích xuất sắc.",
                 id="'Đã có Thành tích', as the subject reads it"),
]


@pytest.mark.parametrize(("typed", "printed"), ARTICLE_ONE_ENDINGS)
def test_the_signer_reads_article_1_as_the_decision_prints_it(client, world, login, typed,
                                                              printed):
    proposal = make_proposal(world, state=S.AWAITING_DECISION)
    proposal.achievement = typed
    db.session.commit()
    login(world.chairman)
    page = " ".join(re.sub(r"<[^>]+>", " ", client.get(f"/proposals/{proposal.id}").text)
                    .split())
    expected = ("Điều 1. Tặng Giấy khen của Chủ tịch Ủy ban nhân dân thị xã Duyên Hải cho 2 "
                f"cá nhân (có danh sách kèm theo) {printed}")
    assert f"Quyết định sẽ in: {expected}" in page

    ops.approve_proposal(proposal, world.chairman)
    db.session.commit()
    assert expected in pdf_text(_stored_pdf(proposal.decision))
