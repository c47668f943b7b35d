"""What the pages tell assistive technology, checked in the HTML the server sends (the browser
side is in tests/e2e): page titles (WCAG 2.4.2), errors tied to what they are about (3.3.1),
Vietnamese data marked as such on an English page (3.1.2), the server's own messages instead
of the browser's (forms are `novalidate`), and who is signed in, in full."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from award_flow.extensions import db
from award_flow.proposals.models import Attachment, ProposalState
from tests.factories import decided_with_one_deferred, make_proposal
from tests.web_helpers import flashes, forms, page_form

S = ProposalState


def title_of(html: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1)).strip()


def in_english(client, path: str) -> None:  # noqa: ANN001
    """Switch the signed-in client to the English interface, through the page's own form."""
    language = page_form(client, path, "/language/en")
    client.post("/language/en", data=language.data())


def tag(html: str, pattern: str) -> str:
    """The first start tag matching `pattern` (a regex on the whole tag)."""
    return re.search(pattern, html).group(0)


# --- page titles ----------------------------------------------------------------------------


def test_an_error_page_is_titled_by_what_went_wrong_not_only_its_code(client, world, login):
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert title_of(page.text) == "Không tìm thấy trang (404) · award_flow"
    assert re.search(r"<h1>Không tìm thấy trang <span", page.text)

    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    db.session.commit()
    login(world.secretariat)
    forbidden = client.get(f"/proposals/{proposal.id}/conclude")
    assert forbidden.status_code == 403
    assert title_of(forbidden.text) == "Không có quyền truy cập (403) · award_flow"


def test_the_admin_pages_have_titles_of_their_own(client, world, login):
    login(world.admin)
    titles = [title_of(client.get(path).text) for path in (
        "/admin/users", "/admin/users/new", f"/admin/users/{world.officer_a.id}/edit",
        "/admin/units", "/admin/units/new", f"/admin/units/{world.unit_a.id}/edit")]
    assert titles == [
        "Tài khoản · award_flow", "Thêm tài khoản · award_flow",
        f"Sửa tài khoản: {world.officer_a.username} · award_flow",
        "Đơn vị · award_flow", "Thêm đơn vị · award_flow", "Sửa đơn vị: Xã Long Hữu · award_flow"]


def test_the_catalogue_and_campaign_pages_have_titles_of_their_own(client, world, login):
    login(world.admin)
    titles = [title_of(client.get(path).text) for path in (
        "/admin/catalogue", "/admin/catalogue/new",
        f"/admin/catalogue/{world.awards['LDTT'].id}/edit", "/admin/base-salary",
        "/campaigns/", "/campaigns/new", f"/campaigns/{world.campaign.id}/edit",
        f"/campaigns/{world.campaign.id}/phases", f"/campaigns/phases/{world.phase.id}/edit")]
    assert titles == [
        "Danh mục khen thưởng · award_flow", "Thêm danh hiệu, hình thức · award_flow",
        "Sửa danh mục: LDTT · award_flow", "Mức lương cơ sở · award_flow",
        "Phong trào thi đua · award_flow", "Phát động phong trào · award_flow",
        "Sửa phong trào · award_flow",
        "Các đợt thi đua: Phong trào thi đua 2021 - 2025 · award_flow",
        "Sửa đợt thi đua: Đợt 1 · award_flow"]


def test_the_conclusion_and_nominee_pages_name_their_proposal(client, world, login):
    proposal = make_proposal(world, state=S.IN_COMMITTEE, title="Tờ trình khen Đợt 7")
    draft = make_proposal(world, title="Tờ trình nháp Đợt 8")
    db.session.commit()
    login(world.committee)
    assert title_of(client.get(f"/proposals/{proposal.id}/conclude").text) == (
        "Kết luận xét duyệt: Tờ trình khen Đợt 7 · award_flow")
    login(world.officer_a)
    assert title_of(client.get(f"/proposals/{draft.id}/nominees/new").text) == (
        "Thêm người được đề nghị: Tờ trình nháp Đợt 8 · award_flow")
    nominee = draft.nominees[0]
    assert title_of(client.get(f"/proposals/{draft.id}/nominees/{nominee.id}/edit").text) == (
        "Sửa thông tin người được đề nghị: Tờ trình nháp Đợt 8 · award_flow")


def test_a_form_sent_back_with_errors_is_titled_as_such(client, world, login):
    login(world.officer_a)
    assert title_of(client.get("/proposals/new").text) == "Lập tờ trình mới · award_flow"
    form = page_form(client, "/proposals/new")
    refused = client.post("/proposals/new", data=form.data(title=""))
    assert refused.status_code == 200
    assert title_of(refused.text) == "Lỗi: Lập tờ trình mới · award_flow"


def test_a_refused_conclusion_is_titled_as_an_error(client, world, login):
    proposal = make_proposal(world, state=S.IN_COMMITTEE, title="Tờ trình khen Đợt 7")
    db.session.commit()
    login(world.committee)
    form = page_form(client, f"/proposals/{proposal.id}/conclude")
    refused = client.post(f"/proposals/{proposal.id}/conclude", data=form.data())
    assert title_of(refused.text) == "Lỗi: Kết luận xét duyệt: Tờ trình khen Đợt 7 · award_flow"


def test_a_refused_file_titles_the_page_it_comes_back_to_as_an_error(client, world, login):
    draft = make_proposal(world, title="Tờ trình nháp Đợt 8")
    db.session.commit()
    login(world.officer_a)
    html = client.get(f"/proposals/{draft.id}").text
    assert title_of(html) == "Tờ trình nháp Đợt 8 · award_flow"
    (form,) = [f for f in forms(html) if f.action == f"/proposals/{draft.id}/attachments"]
    back = client.post(form.action, data=form.data(), follow_redirects=True)
    assert title_of(back.text) == "Lỗi: Tờ trình nháp Đợt 8 · award_flow"


# --- the committee's conclusion: each missing choice tied to its group ------------------------


def test_each_unchosen_outcome_marks_its_own_radio_group(client, world, login):
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    db.session.commit()
    farmer, officer = proposal.nominees
    login(world.committee)
    form = page_form(client, f"/proposals/{proposal.id}/conclude")

    response = client.post(f"/proposals/{proposal.id}/conclude", data=form.data(
        **{f"outcome-{farmer.id}": "recommended"}))

    page = response.text
    assert ("error", "Cần kết luận cho từng trường hợp được đề nghị: còn 1 trường hợp chưa chọn "
                     "kết luận.") in flashes(page)
    groups = re.findall(r"<fieldset class=\"radios inline-radios\"[^>]*>", page)
    assert groups[0] == '<fieldset class="radios inline-radios" role="radiogroup">'
    assert groups[1] == (f'<fieldset class="radios inline-radios" role="radiogroup" '
                         f'aria-invalid="true" aria-describedby="missing-{officer.id}">')
    assert re.search(rf'<span class="error" id="missing-{officer.id}">Chưa chọn kết luận</span>',
                     page)
    assert f'id="missing-{farmer.id}"' not in page
    db.session.refresh(proposal)
    assert proposal.state == S.IN_COMMITTEE


def test_the_choose_for_all_buttons_are_a_named_group_and_say_what_they_did(client, world,
                                                                           login):
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    db.session.commit()
    login(world.committee)
    page = client.get(f"/proposals/{proposal.id}/conclude").text
    assert re.search(r'<div class="actions set-all" role="group" aria-labelledby="set-all-label"'
                     r' hidden><span id="set-all-label">Chọn cho tất cả:</span>', page)
    button = re.search(r'<button [^>]*data-set-all="deferred"[^>]*>(.*?)</button>', page)
    assert 'data-done="Đã chọn “Hoãn xét” cho 2 trường hợp."' in button.group(0)
    # Its name says it is for everyone; the visible words are in it (WCAG 2.5.3).
    assert button.group(1) == ('<span aria-hidden="true">Hoãn xét</span>'
                               '<span class="sr-only">Hoãn xét cho tất cả</span>')


def test_a_radio_field_with_an_error_is_marked_invalid(client, world, login):
    proposal = make_proposal(world, nominees=())
    db.session.commit()
    login(world.officer_a)
    assert 'aria-invalid="true"' not in client.get(
        f"/proposals/{proposal.id}/nominees/new").text
    form = page_form(client, f"/proposals/{proposal.id}/nominees/new")

    page = client.post(f"/proposals/{proposal.id}/nominees/new",
                       data=form.data(name="Lê Thị Hồng Đào", gender="neither")).text

    assert ('<fieldset class="radios" role="radiogroup" aria-describedby="gender-error" '
            'aria-invalid="true">') in page
    assert '<div id="gender-error">' in page


# --- Vietnamese data on an English page -----------------------------------------------------


def test_vietnamese_data_is_marked_on_an_english_page(client, world, login):
    proposal = make_proposal(world, title="Đề nghị tặng Giấy khen Đợt 1")
    db.session.commit()
    login(world.officer_a)
    in_english(client, f"/proposals/{proposal.id}")

    detail = client.get(f"/proposals/{proposal.id}").text
    assert re.search(r'<html lang="en">', detail)
    assert '<h1 lang="vi">Đề nghị tặng Giấy khen Đợt 1</h1>' in detail
    assert '<span lang="vi">Xã Long Hữu</span>' in detail
    assert '<span lang="vi">Phong trào thi đua 2021 - 2025</span>' in detail
    assert re.search(r'<dd lang="vi">đã có thành tích xuất sắc', detail)

    work = client.get("/work").text
    assert re.search(rf'<a href="/proposals/{proposal.id}" lang="vi">Đề nghị tặng Giấy khen',
                     work)
    assert re.search(r'<option value="\d+" lang="vi" >Phong trào thi đua 2021 - 2025', work)

    new = client.get("/proposals/new").text
    assert re.search(r'<option lang="vi"[^>]*>Phong trào thi đua 2021 - 2025</option>', new)
    assert re.search(r'<option [^>]*lang="vi"[^>]*>Đợt 1 \(2021\)</option>', new)
    assert re.search(r'<option lang="vi"[^>]*>Giấy khen', new)
    # What the interface itself says stays English.
    assert re.search(r'<option (?:selected )?value="0">— Choose —</option>', new)


def test_an_english_decision_list_marks_subjects_and_award_names(client, world, login):
    decided_with_one_deferred(world)
    login(world.secretariat)
    in_english(client, "/decisions/")
    page = client.get("/decisions/").text
    assert re.search(r'<td class="text" lang="vi">', page)
    assert '<span lang="vi">Xã Long Hữu</span>' in page
    assert re.search(r'<option value="\d+" lang="vi" >Xã Long Hữu</option>', page)


def test_a_vietnamese_page_marks_nothing_extra(client, world, login):
    proposal = make_proposal(world)
    decided_with_one_deferred(world)
    login(world.secretariat)
    for path in (f"/proposals/{proposal.id}", "/proposals", "/decisions/"):
        page = client.get(path).text
        assert page.count('lang="vi"') == 1, path  # <html lang="vi">
    login(world.officer_a)
    assert client.get("/proposals/new").text.count('lang="vi"') == 1


# --- the server's messages, not the browser's ----------------------------------------------


def test_the_upload_form_and_the_reason_boxes_leave_checking_to_the_server(client, world,
                                                                            login):
    draft = make_proposal(world)
    submitted = make_proposal(world, state=S.SUBMITTED)
    db.session.commit()
    login(world.officer_a)
    html = client.get(f"/proposals/{draft.id}").text
    assert re.search(r'<form [^>]*class="upload-form" novalidate', html)
    login(world.secretariat)
    html = client.get(f"/proposals/{submitted.id}").text
    form = tag(html, rf'<form [^>]*action="/proposals/{submitted.id}/actions/return"[^>]*>')
    assert " novalidate" in form
    # The box still says it is required, to assistive technology.
    assert re.search(r'<textarea id="comment-return" name="comment"[^>]*\brequired\b', html)


def test_an_empty_reason_is_refused_in_english_and_changes_nothing(client, world, login):
    proposal = make_proposal(world, state=S.SUBMITTED)
    db.session.commit()
    login(world.secretariat)
    in_english(client, f"/proposals/{proposal.id}")
    (form,) = [f for f in forms(client.get(f"/proposals/{proposal.id}").text)
               if f.action.endswith("/actions/return")]
    version = proposal.version

    response = client.post(form.action, data=form.data(comment=""), follow_redirects=True)

    # Under the box, which the page's script then focuses (no alert at the top of the card).
    assert re.search(r'<textarea id="comment-return"[^>]*aria-invalid="true"'
                     r'[^>]*aria-describedby="comment-return-error"', response.text)
    assert ('<p class="error" id="comment-return-error">Please state the reason for returning '
            'the dossier.</p>') in response.text
    db.session.refresh(proposal)
    assert (proposal.state, proposal.version) == (S.SUBMITTED, version)


def test_an_empty_upload_is_refused_in_english_and_changes_nothing(client, world, login):
    draft = make_proposal(world)
    db.session.commit()
    login(world.officer_a)
    in_english(client, f"/proposals/{draft.id}")
    (form,) = [f for f in forms(client.get(f"/proposals/{draft.id}").text)
               if f.action == f"/proposals/{draft.id}/attachments"]
    rows = db.session.scalar(select(func.count(Attachment.id)))

    response = client.post(form.action, data=form.data(kind=""))

    assert response.headers["Location"] == f"/proposals/{draft.id}?at=dossier#dossier"
    page = client.get(response.headers["Location"]).text
    assert flashes(page) == [("error", "Choose the kind of document."),
                             ("error", "Please choose a file.")]
    assert db.session.scalar(select(func.count(Attachment.id))) == rows


# --- the page around -----------------------------------------------------------------------


def test_who_is_signed_in_shows_the_name_and_role_not_in_a_tooltip(client, world, login):
    login(world.chairman)
    page = client.get("/work").text
    who = re.search(r'<a class="who" href="/account">(.*?)</span></small></a>', page, re.S)
    assert who, "the signed-in user's box"
    assert f"<strong>{world.chairman.full_name}</strong>" in who.group(1)
    assert f'<span class="who-role">{world.chairman.role.label}</span>' in who.group(1)
    assert 'class="who" title=' not in page


@pytest.mark.parametrize("path", ["/login", "/no-such-page"])
def test_every_page_has_one_status_region_outside_main(client, path):
    page = client.get(path).text
    assert page.count('id="live-status"') == 1
    main_end = page.index("</main>")
    assert page.index('<div id="live-status" class="sr-only" role="status"></div>') > main_end


def test_the_decision_table_stacks_on_a_narrower_screen_than_other_tables(client, world, login):
    decided_with_one_deferred(world)
    login(world.secretariat)
    assert '<table class="table stack stack-wide">' in client.get("/decisions/").text
