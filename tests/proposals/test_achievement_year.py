"""The year an achievement is for (Năm thành tích): an emulation title is recognised for a
year, so its proposal names one, within its campaign's and phase's years and not to come; a
form's proposal may name one. The decision prints it (tests/decisions/test_decision_texts.py).
"""

from __future__ import annotations

from datetime import date

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect, select, text, update

from award_flow.core.errors import ValidationError
from award_flow.extensions import db
from award_flow.proposals import operations as ops
from award_flow.proposals.models import Proposal
from award_flow.proposals.models import ProposalState as S
from tests.core.test_migrations import WHEN, _insert_authority_and_unit, run, separate_app
from tests.decisions.test_migration_0008 import proposal_indexes
from tests.factories import TITLE_YEAR, make_proposal
from tests.proposals.test_views import action_form
from tests.web_helpers import db_snapshot, field_errors, flashes, page_form

NEEDED = "Danh hiệu thi đua được công nhận theo năm: hãy nhập năm thành tích."
IN_CAMPAIGN = "Năm thành tích phải trong thời gian của phong trào thi đua (2021 - 2025)."
IN_PHASE = "Năm thành tích phải trong thời gian của đợt thi đua (2021)."
TO_COME = "Năm 2024 chưa đến: chỉ công nhận, khen thưởng thành tích đã đạt được."

#: (award, with the phase of 2021?, year) → the refusal said under the year, or None when
#: it is kept. The campaign runs 2021–2025; "today" is 15/06/2023.
RULES = [
    ("LDTT", True, 2021, None),
    ("LDTT", False, 2023, None),
    ("LDTT", True, None, NEEDED),
    ("LDTT", False, None, NEEDED),
    ("LDTT", True, 2022, IN_PHASE),
    ("LDTT", False, 2020, IN_CAMPAIGN),
    ("LDTT", False, 2026, IN_CAMPAIGN),
    ("LDTT", False, 2024, TO_COME),
    ("TTLDTT", False, None, NEEDED),  # every title, a collective's too
    ("GK_CN", True, None, None),  # a form may leave it out ...
    ("GK_CN", False, 2022, None),  # ... or give it
    ("GK_CN", True, 2023, IN_PHASE),  # ... within the same bounds
    ("GK_CN", False, 2024, TO_COME),
]


@pytest.fixture
def today_2023(monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(ops, "local_today", lambda: date(2023, 6, 15))


def _data(world, award: str, with_phase: bool,  # noqa: ANN001
          year: int | None) -> ops.ProposalData:
    return ops.ProposalData(
        title="Đề nghị khen thưởng năm", achievement="đã hoàn thành xuất sắc nhiệm vụ",
        campaign=world.campaign, award_type=world.awards[award],
        phase=world.phase if with_phase else None, achievement_year=year)


def _rule_id(rule: tuple) -> str:
    award, with_phase, year, refusal = rule
    span = "phase" if with_phase else "campaign"
    return f"{award}-{span}-{year}-{'ok' if refusal is None else 'refused'}"


RULE_IDS = [_rule_id(rule) for rule in RULES]


@pytest.mark.parametrize(("award", "with_phase", "year", "refusal"), RULES, ids=RULE_IDS)
def test_a_new_proposal_names_a_year_that_can_be_recognised(world, today_2023, award,
                                                            with_phase, year, refusal):
    before = db_snapshot()
    if refusal is None:
        proposal = ops.create_proposal(world.officer_a, _data(world, award, with_phase, year))
        db.session.commit()
        assert db.session.get(Proposal, proposal.id).achievement_year == year
        return
    with pytest.raises(ValidationError) as refused:
        ops.create_proposal(world.officer_a, _data(world, award, with_phase, year))
    assert (refused.value.message, refused.value.field) == (refusal, "achievement_year")
    db.session.rollback()
    assert db_snapshot() == before


@pytest.mark.parametrize(("award", "with_phase", "year", "refusal"), RULES, ids=RULE_IDS)
def test_an_edit_keeps_to_the_same_rules(world, today_2023, award, with_phase, year, refusal):
    proposal = make_proposal(world, award=award, nominees=())
    db.session.commit()
    kept = proposal.achievement_year
    if refusal is None:
        ops.update_proposal(world.officer_a, proposal, _data(world, award, with_phase, year))
        db.session.commit()
        assert db.session.get(Proposal, proposal.id).achievement_year == year
        return
    with pytest.raises(ValidationError) as refused:
        ops.update_proposal(world.officer_a, proposal, _data(world, award, with_phase, year))
    assert (refused.value.message, refused.value.field) == (refusal, "achievement_year")
    db.session.rollback()
    assert db.session.get(Proposal, proposal.id).achievement_year == kept


def test_a_title_proposal_without_its_year_is_not_sent(client, world, login):
    """One filed before proposals named the year (migration 0010 left it empty): the unit
    head is told what is missing instead of a send button, and sending is refused."""
    proposal = make_proposal(world, award="LDTT")
    db.session.execute(update(Proposal).where(Proposal.id == proposal.id)
                       .values(achievement_year=None))
    db.session.commit()
    db.session.expire_all()
    login(world.head_a)

    page = client.get(f"/proposals/{proposal.id}").text
    assert action_form(page, proposal.id, "submit") is None
    assert ("Chưa đủ để gửi: Chưa nhập năm thành tích: danh hiệu thi đua được công nhận theo "
            "năm.") in page
    proposal = db.session.get(Proposal, proposal.id)
    with pytest.raises(ValidationError, match="Chưa nhập năm thành tích"):
        ops.submit_proposal(proposal, world.head_a)


def test_the_form_refuses_a_title_without_its_year_under_the_field(client, world, login):
    login(world.officer_a)
    form = page_form(client, "/proposals/new")
    assert form.data()["achievement_year"] == ""  # not guessed
    before = db_snapshot()

    response = client.post("/proposals/new", data=form.data(
        title="Đề nghị công nhận danh hiệu Lao động tiên tiến",
        achievement="đã hoàn thành xuất sắc nhiệm vụ",
        award_type_id=str(world.awards["LDTT"].id)))

    assert response.status_code == 200
    assert field_errors(response.text) == {"achievement_year": [NEEDED]}
    assert db_snapshot() == before


@pytest.mark.parametrize(("typed", "error"), [
    ("2023a", "Hãy nhập năm bằng bốn chữ số, ví dụ: 2025."),
    ("23", "Hãy nhập năm bằng bốn chữ số, ví dụ: 2025."),
    ("2030", "Năm thành tích phải trong thời gian của phong trào thi đua (2021 - 2025)."),
])
def test_the_form_says_what_is_wrong_with_a_year(client, world, login, typed, error):
    login(world.officer_a)
    form = page_form(client, "/proposals/new")
    before = db_snapshot()
    response = client.post("/proposals/new", data=form.data(
        title="Đề nghị", achievement="đã hoàn thành xuất sắc nhiệm vụ",
        award_type_id=str(world.awards["LDTT"].id), achievement_year=typed))
    assert response.status_code == 200
    assert field_errors(response.text)["achievement_year"] == [error]
    assert db_snapshot() == before


def test_the_year_is_entered_shown_and_edited(client, world, login):
    login(world.officer_a)
    form = page_form(client, "/proposals/new")
    response = client.post("/proposals/new", data=form.data(
        title="Đề nghị công nhận danh hiệu Lao động tiên tiến",
        achievement="đã hoàn thành xuất sắc nhiệm vụ",
        award_type_id=str(world.awards["LDTT"].id), achievement_year=" năm 2023 "))
    assert response.status_code == 302  # as a clerk writes it in a sentence, too
    proposal = db.session.scalar(select(Proposal))
    assert proposal.achievement_year == 2023
    assert "<dt>Năm thành tích</dt><dd>2023</dd>" in client.get(f"/proposals/{proposal.id}").text

    form = page_form(client, f"/proposals/{proposal.id}/edit")
    assert form.data()["achievement_year"] == "2023"
    response = client.post(f"/proposals/{proposal.id}/edit",
                           data=form.data(achievement_year="2022"))
    assert response.status_code == 302
    db.session.refresh(proposal)
    assert proposal.achievement_year == 2022
    assert ("success", "Đã lưu.") in flashes(client.get(response.headers["Location"]).text)


def test_a_form_without_a_year_shows_none(client, world, login):
    proposal = make_proposal(world, award="GK_CN")
    db.session.commit()
    login(world.officer_a)
    assert "Năm thành tích" not in client.get(f"/proposals/{proposal.id}").text


def test_filing_again_keeps_the_year(world):
    proposal = make_proposal(world, award="LDTT", state=S.SUBMITTED)
    ops.withdraw_proposal(proposal, world.head_a)
    again = ops.propose_again(world.officer_a, proposal)
    db.session.commit()
    assert again.achievement_year == proposal.achievement_year == TITLE_YEAR


def test_0010_adds_an_empty_year_and_downgrades(app, tmp_path):
    with separate_app(app, tmp_path):
        upgrade(revision="0009")
        _insert_authority_and_unit()
        run('INSERT INTO "user" (id, username, full_name, password_hash, role, unit_id, '
            "active, created_at, session_token) VALUES (1, 'canbo', 'Cán bộ', 'x', "
            "'unit_officer', 1, true, :t, 'token-1')", t=WHEN)
        run("INSERT INTO campaign (id, authority_id, name, kind, starts_on, ends_on) "
            "VALUES (1, 1, 'Phong trào', 'regular', '2025-01-01', '2025-12-31')")
        run("INSERT INTO award_type (id, authority_id, code, name, category, subject, "
            "conferred_by, coefficient, notes, active) VALUES (1, 1, 'LDTT', "
            "'Lao động tiên tiến', 'title', 'individual', 'self', 0.3, '', true)")
        run("INSERT INTO proposal (id, unit_id, campaign_id, award_type_id, created_by_id, "
            "title, achievement, state, revision_count, nominee_count, priority_count, "
            "has_priority, created_at, state_changed_at, version, nominee_names, queue_key) "
            "VALUES (1, 1, 1, 1, 1, 'Tờ trình', 'thành tích', 'draft', 0, 0, 0, false, :t, "
            ":t, 1, '', 'unit')", t=WHEN)
        db.session.commit()
        indexes = proposal_indexes()
        db.session.remove()

        upgrade(revision="0010")
        assert db.session.execute(text("SELECT id, achievement_year FROM proposal")).all() == [
            (1, None)]
        db.session.remove()
        upgrade()  # on to head: the models agree with what 0010 built
        check()

        downgrade(revision="0009")
        columns = {c["name"] for c in inspect(db.session.connection()).get_columns("proposal")}
        assert "achievement_year" not in columns
        assert proposal_indexes() == indexes  # SQLite's DESC indexes too: no table rebuild
        assert db.session.scalar(text("SELECT count(*) FROM proposal")) == 1


def test_the_signer_reads_the_year_in_the_subject_before_approving(client, world, login):
    proposal = make_proposal(world, award="LDTT", state=S.AWAITING_DECISION)
    db.session.commit()
    login(world.chairman)
    page = client.get(f"/proposals/{proposal.id}").text
    assert ("Trích yếu của quyết định: <strong>Về việc công nhận danh hiệu “Lao động tiên "
            "tiến” năm 2021</strong>") in page
