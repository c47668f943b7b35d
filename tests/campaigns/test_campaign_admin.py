"""The secretariat launches campaigns and sets their phases; the dates frame what is proposed
in them. (Who else may: tests/test_access_control.py.)"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from award_flow.campaigns.models import Campaign, CampaignKind, Phase
from award_flow.campaigns.operations import CampaignData, PhaseData, save_campaign, save_phase
from award_flow.core.audit import AuditEvent
from award_flow.extensions import db
from award_flow.proposals.models import ProposalState
from tests.factories import make_proposal
from tests.support import run_at_once
from tests.web_helpers import csrf_token, db_snapshot, field_errors, flashes, page_form

S = ProposalState
NEW_CAMPAIGN = "Phong trào thi đua thực hiện nhiệm vụ phát triển kinh tế - xã hội 2026 - 2030"


def _campaign(world, name: str = NEW_CAMPAIGN, starts_on: date = date(2026, 1, 1),
              ends_on: date = date(2030, 12, 31)) -> Campaign:
    campaign = save_campaign(world.secretariat, world.authority, CampaignData(
        name=name, kind=CampaignKind.PHASED, starts_on=starts_on, ends_on=ends_on))
    db.session.commit()
    return campaign


def test_the_secretariat_launches_a_campaign_and_units_propose_in_it(client, world, login):
    login(world.secretariat)
    form = page_form(client, "/campaigns/new")
    response = client.post("/campaigns/new", data=form.data(
        name=NEW_CAMPAIGN, kind="phased", starts_on="2026-01-01", ends_on="2030-12-31"))
    campaign = db.session.scalar(select(Campaign).where(Campaign.name == NEW_CAMPAIGN))
    assert response.headers["Location"] == f"/campaigns/{campaign.id}/phases"
    assert ("success", "Đã lưu phong trào thi đua.") in flashes(
        client.get(response.headers["Location"]).text)

    form = page_form(client, f"/campaigns/{campaign.id}/phases")
    response = client.post(f"/campaigns/{campaign.id}/phases", data=form.data(
        name="Đợt 1", starts_on="2026-01-01", ends_on="2026-06-30"))
    assert response.status_code == 302
    assert [(p.name, p.starts_on, p.ends_on) for p in campaign.phases] == [
        ("Đợt 1", date(2026, 1, 1), date(2026, 6, 30))]
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["save_campaign", "save_phase"]

    login(world.officer_a)
    offered = client.get("/proposals/new").text
    assert NEW_CAMPAIGN in offered and f'value="{campaign.phases[0].id}"' in offered


def test_the_list_shows_each_campaign_with_its_phases_and_proposals(client, world, login):
    make_proposal(world)
    db.session.commit()
    login(world.secretariat)
    html = client.get("/campaigns/").text
    assert "Phong trào thi đua 2021 - 2025" in html and "Theo đợt" in html
    assert "Đợt 1 (01/8/2021 – 31/12/2021)" in html and "1 tờ trình" in html


#: (fields sent, beside valid ones) → the field that says why, and what it says
CAMPAIGN_REFUSALS = [
    ({"name": " "}, "name", "Trường này là bắt buộc."),
    ({"name": "phong trào thi đua 2021 - 2025"}, "name",
     "Đã có phong trào “Phong trào thi đua 2021 - 2025”."),
    ({"ends_on": "2025-12-31"}, "ends_on", "Ngày kết thúc phải từ ngày bắt đầu trở đi."),
    ({"starts_on": ""}, "starts_on", "Trường này là bắt buộc."),
    ({"kind": "forever"}, "kind", "Lựa chọn không hợp lệ."),
]


@pytest.mark.parametrize(("sent", "field", "message"), CAMPAIGN_REFUSALS)
def test_a_wrong_campaign_is_refused_at_its_field_and_nothing_is_saved(client, world, login,
                                                                      sent, field, message):
    login(world.secretariat)
    form = page_form(client, "/campaigns/new")
    before = db_snapshot()
    response = client.post("/campaigns/new", data=form.data(**{
        "name": NEW_CAMPAIGN, "kind": "phased", "starts_on": "2026-01-01",
        "ends_on": "2030-12-31", **sent}))
    assert response.status_code == 200
    assert message in field_errors(response.text).get(field, []), field_errors(response.text)
    assert db_snapshot() == before


#: (phase's dates) → the field that says why, and what it says; beside world's campaign
#: (01/8/2021 – 31/12/2025) and its Đợt 1 (01/8/2021 – 31/12/2021)
PHASE_REFUSALS = [
    (("Đợt 2", "2021-07-01", "2022-06-30"), "starts_on",
     "Đợt thi đua phải trong thời gian của phong trào (01/8/2021 - 31/12/2025)."),
    (("Đợt 2", "2025-07-01", "2026-06-30"), "ends_on",
     "Đợt thi đua phải trong thời gian của phong trào (01/8/2021 - 31/12/2025)."),
    (("Đợt 2", "2021-12-01", "2022-06-30"), "starts_on",
     "Trùng thời gian với Đợt 1 (01/8/2021 - 31/12/2021)."),
    (("Đợt 2", "2022-06-30", "2022-01-01"), "ends_on",
     "Ngày kết thúc phải từ ngày bắt đầu trở đi."),
    (("đợt  1", "2022-01-01", "2022-06-30"), "name", "Phong trào đã có Đợt 1."),
]


@pytest.mark.parametrize(("phase", "field", "message"), PHASE_REFUSALS)
def test_a_wrong_phase_is_refused_at_its_field_and_nothing_is_saved(client, world, login,
                                                                   phase, field, message):
    name, starts_on, ends_on = phase
    login(world.secretariat)
    path = f"/campaigns/{world.campaign.id}/phases"
    form = page_form(client, path)
    before = db_snapshot()
    response = client.post(path, data=form.data(name=name, starts_on=starts_on,
                                                ends_on=ends_on))
    assert response.status_code == 200
    assert message in field_errors(response.text).get(field, []), field_errors(response.text)
    assert db_snapshot() == before


def test_dates_cannot_leave_out_a_phase_or_a_proposals_achievement_year(world):
    from award_flow.core.errors import ValidationError

    make_proposal(world, award="LDTT")  # achievement year 2021, in Đợt 1
    db.session.commit()
    campaign, phase = world.campaign, world.phase
    with pytest.raises(ValidationError, match="Đợt 1 .01/8/2021 - 31/12/2021. nằm ngoài"):
        save_campaign(world.secretariat, world.authority, CampaignData(
            name=campaign.name, kind=campaign.kind, starts_on=date(2022, 1, 1),
            ends_on=campaign.ends_on), campaign)
    db.session.rollback()
    phase = db.session.get(Phase, phase.id)
    with pytest.raises(ValidationError, match="ghi năm thành tích 2021, ngoài thời gian mới"):
        save_phase(world.secretariat, phase.campaign, PhaseData(
            name="Đợt 1", starts_on=date(2022, 1, 1), ends_on=date(2022, 6, 30)), phase)
    db.session.rollback()
    # Within the same year, the phase may move.
    phase = db.session.get(Phase, phase.id)
    save_phase(world.secretariat, phase.campaign, PhaseData(
        name="Đợt 1", starts_on=date(2021, 9, 1), ends_on=date(2021, 12, 31)), phase)


def test_a_phase_or_campaign_proposed_in_is_not_removed_and_an_unused_one_is(client, world,
                                                                            login):
    make_proposal(world)  # in world's campaign and Đợt 1
    unused = _campaign(world)
    spare = save_phase(world.secretariat, unused, PhaseData(
        name="Đợt 1", starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30)))
    db.session.commit()
    login(world.secretariat)
    listed = client.get("/campaigns/").text
    assert f"/campaigns/{unused.id}/delete" in listed
    assert f"/campaigns/{world.campaign.id}/delete" not in listed
    # Asked by its name, which says "Phong trào …" itself.
    assert f'data-confirm="Xóa “{unused.name}”?"' in listed
    token = csrf_token(client, "/campaigns/")

    before = db_snapshot()
    client.post(f"/campaigns/{world.campaign.id}/delete", data={"csrf_token": token})
    client.post(f"/campaigns/phases/{world.phase.id}/delete", data={"csrf_token": token})
    assert db_snapshot() == before
    assert ("error", "Không thể xóa Đợt 1: đã có 1 tờ trình trong đợt này.") in flashes(
        client.get(f"/campaigns/{world.campaign.id}/phases").text)

    assert client.post(f"/campaigns/phases/{spare.id}/delete",
                       data={"csrf_token": token}).status_code == 302
    assert client.post(f"/campaigns/{unused.id}/delete",
                       data={"csrf_token": token}).status_code == 302
    assert db.session.scalars(select(Campaign.name)).all() == [world.campaign.name]


def test_a_phase_is_edited_through_its_form(client, world, login):
    login(world.admin)
    path = f"/campaigns/phases/{world.phase.id}/edit"
    form = page_form(client, path)
    assert form.data()["starts_on"] == "01/8/2021"  # day first, as every page writes it
    response = client.post(path, data=form.data(name="Đợt một", ends_on="30/11/2021"))
    assert response.headers["Location"] == f"/campaigns/{world.campaign.id}/phases"
    phase = db.session.get(Phase, world.phase.id)
    assert (phase.name, phase.ends_on) == ("Đợt một", date(2021, 11, 30))


def test_another_authoritys_campaigns_are_not_found(client, world, other_world, login):
    login(world.secretariat)
    assert f"/campaigns/{other_world.campaign.id}/" not in client.get("/campaigns/").text
    token = csrf_token(client, "/campaigns/")
    before = db_snapshot()
    for path in (f"/campaigns/{other_world.campaign.id}/edit",
                 f"/campaigns/{other_world.campaign.id}/phases",
                 f"/campaigns/phases/{other_world.phase.id}/edit"):
        assert client.get(path).status_code == 404, path
    for path in (f"/campaigns/{other_world.campaign.id}/delete",
                 f"/campaigns/phases/{other_world.phase.id}/delete"):
        assert client.post(path, data={"csrf_token": token}).status_code == 404, path
    assert db_snapshot() == before


def test_without_a_campaign_the_new_proposal_page_says_who_launches_one(client, world, login):
    db.session.delete(world.phase)
    db.session.delete(world.campaign)
    db.session.commit()
    login(world.officer_a)
    assert ("warning", "Chưa có phong trào thi đua nào để lập tờ trình: Cơ quan Tổ chức - Nội "
                       "vụ phát động phong trào trên trang “Phong trào thi đua”.") in flashes(
        client.get("/proposals/new").text)


@pytest.mark.slow
def test_two_overlapping_phases_added_at_once_one_is_refused(app, world):
    from award_flow.auth.models import User

    campaign_id, user_id = world.campaign.id, world.secretariat.id
    db.session.commit()  # and hold no transaction (SQLite: no lock) while the threads run

    def add(name: str, starts_on: date, ends_on: date):  # noqa: ANN202
        return lambda: save_phase(db.session.get(User, user_id),
                                  db.session.get(Campaign, campaign_id),
                                  PhaseData(name=name, starts_on=starts_on, ends_on=ends_on)).id

    results = run_at_once(app, [add("Đợt 2", date(2022, 1, 1), date(2022, 6, 30)),
                                add("Đợt hai", date(2022, 3, 1), date(2022, 9, 30))])

    assert sorted(kind for kind, _value in results) == ["ok", "refused"], results
    refusal = next(value for kind, value in results if kind == "refused")
    assert refusal.startswith("Trùng thời gian với Đợt ")
    assert db.session.scalar(select(func.count(Phase.id))) == 2
