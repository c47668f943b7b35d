"""What the English interface says, where its wording is easy to get wrong: the data it
asks for is printed in Vietnamese documents, counts take the plural, numbers follow the
page's language, and one word names one thing (the pages' own names, signing in)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from babel.messages.pofile import read_po
from flask import session
from flask_babel import force_locale

from award_flow.campaigns import operations as campaign_ops
from award_flow.catalogue import operations as catalogue_ops
from award_flow.core.errors import DomainError
from award_flow.extensions import db
from award_flow.proposals.models import Gender, PriorityGroup, ProposalState
from award_flow.web import file_size
from tests.factories import PDF_BYTES, decided_with_one_deferred, make_proposal
from tests.proposals.test_nominee_list import import_list, people
from tests.test_accessibility import in_english
from tests.test_translations import CATALOGUE
from tests.web_helpers import flashes, forms


def _text(html: str) -> str:
    """The page's text, tags removed and spaces folded (a sentence may hold a link)."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def hint_of(html: str, field_id: str) -> str:
    return unescape(re.search(rf'<p class="hint" id="{field_id}-hint">(.*?)</p>', html,
                              re.S).group(1))


# --- what is printed as typed is asked for in Vietnamese -----------------------------------


def test_the_achievement_hint_keeps_its_vietnamese_example_in_english(client, world, login):
    """Article 1 prints the achievement as typed ("đã có ..."): an English example would
    invite English into the decision."""
    login(world.officer_a)
    in_english(client, "/proposals/new")
    hint = hint_of(client.get("/proposals/new").text, "achievement")
    assert hint == ("Printed in Vietnamese in Article 1 of the decision, after “đã có”, e.g. "
                    "thành tích xuất sắc trong phong trào thi đua ... năm 2025. A text that "
                    "starts with “đã” (e.g. đã hoàn thành xuất sắc nhiệm vụ năm 2025) gets no "
                    "“đã có” before it.")


# --- headings over counts are plural ------------------------------------------------------

#: award → the nominees' section heading, in English (the Vietnamese has no plural).
NOMINEES_SECTIONS = {
    "GK_CN": "Nominees (2)",
    "GK_TT": "Nominated collectives (2)",
    "GK_HGD": "Nominated households (2)",
}


@pytest.mark.parametrize("award", list(NOMINEES_SECTIONS))
def test_the_nominees_section_is_headed_in_the_plural(client, world, login, award):
    people = (("Nguyễn Văn Út", "", "", Gender.MALE, PriorityGroup.NONE),
              ("Trần Thị Bích Ngọc", "", "", Gender.FEMALE, PriorityGroup.NONE))
    others = (("Tổ hòa giải ấp Cây Da", "", "Ấp Cây Da", None, PriorityGroup.NONE),
              ("Hộ ông Nguyễn Văn Út", "", "Ấp Giồng Ổi", None, PriorityGroup.NONE))
    proposal = make_proposal(world, award=award, nominees=people if award == "GK_CN" else others,
                             state=ProposalState.IN_COMMITTEE)
    db.session.commit()
    login(world.committee)
    in_english(client, f"/proposals/{proposal.id}")
    page = client.get(f"/proposals/{proposal.id}").text
    assert f"<h2>{NOMINEES_SECTIONS[award]}</h2>" in page
    # Its name column, as the nominee form labels the name.
    name = {"GK_CN": "Full name", "GK_TT": "Name of the collective",
            "GK_HGD": "Name of the household (head of household)"}[award]
    assert f"<thead><tr><th>#</th><th>{name}</th>" in page
    # The conclusion table's column holds one nominee a row: its heading stays singular.
    conclude = client.get(f"/proposals/{proposal.id}/conclude").text
    singular = {"GK_CN": "Nominee", "GK_TT": "Nominated collective",
                "GK_HGD": "Nominated household"}[award]
    assert f"<thead><tr><th>{singular}</th>" in conclude


def test_the_phases_count_their_proposals_under_a_plural_heading(client, world, login):
    make_proposal(world)
    db.session.commit()
    login(world.secretariat)
    path = f"/campaigns/{world.campaign.id}/phases"
    in_english(client, path)
    page = client.get(path).text
    assert '<th class="num">Proposals</th>' in page
    assert '<td class="num" data-label="Proposals">1</td>' in page


# --- counts and units take the plural -----------------------------------------------------


def test_a_small_file_is_counted_in_bytes_in_the_pages_language(client, world, login):
    proposal = make_proposal(world)  # its letter: PDF_BYTES, under a kilobyte
    db.session.commit()
    size = len(PDF_BYTES)
    login(world.officer_a)
    assert f'<small class="muted">{size} byte</small>' in client.get(
        f"/proposals/{proposal.id}").text
    in_english(client, f"/proposals/{proposal.id}")
    assert f'<small class="muted">{size} bytes</small>' in client.get(
        f"/proposals/{proposal.id}").text


def test_a_file_size_of_one_byte_is_singular_in_english(app):
    with app.test_request_context():
        session["lang"] = "en"
        assert (file_size(1), file_size(2), file_size(2048)) == ("1 byte", "2 bytes", "2 KB")


def test_the_priority_shares_count_in_the_singular_and_the_plural(client, world, login):
    """A decided proposal of two nominees, one awarded (a farmer), one deferred."""
    proposal = decided_with_one_deferred(world)
    login(world.secretariat)
    in_english(client, f"/proposals/{proposal.id}")
    assert "1 of 2 nominees in a priority group" in _text(
        client.get(f"/proposals/{proposal.id}").text)
    assert "1 of 1 awardee in a priority group" in _text(
        client.get(f"/decisions/{proposal.decision.id}").text)


def _refusal(action) -> str:  # noqa: ANN001
    """The message an operation refuses with, in English."""
    with force_locale("en"), pytest.raises(DomainError) as refused:
        action()
    db.session.rollback()
    return refused.value.message


def test_a_phase_or_campaign_with_one_proposal_says_so_in_the_singular(world):
    make_proposal(world)  # in world's campaign and Đợt 1
    db.session.commit()
    assert _refusal(lambda: campaign_ops.remove_phase(world.secretariat, world.phase)) == \
        "Đợt 1 cannot be removed: 1 proposal was filed in it."
    assert _refusal(lambda: campaign_ops.remove_campaign(world.secretariat, world.campaign)) == \
        "A campaign with 1 proposal cannot be removed."


def test_a_list_with_one_row_to_fix_says_so_in_the_singular(world):
    draft = make_proposal(world, award="LDTT", nominees=())
    db.session.commit()
    refusal = _refusal(lambda: import_list(
        world.officer_a, draft, people([1, "Nguyễn Văn Út", "Ông", "", "", "", ""])))
    assert refusal.splitlines()[0] == "Nobody was added: 1 row of the list needs fixing."


def test_switching_a_unit_off_counts_its_accounts_in_the_plural(client, world, login):
    login(world.admin)
    path = f"/admin/units/{world.unit_b.id}/edit"
    in_english(client, path)
    assert ("Untick to switch the unit off: its 2 accounts will no longer be able to sign in "
            "(until the unit is switched on again).") in unescape(client.get(path).text)


# --- numbers as the page writes them -------------------------------------------------------


def _rounding_options(html: str) -> list[str]:
    choices = re.search(r'<select[^>]*name="rounding-amount".*?</select>', html, re.S).group(0)
    return [unescape(o) for o in re.findall(r"<option[^>]*>(.*?)</option>", choices)]


def test_the_rounding_choices_write_amounts_as_the_page_does(client, world, login):
    login(world.admin)
    assert _rounding_options(client.get("/admin/base-salary").text)[3:5] == [
        "1.000 đồng", "10.000 đồng"]
    in_english(client, "/admin/base-salary")
    page = client.get("/admin/base-salary").text
    assert "₫2,340,000" in page
    assert _rounding_options(page) == [
        "To the đồng (no further rounding)", "₫10", "₫100", "₫1,000", "₫10,000", "₫100,000"]


def test_the_rounding_rule_reads_in_lower_case_within_its_sentence(client, world, login):
    """No rounding set: the rule is "to the đồng", a choice's label, in lower case after the
    sentence's colon."""
    login(world.admin)
    assert ("rồi làm tròn lên theo mức đang áp dụng: đến từng đồng (không làm tròn thêm)."
            in _text(client.get("/admin/base-salary").text))
    in_english(client, "/admin/base-salary")
    assert ("then rounded up by the rule in force: to the đồng (no further rounding)."
            in _text(client.get("/admin/base-salary").text))


# --- one name for one thing ----------------------------------------------------------------


def test_a_decision_refused_for_missing_texts_names_the_page_that_exists(client, world, login):
    proposal = make_proposal(world, state=ProposalState.AWAITING_DECISION)
    world.authority.decision_executors = ""
    db.session.commit()
    login(world.admin)
    in_english(client, "/admin/authority")
    page_name = re.search(r"<h1>(.*?)</h1>", client.get("/admin/authority").text).group(1)
    assert page_name == "Issuing authority"
    login(world.chairman)
    in_english(client, f"/proposals/{proposal.id}")
    (button,) = [f for f in forms(client.get(f"/proposals/{proposal.id}").text)
                 if f.action.endswith("/actions/approve")]
    response = client.post(button.action, data=button.data(), follow_redirects=True)
    (message,) = [text for category, text in flashes(response.text) if category == "error"]
    assert message.startswith("The decision cannot be issued yet: the issuing authority has "
                              "not filled in Executed by (Article 3).")
    assert f"on the “{page_name}” page." in message


#: Words the English interface does not use, each for the one it uses instead.
OTHER_WORDING = {
    # Signing in and out: "sign in", "sign out", "signed out".
    "log in": re.compile(r"\blog(?:ged)?[ -]?(?:in|out)\b|\blogin\b", re.I),
    # The page and the body are the "issuing authority" (its menu item and heading).
    "issuing body": re.compile(r"\bissuing body\b", re.I),
    # Cơ quan cấp trên, trình cấp trên: the "superior body" (docs/glossary.md).
    "parent body": re.compile(r"\bparent body\b|\bhigher level\b", re.I),
}


@pytest.mark.parametrize("avoided", list(OTHER_WORDING))
def test_english_uses_one_word_for_one_thing(avoided):
    with CATALOGUE.open("rb") as f:
        strings = [s for m in read_po(f) if m.id
                   for s in ((m.string,) if isinstance(m.string, str) else m.string)]
    assert [s for s in strings if OTHER_WORDING[avoided].search(s)] == []


def test_the_sign_in_page_and_the_sign_out_button_say_so_in_english(client, world, login):
    login(world.officer_a)
    in_english(client, "/work")
    page = client.get("/work").text
    assert re.search(r'<button class="button small secondary" type="submit">Sign out</button>',
                     page)
    (sign_out,) = [f for f in forms(page) if f.action == "/logout"]
    response = client.post(sign_out.action, data=sign_out.data(), follow_redirects=True)
    assert ("info", "You have been signed out.") in flashes(response.text)
    assert "<h1>Sign in</h1>" in response.text
    assert '<button class="button" type="submit">Sign in</button>' in response.text


# --- an operation's message writes dates and amounts as its page does ----------------------

def _refused_in(language: str, action) -> str:  # noqa: ANN001
    """The message an operation refuses with, on a page in `language`."""
    with force_locale(language), pytest.raises(DomainError) as refused:
        action()
    db.session.rollback()
    return refused.value.message


#: (refused action, page language) → the message. Dates and amounts inside a message are
#: the page's, as on the rest of the page: an English page does not read "01/8/2021".
MESSAGES_WITH_VALUES = {
    ("phase outside its campaign", "vi"):
        "Đợt thi đua phải trong thời gian của phong trào (01/8/2021 - 31/12/2025).",
    ("phase outside its campaign", "en"):
        "A phase must lie within the campaign's dates (Aug 1, 2021 - Dec 31, 2025).",
    ("coefficient already dated", "vi"): "Đã có hệ số áp dụng từ ngày 01/01/2024.",
    ("coefficient already dated", "en"): (
        "There is already a coefficient in force from Jan 1, 2024."),
    ("rounding out of range", "vi"):
        "Mức làm tròn tiền thưởng phải từ 1 đồng đến 100.000 đồng.",
    ("rounding out of range", "en"): "Bonus rounding must be between ₫1 and ₫100,000.",
}

REFUSED_ACTIONS = {
    "phase outside its campaign": lambda world: campaign_ops.save_phase(
        world.secretariat, world.campaign,
        campaign_ops.PhaseData("Đợt 9", date(2021, 1, 1), date(2021, 6, 30))),
    "coefficient already dated": lambda world: catalogue_ops.add_coefficient(
        world.admin, world.awards["LDTT"], Decimal("0.4"), date(2024, 1, 1), "Nghị định"),
    "rounding out of range": lambda world: catalogue_ops.add_dated_amount(
        world.admin, world.authority, catalogue_ops.BONUS_ROUNDING_SETTING, 200_000,
        date(2030, 1, 1), "Nghị định"),
}


@pytest.mark.parametrize(("action", "language"), list(MESSAGES_WITH_VALUES))
def test_a_refusal_writes_its_dates_and_amounts_in_the_pages_language(world, action, language):
    message = _refused_in(language, lambda: REFUSED_ACTIONS[action](world))
    assert message == MESSAGES_WITH_VALUES[action, language]
