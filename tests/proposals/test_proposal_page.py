"""What the proposal page and the lists tell the user: where messages appear, which actions
are offered and what their boxes are for, the comment that explains where a proposal is,
and the wording of counts (UX audit /tmp/audit_ux/report.md)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from sqlalchemy import select

from award_flow.core.audit import AuditEvent
from award_flow.core.display import file_size
from award_flow.extensions import db
from award_flow.proposals import operations as ops
from award_flow.proposals.models import (
    Gender,
    Nominee,
    NomineeOutcome,
    PriorityGroup,
    ProposalState,
)
from tests.factories import PDF_BYTES, make_proposal
from tests.web_helpers import db_snapshot, field_errors, flashes, forms, history, page_form

S = ProposalState


def section(html: str, section_id: str) -> str:
    """The HTML of the page's <section id=…>."""
    return re.search(rf'<section[^>]*id="{section_id}".*?</section>', html, re.S).group(0)


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def action_form_html(html: str, proposal_id: int, action: str) -> str | None:
    found = re.search(rf'<form[^>]*action="/proposals/{proposal_id}/actions/{action}".*?</form>',
                      html, re.S)
    return found.group(0) if found else None


# --- messages where the page lands ----------------------------------------------------------


def _upload_fake_pdf(client, proposal):  # noqa: ANN001, ANN202
    from tests.proposals.test_uploads import multipart

    (form,) = [f for f in forms(client.get(f"/proposals/{proposal.id}").text)
               if f.action == f"/proposals/{proposal.id}/attachments"]
    body, content_type = multipart(form.data(kind="other"), "fake.pdf", b"not a pdf at all")
    return client.post(form.action, data=body, content_type=content_type)


def _delete_file(client, proposal):  # noqa: ANN001, ANN202
    action = f"/proposals/{proposal.id}/attachments/{proposal.attachments[0].id}/delete"
    (form,) = [f for f in forms(client.get(f"/proposals/{proposal.id}").text)
               if f.action == action]
    return client.post(action, data=form.data())


def _add_nominee(client, proposal):  # noqa: ANN001, ANN202
    form = page_form(client, f"/proposals/{proposal.id}/nominees/new")
    return client.post(f"/proposals/{proposal.id}/nominees/new",
                       data=form.data(name="Lê Thị Hồng Đào", gender="female"))


def _delete_nominee(client, proposal):  # noqa: ANN001, ANN202
    action = f"/proposals/{proposal.id}/nominees/{proposal.nominees[0].id}/delete"
    (form,) = [f for f in forms(client.get(f"/proposals/{proposal.id}").text)
               if f.action == action]
    return client.post(action, data=form.data())


#: a change on the proposal page → the section it sends the user back to, and what it says
CHANGES = [
    (_upload_fake_pdf, "dossier", "error"),
    (_delete_file, "dossier", "success"),
    (_add_nominee, "nominees", "success"),
    (_delete_nominee, "nominees", "success"),
]


@pytest.mark.parametrize(("change", "section_id", "category"), CHANGES,
                         ids=[c[0].__name__.strip("_") for c in CHANGES])
def test_the_message_of_a_change_is_shown_in_the_section_the_page_lands_on(
        client, world, login, change, section_id, category):
    proposal = make_proposal(world)
    db.session.commit()
    login(world.officer_a)

    response = change(client, proposal)

    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.endswith(f"#{section_id}")
    page = client.get(location.split("#")[0]).text
    inside = section(page, section_id)
    role = "alert" if category == "error" else "status"
    assert re.search(rf'<div class="flash flash-{category}" role="{role}">', inside)
    # Said once, there, not also at the top of the page.
    assert len(flashes(page)) == len(flashes(inside)) == 1


# --- which actions are offered, and what their boxes are for --------------------------------


def _all_not_recommended(world):  # noqa: ANN001, ANN202
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    ops.conclude_review(proposal, world.committee, {
        n.id: NomineeOutcome.NOT_RECOMMENDED for n in proposal.nominees})
    db.session.commit()
    return proposal


NOBODY_RECOMMENDED = ("Thường trực Hội đồng không đề nghị khen thưởng trường hợp nào: chỉ có "
                      "thể Không phê duyệt hoặc Chuyển lại Cơ quan Tổ chức - Nội vụ.")


@pytest.mark.parametrize("signer", ["chairman", "vice"])
def test_approve_is_not_offered_when_nobody_was_recommended_and_the_page_says_why(
        client, world, login, signer):
    proposal = _all_not_recommended(world)
    login(getattr(world, signer))

    html = client.get(f"/proposals/{proposal.id}").text

    assert action_form_html(html, proposal.id, "approve") is None
    assert action_form_html(html, proposal.id, "reject") is not None
    assert action_form_html(html, proposal.id, "send_back") is not None
    assert NOBODY_RECOMMENDED in text(section(html, "actions"))

    # The server refuses all the same.
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    before = db_snapshot()
    client.post(f"/proposals/{proposal.id}/actions/approve",
                data={"csrf_token": token, "version": str(proposal.version)})
    assert db_snapshot() == before


def test_approve_is_offered_when_someone_was_recommended(client, world, login):
    proposal = make_proposal(world, state=S.AWAITING_DECISION)
    db.session.commit()
    login(world.chairman)
    html = client.get(f"/proposals/{proposal.id}").text
    assert action_form_html(html, proposal.id, "approve") is not None
    assert NOBODY_RECOMMENDED not in text(html)


#: (state, who) → each action's box: its label, and whether it must be filled
COMMENT_BOXES = [
    (S.AWAITING_DECISION, "chairman", {
        "approve": ("Ghi chú phê duyệt (chỉ lưu trong lịch sử)", False),
        "send_back": ("Lý do chuyển lại (bắt buộc)", True),
        "reject": ("Lý do không phê duyệt (bắt buộc)", True)}),
    (S.UNDER_REVIEW, "secretariat", {
        "forward": ("Ý kiến thẩm định (bắt buộc)", True),
        "return": ("Lý do trả lại (bắt buộc)", True)}),
    (S.SUBMITTED, "head_a", {"withdraw": ("Lý do rút (không bắt buộc)", False)}),
    (S.RETURNED, "head_a", {
        "submit": ("Nội dung đã bổ sung, chỉnh sửa (không bắt buộc)", False),
        "withdraw": ("Lý do rút (không bắt buộc)", False)}),
    (S.DRAFT, "head_a", {"submit": None, "withdraw": ("Lý do rút (không bắt buộc)", False)}),
]


@pytest.mark.parametrize(("state", "who", "boxes"), COMMENT_BOXES,
                         ids=[f"{c[0].value}-{c[1]}" for c in COMMENT_BOXES])
def test_each_action_has_its_own_labelled_box_in_its_own_group(client, world, login, state,
                                                               who, boxes):
    proposal = make_proposal(world, state=state)
    db.session.commit()
    login(getattr(world, who))
    html = client.get(f"/proposals/{proposal.id}").text

    ids = re.findall(r'<textarea id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for action, box in boxes.items():
        form = action_form_html(html, proposal.id, action)
        assert re.search(r"<fieldset[^>]*><legend[^>]*>[^<]+</legend>", form), action
        if box is None:
            assert "<textarea" not in form, action
            continue
        label, required = box
        textarea = re.search(rf'<label for="comment-{action}">([^<]*)</label>\s*'
                             rf'<textarea id="comment-{action}" name="comment"([^>]*)>', form)
        assert textarea and unescape(textarea.group(1)) == label, action
        assert 'maxlength="4000"' in textarea.group(2)
        assert (" required" in textarea.group(2)) is required


@pytest.mark.parametrize(("state", "action", "who"), [
    (S.SUBMITTED, "return", "secretariat"), (S.AWAITING_DECISION, "reject", "chairman"),
    (S.SUBMITTED, "withdraw", "head_a")])
def test_a_comment_too_long_says_so_and_changes_nothing(client, world, login, state, action,
                                                        who):
    proposal = make_proposal(world, state=state)
    db.session.commit()
    login(getattr(world, who))
    (form,) = [f for f in forms(client.get(f"/proposals/{proposal.id}").text)
               if f.action == f"/proposals/{proposal.id}/actions/{action}"]
    before = db_snapshot()

    response = client.post(form.action, data=form.data(comment="Thiếu hồ sơ. " * 400))

    assert response.status_code == 302
    assert db_snapshot() == before
    assert flashes(client.get(response.headers["Location"]).text) == [(
        "error", "Nội dung ghi quá dài: tối đa 4000 ký tự (đã nhập 5199 ký tự). Không có thay "
                 "đổi nào được lưu.")]


# --- the comment that explains where the proposal is ----------------------------------------


def _banner(html: str) -> str | None:
    found = re.search(r'<div class="banner flash[^"]*" role="note">(.*?)</div>', html, re.S)
    return text(found.group(1)) if found else None


def _rejected(world):  # noqa: ANN001, ANN202
    proposal = make_proposal(world, state=S.AWAITING_DECISION)
    ops.reject_proposal(proposal, world.chairman, comment="Không đủ tiêu chuẩn theo quy định.")
    return proposal


def _withdrawn_with_reason(world):  # noqa: ANN001, ANN202
    proposal = make_proposal(world, state=S.SUBMITTED)
    ops.withdraw_proposal(proposal, world.head_a, comment="Đơn vị rút để hoàn thiện.")
    return proposal


#: When the proposal below was sent back: the evening of 8 March in UTC, already the morning
#: of 9 March where the authority is (UTC+7), which is the day its banner gives.
SENT_BACK_AT = datetime(2026, 3, 8, 20, 30, tzinfo=UTC)


def _sent_back(world):  # noqa: ANN001, ANN202
    proposal = make_proposal(world, state=S.AWAITING_DECISION)
    ops.send_back_proposal(proposal, world.chairman,
                           comment="Đề nghị làm rõ thành tích của ông Nguyễn Văn Út.")
    (sent_back,) = [e for e in db.session.new if isinstance(e, AuditEvent)]
    sent_back.created_at = SENT_BACK_AT  # not yet written: the audit trail is append-only
    return proposal


def _concluded_with_comment(world):  # noqa: ANN001, ANN202
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    ops.conclude_review(proposal, world.committee, {
        n.id: NomineeOutcome.RECOMMENDED for n in proposal.nominees},
        comment="Thống nhất đề nghị khen thưởng.")
    return proposal


def _resubmitted(world):  # noqa: ANN001, ANN202
    proposal = make_proposal(world, state=S.RETURNED)
    ops.submit_proposal(proposal, world.head_a, comment="Đã bổ sung biên bản họp.")
    return proposal


def _accepted(world):  # noqa: ANN001, ANN202
    return make_proposal(world, state=S.UNDER_REVIEW)


#: how the proposal got where it is → the banner at the top of its page (None: no banner)
BANNERS = [
    (_rejected, "Lý do không phê duyệt: Không đủ tiêu chuẩn theo quy định."),
    (_withdrawn_with_reason, "Lý do rút: Đơn vị rút để hoàn thiện."),
    (_sent_back, "Được chuyển lại bởi Đặng Quốc Khánh ngày 09/3/2026: Đề nghị làm rõ thành tích "
                 "của ông Nguyễn Văn Út."),
    (lambda world: make_proposal(world, state=S.IN_COMMITTEE),
     "Ý kiến thẩm định của Cơ quan Tổ chức - Nội vụ: Đủ điều kiện."),
    (_concluded_with_comment, "Ý kiến của Thường trực Hội đồng: Thống nhất đề nghị khen thưởng."),
    (lambda world: make_proposal(world, state=S.AWAITING_DECISION), None),  # no comment
    (_resubmitted, "Nội dung đã bổ sung, chỉnh sửa: Đã bổ sung biên bản họp."),
    (_accepted, None),  # accepted, not sent back: nothing to explain
    (lambda world: make_proposal(world, state=S.WITHDRAWN), None),  # withdrawn, no reason
]


@pytest.mark.parametrize(("made", "expected"), BANNERS, ids=[
    "rejected", "withdrawn", "sent-back", "in-committee", "concluded", "concluded-silently",
    "resubmitted", "accepted", "withdrawn-silently"])
def test_the_comment_that_explains_the_state_is_at_the_top_of_the_page(client, world, login,
                                                                       made, expected):
    proposal = made(world)
    db.session.commit()
    login(world.secretariat if proposal.submitted_at else world.officer_a)

    html = client.get(f"/proposals/{proposal.id}").text

    assert _banner(html) == expected
    if expected:  # before the sections, not only in the history at the bottom
        assert html.index('class="banner') < html.index('id="nominees"')


def test_the_committee_reads_the_appraisal_opinion_on_the_conclusion_page(client, world, login):
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    db.session.commit()
    login(world.committee)
    html = client.get(f"/proposals/{proposal.id}/conclude").text
    assert _banner(html) == "Ý kiến thẩm định của Cơ quan Tổ chức - Nội vụ: Đủ điều kiện."


def test_the_committee_has_the_dossier_at_hand_on_the_conclusion_page(client, world, login):
    """Downloads, which leave the choices made on the page where they are; no link away."""
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    db.session.commit()
    login(world.committee)
    html = client.get(f"/proposals/{proposal.id}/conclude").text
    (attachment,) = proposal.attachments
    files = re.search(r'<ul class="files" id="dossier">(.*?)</ul>', html, re.S).group(1)
    assert text(files) == f"Tờ trình {attachment.original_name} {file_size(attachment.size)}"
    assert (f'href="/proposals/{proposal.id}/attachments/{attachment.id}"') in files
    assert "#dossier" not in html
    with client.get(f"/proposals/{proposal.id}/attachments/{attachment.id}") as download:
        assert download.status_code == 200


def test_resubmitting_a_returned_proposal_records_what_was_changed(client, world, login):
    proposal = make_proposal(world, state=S.RETURNED)
    db.session.commit()
    login(world.head_a)
    (form,) = [f for f in forms(client.get(f"/proposals/{proposal.id}").text)
               if f.action == f"/proposals/{proposal.id}/actions/submit"]

    client.post(form.action, data=form.data(comment="Đã bổ sung biên bản họp."))

    db.session.refresh(proposal)
    assert proposal.state == S.SUBMITTED
    last = history(client.get(f"/proposals/{proposal.id}").text)[-1]
    assert (last.label, last.comment) == ("Gửi lại tờ trình", "Đã bổ sung biên bản họp.")


def test_a_first_submission_records_no_comment_even_if_one_is_sent(world):
    proposal = make_proposal(world)
    ops.submit_proposal(proposal, world.head_a, comment="Không có ô này trên trang.")
    db.session.commit()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "submit")).one()
    assert event.comment == ""


# --- lists ----------------------------------------------------------------------------------


def _state_options(html: str) -> list[str] | None:
    select_ = re.search(r'<select name="state">(.*?)</select>', html, re.S)
    return re.findall(r'<option value="(\w*)"', select_.group(1)) if select_ else None


#: who → the states "my work" offers to filter on (None: no state filter, a one-state queue)
QUEUE_STATE_FILTERS = {
    "officer_a": ["", "draft", "returned"],
    "secretariat": ["", "submitted", "under_review"],
    "committee": None,
    "chairman": None,
}


@pytest.mark.parametrize("who", list(QUEUE_STATE_FILTERS))
def test_my_work_filters_only_on_the_states_of_the_users_queue(client, world, login, who):
    login(getattr(world, who))
    assert _state_options(client.get("/work").text) == QUEUE_STATE_FILTERS[who]
    assert len(_state_options(client.get("/proposals").text)) == 1 + len(S)


def test_after_filtering_the_count_and_filters_come_before_the_folded_panel(client, world,
                                                                           login):
    make_proposal(world, state=S.DRAFT)
    db.session.commit()
    login(world.officer_a)

    html = client.get("/proposals?q=nguyen&state=draft").text

    summary = re.search(r'<p class="muted" id="list-summary">(.*?)</p>', html, re.S)
    assert text(summary.group(1)) == ("1 tờ trình · Đang lọc: tên “nguyen” · trạng thái: "
                                      "Bản nháp · Bỏ lọc")
    assert html.index('id="list-summary"') < html.index("<details")
    # Folded (app.js unfolds it on a wide screen), so that on a phone the results come first.
    assert re.search(r"<details[^>]*>", html).group(0) == (
        '<details class="filters-box" data-open-wide>')


#: award → how the list counts its nominees, and the nominees' section, name column and
#: place column (a household has no position, a collective no workplace)
WORDING = {
    "GK_CN": ("2 trường hợp được đề nghị", "Người được đề nghị (2)", "Họ và tên",
              "Chức vụ, đơn vị hoặc địa chỉ"),
    "GK_TT": ("2 trường hợp được đề nghị", "Tập thể được đề nghị (2)", "Tên tập thể",
              "Đơn vị hoặc địa chỉ"),
    "GK_HGD": ("2 trường hợp được đề nghị", "Hộ gia đình được đề nghị (2)",
               "Tên hộ gia đình (chủ hộ)", "Địa chỉ"),
}


@pytest.mark.parametrize("award", list(WORDING))
def test_counts_and_headers_fit_collectives_and_households(client, world, login, award):
    count, heading, column, place = WORDING[award]
    proposal = make_proposal(world, award=award, nominees=(
        ("Tổ hòa giải ấp Cây Da", "", "Ấp Cây Da", None, PriorityGroup.NONE),
        ("Hộ ông Nguyễn Văn Út", "", "Ấp Giồng Ổi", None, PriorityGroup.NONE),
    ) if award != "GK_CN" else (
        ("Nguyễn Văn Út", "", "", Gender.MALE, PriorityGroup.NONE),
        ("Trần Thị Bích Ngọc", "", "", Gender.FEMALE, PriorityGroup.NONE)))
    db.session.commit()
    login(world.officer_a)

    assert count in text(client.get("/proposals").text)
    nominees = section(client.get(f"/proposals/{proposal.id}").text, "nominees")
    assert re.search(r"<h2>(.*?)</h2>", nominees).group(1) == heading
    assert re.findall(r"<th>(.*?)</th>", nominees)[1:3] == [column, place]


def test_empty_cells_show_a_dash_and_the_conclusion_column_waits_for_a_conclusion(
        client, world, login):
    proposal = make_proposal(world, state=S.IN_COMMITTEE, nominees=(
        ("Nguyễn Văn Út", "", "", Gender.MALE, PriorityGroup.NONE),))
    db.session.commit()
    login(world.committee)

    before = section(client.get(f"/proposals/{proposal.id}").text, "nominees")
    ops.conclude_review(proposal, world.committee,
                        {n.id: NomineeOutcome.RECOMMENDED for n in proposal.nominees})
    db.session.commit()
    after = section(client.get(f"/proposals/{proposal.id}").text, "nominees")

    assert re.search(r'data-label="Chức vụ, đơn vị hoặc địa chỉ">—</td>', before)
    assert "Kết luận" not in before
    assert re.search(r'data-label="Kết luận">Đề nghị khen thưởng</td>', after)


# --- the dossier and what comes next --------------------------------------------------------


def test_the_document_kind_is_chosen_not_defaulted(client, world, login):
    from tests.proposals.test_uploads import multipart

    proposal = make_proposal(world)
    db.session.commit()
    login(world.officer_a)
    html = client.get(f"/proposals/{proposal.id}").text
    upload = re.search(r'<form[^>]*class="upload-form"[^>]*>', html).group(0)
    assert 'data-busy="Đang tải lên…"' in upload
    options = re.search(r'<select[^>]*name="kind"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert re.findall(r'<option([^>]*)>([^<]*)</option>', options)[0] == (
        ' value=""', "— Chọn loại tài liệu —")
    (form,) = [f for f in forms(html) if f.action == f"/proposals/{proposal.id}/attachments"]
    before = db_snapshot()

    body, content_type = multipart(form.data(), "bien-ban.pdf", PDF_BYTES)
    response = client.post(form.action, data=body, content_type=content_type)

    assert db_snapshot() == before
    assert flashes(client.get(response.headers["Location"].split("#")[0]).text) == [
        ("error", "Hãy chọn loại tài liệu.")]


def _without_file(world):  # noqa: ANN001, ANN202
    proposal = make_proposal(world)
    ops.remove_attachment(world.officer_a, proposal.attachments[0])
    return proposal


def _with_an_emoji_from_before(world):  # noqa: ANN001, ANN202
    proposal = make_proposal(world)
    proposal.nominees[0].position = "Nông dân 🌾"  # saved before the decision's font check
    return proposal


def _without_nominee_nor_file(world):  # noqa: ANN001, ANN202
    proposal = make_proposal(world, nominees=())
    ops.remove_attachment(world.officer_a, proposal.attachments[0])
    return proposal


#: the draft → what the unit officer is told (who may not submit it)
NEXT_STEPS = [
    (lambda world: make_proposal(world),
     "Bản nháp đã có thể gửi; Thủ trưởng đơn vị sẽ gửi tờ trình."),
    (lambda world: make_proposal(world, nominees=()),
     "Chưa đủ để gửi: Tờ trình chưa có người được đề nghị khen thưởng."),
    (_without_file, "Chưa đủ để gửi: Hồ sơ chưa có tệp đính kèm (tờ trình, biên bản họp...)."),
    (_with_an_emoji_from_before, "Chưa đủ để gửi: Chức vụ của “Nguyễn Văn Út” có ký tự mà "
     "quyết định không in được (“🌾”); hãy sửa trường hợp này."),
    # All that is missing, at once.
    (_without_nominee_nor_file, "Chưa đủ để gửi: Tờ trình chưa có người được đề nghị khen "
     "thưởng. Hồ sơ chưa có tệp đính kèm (tờ trình, biên bản họp...)."),
    (lambda world: make_proposal(world, state=S.RETURNED),
     "Tờ trình đã có thể gửi lại; Thủ trưởng đơn vị sẽ gửi lại tờ trình."),
]


@pytest.mark.parametrize(("made", "note"), NEXT_STEPS,
                         ids=["complete", "no-nominee", "no-file", "unprintable",
                              "no-nominee-no-file", "returned"])
def test_the_unit_officer_is_told_whether_the_draft_is_ready_for_the_unit_head(
        client, world, login, made, note):
    proposal = made(world)
    db.session.commit()
    login(world.officer_a)
    assert text(section(client.get(f"/proposals/{proposal.id}").text, "actions")) == (
        f"Xử lý {note}")
    # The unit head has the button instead, or, while it could only be refused, the same
    # note in its place.
    login(world.head_a)
    page = client.get(f"/proposals/{proposal.id}").text
    ready = not note.startswith("Chưa đủ")
    assert (action_form_html(page, proposal.id, "submit") is not None) == ready
    assert (note in text(page)) == (not ready)


# --- nominee names --------------------------------------------------------------------------


#: a name as typed → refused with this message, or None when added (as what)
NAMES = [
    ("\u200b", "Trường này là bắt buộc."),
    ("\u200bNguyễn\u00ad Thị\u200d Lan\ufeff", None),
    ("Nguyen Van Ut", "“Nguyễn Văn Út” đã có trong tờ trình này; mỗi trường hợp chỉ được đề "
                      "nghị một lần. Nếu là người khác cùng họ tên, hãy ghi chức vụ hoặc đơn "
                      "vị, địa chỉ để phân biệt."),
    ("  nguyễn   văn  út ", "“Nguyễn Văn Út” đã có trong tờ trình này; mỗi trường hợp chỉ "
                           "được đề nghị một lần. Nếu là người khác cùng họ tên, hãy ghi chức "
                           "vụ hoặc đơn vị, địa chỉ để phân biệt."),
]


@pytest.mark.parametrize(("typed", "refusal"), NAMES, ids=["invisible", "with-format-chars",
                                                           "unmarked-duplicate", "spaced"])
def test_nominee_names_lose_invisible_characters_and_may_not_repeat(client, world, login,
                                                                    typed, refusal):
    proposal = make_proposal(world)
    db.session.commit()
    login(world.officer_a)
    form = page_form(client, f"/proposals/{proposal.id}/nominees/new")
    before = db_snapshot()

    response = client.post(f"/proposals/{proposal.id}/nominees/new",
                           data=form.data(name=typed, gender="female"))

    if refusal is None:
        assert response.status_code == 302
        added = db.session.scalars(select(Nominee).order_by(Nominee.id.desc())).first()
        assert added.name == "Nguyễn Thị Lan"
        return
    assert response.status_code == 200
    assert db_snapshot() == before
    assert field_errors(response.text)["name"] == [refusal]  # under the name


#: (position, unit or address) of a second "Nguyễn Văn Út" → added? The first is a farmer
#: of Ấp Cây Da (tests/factories.py).
NAMESAKES = [
    (("Giáo viên", "Trường Tiểu học Long Hữu"), True),   # another man of the same name
    (("Nông dân", "Ấp Giồng Giếng"), True),              # another farmer, another hamlet
    (("Công nhân", ""), True),
    (("nong dan", "ap cay da"), False),                   # the same, typed without marks
    (("", ""), False),                                    # nothing tells them apart
    (("Nông dân", ""), False),
]


@pytest.mark.parametrize(("details", "added"), NAMESAKES,
                         ids=[f"{p or '-'}|{u or '-'}" for (p, u), _a in NAMESAKES])
def test_a_namesake_is_added_when_position_or_place_tells_them_apart(world, details, added):
    from award_flow.core.errors import ValidationError

    proposal = make_proposal(world)
    position, place = details
    data = ops.NomineeData(kind=proposal.award_type.subject, name="Nguyễn Văn Út",
                           position=position, unit_or_address=place, gender=Gender.MALE)
    if added:
        ops.add_nominee(world.officer_a, proposal, data)
        assert [n.name for n in proposal.nominees].count("Nguyễn Văn Út") == 2
    else:
        with pytest.raises(ValidationError, match="hãy ghi chức vụ hoặc đơn vị, địa chỉ"):
            ops.add_nominee(world.officer_a, proposal, data)


def test_editing_a_nominee_keeps_its_own_name_but_not_anothers(world):
    from award_flow.core.errors import ValidationError

    proposal = make_proposal(world)
    farmer, officer = proposal.nominees
    data = ops.NomineeData(kind=farmer.kind, name=farmer.name, gender=farmer.gender,
                           priority_group=farmer.priority_group)
    ops.update_nominee(world.officer_a, farmer, data)  # its own name: fine
    with pytest.raises(ValidationError, match="đã có trong tờ trình này"):
        ops.update_nominee(world.officer_a, officer, data)


@pytest.mark.parametrize(("award", "said"), [
    ("GK_CN", "Cần nhập họ và tên."), ("GK_TT", "Cần nhập tên tập thể."),
    ("GK_HGD", "Cần nhập tên hộ gia đình (chủ hộ)."),
])  # named as the kind's form heads the field, not "họ tên hoặc tên tập thể" for everyone
def test_a_name_made_only_of_format_characters_is_refused_by_the_operation_too(world, award,
                                                                              said):
    from award_flow.core.errors import ValidationError

    proposal = make_proposal(world, nominees=(), award=award)
    with pytest.raises(ValidationError) as refused:
        ops.add_nominee(world.officer_a, proposal, ops.NomineeData(
            kind=proposal.award_type.subject, name="\u200b\u2060", gender=Gender.MALE))
    assert refused.value.message == said


#: when an event was recorded (UTC) → how the history says it, in Vietnamese: the short date
#: of every other page (the month padded only in January and February, as in the date line)
#: and the time in Việt Nam
HISTORY_TIMES = [
    (datetime(2026, 3, 9, 7, 5, tzinfo=UTC), "09/3/2026 14:05"),
    (datetime(2026, 1, 5, 1, 30, tzinfo=UTC), "05/01/2026 08:30"),
    (datetime(2026, 12, 31, 17, 0, tzinfo=UTC), "01/01/2027 00:00"),
]


@pytest.mark.parametrize(("recorded", "shown"), HISTORY_TIMES)
def test_the_history_dates_its_events_as_the_lists_do(client, world, login, recorded, shown):
    proposal = make_proposal(world)
    db.session.add(AuditEvent(proposal_id=proposal.id, actor_id=world.officer_a.id,
                              action="update_proposal", comment="", created_at=recorded))
    db.session.commit()
    login(world.officer_a)
    page = client.get(f"/proposals/{proposal.id}").text
    assert f"<time>{shown}</time>" in section(page, "history")


#: A campaign's name as plans write it: what tells two apart (the years) comes last.
LONG_CAMPAIGN = ("Phong trào thi đua thực hiện thắng lợi nhiệm vụ phát triển kinh tế - xã hội "
                 "hằng năm và kế hoạch 5 năm (2026 - 2030)")


def test_the_campaign_is_named_whole_on_the_proposal_and_in_the_filter(client, world, login):
    world.campaign.name = LONG_CAMPAIGN
    proposal = make_proposal(world)
    db.session.commit()
    login(world.officer_a)

    page = client.get(f"/proposals/{proposal.id}").text
    head = re.search(r'<div class="page-head">\s*<div>\s*<p class="muted">(.*?)</p>', page, re.S)
    # The phase stays one piece ("Đợt 1" is not split over two lines).
    assert text(head.group(1)) == f"{world.unit_a.name} · {LONG_CAMPAIGN} · Đợt 1"
    assert '<span class="whole">Đợt 1</span>' in head.group(1)
    listed = client.get("/proposals").text
    assert f">{LONG_CAMPAIGN}</option>" in listed


def test_a_card_says_since_when_the_proposal_is_in_its_state(client, world, login):
    make_proposal(world)
    db.session.commit()
    login(world.officer_a)
    meta = re.search(r'<p class="meta">(.*?)</p>', client.get("/proposals").text, re.S)
    assert re.search(r"· ở trạng thái này từ \d\d/\d\d?/\d{4} \d\d:\d\d$", text(meta.group(1)))
    # The search box's example fits it: with and without diacritics, as the search finds both.
    assert 'placeholder="Nguyễn Văn A hoặc nguyen van a"' in client.get("/proposals").text


#: A summary of achievements as a unit writes one: a paragraph, then what was done, a line each
#: (the form takes up to 4 000 characters).
LONG_SUMMARY = ("Hoàn thành xuất sắc nhiệm vụ được giao năm 2025; tích cực tham gia phong trào "
                "thi đua của địa phương.\n1. Tham gia 12 đợt tuần tra, giữ vững an ninh trật tự.\n"
                "2. Vận động nhân dân hiến 1.200 m² đất làm đường giao thông nông thôn.\n"
                "3. Phối hợp với Công an xã ngăn chặn 3 vụ việc vi phạm pháp luật.")


@pytest.mark.parametrize(("who", "page", "shown"), [
    ("secretariat", "/proposals/{id}", 160), ("committee", "/proposals/{id}", 160),
    ("committee", "/proposals/{id}/conclude", 240)])
def test_a_long_summary_of_achievements_can_be_read_whole(client, world, login, who, page,
                                                          shown):
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    long_one, short_one = proposal.nominees
    long_one.achievement_summary = LONG_SUMMARY
    short_one.achievement_summary = "Hoàn thành tốt nhiệm vụ."
    db.session.commit()
    login(getattr(world, who))

    html = client.get(page.format(id=proposal.id)).text
    (details,) = re.findall(r'<details class="long-text">.*?</details>', html, re.S)
    start = re.search(r'<span class="long-text-start">(.*?)</span>', details, re.S).group(1)
    assert LONG_SUMMARY.startswith(unescape(start).removesuffix("…").rstrip())
    assert len(unescape(start)) <= shown + 1
    assert text(re.search(r'<summary>(.*?)</summary>', details, re.S).group(1)).endswith(
        "… Xem toàn bộ Thu gọn")
    # The whole, with its lines (the stylesheet keeps them).
    whole = re.search(r'<div class="long-text-all">(.*?)</div>', details, re.S).group(1)
    assert unescape(whole) == LONG_SUMMARY
    # A short one is shown as it is, with nothing to unfold.
    assert '<div class="nominee-summary' in html
    assert re.search(r'<div class="nominee-summary[^"]*">Hoàn thành tốt nhiệm vụ\.</div>', html)


#: (who, path, query) → what the empty list says: filtered to nothing, that nothing matches
#: and how to see everything again; unfiltered, that nothing waits (or there is nothing).
EMPTY_LISTS = [
    ("secretariat", "/work", {"q": "khong co ai ten nay"},
     "Không có tờ trình nào khớp với bộ lọc. Bỏ lọc"),
    ("chairman", "/work", {"priority": "1"}, "Không có tờ trình nào khớp với bộ lọc. Bỏ lọc"),
    ("chairman", "/work", {}, "Không có tờ trình nào đang chờ bạn xử lý."),
    ("officer_a", "/proposals", {"q": "khong co ai ten nay"},
     "Không có tờ trình nào khớp với bộ lọc. Bỏ lọc"),
    ("officer_b", "/proposals", {}, "Không có tờ trình nào."),
]


@pytest.mark.parametrize(("who", "path", "query", "said"), EMPTY_LISTS)
def test_an_empty_list_says_whether_a_filter_emptied_it(client, world, login, who, path,
                                                        query, said):
    make_proposal(world, state=S.SUBMITTED)  # waits on the secretariat; found by no filter
    db.session.commit()
    login(getattr(world, who))
    html = client.get(path, query_string=query).text
    empty = re.search(r'<div class="card empty">(.*?)</div>', html, re.S)
    assert text(empty.group(1)) == said
    if "Bỏ lọc" in said:
        assert f'<a href="{path}">Bỏ lọc</a>' in empty.group(1)


def _banners(html: str) -> list[str]:
    return [text(b) for b in re.findall(r'<div class="banner flash[^"]*" role="note">(.*?)</div>',
                                        html, re.S)]


SENT_BACK = ("Được chuyển lại bởi Đặng Quốc Khánh ngày 09/3/2026: Đề nghị làm rõ thành tích của "
             "ông Nguyễn Văn Út.")


def _forwarded_again(world):  # noqa: ANN001, ANN202
    proposal = _sent_back(world)
    ops.forward_proposal(proposal, world.secretariat, comment="Đã xác minh thành tích.")
    return proposal


def _concluded_again(world):  # noqa: ANN001, ANN202
    proposal = _forwarded_again(world)
    ops.conclude_review(proposal, world.committee, {
        n.id: NomineeOutcome.RECOMMENDED for n in proposal.nominees}, comment="Thống nhất.")
    return proposal


def _returned_and_sent_again(world):  # noqa: ANN001, ANN202
    proposal = _sent_back(world)
    ops.return_proposal(proposal, world.secretariat, comment="Bổ sung báo cáo thành tích.")
    ops.submit_proposal(proposal, world.head_a, comment="Đã bổ sung báo cáo thành tích.")
    return proposal


def _decided_after(world):  # noqa: ANN001, ANN202
    proposal = _concluded_again(world)
    ops.approve_proposal(proposal, world.chairman)
    return proposal


#: a proposal sent back by the chairman, then … → the banners at the top of its page (who
#: reads it): the reasons stay beside each new opinion while a reviewer has it, then go.
SENT_BACK_THEN = [
    (_sent_back, "secretariat", [SENT_BACK]),  # once, as what brought it there
    (_forwarded_again, "committee",
     ["Ý kiến thẩm định của Cơ quan Tổ chức - Nội vụ: Đã xác minh thành tích.", SENT_BACK]),
    (_concluded_again, "chairman",
     ["Ý kiến của Thường trực Hội đồng: Thống nhất.", SENT_BACK]),
    # Back with the secretariat through the unit: why the chairman sent it back still counts.
    (_returned_and_sent_again, "secretariat",
     ["Nội dung đã bổ sung, chỉnh sửa: Đã bổ sung báo cáo thành tích.", SENT_BACK]),
    (_decided_after, "chairman", []),
]


@pytest.mark.parametrize(("made", "who", "expected"), SENT_BACK_THEN,
                         ids=["sent-back", "forwarded-again", "concluded-again",
                              "returned-and-sent-again", "decided"])
def test_why_it_was_sent_back_stays_at_the_top_while_a_reviewer_has_it(client, world, login,
                                                                      made, who, expected):
    proposal = made(world)
    db.session.commit()
    login(getattr(world, who))
    assert _banners(client.get(f"/proposals/{proposal.id}").text) == expected
    if who == "committee":  # and where the committee records its conclusion
        assert _banners(client.get(f"/proposals/{proposal.id}/conclude").text) == expected
