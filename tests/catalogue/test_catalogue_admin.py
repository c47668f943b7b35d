"""The admin changes the catalogue and the base salary (RULES.md: every number is data an admin
can change, from the date it takes effect); what was issued keeps what it was issued with.
(That every other role gets 403 is in tests/test_access_control.py.)"""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from award_flow.catalogue.models import BASE_SALARY, AwardCoefficient, AwardType, Setting
from award_flow.core.audit import AuditEvent
from award_flow.core.clock import local_today
from award_flow.core.errors import DomainError
from award_flow.decisions import operations as decision_ops
from award_flow.decisions.models import Decision
from award_flow.extensions import db
from award_flow.proposals.models import ProposalState
from tests.factories import make_proposal
from tests.support import second_waits_for_first
from tests.web_helpers import csrf_token, db_snapshot, field_errors, flashes, page_form

S = ProposalState


def _salary(world, amount: int, on: date, source: str = "Nghị định 99/2026/NĐ-CP") -> Setting:
    setting = Setting(authority=world.authority, key=BASE_SALARY, value=str(amount),
                      effective_from=on, source=source)
    db.session.add(setting)
    db.session.commit()
    return setting


def _decided_on(world, monkeypatch, day: date, award: str = "LDTT"):
    """A proposal approved (its decision issued) on `day`; its one-award amounts."""
    monkeypatch.setattr(decision_ops, "local_today", lambda: day)
    proposal = make_proposal(world, state=S.DECIDED, award=award)
    db.session.commit()
    return proposal


# --- the catalogue --------------------------------------------------------------------------


def test_the_catalogue_lists_each_entry_with_its_bonus_at_todays_base_salary(client, world,
                                                                           login):
    login(world.admin)
    html = client.get("/admin/catalogue").text
    assert "Mức lương cơ sở đang áp dụng: 2.340.000 đồng/tháng" in html
    # LDTT: 0,3 × 2.340.000; GK_HGD: 0,45 × 2.340.000 (1,5 × the individual's).
    assert "<td class=\"num\" data-label=\"Hệ số\">0,3</td>" in html
    assert "702.000 đồng" in html and "1.053.000 đồng" in html
    assert html.index("Lao động tiên tiến") < html.index("Bằng khen của Chủ tịch")


def test_an_entry_is_edited_through_its_form(client, world, login):
    award = world.awards["LDTT"]
    login(world.admin)
    form = page_form(client, f"/admin/catalogue/{award.id}/edit")
    # The code and kind are shown, not edited; the coefficients have their own dated form.
    assert "code" not in form.data() and "coefficient" not in form.data()

    response = client.post(f"/admin/catalogue/{award.id}/edit", data=form.data(
        name=unicodedata.normalize("NFD", "Lao động  tiên tiến xuất sắc"),
        code="HACK", subject="household", coefficient="9"))

    assert response.status_code == 302 and response.headers["Location"] == "/admin/catalogue"
    db.session.refresh(award)
    assert (award.name, award.code, award.subject.value) == (
        "Lao động tiên tiến xuất sắc", "LDTT", "individual")
    assert [c.coefficient for c in award.coefficients] == [Decimal("0.3")]
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "save_award_type")).one()
    assert event.actor_id == world.admin.id and event.comment == (
        "LDTT: Lao động tiên tiến xuất sắc; name: Lao động tiên tiến → "
        "Lao động tiên tiến xuất sắc")
    assert ("success", "Đã lưu danh mục khen thưởng.") in flashes(
        client.get("/admin/catalogue").text)


def test_a_new_entry_is_added_and_offered_to_new_proposals(client, world, login):
    login(world.admin)
    form = page_form(client, "/admin/catalogue/new")
    response = client.post("/admin/catalogue/new", data=form.data(
        code="gk_gdvh", name="Giấy khen gia đình văn hóa tiêu biểu", category="form",
        subject="household", conferred_by="self", coefficient="0.6",
        coefficient_source="  Quyết định  12/2026/QĐ-UBND ", notes="Quy chế địa phương"))
    assert response.status_code == 302
    award = db.session.scalar(select(AwardType).where(AwardType.code == "GK_GDVH"))
    assert (award.authority_id, award.subject.value, award.active) == (
        world.authority.id, "household", True)
    # Its first coefficient is in force from today, with its legal basis.
    assert [(c.coefficient, c.effective_from, c.source) for c in award.coefficients] == [
        (Decimal("0.6"), local_today(), "Quyết định 12/2026/QĐ-UBND")]

    login(world.officer_a)
    assert "Giấy khen gia đình văn hóa tiêu biểu" in client.get("/proposals/new").text


#: (fields sent for a new entry, beside a valid one) → the field that says why, and what it says
NEW_ENTRY_REFUSALS = [
    ({"code": "GK MỚI"}, "code", "Mã gồm chữ in hoa không dấu"),
    ({"code": "ldtt"}, "code", "Mã LDTT đã có trong danh mục."),
    ({"name": "  "}, "name", "Trường này là bắt buộc."),
    # The choices say "name (kind)": one name twice for one kind cannot be told apart.
    ({"name": "lao động tiên tiến"}, "name", "Danh mục đã có “Lao động tiên tiến” (mã LDTT)"),
    ({"coefficient": "-1"}, "coefficient", "Hãy nhập một số, ví dụ: 0,3."),
    ({"coefficient": "0,3,1"}, "coefficient", "Hãy nhập một số, ví dụ: 0,3."),
    ({"coefficient": "1000"}, "coefficient", "Hệ số phải lớn hơn 0 và không quá 999,999"),
    ({"coefficient": "0"}, "coefficient", "Hệ số phải lớn hơn 0"),  # decisions of 0 đồng
    ({"coefficient": "0,0005"}, "coefficient", "tối đa ba chữ số thập phân"),
    ({"coefficient": ""}, "coefficient", "Trường này là bắt buộc."),
    # A stray space is no number; a million digits is none either, and is said as typed.
    ({"coefficient": "  "}, "coefficient", "Trường này là bắt buộc."),
    ({"coefficient": "9" * 1_000_001}, "coefficient", "Hãy nhập một số, ví dụ: 0,3."),
    ({"subject": "nobody"}, "subject", "Lựa chọn không hợp lệ."),
    # Every number with its legal basis (RULES.md), the first coefficient too.
    ({"coefficient_source": "  "}, "coefficient_source", "Trường này là bắt buộc."),
]


@pytest.mark.parametrize(("sent", "field", "message"), NEW_ENTRY_REFUSALS)
def test_a_wrong_new_entry_is_refused_at_its_field_and_nothing_is_saved(client, world, login,
                                                                        sent, field, message):
    login(world.admin)
    form = page_form(client, "/admin/catalogue/new")
    before = db_snapshot()
    response = client.post("/admin/catalogue/new", data=form.data(**{
        "code": "GK_MOI", "name": "Giấy khen mới", "category": "form", "subject": "individual",
        "conferred_by": "self", "coefficient": "0,3",
        "coefficient_source": "Nghị định 152/2025/NĐ-CP, Điều 51", **sent}))
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response.text).get(field, [])), \
        field_errors(response.text)
    assert db_snapshot() == before


def test_the_operation_refuses_a_first_coefficient_without_its_basis(world):
    """The form requires it; the operation refuses it too, whoever calls it."""
    from award_flow.catalogue.operations import AwardTypeData, save_award_type
    from award_flow.core.errors import ValidationError

    before = db_snapshot()
    with pytest.raises(ValidationError) as refused:
        save_award_type(world.admin, world.authority, AwardTypeData(
            name="Giấy khen mới", coefficient=Decimal("0.3"), code="GK_MOI",
            coefficient_source=" \u00a0"))
    assert (refused.value.field, refused.value.message) == (
        "coefficient_source", "Cần ghi căn cứ, ví dụ: Nghị định 152/2025/NĐ-CP, Điều 51.")
    db.session.rollback()
    assert db_snapshot() == before


def test_the_same_name_for_another_kind_of_nominee_is_another_entry(client, world, login):
    """"Giấy khen của Chủ tịch …" is one name for individuals, collectives and households."""
    login(world.admin)
    form = page_form(client, "/admin/catalogue/new")
    response = client.post("/admin/catalogue/new", data=form.data(
        code="LDTT_HGD", name="Lao động tiên tiến", category="title", subject="household",
        conferred_by="self", coefficient="0,3", coefficient_source="Nghị định 152/2025/NĐ-CP"))
    assert response.status_code == 302


def test_a_switched_off_entry_is_no_longer_offered_and_its_proposals_go_on(client, world,
                                                                          login):
    award = world.awards["GK_CN"]
    proposal = make_proposal(world, state=S.SUBMITTED, award="GK_CN")
    db.session.commit()
    login(world.admin)
    form = page_form(client, f"/admin/catalogue/{award.id}/edit")
    data = form.data()
    data.pop("active")
    assert client.post(f"/admin/catalogue/{award.id}/edit", data=data).status_code == 302
    assert "Ngừng áp dụng" in client.get("/admin/catalogue").text

    login(world.officer_a)
    offered = client.get("/proposals/new").text
    assert f'value="{award.id}"' not in offered
    assert client.get(f"/proposals/{proposal.id}").status_code == 200


# --- an award's coefficients by date --------------------------------------------------------


def _coefficient_form(client, award: AwardType):  # noqa: ANN202
    return page_form(client, f"/admin/catalogue/{award.id}/edit",
                     f"/admin/catalogue/{award.id}/coefficients")


def _coefficient(award: AwardType, value: str, on: date,
                 source: str = "Nghị định 99/2026/NĐ-CP") -> AwardCoefficient:
    row = AwardCoefficient(award_type=award, coefficient=Decimal(value), effective_from=on,
                           source=source)
    db.session.add(row)
    db.session.commit()
    return row


def test_a_new_coefficient_pays_the_decisions_from_its_date_and_the_issued_keep_theirs(
        client, world, login, monkeypatch):
    award = world.awards["LDTT"]
    login(world.admin)
    response = client.post(f"/admin/catalogue/{award.id}/coefficients",
                           data=_coefficient_form(client, award).data(
                               coefficient="0,5", effective_from="2026-07-01",
                               source=" Nghị định  99/2026/NĐ-CP "))
    assert response.headers["Location"] == f"/admin/catalogue/{award.id}/edit#coefficients"
    page = client.get(f"/admin/catalogue/{award.id}/edit").text
    assert ("success", "Đã thêm hệ số tiền thưởng.") in flashes(page)
    assert "01/7/2026" in page and "Nghị định 99/2026/NĐ-CP" in page

    before = _decided_on(world, monkeypatch, date(2026, 6, 30))
    after = _decided_on(world, monkeypatch, date(2026, 7, 1))
    assert [(a.coefficient, a.amount) for a in before.decision.awards] == [
        (Decimal("0.3"), Decimal(702_000))] * 2
    assert [(a.coefficient, a.amount) for a in after.decision.awards] == [
        (Decimal("0.5"), Decimal(1_170_000))] * 2
    assert db.session.scalars(select(AuditEvent.comment).where(
        AuditEvent.action == "add_coefficient")).one() == \
        "LDTT: ×0.5 from 2026-07-01 (Nghị định 99/2026/NĐ-CP)"


#: (fields sent, beside valid ones) → the field that says why, and what it says
COEFFICIENT_REFUSALS = [
    ({"coefficient": "-1"}, "coefficient", "Hãy nhập một số, ví dụ: 0,3."),
    ({"coefficient": "1000"}, "coefficient", "Hệ số phải lớn hơn 0 và không quá 999,999"),
    ({"coefficient": "0,000"}, "coefficient", "Hệ số phải lớn hơn 0"),
    ({"coefficient": "0,0005"}, "coefficient", "tối đa ba chữ số thập phân"),
    ({"coefficient": ""}, "coefficient", "Trường này là bắt buộc."),
    ({"coefficient": " "}, "coefficient", "Trường này là bắt buộc."),
    ({"coefficient": "9" * 1_000_001}, "coefficient", "Hãy nhập một số, ví dụ: 0,3."),
    ({"effective_from": "31/02/2026"}, "effective_from",
     "Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ: 01/7/2024."),
    ({"effective_from": ""}, "effective_from", "Trường này là bắt buộc."),
    ({"effective_from": "2024-01-01"}, "effective_from",
     "Đã có hệ số áp dụng từ ngày 01/01/2024."),
    ({"source": " "}, "source", "Trường này là bắt buộc."),
]


@pytest.mark.parametrize(("sent", "field", "message"), COEFFICIENT_REFUSALS)
def test_a_wrong_coefficient_is_refused_at_its_field_and_nothing_is_saved(client, world, login,
                                                                         sent, field, message):
    award = world.awards["LDTT"]
    login(world.admin)
    form = _coefficient_form(client, award)
    before = db_snapshot()
    response = client.post(f"/admin/catalogue/{award.id}/coefficients", data=form.data(**{
        "coefficient": "0,5", "effective_from": "2026-07-01",
        "source": "Nghị định 99/2026/NĐ-CP", **sent}))
    assert response.status_code == 200
    errors = field_errors(response.text).get(field, [])
    assert any(message in error for error in errors), field_errors(response.text)
    assert db_snapshot() == before


def test_a_coefficient_cannot_begin_before_a_decision_of_its_award_issued_on_the_one_before(
        client, world, login, monkeypatch):
    proposal = _decided_on(world, monkeypatch, date(2026, 3, 2))  # LDTT
    login(world.admin)
    ldtt, gk = world.awards["LDTT"], world.awards["GK_CN"]
    before = db_snapshot()
    response = client.post(f"/admin/catalogue/{ldtt.id}/coefficients",
                           data=_coefficient_form(client, ldtt).data(
                               coefficient="0,5", effective_from="2026-03-01",
                               source="Nghị định 99/2026/NĐ-CP"))
    assert field_errors(response.text)["effective_from"] == [
        f"Quyết định {proposal.decision.reference} ngày 02/3/2026 đã tính tiền thưởng theo hệ "
        "số đang áp dụng khi ban hành; mức mới chỉ có thể áp dụng từ sau ngày đó."]
    assert db_snapshot() == before
    # Another award paid nothing by LDTT's coefficient; and LDTT's from the day after is fine.
    for award, day in ((gk, "2026-03-01"), (ldtt, "2026-03-03")):
        response = client.post(f"/admin/catalogue/{award.id}/coefficients",
                               data=_coefficient_form(client, award).data(
                                   coefficient="0,5", effective_from=day,
                                   source="Nghị định 99/2026/NĐ-CP"))
        assert response.status_code == 302, field_errors(response.text)


def test_a_coefficient_no_decision_used_is_removed_and_a_used_one_is_not(client, world, login,
                                                                       monkeypatch):
    award = world.awards["LDTT"]
    original = award.coefficients[0]
    _decided_on(world, monkeypatch, date(2026, 3, 2))  # paid by the original
    mistyped = _coefficient(award, "5", date(2026, 7, 1))
    login(world.admin)
    page = client.get(f"/admin/catalogue/{award.id}/edit").text
    # Only what can be removed has a button.
    assert f"/admin/catalogue/coefficients/{mistyped.id}/delete" in page
    assert f"/admin/catalogue/coefficients/{original.id}/delete" not in page
    token = csrf_token(client, "/admin/catalogue")

    before = db_snapshot()
    response = client.post(f"/admin/catalogue/coefficients/{original.id}/delete",
                           data={"csrf_token": token})
    assert response.headers["Location"] == f"/admin/catalogue/{award.id}/edit#coefficients"
    assert db_snapshot() == before
    assert ("error", "Không thể xóa: quyết định 01/QĐ-UBND ngày 02/3/2026 đã tính tiền thưởng "
                     "theo hệ số này.") in flashes(
        client.get(f"/admin/catalogue/{award.id}/edit").text)

    assert client.post(f"/admin/catalogue/coefficients/{mistyped.id}/delete",
                       data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert [c.coefficient for c in award.coefficients] == [Decimal("0.3")]
    assert db.session.scalars(select(AuditEvent.comment).where(
        AuditEvent.action == "remove_coefficient")).one() == \
        "LDTT: ×5 from 2026-07-01 (Nghị định 99/2026/NĐ-CP)"


#: page, what to add ahead of its date → the refusal to remove the one in force until then
IN_FORCE_UNTIL_A_LATER_ONE = [
    ("coefficient", "Không thể xóa: khi đó từ nay đến trước ngày 01/01/2099 không có hệ số nào "
                    "áp dụng."),
    ("salary", "Không thể xóa: khi đó từ nay đến trước ngày 01/01/2099 không có mức lương cơ sở "
               "nào áp dụng."),
]


@pytest.mark.parametrize(("kind", "refusal"), IN_FORCE_UNTIL_A_LATER_ONE)
def test_the_value_in_force_until_a_later_one_begins_is_not_removed(client, world, login, kind,
                                                                    refusal):
    """Removing it would leave the days until the later one without any: no decision could
    be issued meanwhile. The later one, entered ahead, can be removed."""
    award = world.awards["LDTT"]
    if kind == "coefficient":
        page, current = f"/admin/catalogue/{award.id}/edit", award.coefficients[0]
        later = _coefficient(award, "0.4", date(2099, 1, 1))
        delete = "/admin/catalogue/coefficients/{}/delete"
    else:
        page = "/admin/base-salary"
        current = db.session.scalar(select(Setting).where(Setting.key == BASE_SALARY))
        later = _salary(world, 2_530_000, date(2099, 1, 1))
        delete = "/admin/base-salary/{}/delete"
    login(world.admin)
    html = client.get(page).text
    assert delete.format(current.id) not in html and delete.format(later.id) in html
    before = db_snapshot()
    client.post(delete.format(current.id), data={"csrf_token": csrf_token(client, page)})
    assert db_snapshot() == before
    assert ("error", refusal) in flashes(client.get(page).text)


def test_the_only_coefficient_is_not_removed(client, world, login):
    award = world.awards["LDTT"]
    only = award.coefficients[0]
    login(world.admin)
    page = client.get(f"/admin/catalogue/{award.id}/edit").text
    assert f"/admin/catalogue/coefficients/{only.id}/delete" not in page
    before = db_snapshot()
    client.post(f"/admin/catalogue/coefficients/{only.id}/delete",
                data={"csrf_token": csrf_token(client, "/admin/catalogue")})
    assert db_snapshot() == before
    assert ("error", "Đây là hệ số duy nhất: hãy thêm hệ số đúng trước khi xóa hệ số này.") in \
        flashes(client.get(f"/admin/catalogue/{award.id}/edit").text)


def test_the_pages_say_which_coefficient_is_in_force_and_which_is_to_come(client, world, login,
                                                                          monkeypatch):
    from award_flow.catalogue import views

    monkeypatch.setattr(views, "local_today", lambda: date(2026, 12, 6))
    award = world.awards["LDTT"]
    _coefficient(award, "0.4", date(2027, 7, 1))
    login(world.admin)
    rows = client.get(f"/admin/catalogue/{award.id}/edit").text.split("<tbody>")[1].split("</tr>")
    assert "01/7/2027" in rows[0] and "Sắp áp dụng" in rows[0] and "0,4" in rows[0]
    assert "01/01/2024" in rows[1] and "Đang áp dụng" in rows[1] and "0,3" in rows[1]
    # The catalogue pays today's, and says what is coming.
    html = client.get("/admin/catalogue").text
    row = next(r for r in html.split("<tr>") if "<code>LDTT</code>" in r)
    assert '0,3<br><small class="muted">0,4 từ 01/7/2027</small>' in row
    assert "702.000 đồng" in row


def test_a_decision_is_refused_while_its_award_has_no_coefficient_in_force(world):
    from award_flow.proposals import operations as proposal_ops

    proposal = make_proposal(world, state=S.AWAITING_DECISION, award="LDTT")
    world.awards["LDTT"].coefficients[0].effective_from = date(2099, 1, 1)  # none yet
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        proposal_ops.approve_proposal(proposal, world.chairman)
    assert refused.value.message == (
        "Chưa khai báo hệ số tiền thưởng của “Lao động tiên tiến” áp dụng cho ngày ban hành.")


def test_another_authoritys_coefficients_are_not_found(client, world, other_world, login):
    stranger = other_world.awards["LDTT"]
    login(world.admin)
    token = csrf_token(client, "/admin/catalogue")
    before = db_snapshot()
    assert client.post(f"/admin/catalogue/{stranger.id}/coefficients", data={
        "csrf_token": token, "coefficient": "9", "effective_from": "2026-07-01",
        "source": "X"}).status_code == 404
    assert client.post(f"/admin/catalogue/coefficients/{stranger.coefficients[0].id}/delete",
                       data={"csrf_token": token}).status_code == 404
    assert db_snapshot() == before


def test_another_authoritys_entry_is_not_found(client, world, other_world, login):
    stranger = other_world.awards["LDTT"]
    login(world.admin)
    assert client.get(f"/admin/catalogue/{stranger.id}/edit").status_code == 404
    before = db_snapshot()
    response = client.post(f"/admin/catalogue/{stranger.id}/edit", data={
        "csrf_token": csrf_token(client, "/admin/catalogue"), "name": "X"})
    assert response.status_code == 404 and db_snapshot() == before


# --- the base salary ------------------------------------------------------------------------


def test_a_new_base_salary_is_added_and_pays_the_decisions_from_its_date(client, world, login,
                                                                       monkeypatch):
    login(world.admin)
    form = page_form(client, "/admin/base-salary", "/admin/base-salary")
    response = client.post("/admin/base-salary", data=form.data(  # as the pages write it
        amount="2.530.000 đồng", effective_from="2026-07-01", source="Nghị định 99/2026/NĐ-CP"))
    assert response.status_code == 302
    page = client.get("/admin/base-salary").text
    assert ("success", "Đã thêm mức lương cơ sở.") in flashes(page)
    assert "01/7/2026" in page and "2.530.000 đồng" in page

    before = _decided_on(world, monkeypatch, date(2026, 6, 30))
    after = _decided_on(world, monkeypatch, date(2026, 7, 1))
    assert (before.decision.base_salary, after.decision.base_salary) == (2_340_000, 2_530_000)
    assert after.decision.awards[0].amount == Decimal(759_000)  # 0,3 × 2.530.000
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "add_base_salary")).one()
    assert event.comment == "2530000 from 2026-07-01 (Nghị định 99/2026/NĐ-CP)"


@pytest.mark.parametrize("typed", ["2530000", "2.530.000", "2,530,000", "2 530 000"])
def test_an_amount_is_read_with_or_without_thousands_separators(client, world, login, typed):
    login(world.admin)
    form = page_form(client, "/admin/base-salary", "/admin/base-salary")
    client.post("/admin/base-salary", data=form.data(
        amount=typed, effective_from="2026-07-01", source="Nghị định 99/2026/NĐ-CP"))
    assert db.session.scalar(select(Setting.value).where(
        Setting.effective_from == date(2026, 7, 1))) == "2530000"


#: (fields sent, beside valid ones) → the field that says why, and what it says
BASE_SALARY_REFUSALS = [
    ({"amount": "hai triệu"}, "amount", "Hãy nhập số tiền bằng chữ số"),
    ({"amount": "đồng"}, "amount", "Trường này là bắt buộc."),  # the unit alone is no amount
    ({"amount": "2,5"}, "amount", "Hãy nhập số tiền bằng chữ số"),
    ({"amount": "2.53.000"}, "amount", "Hãy nhập số tiền bằng chữ số"),
    ({"amount": "0"}, "amount", "Mức lương cơ sở phải từ 1 đồng đến 99.999.999 đồng."),
    ({"amount": "234.000.000"}, "amount",
     "Mức lương cơ sở phải từ 1 đồng đến 99.999.999 đồng."),
    ({"amount": ""}, "amount", "Trường này là bắt buộc."),
    ({"amount": " "}, "amount", "Trường này là bắt buộc."),
    ({"amount": "9" * 5000}, "amount", "Hãy nhập số tiền bằng chữ số"),
    ({"effective_from": "31/02/2026"}, "effective_from",
     "Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ: 01/7/2024."),
    ({"effective_from": ""}, "effective_from", "Trường này là bắt buộc."),
    ({"effective_from": "2024-07-01"}, "effective_from",
     "Đã có mức lương cơ sở áp dụng từ ngày 01/7/2024."),
    ({"source": ""}, "source", "Trường này là bắt buộc."),
]


@pytest.mark.parametrize(("sent", "field", "message"), BASE_SALARY_REFUSALS)
def test_a_wrong_base_salary_is_refused_at_its_field_and_nothing_is_saved(client, world, login,
                                                                          sent, field,
                                                                          message):
    login(world.admin)
    form = page_form(client, "/admin/base-salary", "/admin/base-salary")
    before = db_snapshot()
    response = client.post("/admin/base-salary", data=form.data(**{
        "amount": "2.530.000", "effective_from": "2026-07-01",
        "source": "Nghị định 99/2026/NĐ-CP", **sent}))
    assert response.status_code == 200
    errors = field_errors(response.text).get(field, [])
    assert any(message in error for error in errors), field_errors(response.text)
    assert db_snapshot() == before


def test_a_base_salary_cannot_begin_before_a_decision_issued_on_the_one_before(
        client, world, login, monkeypatch):
    proposal = _decided_on(world, monkeypatch, date(2026, 3, 2))
    login(world.admin)
    form = page_form(client, "/admin/base-salary", "/admin/base-salary")
    before = db_snapshot()
    response = client.post("/admin/base-salary", data=form.data(
        amount="2.530.000", effective_from="2026-03-01", source="Nghị định 99/2026/NĐ-CP"))
    assert field_errors(response.text)["effective_from"] == [
        f"Quyết định {proposal.decision.reference} ngày 02/3/2026 đã tính tiền thưởng theo mức "
        "lương cơ sở đang áp dụng khi ban hành; mức mới chỉ có thể áp dụng từ sau ngày đó."]
    assert db_snapshot() == before
    # The day after the decision is fine.
    response = client.post("/admin/base-salary", data=form.data(
        amount="2.530.000", effective_from="2026-03-03", source="Nghị định 99/2026/NĐ-CP"))
    assert response.status_code == 302


def test_a_base_salary_no_decision_used_is_removed_and_a_used_one_is_not(client, world, login,
                                                                       monkeypatch):
    original = db.session.scalar(select(Setting).where(Setting.key == BASE_SALARY))
    _decided_on(world, monkeypatch, date(2026, 3, 2))  # paid from the original
    mistyped = _salary(world, 25_300_000, date(2026, 7, 1))
    login(world.admin)
    page = client.get("/admin/base-salary").text
    # Only what can be removed has a button.
    assert f"/admin/base-salary/{mistyped.id}/delete" in page
    assert f"/admin/base-salary/{original.id}/delete" not in page
    token = csrf_token(client, "/admin/base-salary")

    before = db_snapshot()
    response = client.post(f"/admin/base-salary/{original.id}/delete",
                           data={"csrf_token": token})
    assert response.status_code == 302 and db_snapshot() == before
    assert ("error", "Không thể xóa: quyết định 01/QĐ-UBND ngày 02/3/2026 đã tính tiền thưởng "
                     "theo mức lương cơ sở này.") in flashes(client.get("/admin/base-salary").text)

    response = client.post(f"/admin/base-salary/{mistyped.id}/delete",
                           data={"csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalars(select(Setting.value)).all() == ["2340000"]
    assert db.session.scalars(select(AuditEvent.comment).where(
        AuditEvent.action == "remove_base_salary")).one() == \
        "25300000 from 2026-07-01 (Nghị định 99/2026/NĐ-CP)"


def test_the_only_base_salary_is_not_removed(client, world, login):
    only = db.session.scalar(select(Setting).where(Setting.key == BASE_SALARY))
    login(world.admin)
    assert f"/admin/base-salary/{only.id}/delete" not in client.get("/admin/base-salary").text
    before = db_snapshot()
    client.post(f"/admin/base-salary/{only.id}/delete",
                data={"csrf_token": csrf_token(client, "/admin/base-salary")})
    assert db_snapshot() == before
    assert ("error", "Đây là mức lương cơ sở duy nhất: hãy thêm mức đúng trước khi xóa mức "
                     "này.") in flashes(client.get("/admin/base-salary").text)


def test_the_page_says_which_base_salary_is_in_force_and_which_is_to_come(client, world, login,
                                                                        monkeypatch):
    from award_flow.catalogue import views

    monkeypatch.setattr(views, "local_today", lambda: date(2026, 11, 27))
    _salary(world, 2_530_000, date(2027, 1, 1))
    login(world.admin)
    page = client.get("/admin/base-salary").text
    rows = page.split("<tbody>")[1].split("</tr>")
    assert "01/01/2027" in rows[0] and "Sắp áp dụng" in rows[0]
    assert "01/7/2024" in rows[1] and "Đang áp dụng" in rows[1]


def test_another_authoritys_base_salary_is_not_found(client, world, other_world, login):
    stranger = db.session.scalar(select(Setting).where(
        Setting.authority_id == other_world.authority.id))
    _salary(other_world, 2_530_000, date(2026, 7, 1))
    login(world.admin)
    assert "2.530.000" not in client.get("/admin/base-salary").text
    before = db_snapshot()
    response = client.post(f"/admin/base-salary/{stranger.id}/delete",
                           data={"csrf_token": csrf_token(client, "/admin/base-salary")})
    assert response.status_code == 404 and db_snapshot() == before


# --- a base salary changed while a decision is issued ---------------------------------------

#: The day of the race below (both modules ask it of their own `local_today`).
RACE_DAY = date(2026, 7, 1)


def _race_setup(world, monkeypatch) -> tuple[int, int, int, int]:
    """A proposal awaiting the decision; the ids the threads need: proposal, authority,
    admin, chairman (read now: the test holds no transaction, on SQLite no lock, while the
    threads run)."""
    from award_flow.catalogue import operations as catalogue_ops

    monkeypatch.setattr(decision_ops, "local_today", lambda: RACE_DAY)
    monkeypatch.setattr(catalogue_ops, "local_today", lambda: RACE_DAY)
    proposal = make_proposal(world, state=S.AWAITING_DECISION, award="LDTT")
    ids = (proposal.id, world.authority.id, world.admin.id, world.chairman.id)
    db.session.commit()
    return ids


def _approve(proposal_id: int, user_id: int):  # noqa: ANN202
    from award_flow.auth.models import User
    from award_flow.proposals import operations as proposal_ops
    from award_flow.proposals.queries import get_visible_proposal

    def job() -> None:
        user = db.session.get(User, user_id)
        proposal_ops.approve_proposal(get_visible_proposal(proposal_id, user, for_update=True),
                                      user)
    return job


def _add_salary(authority_id: int, admin_id: int):  # noqa: ANN202
    from award_flow.auth.models import User
    from award_flow.catalogue.operations import BASE_SALARY_SETTING, add_dated_amount
    from award_flow.org.models import Authority

    def job() -> None:
        add_dated_amount(db.session.get(User, admin_id),
                         db.session.get(Authority, authority_id), BASE_SALARY_SETTING,
                         2_530_000, RACE_DAY, "Nghị định 99/2026/NĐ-CP")
    return job


def _add_coefficient(award_type_id: int, admin_id: int):  # noqa: ANN202
    from award_flow.auth.models import User
    from award_flow.catalogue.operations import add_coefficient

    def job() -> None:
        add_coefficient(db.session.get(User, admin_id), db.session.get(AwardType, award_type_id),
                        Decimal("0.5"), RACE_DAY, "Nghị định 99/2026/NĐ-CP")
    return job


#: what the admin adds for the day while a decision of the day is issued → what its awards pay
#: (base salary, coefficient, amount)
ADDED_FOR_TODAY = [
    ("base salary", (2_530_000, Decimal("0.3"), Decimal(759_000))),
    ("coefficient", (2_340_000, Decimal("0.5"), Decimal(1_170_000))),
]


@pytest.mark.slow
@pytest.mark.parametrize(("added", "paid"), ADDED_FOR_TODAY)
def test_a_decision_issued_while_a_value_for_today_is_added_waits_and_pays_it(
        app, world, monkeypatch, added, paid):
    proposal_id, authority_id, admin_id, chairman_id = _race_setup(world, monkeypatch)
    award_type_id = world.awards["LDTT"].id
    db.session.commit()  # that read's transaction, ended before the threads run
    job = _add_salary(authority_id, admin_id) if added == "base salary" \
        else _add_coefficient(award_type_id, admin_id)
    admin, chairman = second_waits_for_first(
        app, job, _approve(proposal_id, chairman_id),
        f"the issuance did not wait for the {added} being added")

    assert (admin.outcome, chairman.outcome) == ("ok", "ok")
    decision = db.session.scalar(select(Decision))
    assert [(decision.base_salary, a.coefficient, a.amount) for a in decision.awards] == [
        paid] * len(decision.awards)


@pytest.mark.slow
def test_todays_base_salary_added_while_a_decision_is_issued_waits_and_is_refused(app, world,
                                                                                 monkeypatch):
    proposal_id, authority_id, admin_id, chairman_id = _race_setup(world, monkeypatch)
    chairman, admin = second_waits_for_first(
        app, _approve(proposal_id, chairman_id), _add_salary(authority_id, admin_id),
        "the salary was added while a decision of the day was issued")

    assert chairman.outcome == "ok"
    assert admin.outcome.message == (
        "Quyết định 01/QĐ-UBND ngày 01/7/2026 đã tính tiền thưởng theo mức lương cơ sở đang áp "
        "dụng khi ban hành; mức mới chỉ có thể áp dụng từ sau ngày đó.")
    assert db.session.scalars(select(Setting.value)).all() == ["2340000"]


def _removing(model: type, row_id: int, admin_id: int):  # noqa: ANN202
    from award_flow.auth.models import User
    from award_flow.catalogue.operations import remove_coefficient, remove_dated_amount

    remove = remove_coefficient if model is AwardCoefficient else remove_dated_amount
    return lambda: remove(db.session.get(User, admin_id), db.session.get(model, row_id))


#: a history of two values, each removable alone → what is left when both are removed at once
TWO_REMOVED_AT_ONCE = [
    ("coefficient", AwardCoefficient,
     "Đây là hệ số duy nhất: hãy thêm hệ số đúng trước khi xóa hệ số này."),
    ("base salary", Setting,
     "Đây là mức lương cơ sở duy nhất: hãy thêm mức đúng trước khi xóa mức này."),
]


@pytest.mark.slow
@pytest.mark.parametrize(("what", "model", "only"), TWO_REMOVED_AT_ONCE)
def test_two_admins_removing_the_two_values_at_once_leave_one(app, world, what, model, only):
    """Each removal alone leaves the other value in force; at once, each saw the other's
    still there. The second waits for the first (the award's or the authority's row;
    SQLite: the write lock), then sees one value left and is refused."""
    if model is AwardCoefficient:
        award = world.awards["LDTT"]
        later = _coefficient(award, "0.35", date(2026, 1, 1))
        ids = [award.coefficients[-1].id, later.id]
    else:
        first = db.session.scalar(select(Setting).where(
            Setting.authority_id == world.authority.id, Setting.key == BASE_SALARY))
        ids = [first.id, _salary(world, 2_530_000, date(2026, 1, 1)).id]
    admin_id = world.admin.id
    db.session.commit()  # hold no transaction (SQLite: no lock) while the threads run

    first_admin, second_admin = second_waits_for_first(
        app, _removing(model, ids[0], admin_id), _removing(model, ids[1], admin_id),
        f"the second {what} removal did not wait for the first")

    assert first_admin.outcome == "ok"
    assert isinstance(second_admin.outcome, DomainError), second_admin.outcome
    assert second_admin.outcome.message == only
    left = select(model.id).where(
        AwardCoefficient.award_type_id == world.awards["LDTT"].id if model is AwardCoefficient
        else Setting.key == BASE_SALARY)
    assert db.session.scalars(left).all() == [ids[1]]


def test_in_english_the_catalogue_keeps_its_vietnamese_names_marked(client, world, login):
    from tests.test_accessibility import in_english

    login(world.admin)
    in_english(client, "/admin/catalogue")
    html = client.get("/admin/catalogue").text
    assert "<h1>Award catalogue</h1>" in html
    assert "<strong lang=\"vi\">Lao động tiên tiến</strong>" in html
    assert "<td class=\"num\" data-label=\"Coefficient\">0.3</td>" in html
    assert "Base salary in force: ₫2,340,000 a month." in html
    assert '<td class="num" data-label="Coefficient">1.5</td>' in client.get(
        f"/admin/catalogue/{world.awards['TDPVH'].id}/edit").text


# --- how bonuses are rounded ----------------------------------------------------------------


def test_a_rounding_rule_added_rounds_the_bonuses_of_decisions_from_its_date(client, world,
                                                                            login,
                                                                            monkeypatch):
    login(world.admin)
    page = client.get("/admin/base-salary").text
    assert "theo mức đang áp dụng: đến từng đồng (không làm tròn thêm)." in page
    form = page_form(client, "/admin/base-salary", "/admin/base-salary/rounding")
    response = client.post("/admin/base-salary/rounding", data=form.data(**{
        "rounding-amount": "10000", "rounding-effective_from": "2026-07-01",
        "rounding-source": "Nghị định 98/2023/NĐ-CP"}))
    assert response.headers["Location"] == "/admin/base-salary#rounding"
    assert ("success", "Đã thêm mức làm tròn tiền thưởng.") in flashes(
        client.get("/admin/base-salary").text)

    before = _decided_on(world, monkeypatch, date(2026, 6, 30))
    after = _decided_on(world, monkeypatch, date(2026, 7, 1))
    assert before.decision.awards[0].amount == Decimal(702_000)
    assert after.decision.awards[0].amount == Decimal(710_000)  # 0,3 × 2.340.000, up
    assert after.decision.total_amount == Decimal(1_420_000)
    assert db.session.scalars(select(AuditEvent.comment).where(
        AuditEvent.action == "add_bonus_rounding")).one() == \
        "10000 from 2026-07-01 (Nghị định 98/2023/NĐ-CP)"


def test_the_catalogue_shows_bonuses_as_rounded_today(client, world, login):
    _rounding = Setting(authority=world.authority, key="bonus_rounding", value="10000",
                        effective_from=date(2024, 7, 1), source="Nghị định 98/2023/NĐ-CP")
    db.session.add(_rounding)
    db.session.commit()
    login(world.admin)
    html = client.get("/admin/catalogue").text
    assert "710.000 đồng" in html and "702.000 đồng" not in html
    assert "Làm tròn lên bội số của 10.000 đồng." in html


def test_a_wrong_rounding_is_refused_at_its_field_on_its_own_form(client, world, login):
    login(world.admin)
    form = page_form(client, "/admin/base-salary", "/admin/base-salary/rounding")
    before = db_snapshot()
    response = client.post("/admin/base-salary/rounding", data=form.data(**{
        "rounding-amount": "5000", "rounding-effective_from": "2026-07-01",
        "rounding-source": "Nghị định 98/2023/NĐ-CP"}))
    assert field_errors(response.text) == {"rounding-amount": ["Lựa chọn không hợp lệ."]}
    assert db_snapshot() == before
    # A refusal of the operation is said under the prefixed form's own field, once.
    _salary(world, 2_530_000, date(2026, 7, 1))  # no clash: another setting
    assert client.post("/admin/base-salary/rounding", data=form.data(**{
        "rounding-amount": "10000", "rounding-effective_from": "2026-07-01",
        "rounding-source": "Nghị định 98/2023/NĐ-CP"})).status_code == 302
    client.get("/admin/base-salary")  # its confirmation, shown
    response = client.post("/admin/base-salary/rounding", data=form.data(**{
        "rounding-amount": "1000", "rounding-effective_from": "2026-07-01",
        "rounding-source": "Nghị định 98/2023/NĐ-CP"}))
    assert field_errors(response.text) == {"rounding-effective_from": [
        "Đã có mức làm tròn tiền thưởng áp dụng từ ngày 01/7/2026."]}
    assert flashes(response.text) == []


def test_a_rounding_rule_can_be_removed_until_a_decision_used_it(client, world, login,
                                                                monkeypatch):
    rule = Setting(authority=world.authority, key="bonus_rounding", value="10000",
                   effective_from=date(2026, 1, 1), source="Nghị định 98/2023/NĐ-CP")
    db.session.add(rule)
    db.session.commit()
    login(world.admin)
    assert f"/admin/base-salary/{rule.id}/delete" in client.get("/admin/base-salary").text
    _decided_on(world, monkeypatch, date(2026, 3, 2))
    page = client.get("/admin/base-salary").text
    assert f"/admin/base-salary/{rule.id}/delete" not in page
    before = db_snapshot()
    client.post(f"/admin/base-salary/{rule.id}/delete",
                data={"csrf_token": csrf_token(client, "/admin/base-salary")})
    assert db_snapshot() == before
    assert ("error", "Không thể xóa: quyết định 01/QĐ-UBND ngày 02/3/2026 đã tính tiền thưởng "
                     "theo mức làm tròn tiền thưởng này.") in flashes(
        client.get("/admin/base-salary").text)


#: (language, page, where its form posts, the number field, what was typed) → what the refusing
#: page shows in the field again: every digit typed, grouped as the language writes numbers.
#: Up to 32 characters are read as a number (core.forms); beyond 28 digits the default decimal
#: context rounded them, and Babel failed on them (a server error in English).
NUMBERS_SHOWN_BACK = [
    ("vi", "/admin/catalogue/new", "", "coefficient", "9" * 30, "9" * 30),
    ("en", "/admin/catalogue/new", "", "coefficient", "9" * 30, ",".join(["999"] * 10)),
    # A household's multiple of an individual's bonus (GK_HGD) is typed in the same field.
    ("en", "/admin/catalogue/{household}/edit", "/admin/catalogue/{household}/coefficients",
     "coefficient", "9" * 30, ",".join(["999"] * 10)),
    ("vi", "/admin/catalogue/{award}/edit", "/admin/catalogue/{award}/coefficients",
     "coefficient", "9" * 30, "9" * 30),
    ("en", "/admin/catalogue/{award}/edit", "/admin/catalogue/{award}/coefficients",
     "coefficient", "9" * 30, ",".join(["999"] * 10)),
    # Refused for its fourth decimal: shown with it, not rounded to the English pattern's three.
    ("en", "/admin/catalogue/{award}/edit", "/admin/catalogue/{award}/coefficients",
     "coefficient", "0.0005", "0.0005"),
    ("en", "/admin/catalogue/{award}/edit", "/admin/catalogue/{award}/coefficients",
     "coefficient", "1.2345", "1.2345"),
    ("vi", "/admin/base-salary", "/admin/base-salary", "amount", "9" * 30,
     ".".join(["999"] * 10)),
    ("en", "/admin/base-salary", "/admin/base-salary", "amount", "9" * 30,
     ",".join(["999"] * 10)),
]


@pytest.mark.parametrize(("language", "page", "action", "field", "typed", "shown"),
                         NUMBERS_SHOWN_BACK)
def test_a_refused_number_is_shown_back_as_typed_in_either_language(
        client, world, login, language, page, action, field, typed, shown):
    from tests.test_accessibility import in_english
    from tests.web_helpers import forms

    ids = {"award": world.awards["LDTT"].id, "household": world.awards["GK_HGD"].id}
    page, action = page.format(**ids), action.format(**ids)
    login(world.admin)
    if language == "en":
        in_english(client, page)
    form = page_form(client, page, action)
    before = db_snapshot()
    values = {"code": "GK_MOI", "name": "Giấy khen mới", "category": "form",
              "subject": "individual", "conferred_by": "self", "coefficient": "0,3",
              "coefficient_source": "Nghị định 152/2025/NĐ-CP, Điều 51",
              "effective_from": "2026-07-01", "source": "Nghị định 99/2026/NĐ-CP"}
    sent = {name: value for name, value in values.items() if name in form.names()}
    response = client.post(action or page, data=form.data(**{**sent, field: typed}))
    assert response.status_code == 200
    again = [f for f in forms(response.text) if f.method == "post" and f.action == action][0]
    assert dict(again.fields)[field] == shown
    assert field_errors(response.text).get(field)
    assert db_snapshot() == before
