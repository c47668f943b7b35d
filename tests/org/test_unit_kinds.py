"""The kinds of unit an authority has under it follow its level: a commune People's Committee
(an awarding authority since 07/2025) has offices, hamlets and residential groups, and mass
organisations, and no communes or wards; a district or a province has no hamlets of its own.
What the admin form offers is what the operation accepts; a unit keeps a kind its level has
not (a hamlet filed as a commune before there was a kind for it) until it is given another."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from award_flow.core.errors import ValidationError
from award_flow.extensions import db
from award_flow.org.models import UNIT_KINDS_BY_LEVEL, Authority, AuthorityLevel, Unit, UnitKind
from award_flow.org.operations import save_unit
from tests.test_accessibility import in_english
from tests.web_helpers import field_errors, flashes, page_form

A, C, W, H, O = (  # noqa: E741 - the table's columns
    UnitKind.AGENCY, UnitKind.COMMUNE, UnitKind.WARD, UnitKind.HAMLET, UnitKind.ORGANISATION)

#: level → the kinds a new unit may be given, in the form's order
KINDS_BY_LEVEL = [
    (AuthorityLevel.PROVINCE, [A, C, W, O]),
    (AuthorityLevel.DISTRICT, [A, C, W, O]),
    (AuthorityLevel.COMMUNE, [A, H, O]),
]

#: (level, a unit's own kind) → the kinds it may be given: its level's, and its own
KEPT_KINDS = [
    (AuthorityLevel.COMMUNE, C, [A, C, H, O]),  # a hamlet filed as a commune
    (AuthorityLevel.COMMUNE, W, [A, W, H, O]),
    (AuthorityLevel.COMMUNE, H, [A, H, O]),
    (AuthorityLevel.DISTRICT, H, [A, C, W, H, O]),
    (AuthorityLevel.DISTRICT, C, [A, C, W, O]),
]

#: the form's labels of each kind, in Vietnamese and in English
LABELS = {
    A: ("Cơ quan, ban ngành", "Agency"),
    C: ("Xã", "Commune"),
    W: ("Phường", "Ward"),
    H: ("Ấp, khóm, thôn, tổ dân phố", "Hamlet or residential group"),
    O: ("Đoàn thể", "Mass organisation"),
}


def kind_options(html: str) -> list[tuple[str, str]]:
    """(value, label) of each choice of the form's "Loại đơn vị"."""
    select_tag = re.search(r'<select[^>]*name="kind"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [(value, unescape(label).strip()) for value, label in
            re.findall(r'<option[^>]*value="([^"]*)"[^>]*>(.*?)</option>', select_tag, re.S)]


@pytest.mark.parametrize(("level", "kinds"), KINDS_BY_LEVEL)
def test_a_new_unit_is_given_a_kind_of_its_authoritys_level(level, kinds):
    assert list(UNIT_KINDS_BY_LEVEL[level]) == kinds
    assert Authority(level=level).unit_kinds() == kinds


@pytest.mark.parametrize(("level", "own", "kinds"), KEPT_KINDS)
def test_a_unit_keeps_its_own_kind_beside_its_levels(level, own, kinds):
    assert Authority(level=level).unit_kinds(Unit(name="Đơn vị", kind=own)) == kinds


@pytest.mark.parametrize("kind", list(UnitKind))
def test_a_commune_saves_the_kinds_of_its_level_and_refuses_the_others(commune_world, kind):
    authority = commune_world.authority
    before = db.session.scalar(select(func.count(Unit.id)))
    if kind in UNIT_KINDS_BY_LEVEL[AuthorityLevel.COMMUNE]:
        assert save_unit(None, authority, "Đơn vị mới", kind).kind == kind
        return
    with pytest.raises(ValidationError) as refused:
        save_unit(None, authority, "Đơn vị mới", kind)
    assert (refused.value.field, refused.value.message) == (
        "kind", f"Ủy ban nhân dân xã Long Hữu không có đơn vị loại “{kind.label}”: chọn một "
                "trong các loại “Cơ quan, ban ngành”, “Ấp, khóm, thôn, tổ dân phố”, "
                "“Đoàn thể”.")
    db.session.rollback()
    assert db.session.scalar(select(func.count(Unit.id))) == before


@pytest.mark.parametrize(("world_of", "kinds"), [
    ("world", [A, C, W, O]),  # a district
    ("commune_world", [A, H, O]),
])
def test_the_new_unit_form_offers_the_kinds_of_the_authoritys_level(
        request, client, login, world_of, kinds):
    world = request.getfixturevalue(world_of)
    login(world.admin)
    html = client.get("/admin/units/new").text
    assert kind_options(html) == [(k.value, LABELS[k][0]) for k in kinds]
    in_english(client, "/admin/units/new")
    html = client.get("/admin/units/new").text
    assert kind_options(html) == [(k.value, LABELS[k][1]) for k in kinds]


def test_a_hamlet_is_created_through_the_form_and_listed_as_one(client, commune_world, login):
    login(commune_world.admin)
    form = page_form(client, "/admin/units/new")
    response = client.post("/admin/units/new", data=form.data(name="Ấp Giồng Ổi",
                                                              kind="hamlet"))
    assert response.status_code == 302
    unit = db.session.scalar(select(Unit).where(Unit.name == "Ấp Giồng Ổi"))
    assert (unit.kind, unit.authority_id) == (H, commune_world.authority.id)
    html = client.get("/admin/units").text
    assert ("success", "Đã lưu đơn vị.") in flashes(html)
    row = re.search(r"<tr><td><strong[^>]*>Ấp Giồng Ổi</strong></td>(.*?)</tr>", html).group(1)
    assert ">Ấp, khóm, thôn, tổ dân phố</td>" in row


def test_a_commune_is_refused_at_its_field_for_a_commune(client, commune_world, login):
    login(commune_world.admin)
    form = page_form(client, "/admin/units/new")
    response = client.post("/admin/units/new", data=form.data(name="Xã Long Hữu",
                                                              kind="commune"))
    assert response.status_code == 200
    assert list(field_errors(response.text)) == ["kind"]
    assert db.session.scalar(select(Unit).where(Unit.name == "Xã Long Hữu")) is None


def test_a_hamlet_filed_as_a_commune_keeps_its_kind_until_it_is_given_its_own(
        client, commune_world, login):
    """What an installation holds from before the kind existed stays valid."""
    unit = commune_world.unit_a
    unit.kind = C  # as it had to be filed
    db.session.commit()
    login(commune_world.admin)
    path = f"/admin/units/{unit.id}/edit"
    form = page_form(client, path)
    assert kind_options(client.get(path).text) == [(k.value, LABELS[k][0])
                                                   for k in (A, C, H, O)]
    assert dict(form.fields)["kind"] == "commune"

    renamed = client.post(path, data=form.data(name="Ấp Long Khánh A"))  # kind as it is
    assert renamed.status_code == 302
    db.session.refresh(unit)
    assert (unit.name, unit.kind) == ("Ấp Long Khánh A", C)

    given = client.post(path, data=page_form(client, path).data(kind="hamlet"))
    assert given.status_code == 302
    db.session.refresh(unit)
    assert unit.kind == H
    assert kind_options(client.get(path).text) == [(k.value, LABELS[k][0]) for k in (A, H, O)]
