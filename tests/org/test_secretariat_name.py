"""The secretariat's name is the authority's data: every page names the standing body of the
signed-in user's own authority ("Chuyển lại Phòng Văn hóa - Xã hội" in a commune), a new
authority starts with its level's, and the admin changes it on "Cơ quan ban hành"."""

from __future__ import annotations

from html import unescape

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from award_flow.catalogue.defaults import DEFAULT_SECRETARIATS
from award_flow.core.errors import ValidationError
from award_flow.extensions import db
from award_flow.org.models import DEFAULT_SECRETARIAT_NAME, AuthorityLevel
from award_flow.org.operations import create_authority
from award_flow.proposals import operations as ops
from award_flow.proposals.models import NomineeOutcome
from award_flow.proposals.models import ProposalState as S
from tests.core.test_migrations import _insert_authority_and_unit, separate_app
from tests.factories import make_proposal
from tests.proposals.test_views import action_form
from tests.web_helpers import db_snapshot, flashes, page_form

COMMUNE_OFFICE = "Phòng Văn hóa - Xã hội"


def page_text(response) -> str:  # noqa: ANN001
    return unescape(response.text)


@pytest.mark.parametrize("level", list(AuthorityLevel))
def test_a_new_authority_starts_with_its_levels_name(app, level):
    authority = create_authority(name=f"Ủy ban nhân dân {level.value} Mới", place_name="Mới",
                                 level=level, parent_name="Ủy ban nhân dân tỉnh Trà Vinh")
    assert authority.secretariat_name == DEFAULT_SECRETARIATS[level]


def test_a_name_given_at_creation_is_kept_in_nfc(app):
    authority = create_authority(
        name="Ủy ban nhân dân thị xã Mới", place_name="Mới", level=AuthorityLevel.DISTRICT,
        parent_name="Ủy ban nhân dân tỉnh Trà Vinh",
        secretariat_name=" Cơ quan Tổ chức - Nội vụ ".replace("ộ", "o\u0323\u0302"))
    assert authority.secretariat_name == "Cơ quan Tổ chức - Nội vụ"


def test_each_authoritys_pages_name_its_own_secretariat(client, world, other_world, login):
    world.authority.secretariat_name = COMMUNE_OFFICE
    ours = make_proposal(world, state=S.IN_COMMITTEE)
    theirs = make_proposal(other_world, state=S.IN_COMMITTEE)
    db.session.commit()

    login(world.committee)
    page = page_text(client.get(f"/proposals/{ours.id}"))
    assert f"Chuyển lại {COMMUNE_OFFICE}" in page
    assert f"Ý kiến thẩm định của {COMMUNE_OFFICE}:" in page
    assert f"lại {DEFAULT_SECRETARIAT_NAME}" not in page
    assert f"của {DEFAULT_SECRETARIAT_NAME}:" not in page

    login(other_world.committee)
    page = page_text(client.get(f"/proposals/{theirs.id}"))
    assert "Chuyển lại Phòng Nội vụ" in page  # the district default of `flask authority create`
    assert COMMUNE_OFFICE not in page


def test_the_refusal_and_the_done_message_name_it(client, world, login):
    world.authority.secretariat_name = COMMUNE_OFFICE
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    db.session.commit()
    login(world.committee)
    form = action_form(client.get(f"/proposals/{proposal.id}").text, proposal.id, "send_back")
    before = db_snapshot()

    refused = client.post(form.action, data=form.data(comment=" "), follow_redirects=True)
    assert f"Cần ghi lý do chuyển lại {COMMUNE_OFFICE}." in page_text(refused)
    assert db_snapshot() == before

    done = client.post(form.action, data=form.data(comment="Bổ sung biên bản họp."),
                       follow_redirects=True)
    assert ("success", f"Đã chuyển lại {COMMUNE_OFFICE}: “{proposal.title}”.") in flashes(
        done.text)


def test_the_secretariats_role_is_named_after_it(client, world, login):
    world.authority.secretariat_name = COMMUNE_OFFICE
    db.session.commit()
    login(world.secretariat)
    assert f"Cán bộ {COMMUNE_OFFICE}" in page_text(client.get("/account"))


def test_deferring_every_nominee_is_refused_naming_the_proposals_secretariat(world):
    world.authority.secretariat_name = COMMUNE_OFFICE
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    with pytest.raises(ValidationError, match=f"chuyển lại {COMMUNE_OFFICE}"):
        ops.conclude_review(proposal, world.committee,
                            {n.id: NomineeOutcome.DEFERRED for n in proposal.nominees})


def test_the_admin_renames_it_and_an_empty_name_is_refused(client, world, login):
    login(world.admin)
    form = page_form(client, "/admin/authority")
    assert form.data()["secretariat_name"] == DEFAULT_SECRETARIAT_NAME
    before = db_snapshot()

    refused = client.post("/admin/authority", data=form.data(secretariat_name="  "))
    assert refused.status_code == 200
    assert db_snapshot() == before

    saved = client.post("/admin/authority", data=form.data(secretariat_name=COMMUNE_OFFICE))
    assert saved.status_code == 302
    db.session.refresh(world.authority)
    assert world.authority.secretariat_name == COMMUNE_OFFICE


def test_0009_keeps_the_name_existing_authorities_showed_and_downgrades(app, tmp_path):
    with separate_app(app, tmp_path):
        upgrade(revision="0008")
        _insert_authority_and_unit()
        db.session.commit()
        db.session.remove()

        upgrade(revision="0009")
        assert db.session.scalar(text("SELECT secretariat_name FROM authority")) == \
            DEFAULT_SECRETARIAT_NAME
        db.session.remove()

        downgrade(revision="0008")
        assert "secretariat_name" not in {
            c["name"] for c in inspect(db.session.connection()).get_columns("authority")}
        assert db.session.scalar(text("SELECT count(*) FROM unit")) == 1



MARKUP_NAME = 'Phòng Nội vụ<meta http-equiv="refresh" content="0;url=https://example.com">'


@pytest.mark.parametrize(("who", "state", "where"), [
    ("committee", S.IN_COMMITTEE, "proposal"),  # the "Chuyển lại …" button and its legend
    ("chairman", S.AWAITING_DECISION, "proposal"),
    ("secretariat", S.SUBMITTED, "account"),  # the role "Cán bộ …"
])
def test_a_name_with_markup_is_shown_as_text(client, world, login, who, state, where):
    world.authority.secretariat_name = MARKUP_NAME
    proposal = make_proposal(world, state=state)
    db.session.commit()
    login(getattr(world, who))
    page = client.get(f"/proposals/{proposal.id}" if where == "proposal" else "/account").text
    assert "<meta http-equiv" not in page
    assert "Phòng Nội vụ&lt;meta http-equiv=&#34;refresh&#34;" in page
