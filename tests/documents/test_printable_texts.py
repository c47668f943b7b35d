"""What a decision prints is typed in the font it ships: the admin's and the secretariat's
texts, like a nominee's name (tests/proposals/test_views.py), refuse a character the font
cannot print, which would come out as an empty box on a signed decision."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date

import pytest

from award_flow.auth.roles import Role
from award_flow.campaigns.models import CampaignKind
from award_flow.campaigns.operations import CampaignData, PhaseData, save_campaign, save_phase
from award_flow.catalogue.operations import AwardTypeData, save_award_type
from award_flow.core.errors import ValidationError
from award_flow.extensions import db
from award_flow.org.models import UnitKind
from award_flow.org.operations import AuthorityData, save_unit, save_user, update_authority
from tests.web_helpers import db_snapshot, field_errors, page_form

REFUSAL = "Có ký tự mà quyết định không in được: “{chars}”. Hãy xóa hoặc thay ký tự đó."

#: (who, the page, the field, what is typed, the characters refused)
PRINTED = [
    ("admin", "/admin/authority", "name", "Ủy ban nhân dân thị xã Duyên Hải 🏛", "🏛"),
    ("admin", "/admin/authority", "place_name", "Duyên Hải ★", "★"),
    ("admin", "/admin/authority", "decision_legal_bases",
     "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;\nCăn cứ ✅", "✅"),
    ("admin", "/admin/authority", "decision_recipients", "Như Điều 3;\nLưu: VT, NV 📁.", "📁"),
    ("admin", "/admin/units/new", "name", "Xã Long Hữu 🌾", "🌾"),
    ("admin", "/admin/users/new", "full_name", "Nguyễn Văn Chủ 👍", "👍"),
    ("admin", "/admin/catalogue/new", "name", "Giấy khen của Chủ tịch 🎖", "🎖"),
    ("secretariat", "/campaigns/new", "name", "Phong trào thi đua 漢字", "漢”, “字"),
]


@pytest.mark.parametrize(("who", "page", "field", "typed", "chars"), PRINTED,
                         ids=[f"{p[1]}-{p[2]}" for p in PRINTED])
def test_a_printed_text_refuses_what_the_decisions_font_cannot_print(client, world, login,
                                                                     who, page, field, typed,
                                                                     chars):
    login(getattr(world, who))
    form = page_form(client, page)
    before = db_snapshot()

    response = client.post(page, data=form.data(**{field: typed}))

    assert response.status_code == 200
    assert REFUSAL.format(chars=chars) in field_errors(response.text).get(field, [])
    assert db_snapshot() == before


def test_a_phase_name_too(client, world, login):
    login(world.secretariat)
    page = f"/campaigns/{world.campaign.id}/phases"
    form = page_form(client, page)

    response = client.post(page, data=form.data(name="Đợt 2 🚩", starts_on="2022-01-01",
                                                ends_on="2022-06-30"))

    assert field_errors(response.text)["name"] == [REFUSAL.format(chars="🚩")]


def _authority_data(world, **changes: str) -> AuthorityData:  # noqa: ANN001
    return replace(AuthorityData(**{f.name: getattr(world.authority, f.name) or ""
                                    for f in fields(AuthorityData)}), **changes)


#: The operation that saves a printed text, given it without a form (as the command line
#: and a spreadsheet's rows do) → the field and the name the refusal gives it.
SAVED_WITHOUT_A_FORM = {
    "a unit's name": (lambda w: save_unit(w.admin, w.authority, "Xã Mới 🌾", UnitKind.COMMUNE),
                      "name", "Tên đơn vị", "🌾"),
    "a user's full name": (lambda w: save_user(
        w.admin, username="canbo.moi", full_name="Võ Thị Mới 👍", role=Role.UNIT_OFFICER,
        unit=w.unit_a, password="mat-khau-rat-dai-2026"), "full_name", "Họ và tên", "👍"),
    "the authority's place": (lambda w: update_authority(
        w.admin, w.authority, _authority_data(w, place_name="Duyên Hải ★")),
        "place_name", "Địa danh ghi ở ngày tháng", "★"),
    "the bonus fund": (lambda w: update_authority(
        w.admin, w.authority, _authority_data(w, bonus_fund="Quỹ thi đua 💰")),
        "bonus_fund", "Nguồn chi tiền thưởng (Điều 2)", "💰"),
    "a campaign's name": (lambda w: save_campaign(w.secretariat, w.authority, CampaignData(
        "Phong trào 漢", CampaignKind.THEMATIC, date(2026, 1, 1), date(2026, 12, 31))),
        "name", "Tên phong trào thi đua", "漢"),
    "a phase's name": (lambda w: save_phase(w.secretariat, w.campaign, PhaseData(
        "Đợt 9 🚩", w.campaign.ends_on, w.campaign.ends_on)), "name", "Tên đợt", "🚩"),
    "an award's name": (lambda w: save_award_type(w.admin, w.authority, AwardTypeData(
        "Giấy khen 🎖", coefficient=None, code="GK_MOI")), "name", "Tên in trên quyết định",
        "🎖"),
}


@pytest.mark.parametrize("text", list(SAVED_WITHOUT_A_FORM))
def test_the_operation_refuses_it_too_naming_the_field(app, world, text):
    save, field, what, chars = SAVED_WITHOUT_A_FORM[text]
    before = db_snapshot()

    with pytest.raises(ValidationError) as refused:
        save(world)

    assert (refused.value.field, refused.value.message) == (
        field, f"{what} có ký tự mà quyết định không in được: “{chars}”. Hãy xóa hoặc thay "
               "ký tự đó.")
    db.session.rollback()
    assert db_snapshot() == before
