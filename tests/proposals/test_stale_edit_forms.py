"""Two people editing the same proposal's details, or the same nominee, at once: each edit
form carries a digest of what it showed, field by field, so the later save of a form opened
before the other's save is refused instead of silently putting back what the other changed.
Nothing is saved and the message says who saved meanwhile. The form comes back merged three
ways: a field the user left alone takes what is saved now, one the user changed keeps what was
typed and says what is saved now if that changed too; a second save is deliberate. A change
elsewhere in the dossier (a nominee, a file) leaves both forms good: they overwrite none of
it."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from sqlalchemy import select

from award_flow.auth.models import User
from award_flow.auth.roles import Role
from award_flow.extensions import db
from award_flow.proposals import operations as ops
from award_flow.proposals.models import Nominee, Proposal
from award_flow.proposals.queries import get_visible_proposal
from tests.factories import PDF_BYTES, make_proposal, make_user
from tests.support import second_waits_for_first
from tests.web_helpers import (
    client_as,
    db_snapshot,
    flashes,
    forms,
    page_form,
    saved_now,
    taken_now,
)

ADVICE = ("Những gì bạn nhập chưa được lưu và vẫn còn dưới đây; ô nào bạn không sửa đã được "
          "cập nhật theo thông tin vừa lưu. Dưới ô nào bạn đã sửa mà thông tin đã lưu cũng "
          "thay đổi có ghi thông tin hiện đã lưu. Hãy xem lại rồi bấm “Lưu” lần nữa.")
#: (the form, who saved meanwhile: someone named, the same user, or nobody the form can tell)
#: → the refusal's first sentence
SAVED_BY = {
    ("proposal", "other"): "Thông tin của tờ trình vừa được {name} sửa trong lúc bạn sửa.",
    ("proposal", "self"): "Bạn vừa lưu thông tin của tờ trình này ở một trang khác, sau khi mở "
                          "trang này.",
    ("proposal", "unknown"): "Thông tin của tờ trình đã thay đổi sau khi bạn mở trang này.",
    ("nominee", "other"): "Thông tin của trường hợp này vừa được {name} sửa trong lúc bạn sửa.",
    ("nominee", "self"): "Bạn vừa lưu thông tin của trường hợp này ở một trang khác, sau khi "
                         "mở trang này.",
    ("nominee", "unknown"): "Thông tin của trường hợp này đã thay đổi sau khi bạn mở trang này.",
}
#: The form's field that carries what it showed.
SEEN = {"proposal": "seen", "nominee": "seen"}


def stale(form: str, by: str, name: str = "") -> str:
    return f"{SAVED_BY[form, by].format(name=name)} {ADVICE}"


def _seen_now(form: str, proposal: Proposal) -> str:
    db.session.expire_all()
    return (proposal.details_digest if form == "proposal"
            else proposal.nominees[0].details_digest)


OLD_ACHIEVEMENT = "đã có thành tích xuất sắc trong phong trào thi đua"  # the factory's
OLD_TITLE = "Đề nghị tặng Giấy khen Đợt 1"


def _path(form: str, proposal: Proposal) -> str:
    if form == "proposal":
        return f"/proposals/{proposal.id}/edit"
    return f"/proposals/{proposal.id}/nominees/{proposal.nominees[0].id}/edit"


#: The editors' names, as a refusal names them.
NAMES = {"officer": "Trần Thị Mỹ Linh", "head": "Lê Văn Hùng", "colleague": "Võ Thị Kim Thoa"}


def _editors(app, world) -> dict[str, object]:  # noqa: ANN001
    """Who edits: the unit's officer, its head, and a second officer of the unit; and the
    officer again, on a second page of the same session ("officer's other page")."""
    colleague = make_user("officer.a2", Role.UNIT_OFFICER, world.unit_a, NAMES["colleague"])
    db.session.commit()
    officer = client_as(app, world.officer_a)
    return {"officer": officer, "officer's other page": officer,
            "head": client_as(app, world.head_a), "colleague": client_as(app, colleague)}


def _the_form(html: str):  # noqa: ANN202
    (form,) = [f for f in forms(html) if f.method == "post" and f.action == ""]
    return form


def _typed(form, sent: dict[str, str]) -> dict[str, str]:  # noqa: ANN001
    """The form's values of the fields in `sent`, as the page has them (a textarea's
    leading newline aside)."""
    values = form.data()
    return {name: values.get(name, "").strip() for name in sent}


def _upload(client, proposal) -> None:  # noqa: ANN001
    form = page_form(client, f"/proposals/{proposal.id}", f"/proposals/{proposal.id}/attachments")
    assert client.post(form.action, data=form.data(
        kind="meeting_minutes", file=(io.BytesIO(PDF_BYTES), "bien-ban.pdf"))).status_code == 302


def _add_nominee(client, proposal) -> None:  # noqa: ANN001
    path = f"/proposals/{proposal.id}/nominees/new"
    form = page_form(client, path)
    assert client.post(path, data=form.data(name="Lê Thị Hồng Đào",
                                            gender="female")).status_code == 302


def _save(client, path: str, **changes: str) -> None:  # noqa: ANN001
    form = page_form(client, path)
    assert client.post(path, data=form.data(**changes)).status_code == 302


#: (the form both open, who saves first and what, who saves later and what they change) →
#: the fields of the later one's form that took the first one's save (left alone by the
#: later one), and what its page says is saved now under each field both changed
RACES = [
    ("proposal", ("officer", {"title": "Đề nghị tặng Giấy khen năm 2021"}),
     ("head", {"achievement": "thành tích xuất sắc năm 2021"}), {"title"}, {}),
    ("proposal", ("head", {"achievement_year": "2021"}),
     ("officer", {"title": "Đề nghị tặng Giấy khen năm 2021"}), {"achievement_year"}, {}),
    ("proposal", ("colleague", {"phase_id": "0", "achievement": "thành tích năm 2021"}),
     ("officer", {"achievement": "thành tích xuất sắc"}), {"phase_id"},
     {"achievement": "thành tích năm 2021"}),
    ("proposal", ("officer", {"title": "Đề nghị tặng Giấy khen năm 2021"}),
     ("officer's other page", {"achievement": "thành tích xuất sắc"}), {"title"}, {}),
    ("nominee", ("officer", {"position": "Tổ trưởng tổ hợp tác"}),
     ("head", {"achievement_summary": "Sản xuất giỏi ba năm liền"}), {"position"}, {}),
    ("nominee", ("head", {"priority_group": "none", "unit_or_address": ""}),
     ("officer", {"name": "Nguyễn Văn Út Em"}), {"priority_group", "unit_or_address"}, {}),
    ("nominee", ("colleague", {"gender": "female"}), ("officer", {"position": "Xã đội trưởng"}),
     {"gender"}, {}),
    ("nominee", ("head", {"position": "Xã đội trưởng"}), ("head", {"gender": "female"}),
     {"position"}, {}),
    ("nominee", ("officer", {"position": "Tổ trưởng tổ hợp tác", "unit_or_address": ""}),
     ("colleague", {"position": "Xã đội trưởng", "achievement_summary": "Sản xuất giỏi"}),
     {"unit_or_address"}, {"position": "Tổ trưởng tổ hợp tác"}),
]


def _saved_by(first_one: str, second_one: str) -> str:
    return "self" if NAMES.get(first_one, NAMES["officer"]) == NAMES.get(
        second_one, NAMES["officer"]) else "other"


@pytest.mark.parametrize(("form", "first", "second", "taken", "told"), RACES,
                         ids=[f"{r[0]}-{r[1][0]}-then-{r[2][0]}-"
                              f"{'+'.join(r[2][1])}" for r in RACES])
def test_a_save_from_a_form_opened_before_someone_elses_save_is_refused_and_merged(
        app, world, form, first, second, taken, told):
    proposal = make_proposal(world)
    db.session.commit()
    editors = _editors(app, world)
    (first_one, first_change), (second_one, typed) = first, second
    path = _path(form, proposal)
    late_form = page_form(editors[second_one], path)  # opened before the first one saves
    _save(editors[first_one], path, **first_change)
    editors[first_one].get(path)  # its message read
    db.session.expire_all()
    before = db_snapshot()

    late = editors[second_one].post(path, data=late_form.data(**typed))

    assert late.status_code == 200  # the form again, not a redirect
    by = _saved_by(first_one, second_one)
    assert flashes(late.text) == [("error", stale(form, by, NAMES.get(first_one, "")))]
    assert db_snapshot() == before
    again = _the_form(late.text)
    assert _typed(again, typed) == {name: value.strip() for name, value in typed.items()}
    assert _typed(again, {name: "" for name in taken}) == {
        name: first_change[name] for name in taken}
    assert again.data()[SEEN[form]] == _seen_now(form, proposal) != late_form.data()[SEEN[form]]
    assert taken_now(late.text) == taken
    assert saved_now(late.text) == told

    # Saved again deliberately, as the page now shows it: the first one's changes the later
    # one left alone are kept, and what the later one typed is saved.
    done = editors[second_one].post(path, data=again.data())

    assert done.status_code == 302
    assert [kind for kind, _text in flashes(editors[second_one].get(
        done.headers["Location"]).text)] == ["success"]
    db.session.expire_all()
    saved = proposal if form == "proposal" else proposal.nominees[0]
    for name, value in {**first_change, **typed}.items():
        assert _stored(saved, name) == value, name


def _stored(row: Proposal | Nominee, field: str) -> str:
    """A field's saved value, as the form sends it."""
    value = getattr(row, field)
    if field == "phase_id":
        return str(value or 0)
    if field == "achievement_year":
        return str(value or "")
    return getattr(value, "value", value)


#: What someone else changes elsewhere in the dossier while an edit form is open: its save
#: still goes through, as it overwrites none of it (the proposal's details, the nominee).
ELSEWHERE: dict[str, Callable] = {
    "edits the other nominee": lambda c, p: _save(
        c, f"/proposals/{p.id}/nominees/{p.nominees[1].id}/edit", position="Phó Chủ tịch"),
    "adds a nominee": _add_nominee,
    "uploads a file": _upload,
    "saves the proposal's details": lambda c, p: _save(
        c, f"/proposals/{p.id}/edit", title="Đề nghị tặng Giấy khen năm 2021"),
    "edits the first nominee": lambda c, p: _save(
        c, f"/proposals/{p.id}/nominees/{p.nominees[0].id}/edit", position="Xã đội trưởng"),
}
#: (the form, the change elsewhere): the changes each form's save leaves alone
GOOD_AFTER = [("nominee", change) for change in ELSEWHERE if change != "edits the first nominee"
              ] + [("proposal", change) for change in ELSEWHERE
                   if change != "saves the proposal's details"]
#: what the form's late save changes
LATE_CHANGE = {"nominee": ("position", "Tổ trưởng tổ hợp tác"),
               "proposal": ("achievement", "thành tích xuất sắc năm 2021")}


@pytest.mark.parametrize(("form", "change"), GOOD_AFTER, ids=[f"{f}-after-someone-{c}"
                                                             for f, c in GOOD_AFTER])
def test_a_change_elsewhere_in_the_dossier_leaves_an_edit_form_good(app, world, form, change):
    proposal = make_proposal(world)
    db.session.commit()
    editors = _editors(app, world)
    path = _path(form, proposal)
    opened = page_form(editors["officer"], path)
    ELSEWHERE[change](editors["head"], proposal)
    field, value = LATE_CHANGE[form]

    done = editors["officer"].post(path, data=opened.data(**{field: value}))

    assert done.status_code == 302
    db.session.expire_all()
    assert getattr(proposal if form == "proposal" else proposal.nominees[0], field) == value


#: (the form, who saves first, who sends the same values later: the same person clicking
#: "Lưu" twice, or someone else making the very same change) → the later save is no
#: refusal: nothing is lost, and nothing more is saved.
SAME_AGAIN = [
    ("proposal", "officer", "officer", {"title": "Đề nghị tặng Giấy khen năm 2021"}),
    ("nominee", "officer", "officer", {"position": "Tổ trưởng tổ hợp tác"}),
    ("proposal", "officer", "head", {"achievement": "thành tích xuất sắc năm 2021"}),
    ("nominee", "colleague", "head", {"gender": "female", "priority_group": "none"}),
]


@pytest.mark.parametrize(("form", "first", "second", "change"), SAME_AGAIN,
                         ids=[f"{r[0]}-{r[1]}-then-{r[2]}" for r in SAME_AGAIN])
def test_the_same_values_sent_again_from_an_older_form_are_no_refusal(app, world, form, first,
                                                                       second, change):
    proposal = make_proposal(world)
    db.session.commit()
    editors = _editors(app, world)
    path = _path(form, proposal)
    forms_seen = {who: page_form(editors[who], path) for who in (first, second)}
    assert editors[first].post(path, data=forms_seen[first].data(**change)).status_code == 302
    editors[first].get(_path(form, proposal))  # its message read
    db.session.expire_all()
    before = db_snapshot()

    again = editors[second].post(path, data=forms_seen[second].data(**change))

    assert again.status_code == 302
    assert flashes(editors[second].get(again.headers["Location"]).text) == [
        ("success", "Đã lưu.")]
    assert db_snapshot() == before


@pytest.mark.parametrize("form", ["proposal", "nominee"])
@pytest.mark.parametrize("seen", [None, "", "abc", "-1", "9" * 12, "0123456789ABCDEF", "²",
                                  "0" * 48],
                         ids=["missing", "empty", "letters", "negative", "not whole",
                              "capitals", "a digit not ASCII", "of no save"])
def test_a_form_without_what_it_showed_is_refused_as_stale(app, world, form, seen):
    """A page from before the forms carried it, or a value not of the form's making: not
    saved blind, but refused with what was typed kept and what is saved now given."""
    proposal = make_proposal(world)
    db.session.commit()
    officer = client_as(app, world.officer_a)
    path = _path(form, proposal)
    data = page_form(officer, path).data(title="Đề nghị mới", name="Nguyễn Văn Út Em")
    if seen is None:
        del data[SEEN[form]]
    else:
        data[SEEN[form]] = seen
    before = db_snapshot()

    refused = officer.post(path, data=data)

    assert refused.status_code == 200
    assert ("error", stale(form, "unknown")) in flashes(refused.text)
    assert db_snapshot() == before
    assert not taken_now(refused.text)  # nothing to merge from: what was typed stays
    assert _the_form(refused.text).data()[SEEN[form]] == _seen_now(form, proposal)


def test_a_nominees_version_moves_with_each_change_to_it_only(app, world):
    proposal = make_proposal(world)
    first, second = proposal.nominees
    db.session.commit()
    versions = (first.version, second.version)

    ops.update_nominee(world.officer_a, first, ops.NomineeData(
        kind=first.kind, name=first.name, position="Tổ trưởng", gender=first.gender))
    db.session.commit()

    assert (first.version, second.version) == (versions[0] + 1, versions[1])


# --- under the lock: two saves at the same moment ------------------------------------------


def _saving(form: str, proposal_id: int, user_id: int, seen: object,
            **change: str) -> Callable[[], None]:
    """A save as the view makes it: the proposal locked, then the operation given what the
    form showed."""
    def job() -> None:
        user = db.session.get(User, user_id)
        proposal = get_visible_proposal(proposal_id, user, for_update=True)
        if form == "proposal":
            ops.update_proposal(user, proposal, ops.ProposalData(
                title=change.get("title", proposal.title),
                achievement=change.get("achievement", proposal.achievement),
                campaign=proposal.campaign, award_type=proposal.award_type,
                phase=proposal.phase, achievement_year=proposal.achievement_year),
                seen=seen)
        else:
            nominee = proposal.nominees[0]
            ops.update_nominee(user, nominee, ops.NomineeData(
                kind=nominee.kind, name=nominee.name, gender=nominee.gender,
                position=change.get("position", nominee.position),
                unit_or_address=change.get("unit_or_address", nominee.unit_or_address),
                priority_group=nominee.priority_group), seen=seen)
    return job


#: the form → what the first and the second saver change, each from the same version
AT_ONCE = {
    "proposal": ({"title": "Đề nghị tặng Giấy khen năm 2021"},
                 {"achievement": "thành tích xuất sắc năm 2021"}),
    "nominee": ({"position": "Tổ trưởng tổ hợp tác"}, {"unit_or_address": "Ấp Giồng Giếng"}),
}


@pytest.mark.slow
@pytest.mark.parametrize("form", list(AT_ONCE))
def test_of_two_saves_at_the_same_moment_the_second_waits_and_is_refused(app, world, form):
    """The version is compared under the proposal's lock, which every change to the dossier
    takes: the second save reads it once the first is committed, and is refused."""
    proposal = make_proposal(world)
    db.session.commit()
    seen = proposal.details_digest if form == "proposal" else proposal.nominees[0].details_digest
    first_change, second_change = AT_ONCE[form]
    pid, officer, head = proposal.id, world.officer_a.id, world.head_a.id
    db.session.commit()  # hold no transaction (SQLite: no lock) while the threads run

    first, second = second_waits_for_first(
        app, _saving(form, pid, officer, seen, **first_change),
        _saving(form, pid, head, seen, **second_change),
        "the second save did not wait for the first one's lock")

    assert first.outcome == "ok"
    assert isinstance(second.outcome, ops.EditedMeanwhile), second.outcome
    assert second.outcome.message == stale(form, "other", NAMES["officer"])
    db.session.expire_all()
    row = db.session.get(Proposal, pid) if form == "proposal" else db.session.scalar(
        select(Nominee).where(Nominee.proposal_id == pid).order_by(Nominee.id))
    for name, value in first_change.items():
        assert getattr(row, name) == value
    for name in second_change:
        assert getattr(row, name) != second_change[name]
