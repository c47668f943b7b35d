"""The authority's own page ("Cơ quan ban hành"): the header parent apart from the parent of
the awards, the catalogue's default names following a rename, and the warning while a
decision text is empty."""

from __future__ import annotations

from dataclasses import fields

import pytest
from sqlalchemy import func, select

from award_flow.catalogue.models import AwardType
from award_flow.core.audit import AuditEvent
from award_flow.extensions import db
from award_flow.org.forms import AuthorityForm
from award_flow.org.models import AuthorityLevel
from award_flow.org.operations import AuthorityData, update_authority
from tests.web_helpers import flashes, page_form

NEW_NAME = "Ủy ban nhân dân thị xã Duyên Hải Mới"
NEW_PARENT = "Ủy ban nhân dân tỉnh Vĩnh Long"


def data_of(authority, **changes: str) -> AuthorityData:  # noqa: ANN001
    values = {f.name: getattr(authority, f.name) or "" for f in fields(AuthorityData)}
    return AuthorityData(**{**values, **changes})


def award_names(world) -> dict[str, str]:  # noqa: ANN001
    rows = db.session.execute(select(AwardType.code, AwardType.name).where(
        AwardType.authority_id == world.authority.id)).all()
    return {code: name for code, name in rows}


def test_a_rename_renames_the_awards_still_named_by_default_in_the_same_event(world):
    world.awards["GK_TT"].name = "Giấy khen của Chủ tịch UBND thị xã (tập thể)"  # hand-edited
    world.awards["BK_TINH_TT"].name = "Bằng khen của Chủ tịch UBND tỉnh"  # hand-edited
    before = award_names(world)
    events = db.session.scalar(select(func.count(AuditEvent.id)))

    update_authority(world.admin, world.authority, data_of(
        world.authority, name=NEW_NAME, parent_name=NEW_PARENT))

    after = award_names(world)
    assert after["GK_CN"] == after["GK_HGD"] == f"Giấy khen của Chủ tịch {NEW_NAME}"
    assert after["BK_TINH_CN"] == f"Bằng khen của Chủ tịch {NEW_PARENT}"
    # Hand-edited names, and names that never named anyone, stay as they were.
    for code in ("GK_TT", "BK_TINH_TT", "LDTT", "CSTDCS", "TTLDXS"):
        assert after[code] == before[code], code
    (event,) = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events + 1
    assert (event.action, event.comment) == (
        "update_authority", f"{NEW_NAME} [BK_TINH_CN, GK_CN, GK_HGD]")


def test_a_rename_of_the_parent_alone_renames_only_the_parents_awards(world):
    before = award_names(world)
    update_authority(world.admin, world.authority, data_of(world.authority,
                                                           parent_name=NEW_PARENT))
    after = award_names(world)
    assert {code for code in after if after[code] != before[code]} == {"BK_TINH_CN",
                                                                       "BK_TINH_TT"}


def test_without_a_parent_the_parents_awards_keep_their_names(world):
    before = award_names(world)
    update_authority(world.admin, world.authority, data_of(world.authority, parent_name=" "))
    assert world.authority.parent_name is None
    assert award_names(world) == before


def test_saving_without_a_change_renames_nothing(world):
    before = award_names(world)
    update_authority(world.admin, world.authority, data_of(world.authority))
    assert award_names(world) == before
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.comment == world.authority.name


def test_the_page_edits_the_header_parent_apart_from_the_parent_of_the_awards(client, world,
                                                                            login):
    login(world.admin)
    page = client.get("/admin/authority").text
    assert "Cơ quan chủ quản (dòng trên tên cơ quan ban hành)" in page
    assert "Để trống đối với Ủy ban nhân dân" in page
    form = page_form(client, "/admin/authority")
    assert form.data()["header_parent"] == ""

    response = client.post("/admin/authority", data=form.data(
        header_parent=" UBND tỉnh Trà Vinh ", name=NEW_NAME))

    assert response.status_code == 302
    db.session.refresh(world.authority)
    assert world.authority.header_parent == "UBND tỉnh Trà Vinh"
    assert world.authority.parent_name == "Ủy ban nhân dân tỉnh Trà Vinh"
    assert award_names(world)["GK_CN"] == f"Giấy khen của Chủ tịch {NEW_NAME}"


def test_the_page_warns_while_a_decision_text_is_empty(client, world, login):
    login(world.admin)
    assert not [m for kind, m in flashes(client.get("/admin/authority").text)
                if kind == "warning"]
    form = page_form(client, "/admin/authority")
    client.post("/admin/authority", data=form.data(decision_executors="", bonus_fund=""))

    warnings = [m for kind, m in flashes(client.get("/admin/authority").text)
                if kind == "warning"]
    assert warnings == ["Chưa thể ban hành quyết định cho đến khi nhập đủ: Nguồn chi tiền "
                        "thưởng (Điều 2), Tổ chức thực hiện (Điều 3)."]


#: The authority's level → the examples its page's hints give: a body of that level, its
#: secretariat, its filing line, and no parent to name for a province.
HINT_EXAMPLES = {
    AuthorityLevel.COMMUNE: ("Ví dụ: Ủy ban nhân dân xã Long Hữu", "ví dụ: Ủy ban nhân dân tỉnh "
                             "Vĩnh Long", "Phòng Văn hóa - Xã hội", "Lưu: VT, VHXH"),
    AuthorityLevel.DISTRICT: ("Ví dụ: Ủy ban nhân dân thị xã Duyên Hải", "ví dụ: Ủy ban nhân "
                              "dân tỉnh Trà Vinh", "Phòng Nội vụ", "Lưu: VT, NV"),
    AuthorityLevel.PROVINCE: ("Ví dụ: Ủy ban nhân dân tỉnh Vĩnh Long",
                              "Không bắt buộc đối với cấp tỉnh", "Sở Nội vụ", "Lưu: VT, SNV"),
}


@pytest.mark.parametrize("level", list(HINT_EXAMPLES))
def test_the_authority_pages_examples_are_of_its_level(app, level):
    name, parent, secretariat, filed_with = HINT_EXAMPLES[level]
    with app.test_request_context():
        form = AuthorityForm(level=level, meta={"csrf": False})
        assert str(form.name.description) == name
        assert parent in str(form.parent_name.description)
        assert f"ví dụ: {secretariat} (trong “Chuyển lại {secretariat}”)" in str(
            form.secretariat_name.description)
        assert f"“{filed_with}”" in str(form.decision_recipients.description)
