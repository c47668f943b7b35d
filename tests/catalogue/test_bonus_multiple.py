"""An entry paid a multiple of another entry's bonus (RULES.md: "households get 1.5 × the
individual amount"): it has no coefficients of its own, follows the other entry's, is
rounded as every bonus is, and what it was paid stays explained by that entry's history and
its own. The multiple is data with the date it takes effect, as a coefficient is."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from award_flow.catalogue import operations as ops
from award_flow.catalogue.models import AwardCoefficient, AwardType, Setting
from award_flow.core.audit import AuditEvent
from award_flow.core.clock import local_today
from award_flow.core.errors import ValidationError
from award_flow.extensions import db
from tests.catalogue.test_catalogue_admin import _coefficient, _coefficient_form, _decided_on
from tests.web_helpers import csrf_token, db_snapshot, field_errors, flashes, page_form


def _rounding(world, step: int, on: date) -> None:
    db.session.add(Setting(authority=world.authority, key="bonus_rounding", value=str(step),
                           effective_from=on, source="Nghị định 98/2023/NĐ-CP"))
    db.session.commit()


# --- what a household is paid ---------------------------------------------------------------


@pytest.mark.parametrize(("rounding", "person", "household"), [
    (1, 702_000, 1_053_000),          # 0,3 × 2.340.000, and 1,5 × that
    (10_000, 710_000, 1_070_000),     # 1,5 × 710.000 = 1.065.000, up to 1.070.000
])
def test_a_household_decision_pays_one_and_a_half_times_the_persons_bonus_as_rounded(
        world, monkeypatch, rounding, person, household):
    _rounding(world, rounding, date(2024, 7, 1))
    day = date(2026, 3, 2)
    of_person = _decided_on(world, monkeypatch, day, award="GK_CN")
    of_household = _decided_on(world, monkeypatch, day, award="GK_HGD")
    assert {a.amount for a in of_person.decision.awards} == {Decimal(person)}
    assert [(a.coefficient, a.amount) for a in of_household.decision.awards] == [
        (Decimal("0.45"), Decimal(household))] * len(of_household.decision.awards)
    assert of_household.decision.total_amount == household * len(of_household.decision.awards)


def test_a_new_coefficient_of_the_persons_award_pays_households_too(world, monkeypatch):
    _coefficient(world.awards["GK_CN"], "0.35", date(2026, 7, 1))
    before = _decided_on(world, monkeypatch, date(2026, 6, 30), award="GK_HGD")
    after = _decided_on(world, monkeypatch, date(2026, 7, 1), award="GK_HGD")
    assert {(a.coefficient, a.amount) for a in before.decision.awards} == {
        (Decimal("0.45"), Decimal(1_053_000))}
    assert {(a.coefficient, a.amount) for a in after.decision.awards} == {
        (Decimal("0.525"), Decimal(1_228_500))}  # 1,5 × 819.000


# --- the catalogue's pages ------------------------------------------------------------------


def test_the_catalogue_shows_the_multiple_and_the_bonus_it_pays_today(client, world, login):
    _rounding(world, 10_000, date(2024, 7, 1))
    login(world.admin)
    html = client.get("/admin/catalogue").text
    cell = re.search(r'<td class="num multiple" data-label="Hệ số">(.*?)</td>', html, re.S)
    assert " ".join(re.sub(r"<[^>]+>", "", cell.group(1)).split()) == "1,5 × tiền thưởng GK_CN"
    assert "1.070.000 đồng" in html and "1.060.000 đồng" not in html


def _multiple(award: AwardType, value: str, on: date) -> AwardCoefficient:
    row = AwardCoefficient(award_type=award, multiple=Decimal(value), effective_from=on,
                           source="Nghị định 99/2026/NĐ-CP")
    db.session.add(row)
    db.session.commit()
    return row


def test_the_households_page_names_the_entry_it_follows_and_lists_its_multiples(
        client, world, login):
    household, person = world.awards["GK_HGD"], world.awards["GK_CN"]
    login(world.admin)
    page = client.get(f"/admin/catalogue/{household.id}/edit").text
    assert "Bằng 1,5 lần tiền thưởng của" in page
    assert f'href="/admin/catalogue/{person.id}/edit"' in page
    assert "Số lần tiền thưởng theo thời gian" in page
    assert '<td class="num" data-label="Số lần">1,5</td>' in page
    assert '<label for="coefficient" class="required">Số lần mới</label>' in page
    # The person's page says that its coefficients pay households too.
    assert ("Tiền thưởng của GK_HGD (hộ gia đình) bằng 1,5 lần tiền thưởng này: hệ số ở đây "
            "áp dụng cho cả mục đó.") in client.get(f"/admin/catalogue/{person.id}/edit").text


def test_a_new_multiple_pays_the_household_decisions_from_its_date(client, world, login,
                                                                   monkeypatch):
    household = world.awards["GK_HGD"]
    before = _decided_on(world, monkeypatch, date(2026, 3, 2), award="GK_HGD")
    login(world.admin)
    response = client.post(f"/admin/catalogue/{household.id}/coefficients",
                           data=_coefficient_form(client, household).data(
                               coefficient="2", effective_from="2026-07-01",
                               source="Nghị định 99/2026/NĐ-CP"))
    assert response.status_code == 302, field_errors(response.text)
    assert ("success", "Đã thêm số lần tiền thưởng.") in flashes(client.get(
        response.headers["Location"]).text)
    (row,) = [c for c in household.coefficients if c.effective_from == date(2026, 7, 1)]
    assert (row.coefficient, row.multiple) == (None, Decimal(2))
    assert db.session.scalars(select(AuditEvent.comment).where(
        AuditEvent.action == "add_coefficient")).one() == \
        "GK_HGD: ×2 of GK_CN from 2026-07-01 (Nghị định 99/2026/NĐ-CP)"

    after = _decided_on(world, monkeypatch, date(2026, 7, 1), award="GK_HGD")
    assert {(a.coefficient, a.amount) for a in after.decision.awards} == {
        (Decimal("0.6"), Decimal(1_404_000))}  # 2 × 702.000
    assert {(a.coefficient, a.amount) for a in before.decision.awards} == {
        (Decimal("0.45"), Decimal(1_053_000))}


#: a multiple sent for the household → the field that says why
WRONG_MULTIPLES = [
    ({"coefficient": "0"}, "coefficient", "Số lần phải lớn hơn 0 và không quá 10"),
    ({"coefficient": "1,555"}, "coefficient", "tối đa hai chữ số thập phân"),
    ({"coefficient": " "}, "coefficient", "Trường này là bắt buộc."),
    ({"effective_from": "2024-01-01"}, "effective_from",
     "Đã có số lần tiền thưởng áp dụng từ ngày 01/01/2024."),
    ({"source": ""}, "source", "Trường này là bắt buộc."),
]


@pytest.mark.parametrize(("sent", "field", "message"), WRONG_MULTIPLES)
def test_a_wrong_multiple_for_the_household_is_refused_and_nothing_changes(
        client, world, login, sent, field, message):
    household = world.awards["GK_HGD"]
    login(world.admin)
    form = _coefficient_form(client, household)
    before = db_snapshot()
    response = client.post(f"/admin/catalogue/{household.id}/coefficients", data=form.data(**{
        "coefficient": "2", "effective_from": "2026-07-01",
        "source": "Nghị định 99/2026/NĐ-CP", **sent}))
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response.text).get(field, [])), \
        field_errors(response.text)
    assert db_snapshot() == before


def test_a_multiple_cannot_change_what_a_household_decision_was_paid(client, world, login,
                                                                     monkeypatch):
    household = world.awards["GK_HGD"]
    (original,) = household.coefficients
    proposal = _decided_on(world, monkeypatch, date(2026, 3, 2), award="GK_HGD")
    login(world.admin)
    before = db_snapshot()
    response = client.post(f"/admin/catalogue/{household.id}/coefficients",
                           data=_coefficient_form(client, household).data(
                               coefficient="2", effective_from="2026-03-01",
                               source="Nghị định 99/2026/NĐ-CP"))
    assert field_errors(response.text)["effective_from"] == [
        f"Quyết định {proposal.decision.reference} ngày 02/3/2026 đã tính tiền thưởng theo số "
        "lần tiền thưởng đang áp dụng khi ban hành; mức mới chỉ có thể áp dụng từ sau ngày đó."]
    assert db_snapshot() == before

    # Nor be removed once a later one is there; the later one, which paid nothing, is.
    later = _multiple(household, "2", date(2026, 7, 1))
    page = client.get(f"/admin/catalogue/{household.id}/edit").text
    assert f"/admin/catalogue/coefficients/{later.id}/delete" in page
    assert f"/admin/catalogue/coefficients/{original.id}/delete" not in page
    with pytest.raises(Exception) as refused:  # noqa: PT011 (NotAllowed, said by the page)
        ops.remove_coefficient(world.admin, original)
    assert "Không thể xóa: quyết định" in str(refused.value)
    assert "theo số lần tiền thưởng này" in str(refused.value)
    response = client.post(f"/admin/catalogue/coefficients/{later.id}/delete",
                           data={"csrf_token": csrf_token(client, "/admin/catalogue")})
    assert ("success", "Đã xóa số lần tiền thưởng.") in flashes(client.get(
        response.headers["Location"]).text)
    assert household.coefficients == [original]


def test_the_only_multiple_is_not_removed(world):
    with pytest.raises(Exception) as refused:  # noqa: PT011
        ops.remove_coefficient(world.admin, world.awards["GK_HGD"].coefficients[0])
    assert str(refused.value) == ("Đây là số lần duy nhất: hãy thêm số lần đúng trước khi xóa "
                                  "số lần này.")


def test_a_multiple_whose_product_would_not_fit_an_award_is_refused(world):
    _coefficient(world.awards["GK_CN"], "150", date(2026, 7, 1))
    with pytest.raises(ValidationError) as refused:
        ops.add_coefficient(world.admin, world.awards["GK_HGD"], Decimal("10"),
                            date(2026, 8, 1), "Nghị định 99/2026/NĐ-CP")
    assert refused.value.field == "coefficient"
    assert "Hệ số 150 nhân 10 lần vượt quá 999,999." in str(refused.value)


def test_the_persons_coefficient_cannot_change_what_a_household_decision_was_paid(
        client, world, login, monkeypatch):
    person = world.awards["GK_CN"]
    original = person.coefficients[0]
    proposal = _decided_on(world, monkeypatch, date(2026, 3, 2), award="GK_HGD")
    login(world.admin)
    before = db_snapshot()
    response = client.post(f"/admin/catalogue/{person.id}/coefficients",
                           data=_coefficient_form(client, person).data(
                               coefficient="0,5", effective_from="2026-03-01",
                               source="Nghị định 99/2026/NĐ-CP"))
    assert field_errors(response.text)["effective_from"] == [
        f"Quyết định {proposal.decision.reference} ngày 02/3/2026 đã tính tiền thưởng theo hệ "
        "số đang áp dụng khi ban hành; mức mới chỉ có thể áp dụng từ sau ngày đó."]
    assert db_snapshot() == before

    # Nor be removed once a later one is there.
    later = _coefficient(person, "0.4", date(2026, 7, 1))
    page = client.get(f"/admin/catalogue/{person.id}/edit").text
    assert f"/admin/catalogue/coefficients/{later.id}/delete" in page
    assert f"/admin/catalogue/coefficients/{original.id}/delete" not in page
    before = db_snapshot()
    client.post(f"/admin/catalogue/coefficients/{original.id}/delete",
                data={"csrf_token": csrf_token(client, "/admin/catalogue")})
    assert db_snapshot() == before


# --- a new entry paid a multiple of another -------------------------------------------------


def _new_entry(client, **sent):  # noqa: ANN003, ANN202
    form = page_form(client, "/admin/catalogue/new")
    return client.post("/admin/catalogue/new", data=form.data(**{
        "code": "BK_HGD", "name": "Giấy khen của Chủ tịch Ủy ban nhân dân thị xã Duyên Hải",
        "category": "form", "subject": "collective", "conferred_by": "self",
        "coefficient": "", "coefficient_source": "", **sent}))


def test_a_new_entry_is_paid_a_multiple_of_an_entry_with_its_own_coefficients(client, world,
                                                                             login):
    person = world.awards["GK_TT"]
    login(world.admin)
    form_page = client.get("/admin/catalogue/new").text
    assert f'<option value="{person.id}">Bằng một số lần tiền thưởng của GK_TT' in form_page
    # An entry that is itself a multiple is not offered.
    assert f'<option value="{world.awards["GK_HGD"].id}">' not in form_page

    response = _new_entry(client, name="Giấy khen tập thể nhỏ", bonus_multiple_of=person.id,
                          bonus_multiple="1,25", coefficient_source="Nghị định 99/2026/NĐ-CP")
    assert response.status_code == 302, field_errors(response.text)
    entry = db.session.scalars(select(AwardType).where(AwardType.code == "BK_HGD")).one()
    (row,) = entry.coefficients
    assert (entry.bonus_multiple_of, row.coefficient, row.multiple, row.effective_from,
            row.source) == (person, None, Decimal("1.25"), local_today(),
                            "Nghị định 99/2026/NĐ-CP")
    assert db.session.scalars(select(AuditEvent.comment).where(
        AuditEvent.action == "save_award_type")).one() == \
        "BK_HGD: Giấy khen tập thể nhỏ ×1.25 of GK_TT (Nghị định 99/2026/NĐ-CP)"


@pytest.mark.parametrize(("sent", "field", "message"), [
    ({"bonus_multiple": ""}, "bonus_multiple", "Trường này là bắt buộc."),
    ({"bonus_multiple": "  "}, "bonus_multiple", "Trường này là bắt buộc."),
    ({"bonus_multiple": "9" * 1_000_001}, "bonus_multiple", "Hãy nhập một số, ví dụ: 0,3."),
    ({"bonus_multiple": "0"}, "bonus_multiple", "Số lần phải lớn hơn 0 và không quá 10"),
    ({"bonus_multiple": "11"}, "bonus_multiple", "Số lần phải lớn hơn 0 và không quá 10"),
    ({"bonus_multiple": "1,555"}, "bonus_multiple", "tối đa hai chữ số thập phân"),
    ({"bonus_multiple": "một rưỡi"}, "bonus_multiple", "Hãy nhập một số"),
    ({"bonus_multiple_of": "999999"}, "bonus_multiple_of", "Lựa chọn không hợp lệ."),
])
def test_a_wrong_multiple_is_refused_at_its_field_and_nothing_is_saved(client, world, login,
                                                                      sent, field, message):
    login(world.admin)
    before = db_snapshot()
    response = _new_entry(client, **{"bonus_multiple_of": world.awards["GK_TT"].id,
                                     "bonus_multiple": "1,5",
                                     "coefficient_source": "Nghị định 99/2026/NĐ-CP", **sent})
    assert response.status_code == 200
    errors = field_errors(response.text).get(field, [])
    assert any(message in error for error in errors), field_errors(response.text)
    assert db_snapshot() == before


def test_an_entry_paid_by_its_own_coefficient_still_needs_one(client, world, login):
    login(world.admin)
    before = db_snapshot()
    response = _new_entry(client, bonus_multiple_of="0", bonus_multiple="1,5")
    errors = field_errors(response.text)
    assert errors["coefficient"] == ["Trường này là bắt buộc."]
    assert errors["coefficient_source"] == ["Trường này là bắt buộc."]
    assert db_snapshot() == before


@pytest.mark.parametrize(("of", "multiple", "field", "message"), [
    ("GK_HGD", "2", "bonus_multiple_of", "đã tính theo mục khác"),  # a multiple of a multiple
    ("elsewhere", "2", "bonus_multiple_of", "Hãy chọn một mục trong danh mục."),
    ("LDTT", "10", None, None),
])
def test_the_operation_checks_what_the_form_does_not_offer(world, other_world, of, multiple,
                                                          field, message):
    of_id = (other_world.awards["LDTT"] if of == "elsewhere" else world.awards[of]).id
    data = ops.AwardTypeData(name="Mục mới", code="MOI", subject=world.awards["LDTT"].subject,
                             bonus_multiple_of_id=of_id, bonus_multiple=Decimal(multiple),
                             coefficient_source="Nghị định 99/2026/NĐ-CP")
    if field is None:
        assert ops.save_award_type(world.admin, world.authority, data).paid_by.code == of
        return
    with pytest.raises(ValidationError) as refused:
        ops.save_award_type(world.admin, world.authority, data)
    assert (refused.value.field, message in str(refused.value)) == (field, True)


def test_a_coefficient_whose_multiple_would_not_fit_an_award_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        ops.add_coefficient(world.admin, world.awards["GK_CN"], Decimal("700"),
                            date(2026, 7, 1), "Nghị định 99/2026/NĐ-CP")
    assert refused.value.field == "coefficient"
    assert "Hệ số 700 nhân 1,5 lần vượt quá 999,999." in str(refused.value)

