"""What a decision prints is typed in the font it ships: the admin's and the secretariat's
texts, like a nominee's name (tests/proposals/test_views.py), refuse a character the font
cannot print, which would come out as an empty box on a signed decision."""

from __future__ import annotations

import pytest

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
