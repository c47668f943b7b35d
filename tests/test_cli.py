"""The `flask` commands an administrator runs: demo data, units, users, fonts."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from sqlalchemy import func, select

from award_flow.auth.models import User
from award_flow.auth.roles import Role
from award_flow.catalogue.models import AwardType, base_salary_on
from award_flow.demo import DEMO_PASSWORD
from award_flow.extensions import db
from award_flow.org.models import Authority, Unit, UnitKind
from award_flow.proposals.models import Proposal


@pytest.fixture
def flask_cli(app):  # noqa: ANN001, ANN201
    runner = app.test_cli_runner()

    def run(*args: str, input: str | None = None):  # noqa: A002, ANN202
        return runner.invoke(args=list(args), input=input)

    return run


def _count(model) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_loads_once_and_prints_the_accounts(flask_cli):
    first = flask_cli("seed", "demo", "--if-empty")
    assert first.exit_code == 0, first.output
    assert "Demo data loaded." in first.output
    assert f"password for each: {DEMO_PASSWORD}" in first.output
    assert "chutich" in first.output and "canbo.longhuu" in first.output
    proposals = _count(Proposal)
    assert proposals > 0

    again = flask_cli("seed", "demo", "--if-empty")
    assert again.exit_code == 0 and "Demo data loaded." not in again.output
    assert "chutich" in again.output  # the accounts are still printed
    assert _count(Proposal) == proposals

    refused = flask_cli("seed", "demo")
    assert refused.exit_code != 0 and "not empty" in refused.output
    assert _count(Proposal) == proposals


#: An account of a demo username, as the database holds it → listed as a demo account?
DEMO_ACCOUNT_LISTED = [
    pytest.param(DEMO_PASSWORD, True, True, id="the demo's, with the demo password"),
    pytest.param("a-password-of-its-own", True, False, id="a real account of the same name"),
    pytest.param(DEMO_PASSWORD, False, False, id="switched off"),
]


@pytest.mark.parametrize(("password", "active", "listed"), DEMO_ACCOUNT_LISTED)
def test_only_accounts_that_have_the_demo_password_are_printed_as_demo_accounts(
        flask_cli, world, password, active, listed):
    """`make run` prints the demo accounts when the database has data: on a real
    installation, an `admin` with its own password is not shown with the demo's."""
    user = world.admin
    user.username, user.active = "admin", active
    user.set_password(password)
    db.session.commit()
    result = flask_cli("seed", "demo", "--if-empty")
    assert result.exit_code == 0, result.output
    assert ("admin" in result.output) is listed
    assert (DEMO_PASSWORD in result.output) is listed


def test_authority_create_sets_up_a_fresh_installation(flask_cli):
    """A real installation starts without the demo: the authority, then units, then users."""
    result = flask_cli("authority", "create",
                       unicodedata.normalize("NFD", "Ủy ban nhân dân xã Long Hữu"),
                       "--place", "Long Hữu", "--level", "commune",
                       "--parent", "Ủy ban nhân dân tỉnh Vĩnh Long")
    assert result.exit_code == 0, result.output
    authority = db.session.scalar(select(Authority))
    assert (authority.name, authority.place_name, authority.issuer_code) == (
        "Ủy ban nhân dân xã Long Hữu", "Long Hữu", "UBND")
    # The default catalogue, named for this authority, and the base salary as data.
    names = set(db.session.scalars(select(AwardType.name)))
    assert "Giấy khen của Chủ tịch Ủy ban nhân dân xã Long Hữu" in names
    assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Vĩnh Long" in names
    assert base_salary_on(authority.id, date(2026, 1, 5)) == 2_340_000
    assert "Căn cứ Luật Thi đua, khen thưởng" in authority.decision_legal_bases
    # Every text a decision prints has a default (Article 3 is never left without its
    # subject), and a People's Committee has no header parent.
    assert authority.missing_decision_texts == []
    assert authority.decision_executors.startswith(
        "Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã Long Hữu\n")
    assert authority.header_parent is None

    assert flask_cli("units", "create", "Văn phòng - Thống kê", "--kind",
                     "agency").exit_code == 0
    again = flask_cli("authority", "create", "Ủy ban nhân dân xã Khác", "--place", "Khác",
                      "--level", "commune")
    assert again.exit_code != 0 and "exists already" in again.output
    # It names the database it looked in (without a password, SQLite or PostgreSQL), and how
    # to start another installation.
    assert db.engine.url.render_as_string() in again.output and "DATABASE_URL" in again.output
    assert _count(Authority) == 1


def test_authority_create_takes_a_header_parent_apart_from_the_parent(flask_cli):
    result = flask_cli("authority", "create", "Hội đồng Thi đua - Khen thưởng xã Long Hữu",
                       "--place", "Long Hữu", "--level", "commune",
                       "--parent", "Ủy ban nhân dân tỉnh Vĩnh Long",
                       "--header-parent", "UBND xã Long Hữu", "--issuer-code", "HĐTĐKT")
    assert result.exit_code == 0, result.output
    authority = db.session.scalar(select(Authority))
    assert (authority.parent_name, authority.header_parent, authority.issuer_code) == (
        "Ủy ban nhân dân tỉnh Vĩnh Long", "UBND xã Long Hữu", "HĐTĐKT")


def test_authority_create_takes_the_secretariats_name(flask_cli):
    result = flask_cli("authority", "create", "Ủy ban nhân dân thị xã Duyên Hải",
                       "--place", "Duyên Hải", "--level", "district",
                       "--parent", "Ủy ban nhân dân tỉnh Trà Vinh",
                       "--secretariat", "Cơ quan Tổ chức - Nội vụ")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Authority.secretariat_name)) == "Cơ quan Tổ chức - Nội vụ"


def test_authority_create_needs_the_parent_the_awards_are_named_after(flask_cli):
    result = flask_cli("authority", "create", "Ủy ban nhân dân xã Long Hữu",
                       "--place", "Long Hữu", "--level", "commune")
    assert result.exit_code != 0 and "Cần nhập cơ quan cấp trên" in result.output
    assert _count(Authority) == 0 and _count(AwardType) == 0


def test_authority_create_refuses_a_name_its_decisions_cannot_print(flask_cli):
    result = flask_cli("authority", "create", "Ủy ban nhân dân xã Long Hữu 🏛",
                       "--place", "Long Hữu", "--level", "commune",
                       "--parent", "Ủy ban nhân dân tỉnh Vĩnh Long")
    assert result.exit_code != 0
    assert ("Tên cơ quan ban hành có ký tự mà quyết định không in được: “🏛”."
            in result.output)
    assert _count(Authority) == 0 and _count(AwardType) == 0


def test_units_create_needs_an_authority_first(flask_cli):
    result = flask_cli("units", "create", "Xã Hiệp Thạnh", "--kind", "commune")
    assert result.exit_code != 0 and "flask authority create" in result.output
    assert _count(Unit) == 0


def test_units_create_adds_a_unit_of_the_authority(flask_cli, world):
    result = flask_cli("units", "create", "Xã Hiệp Thạnh", "--kind", "commune")
    assert result.exit_code == 0, result.output
    unit = db.session.scalar(select(Unit).where(Unit.name == "Xã Hiệp Thạnh"))
    assert unit.authority_id == world.authority.id and unit.kind == UnitKind.COMMUNE


@pytest.mark.parametrize(("args", "message"), [
    (("xã long hữu", "--kind", "commune"), "Đã có đơn vị “Xã Long Hữu”"),
    (("Xã Mới", "--kind", "galaxy"), "Invalid value for '--kind'"),
    (("  ", "--kind", "commune"), "Cần nhập tên đơn vị."),
    (("Xã Mới 🌾", "--kind", "commune"),
     "Tên đơn vị có ký tự mà quyết định không in được: “🌾”."),
], ids=["duplicate", "unknown kind", "blank name", "unprintable"])
def test_units_create_refuses_bad_input_and_changes_nothing(flask_cli, world, args, message):
    before = _count(Unit)
    result = flask_cli("units", "create", *args)
    assert result.exit_code != 0 and message in result.output
    assert _count(Unit) == before


def test_users_create_adds_an_account_that_can_sign_in(flask_cli, world, client):
    decomposed = unicodedata.normalize("NFD", "Xã Long Hữu")  # as some terminals type it
    result = flask_cli("users", "create", "canbo.moi", "--name", "Võ Thị Mới", "--role",
                       "unit_officer", "--unit", decomposed,
                       input="mat-khau-rat-dai-2026\nmat-khau-rat-dai-2026\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "canbo.moi"))
    assert (user.role, user.unit_id) == (Role.UNIT_OFFICER, world.unit_a.id)
    assert user.check_password("mat-khau-rat-dai-2026")


@pytest.mark.parametrize(("args", "message"), [
    (("--unit", "Xã Không Có"), "No unit named"),
    (("--unit", "Xã Long Hữu", "--username", "officer.a"), "Tên đăng nhập đã được dùng."),
    (("--unit", "Xã Long Hữu", "--username", "cán bộ mới"), "Tên đăng nhập chỉ gồm chữ cái"),
    (("--unit", "Xã Long Hữu", "--username", "İ" * 80), "Tên đăng nhập chỉ gồm chữ cái"),
    (("--unit", "Xã Long Hữu", "--name", "Võ Thị Mới 👍"),
     "Họ và tên có ký tự mà quyết định không in được: “👍”."),
], ids=["unknown unit", "username taken", "spaces and diacritics", "lengthened by lower()",
        "unprintable name"])
def test_users_create_refuses_bad_input_and_changes_nothing(flask_cli, world, args, message):
    options = dict(zip(args[::2], args[1::2], strict=True))
    before = _count(User)
    result = flask_cli("users", "create", options.get("--username", "canbo.moi"), "--name",
                       options.get("--name", "Võ Thị Mới"), "--role", "unit_officer",
                       "--unit", options["--unit"],
                       input="mat-khau-rat-dai-2026\nmat-khau-rat-dai-2026\n")
    assert result.exit_code != 0 and message in result.output
    assert _count(User) == before


def test_documents_prepare_fonts_reports_where_the_fonts_are(flask_cli):
    result = flask_cli("documents", "prepare-fonts")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Fonts ready in ")


#: a commune-level authority's `units create --kind` → created (else refused, naming the
#: kinds it has: a commune has no communes or wards under it)
COMMUNE_KINDS = [("hamlet", True), ("agency", True), ("organisation", True),
                 ("commune", False), ("ward", False)]


@pytest.mark.parametrize(("kind", "created"), COMMUNE_KINDS)
def test_units_create_gives_a_commune_the_kinds_of_its_level(flask_cli, commune_world, kind,
                                                             created):
    before = _count(Unit)
    result = flask_cli("units", "create", "Ấp Giồng Ổi", "--kind", kind)
    if created:
        assert result.exit_code == 0, result.output
        unit = db.session.scalar(select(Unit).where(Unit.name == "Ấp Giồng Ổi"))
        assert (unit.kind, unit.authority_id) == (UnitKind(kind), commune_world.authority.id)
        return
    assert result.exit_code != 0
    assert "Ủy ban nhân dân xã Long Hữu không có đơn vị loại" in result.output
    assert "“Ấp, khóm, thôn, tổ dân phố”" in result.output
    assert _count(Unit) == before


def test_units_create_help_names_every_kind_and_those_of_each_level(flask_cli):
    result = flask_cli("units", "create", "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "--kind [agency|commune|ward|hamlet|organisation]" in text
    assert "hamlet: an ấp, khóm, thôn, tổ dân phố, bản, buôn…" in text
    assert ("province: agency, commune, ward, organisation; district: agency, commune, ward, "
            "organisation; commune: agency, hamlet, organisation.") in text
