"""Who may reach what, as tables: another unit's records do not exist (404, never 403),
reviewers see only filed proposals, anonymous users are sent to the login page, and every
POST without a CSRF token is refused and changes nothing."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from flask import current_app, g
from sqlalchemy import select

from award_flow.auth.roles import Role
from award_flow.campaigns.models import Campaign, CampaignKind
from award_flow.catalogue.models import BASE_SALARY, AwardCoefficient, Setting
from award_flow.extensions import db
from award_flow.org.operations import save_unit
from award_flow.proposals.models import Proposal, ProposalState
from award_flow.proposals.workflow import can_view, visible_to
from tests.factories import PDF_BYTES, World, decided_with_one_deferred, make_proposal
from tests.proposals.test_nominee_list import workbook
from tests.web_helpers import (
    client_as,
    csrf_token,
    db_snapshot,
    file_url,
    flashes,
    listed_ids,
    upload_folder_files,
)

S = ProposalState

#: Every page of a proposal and what hangs off it: (method, path template).
#: {p} proposal, {n} one of its nominees, {a} one of its attachments.
PROPOSAL_PAGES = [
    ("GET", "/proposals/{p}"),
    ("GET", "/proposals/{p}/edit"),
    ("POST", "/proposals/{p}/edit"),
    ("GET", "/proposals/{p}/nominees/new"),
    ("POST", "/proposals/{p}/nominees/new"),
    ("GET", "/proposals/{p}/nominees/{n}/edit"),
    ("POST", "/proposals/{p}/nominees/{n}/edit"),
    ("POST", "/proposals/{p}/nominees/{n}/delete"),
    ("POST", "/proposals/{p}/attachments"),
    ("GET", "/proposals/{p}/nominees/list.xlsx"),
    ("POST", "/proposals/{p}/nominees/list"),
    ("GET", "/proposals/{p}/attachments/{a}"),
    ("POST", "/proposals/{p}/attachments/{a}/delete"),
    ("GET", "/proposals/{p}/conclude"),
    ("POST", "/proposals/{p}/conclude"),
    ("POST", "/proposals/{p}/propose-again"),
    *[("POST", f"/proposals/{{p}}/actions/{action}")
      for action in ("submit", "withdraw", "accept", "return", "forward", "send_back",
                     "approve", "reject")],
]


def _fill(path: str, proposal) -> str:  # noqa: ANN001
    return path.format(p=proposal.id, n=proposal.nominees[0].id, a=proposal.attachments[0].id)


def _form_data(proposal) -> dict:  # noqa: ANN001
    """A plausible body for any of the POSTs above (the token is added by the caller)."""
    return {"title": "Đổi tên", "achievement": "x", "campaign_id": str(proposal.campaign_id),
            "phase_id": "0", "award_type_id": str(proposal.award_type_id), "name": "Người lạ",
            "priority_group": "none", "kind": "other", "version": str(proposal.version),
            "comment": "Lý do.",
            **{f"outcome-{n.id}": "recommended" for n in proposal.nominees}}


def _request(client, method: str, path: str, proposal, token: str):  # noqa: ANN001, ANN202
    if method == "GET":
        return client.get(path)
    data = {**_form_data(proposal), "csrf_token": token}
    if path.endswith("/attachments"):
        data["file"] = (io.BytesIO(PDF_BYTES), "la.pdf")
    if path.endswith("/nominees/list"):  # a filled list of one stranger
        data["list-csrf_token"] = token
        data["list-file"] = (io.BytesIO(workbook([["Họ và tên", "Giới tính"],
                                                  ["Người lạ", "Nam"]])), "ds.xlsx")
    return client.post(path, data=data)


def _refused_everywhere(client, proposal, token: str) -> list[str]:  # noqa: ANN001
    """Try every page of `proposal`; list those not answered 404 or that changed anything."""
    wrong = []
    for method, template in PROPOSAL_PAGES:
        path = _fill(template, proposal)
        before, files = db_snapshot(), upload_folder_files()
        response = _request(client, method, path, proposal, token)
        if response.status_code != 404:
            wrong.append(f"{method} {path}: {response.status_code}")
        if db_snapshot() != before or upload_folder_files() != files:
            wrong.append(f"{method} {path}: changed something")
    return wrong


@pytest.mark.parametrize("who", ["officer_b", "head_b"])
def test_another_units_proposal_does_not_exist_for_a_unit_user(client, world, login, who):
    # A draft: the state in which its own unit could change everything.
    proposal = make_proposal(world, state=S.DRAFT, unit="a")
    db.session.commit()
    login(getattr(world, who))
    assert _refused_everywhere(client, proposal, csrf_token(client, "/proposals")) == []


REVIEWERS = ["secretariat", "committee", "chairman", "vice"]


@pytest.mark.parametrize("state", [S.SUBMITTED, S.DECIDED])
def test_the_administrator_manages_accounts_not_dossiers(client, world, login, state):
    """Least privilege: the people's data in proposals and decisions is for reviewers."""
    proposal = make_proposal(world, state=state, unit="b")
    db.session.commit()
    login(world.admin)
    assert _refused_everywhere(client, proposal, csrf_token(client, "/admin/users")) == []
    if proposal.decision is not None:
        assert client.get(f"/decisions/{proposal.decision.id}").status_code == 404
        assert client.get(f"/decisions/{proposal.decision.id}/pdf").status_code == 404
    # Nor the lists: not an empty list that would pretend there is nothing.
    assert client.get("/proposals").status_code == 404
    assert client.get("/decisions/").status_code == 404


@pytest.mark.parametrize("who", [*REVIEWERS, "admin"])
def test_reviewers_cannot_see_a_draft_that_was_never_submitted(client, world, login, who):
    proposal = make_proposal(world, state=S.DRAFT, unit="b")
    db.session.commit()
    login(getattr(world, who))
    assert _refused_everywhere(client, proposal, csrf_token(client, "/decisions/")) == []


@pytest.mark.parametrize("state", [S.DRAFT, S.WITHDRAWN])
def test_reviewers_do_not_list_drafts_or_drafts_withdrawn_unsent(client, world, login, state):
    proposal = make_proposal(world, state=state)
    db.session.commit()
    login(world.secretariat)
    assert f"/proposals/{proposal.id}\"" not in client.get("/proposals").text
    assert client.get(f"/proposals/{proposal.id}").status_code == 404


@pytest.mark.parametrize("who", REVIEWERS)
@pytest.mark.parametrize("state", [S.SUBMITTED, S.RETURNED, S.REJECTED])
def test_reviewers_see_a_filed_proposal_and_its_dossier(client, world, login, who, state):
    proposal = make_proposal(world, state=state, unit="b")
    db.session.commit()
    login(getattr(world, who))
    assert client.get(f"/proposals/{proposal.id}").status_code == 200
    with client.get(file_url(proposal.attachments[0])) as download:
        assert download.status_code == 200 and download.data == PDF_BYTES


@pytest.mark.parametrize("who", ["officer_a", "head_a"])
@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.REJECTED])
def test_unit_users_see_their_own_units_proposals_in_every_state(client, world, login, who,
                                                                 state):
    proposal = make_proposal(world, state=state, unit="a")
    db.session.commit()
    login(getattr(world, who))
    assert client.get(f"/proposals/{proposal.id}").status_code == 200
    with client.get(file_url(proposal.attachments[0])) as download:
        assert download.status_code == 200


def test_another_units_file_is_not_served_under_ones_own_proposal(client, world, login):
    """The file's id with one's own proposal's: answered as for an id that does not exist,
    so nothing tells that the file is there."""
    own, theirs = make_proposal(world, unit="a"), make_proposal(world, unit="b")
    db.session.commit()
    login(world.officer_a)
    for attachment_id in (theirs.attachments[0].id, 999999):
        response = client.get(f"/proposals/{own.id}/attachments/{attachment_id}")
        assert response.status_code == 302
        assert response.headers["Location"] == f"/proposals/{own.id}?at=dossier#dossier"


@pytest.mark.parametrize("path", ["/proposals/999999", "/proposals/999999/edit",
                                  "/proposals/999999/nominees/999999/edit",
                                  "/proposals/999999/attachments/999999",
                                  "/decisions/999999", "/decisions/999999/pdf"])
def test_a_record_that_does_not_exist_is_not_found(client, world, login, path):
    login(world.secretariat)
    assert client.get(path).status_code == 404


# --- another authority ----------------------------------------------------------------------

#: A state in which a proposal waits at each reviewer's desk: in their queue (/work) as well as
#: in the list of all proposals, when it is theirs to see.
AT_THE_DESK_OF = {"secretariat": S.SUBMITTED, "committee": S.IN_COMMITTEE,
                  "chairman": S.AWAITING_DECISION, "vice": S.AWAITING_DECISION}

#: Which authority's reviewers look, and whose proposals they must not find.
LOOKING = ["the first at the second's", "the second at the first's"]


def _authorities(world, other_world, looking: str):  # noqa: ANN001, ANN202
    """(the reviewers' authority, the other one)."""
    return (world, other_world) if looking == LOOKING[0] else (other_world, world)


@pytest.mark.parametrize("looking", LOOKING)
@pytest.mark.parametrize("who", REVIEWERS)
def test_another_authoritys_proposals_do_not_exist_for_reviewers(client, world, other_world,
                                                                 login, who, looking):
    """Reviewers see every filed proposal of *their* authority (RULES.md): another
    authority's, even one at their desk, is in no list or search, and its pages, files and
    buttons are not found."""
    mine, theirs = _authorities(world, other_world, looking)
    # The same nominees and state in both: only the authority tells them apart.
    own = make_proposal(mine, state=AT_THE_DESK_OF[who])
    stranger = make_proposal(theirs, state=AT_THE_DESK_OF[who])
    db.session.commit()
    reviewer = getattr(mine, who)

    assert can_view(reviewer, own) and not can_view(reviewer, stranger)
    assert db.session.scalars(select(Proposal.id).where(visible_to(reviewer))).all() == [own.id]
    login(reviewer)
    for path in ("/proposals", "/work"):
        for query in ({}, {"q": "Nguyễn Văn Út"}):
            response = client.get(path, query_string=query)
            assert listed_ids(response.text) == [own.id], (path, query)
    assert _refused_everywhere(client, stranger, csrf_token(client, "/proposals")) == []


@pytest.mark.parametrize("looking", LOOKING)
def test_another_authoritys_decisions_do_not_exist_for_reviewers(app, world, other_world,
                                                                 looking):
    mine, theirs = _authorities(world, other_world, looking)
    own = make_proposal(mine, state=S.DECIDED).decision_id
    stranger = make_proposal(theirs, state=S.DECIDED).decision_id
    db.session.commit()
    for who in REVIEWERS:
        client = client_as(app, getattr(mine, who))
        assert client.get(f"/decisions/{stranger}").status_code == 404, who
        assert client.get(f"/decisions/{stranger}/pdf").status_code == 404, who
        listed = re.findall(r'href="/decisions/(\d+)"', client.get("/decisions/").text)
        assert listed == [str(own)], who


# --- anonymous users ------------------------------------------------------------------------

#: Pages anyone may open without signing in; and what the page's script asks of a session,
#: which says 401 without one instead of sending to the sign-in page
#: (tests/auth/test_idle_sessions.py).
PUBLIC = {"static", "main.index", "main.health", "auth.login", "auth.session_alive"}


def _get_rules():  # noqa: ANN202
    return sorted((r for r in current_app.url_map.iter_rules()
                   if "GET" in (r.methods or set()) and r.endpoint not in PUBLIC),
                  key=lambda r: r.rule)


def test_every_page_but_login_and_health_needs_a_signed_in_user(app, client, world):
    proposal = make_proposal(world, state=S.SUBMITTED)
    db.session.commit()
    ids = {"proposal_id": proposal.id, "nominee_id": proposal.nominees[0].id,
           "attachment_id": proposal.attachments[0].id, "decision_id": 1,
           "unit_id": world.unit_a.id, "user_id": world.officer_a.id,
           "award_type_id": world.awards["LDTT"].id, "campaign_id": world.campaign.id,
           "phase_id": world.phase.id}
    checked = []
    for rule in _get_rules():
        path = rule.build({k: v for k, v in ids.items() if k in rule.arguments})[1]
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login"), path
        checked.append(rule.endpoint)
    assert {"proposals.my_work", "proposals.detail", "proposals.download", "decisions.pdf",
            "admin.users"} <= set(checked)


def _end_by_logout_elsewhere(app, world) -> None:  # noqa: ANN001
    other = client_as(app, world.officer_a)
    other.post("/logout", data={"csrf_token": csrf_token(other, "/work")})


def _end_by_lock(app, world) -> None:  # noqa: ANN001
    world.officer_a.active = False


def _end_by_unit(app, world) -> None:  # noqa: ANN001
    save_unit(world.admin, world.authority, world.unit_a.name, world.unit_a.kind,
              unit=world.unit_a, active=False)


def _end_by_new_password(app, world) -> None:  # noqa: ANN001
    world.officer_a.set_password("mot mat khau moi 2026")


#: How a signed-in user's session is ended from outside it.
ENDED_SESSIONS = {
    "logged out on another device": _end_by_logout_elsewhere,
    "account locked": _end_by_lock,
    "unit switched off": _end_by_unit,
    "password changed": _end_by_new_password,
}


@pytest.mark.parametrize("ending", ENDED_SESSIONS)
def test_an_ended_session_reaches_no_page(app, client, world, login, ending):
    proposal = make_proposal(world, state=S.DRAFT)
    db.session.commit()
    login(world.officer_a)
    assert client.get(f"/proposals/{proposal.id}").status_code == 200

    ENDED_SESSIONS[ending](app, world)
    db.session.commit()

    ids = {"proposal_id": proposal.id, "nominee_id": proposal.nominees[0].id,
           "attachment_id": proposal.attachments[0].id, "decision_id": 1,
           "unit_id": world.unit_a.id, "user_id": world.officer_a.id,
           "award_type_id": world.awards["LDTT"].id, "campaign_id": world.campaign.id,
           "phase_id": world.phase.id}
    for rule in _get_rules():
        path = rule.build({k: v for k, v in ids.items() if k in rule.arguments})[1]
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login"), path


def test_the_login_page_sends_the_user_back_where_they_were_going(client, world):
    proposal = make_proposal(world, state=S.DRAFT)
    db.session.commit()
    response = client.get(f"/proposals/{proposal.id}")
    login_url = response.headers["Location"]
    assert login_url == f"/login?next=%2Fproposals%2F{proposal.id}"

    signed_in = client.post(login_url, data={"username": "officer.a",
                                             "password": "correct horse battery",
                                             "csrf_token": csrf_token(client, login_url)})

    assert signed_in.headers["Location"] == f"/proposals/{proposal.id}"


def test_the_home_page_sends_anonymous_users_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


# --- CSRF: every POST endpoint --------------------------------------------------------------


def _csrf_cases(world):  # noqa: ANN001, ANN202
    """rule → (who signs in, how to build the request): the same body a browser would send,
    so that with the token the request would change something."""
    w = world

    def proposal(state=S.DRAFT):  # noqa: ANN001, ANN202
        p = make_proposal(w, state=state)
        db.session.commit()
        return p

    def form(p, **extra):  # noqa: ANN001, ANN003, ANN202
        return {"title": "Tên mới", "achievement": "đã có thành tích",
                "campaign_id": str(p.campaign_id), "phase_id": "0",
                "award_type_id": str(p.award_type_id), **extra}

    def nominee(**extra):  # noqa: ANN003, ANN202
        return {"name": "Võ Thị Sáu", "position": "", "unit_or_address": "",
                "gender": "female", "priority_group": "farmer", "achievement_summary": "",
                **extra}

    def user_form(**extra):  # noqa: ANN003, ANN202
        return {"username": "new.user", "full_name": "Người Mới", "role": "unit_officer",
                "unit_id": str(w.unit_a.id), "password": "mot mat khau dai", "active": "y",
                **extra}

    cases = {
        "/login": (None, lambda: ("/login", {"username": "officer.a",
                                             "password": "correct horse battery"})),
        "/logout": (w.officer_a, lambda: ("/logout", {})),
        "/account": (w.officer_a, lambda: ("/account", {
            "current_password": "correct horse battery", "new_password": "mật khẩu mới 2026",
            "confirm_password": "mật khẩu mới 2026"})),
        "/language/<code>": (None, lambda: ("/language/en", {"next": "/login"})),
        "/proposals/new": (w.officer_a, lambda: ("/proposals/new", form(proposal()))),
        "/proposals/<int:proposal_id>/edit": (
            w.officer_a, lambda: (lambda p: (f"/proposals/{p.id}/edit",
                                             form(p, seen=p.details_digest)))(
                proposal())),
        "/proposals/<int:proposal_id>/actions/<action>": (
            w.head_a, lambda: (lambda p: (f"/proposals/{p.id}/actions/submit",
                                          {"version": str(p.version)}))(proposal())),
        "/proposals/<int:proposal_id>/conclude": (
            w.committee, lambda: (lambda p: (f"/proposals/{p.id}/conclude", {
                "version": str(p.version),
                **{f"outcome-{n.id}": "recommended" for n in p.nominees}}))(
                    proposal(S.IN_COMMITTEE))),
        "/proposals/<int:proposal_id>/propose-again": (
            w.officer_a, lambda: (f"/proposals/{decided_with_one_deferred(w).id}/propose-again",
                                  {})),
        "/proposals/<int:proposal_id>/nominees/new": (
            w.officer_a, lambda: (lambda p: (f"/proposals/{p.id}/nominees/new", nominee()))(
                proposal())),
        "/proposals/<int:proposal_id>/nominees/<int:nominee_id>/edit": (
            w.officer_a, lambda: (lambda p: (f"/proposals/{p.id}/nominees/{p.nominees[0].id}/edit",
                                             nominee(seen=p.nominees[0].details_digest)))(
                proposal())),
        "/proposals/<int:proposal_id>/nominees/<int:nominee_id>/delete": (
            w.officer_a, lambda: (lambda p: (
                f"/proposals/{p.id}/nominees/{p.nominees[0].id}/delete", {}))(proposal())),
        "/proposals/<int:proposal_id>/attachments": (
            w.officer_a, lambda: (lambda p: (f"/proposals/{p.id}/attachments", {
                "kind": "meeting_minutes", "file": (io.BytesIO(PDF_BYTES), "bien-ban.pdf")}))(
                    proposal())),
        "/proposals/<int:proposal_id>/nominees/list": (
            w.officer_a, lambda: (lambda p: (f"/proposals/{p.id}/nominees/list", {
                "list-file": (io.BytesIO(workbook([["Họ và tên", "Giới tính"],
                                                   ["Người lạ", "Nam"]])), "ds.xlsx")}))(
                    proposal())),
        "/proposals/<int:proposal_id>/attachments/<int:attachment_id>/delete": (
            w.officer_a, lambda: (lambda p: (
                f"/proposals/{p.id}/attachments/{p.attachments[0].id}/delete", {}))(proposal())),
        "/admin/units/new": (w.admin, lambda: ("/admin/units/new", {
            "name": "Phường 2", "kind": "ward", "active": "y"})),
        "/admin/units/<int(min=1):unit_id>/edit": (w.admin, lambda: (
            f"/admin/units/{w.unit_b.id}/edit", {"name": "Phường Một", "kind": "ward"})),
        "/admin/users/new": (w.admin, lambda: ("/admin/users/new", user_form())),
        "/admin/users/<int(min=1):user_id>/edit": (w.admin, lambda: (
            f"/admin/users/{w.officer_b.id}/edit",
            user_form(username="officer.b", active=""))),
        "/admin/authority": (w.admin, lambda: ("/admin/authority", {
            "name": w.authority.name, "place_name": "Duyên Hải", "issuer_code": "UBND",
            "bonus_fund": "Quỹ thi đua, khen thưởng thị xã năm 2026"})),
        "/admin/catalogue/new": (w.admin, lambda: ("/admin/catalogue/new", {
            "code": "GK_MOI", "name": "Giấy khen mới", "category": "form",
            "subject": "individual", "conferred_by": "self", "coefficient": "0,3",
            "coefficient_source": "Nghị định 152/2025/NĐ-CP", "active": "y"})),
        "/admin/catalogue/<int(min=1):award_type_id>/edit": (w.admin, lambda: (
            f"/admin/catalogue/{w.awards['LDTT'].id}/edit", {
                "name": "Lao động tiên tiến", "active": "y"})),
        "/admin/catalogue/<int(min=1):award_type_id>/coefficients": (w.admin, lambda: (
            f"/admin/catalogue/{w.awards['LDTT'].id}/coefficients", {
                "coefficient": "0,4", "effective_from": "2026-07-01",
                "source": "Nghị định 99/2026/NĐ-CP"})),
        "/admin/catalogue/coefficients/<int(min=1):coefficient_id>/delete": (w.admin, lambda: (
            f"/admin/catalogue/coefficients/{_future_coefficient(w).id}/delete", {})),
        "/admin/base-salary": (w.admin, lambda: ("/admin/base-salary", {
            "amount": "2.530.000", "effective_from": "2026-07-01",
            "source": "Nghị định 99/2026/NĐ-CP"})),
        "/admin/base-salary/rounding": (w.admin, lambda: ("/admin/base-salary/rounding", {
            "rounding-amount": "10000", "rounding-effective_from": "2026-07-01",
            "rounding-source": "Nghị định 98/2023/NĐ-CP"})),
        "/admin/base-salary/<int(min=1):setting_id>/delete": (w.admin, lambda: (
            f"/admin/base-salary/{_future_salary(w).id}/delete", {})),
        "/campaigns/new": (w.secretariat, lambda: ("/campaigns/new", {
            "name": "Phong trào thi đua 2026 - 2030", "kind": "phased",
            "starts_on": "2026-01-01", "ends_on": "2030-12-31"})),
        "/campaigns/<int(min=1):campaign_id>/edit": (w.secretariat, lambda: (
            f"/campaigns/{w.campaign.id}/edit", {
                "name": "Phong trào thi đua 2021 - 2025 (sửa)", "kind": "regular",
                "starts_on": "2021-08-01", "ends_on": "2025-12-31"})),
        "/campaigns/<int(min=1):campaign_id>/delete": (w.secretariat, lambda: (
            f"/campaigns/{_spare_campaign(w).id}/delete", {})),
        "/campaigns/<int(min=1):campaign_id>/phases": (w.secretariat, lambda: (
            f"/campaigns/{w.campaign.id}/phases", {
                "name": "Đợt 2", "starts_on": "2022-01-01", "ends_on": "2022-06-30"})),
        "/campaigns/phases/<int(min=1):phase_id>/edit": (w.secretariat, lambda: (
            f"/campaigns/phases/{w.phase.id}/edit", {
                "name": "Đợt một", "starts_on": "2021-08-01", "ends_on": "2021-12-31"})),
        "/campaigns/phases/<int(min=1):phase_id>/delete": (w.secretariat, lambda: (
            f"/campaigns/phases/{w.phase.id}/delete", {})),
    }
    return cases


CSRF_RULES = ["/login", "/logout", "/language/<code>", "/proposals/new",
              "/proposals/<int:proposal_id>/edit", "/proposals/<int:proposal_id>/actions/<action>",
              "/proposals/<int:proposal_id>/conclude", "/proposals/<int:proposal_id>/nominees/new",
              "/proposals/<int:proposal_id>/nominees/<int:nominee_id>/edit",
              "/proposals/<int:proposal_id>/nominees/<int:nominee_id>/delete",
              "/proposals/<int:proposal_id>/attachments",
              "/proposals/<int:proposal_id>/nominees/list",
              "/proposals/<int:proposal_id>/attachments/<int:attachment_id>/delete",
              "/admin/units/new",
              "/admin/units/<int(min=1):unit_id>/edit", "/admin/users/new",
              "/admin/users/<int(min=1):user_id>/edit", "/admin/authority",
              "/admin/catalogue/new", "/admin/catalogue/<int(min=1):award_type_id>/edit",
              "/admin/catalogue/<int(min=1):award_type_id>/coefficients",
              "/admin/catalogue/coefficients/<int(min=1):coefficient_id>/delete",
              "/admin/base-salary", "/admin/base-salary/rounding",
              "/admin/base-salary/<int(min=1):setting_id>/delete",
              "/campaigns/new", "/campaigns/<int(min=1):campaign_id>/edit",
              "/campaigns/<int(min=1):campaign_id>/delete",
              "/campaigns/<int(min=1):campaign_id>/phases",
              "/campaigns/phases/<int(min=1):phase_id>/edit",
              "/campaigns/phases/<int(min=1):phase_id>/delete",
              "/proposals/<int:proposal_id>/propose-again", "/account"]


def test_the_csrf_table_covers_every_post_endpoint(app):
    posts = {r.rule for r in app.url_map.iter_rules() if "POST" in (r.methods or set())}
    assert posts == set(CSRF_RULES)


def _observable(client) -> tuple:  # noqa: ANN001
    """Everything a POST could change: the database, the stored files, who is signed in and
    the language of the pages."""
    g.pop("_flask_babel", None)  # the locale is cached on the app context the test holds
    page = client.get("/login")
    lang = re.search(r'<html lang="([^"]+)"', page.text)
    return (db_snapshot(), upload_folder_files(), page.status_code,
            lang.group(1) if lang else None)


CSRF_PARAMS = [
    pytest.param(rule, with_token,
                 id=f"{rule} {'control: with token' if with_token else 'no token'}")
    for rule in CSRF_RULES for with_token in (False, True)
]


@pytest.mark.parametrize(("rule", "with_token"), CSRF_PARAMS)
def test_a_post_without_csrf_token_is_refused_and_changes_nothing(client, world, login, rule,
                                                                  with_token):
    who, build = _csrf_cases(world)[rule]
    if who is not None:
        login(who)
    path, data = build()
    token = csrf_token(client, "/login" if who is None else "/decisions/")
    before = _observable(client)

    response = client.post(path, data={**data, **({"csrf_token": token} if with_token else {})})

    if with_token:
        # The control: the same request with the token is accepted and does change something,
        # so "nothing changed" above is not true merely because the body was wrong.
        assert response.status_code == 302, response.text[:500]
        assert _observable(client) != before
    else:
        assert response.status_code == 400
        assert "biểu mẫu không hợp lệ" in response.text
        assert _observable(client) == before


@pytest.mark.parametrize(("referer", "back_to"), [
    ("http://localhost/proposals/{id}/edit", "/proposals/{id}/edit"),  # the form's page
    ("http://elsewhere.example/proposals/{id}/edit", None),  # not this site: no way back
    (None, None),
])
def test_a_stale_form_goes_back_to_its_page_with_the_reason(client, world, login, referer,
                                                            back_to):
    """A form of a page opened before the session changed (signed in again in another
    tab): nothing done, and back to the page, whose script fills in what was typed."""
    proposal = make_proposal(world)
    db.session.commit()
    login(world.officer_a)
    before = db_snapshot()
    headers = {"Referer": referer.format(id=proposal.id)} if referer else {}
    response = client.post(f"/proposals/{proposal.id}/edit", headers=headers, data={
        "csrf_token": "a token of the session before", "title": "Tên mới"})
    assert db_snapshot() == before
    if back_to is None:
        assert response.status_code == 400
        return
    assert response.status_code == 302
    assert response.headers["Location"] == back_to.format(id=proposal.id)
    assert flashes(client.get(response.headers["Location"]).text) == [(
        "error", "Biểu mẫu trên trang này đã cũ (trang được mở trước khi phiên đăng nhập thay "
                 "đổi): thao tác chưa được thực hiện.")]


def test_an_anonymous_post_with_a_token_is_sent_to_login(client, world):
    proposal = make_proposal(world)
    db.session.commit()
    token = csrf_token(client, "/login")
    before = db_snapshot()
    response = client.post(f"/proposals/{proposal.id}/actions/submit",
                           data={"csrf_token": token, "version": str(proposal.version)})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert db_snapshot() == before


# --- decisions ------------------------------------------------------------------------------


def test_another_units_decision_and_its_pdf_do_not_exist_for_it(app, world):
    proposal = make_proposal(world, state=S.DECIDED, unit="a")
    db.session.commit()
    decision_id = proposal.decision_id
    for user, expected in [(world.officer_b, 404), (world.head_b, 404), (world.officer_a, 200),
                           (world.secretariat, 200), (world.vice, 200)]:
        client = client_as(app, user)
        assert client.get(f"/decisions/{decision_id}").status_code == expected, user.username
        assert client.get(f"/decisions/{decision_id}/pdf").status_code == expected, user.username
        listed = f'/decisions/{decision_id}"' in client.get("/decisions/").text
        assert listed is (expected == 200), user.username


# --- administration -------------------------------------------------------------------------


def _spare_campaign(world: World) -> Campaign:
    """A campaign launched by mistake: nothing proposed in it, so it may be removed."""
    campaign = Campaign(authority=world.authority, name="Phong trào nhập nhầm",
                        kind=CampaignKind.REGULAR, starts_on=date(2026, 1, 1),
                        ends_on=date(2026, 12, 31))
    db.session.add(campaign)
    db.session.commit()
    return campaign


def _future_salary(world: World) -> Setting:
    """A base salary entered ahead of its date (one an admin may still remove)."""
    setting = Setting(authority=world.authority, key=BASE_SALARY, value="2530000",
                      effective_from=date(2099, 1, 1), source="Nghị định 99/2099/NĐ-CP")
    db.session.add(setting)
    db.session.commit()
    return setting


def _future_coefficient(world: World) -> AwardCoefficient:
    """A coefficient entered ahead of its date (one an admin may still remove)."""
    row = AwardCoefficient(award_type=world.awards["LDTT"], coefficient=Decimal("0.4"),
                           effective_from=date(2099, 1, 1), source="Nghị định 99/2099/NĐ-CP")
    db.session.add(row)
    db.session.commit()
    return row


ADMIN_PAGES = ["/admin/units", "/admin/units/new", "/admin/units/{unit}/edit", "/admin/users",
               "/admin/users/new", "/admin/users/{user}/edit", "/admin/authority",
               "/admin/catalogue", "/admin/catalogue/new", "/admin/catalogue/{award}/edit",
               "/admin/base-salary"]
#: The administration's buttons that only post.
ADMIN_POSTS = ["/admin/base-salary/rounding", "/admin/base-salary/{salary}/delete",
               "/admin/catalogue/{award}/coefficients",
               "/admin/catalogue/coefficients/{coefficient}/delete"]


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_administration_is_forbidden_to_everyone_but_the_admin(client, world, login, role):
    login(world.by_role(role))
    token = csrf_token(client, "/decisions/")
    ids = {"unit": world.unit_a.id, "user": world.officer_a.id,
           "award": world.awards["LDTT"].id, "salary": _future_salary(world).id,
           "coefficient": _future_coefficient(world).id}
    before = db_snapshot()
    for page in ADMIN_PAGES + ADMIN_POSTS:
        path = page.format(**ids)
        assert client.get(path).status_code == (405 if page in ADMIN_POSTS else 403), path
        posted = client.post(path, data={"csrf_token": token, "name": "X", "kind": "ward",
                                         "username": "officer.a", "full_name": "X",
                                         "role": "admin", "unit_id": str(world.unit_a.id),
                                         "coefficient": "9", "amount": "1",
                                         "effective_from": "2026-01-01", "source": "X"})
        assert posted.status_code in {403, 405}, path
    assert db_snapshot() == before


#: The campaign pages, and their buttons that only post.
CAMPAIGN_PAGES = ["/campaigns/", "/campaigns/new", "/campaigns/{campaign}/edit",
                  "/campaigns/{campaign}/phases", "/campaigns/phases/{phase}/edit"]
CAMPAIGN_POSTS = ["/campaigns/{campaign}/delete", "/campaigns/phases/{phase}/delete"]


@pytest.mark.parametrize("role", list(Role))
def test_campaigns_are_managed_by_the_secretariat_and_the_admin_only(client, world, login,
                                                                     role):
    allowed = role in {Role.SECRETARIAT, Role.ADMIN}
    login(world.by_role(role))
    token = csrf_token(client, "/account")
    ids = {"campaign": _spare_campaign(world).id, "phase": world.phase.id}
    for page in CAMPAIGN_PAGES:
        path = page.format(**ids)
        assert client.get(path).status_code == (200 if allowed else 403), path
    if allowed:
        return
    before = db_snapshot()
    for page in CAMPAIGN_PAGES[1:] + CAMPAIGN_POSTS:
        path = page.format(**ids)
        posted = client.post(path, data={"csrf_token": token, "name": "X", "kind": "regular",
                                         "starts_on": "2026-01-01", "ends_on": "2026-12-31"})
        assert posted.status_code == 403, path
    assert db_snapshot() == before


#: The main menu's links for who works on proposals, and for the administrator.
PROPOSAL_MENU = ["/work", "/proposals", "/decisions/"]
ADMIN_MENU = ["/admin/users", "/admin/units", "/admin/authority", "/admin/catalogue"]
CAMPAIGN_MENU = ["/campaigns/"]


@pytest.mark.parametrize("role", list(Role))
def test_the_menu_offers_each_role_the_pages_it_may_open(client, world, login, role):
    """The menu asks the same predicates as the pages (workflow.works_on_proposals,
    can_administer): every link it shows opens, and it shows no link that would not."""
    login(world.by_role(role))
    page = client.get("/work", follow_redirects=True).text
    menu = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', page, re.S).group(1)
    links = re.findall(r'href="([^"]+)"', menu)
    assert links == (ADMIN_MENU if role == Role.ADMIN else PROPOSAL_MENU) + (
        CAMPAIGN_MENU if role in {Role.SECRETARIAT, Role.ADMIN} else [])
    for link in links:
        assert client.get(link).status_code == 200, link
