"""What a review of every page at 1366 px and on a phone found out of place: a proposal with
nothing to act on left half the width empty, and its campaign was cut short ("…") with the
phase split over two lines; the search box's example was cut off, and the filters' checkbox
stood level with the labels instead of the boxes; the conclusion's comment box touched the
table above it, the committee's three choices for a nominee wrapped as two on a line and
one below, a card's first paragraph doubled its top padding, and a radio group's legend and
circles stood out of line with the labels around them; the Standing Committee's state was
the very orange of "Ưu tiên" beside it; and on a phone the file chooser's button was 21 px
high. And a nominee's summary of achievements was cut at 160 characters (240 on the
conclusion page) with no way to read the rest.

A later review found three more: the filters' "Lọc" a few px off the fields beside it (a
select stood 2.8 px shorter than the search box, and a label on two lines put its box a
line lower); the catalogue's "Khen cho" ("Cá nhân", "Hộ gia đình") wrapping at 1366 px; and
on a phone the admin's five links wrapping ragged, three then two. The form of a proposal
still had its selects 2.8 px shorter than the title's box above them."""

from __future__ import annotations

import colorsys
import re
from itertools import pairwise

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from award_flow.extensions import db
from award_flow.proposals.models import Nominee
from tests.e2e.test_phone_layout import on_a_phone, overflow
from tests.e2e.ui import UI
from tests.proposals.test_proposal_page import LONG_SUMMARY

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

#: The demo's decided proposal of xã Long Hữu: the unit officer has nothing to do on it.
DECIDED = "Đề nghị tặng Giấy khen cho tập thể nhỏ"
#: The demo's draft of xã Long Hữu, in phase "Đợt 2".
DRAFT = "Đề nghị tặng Giấy khen cho cá nhân có thành tích xuất sắc Đợt 2"
#: The demo's proposal before the Standing Committee.
IN_COMMITTEE = "Đề nghị tặng Giấy khen cho lực lượng vũ trang xã"


def _open_conclusion(page: Page) -> UI:
    """The Standing Committee member on the conclusion page of the proposal in committee."""
    ui = UI(page)
    ui.log_in("thuongtruc")
    ui.open_from_my_work(IN_COMMITTEE)
    page.get_by_role("link", name="Kết luận xét duyệt").click()
    ui.check()
    return ui


def _open_from_all_proposals(page: Page, ui: UI, title: str) -> None:
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Tờ trình", exact=True).click()
    ui.check()
    page.get_by_role("link", name=title, exact=True).click()
    ui.check()


@pytest.mark.usefixtures("demo")
def test_a_proposal_with_nothing_to_do_uses_the_whole_width(page: Page) -> None:
    page.set_viewport_size({"width": 1366, "height": 800})
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    _open_from_all_proposals(page, ui, DECIDED)
    expect(page.locator("#actions")).to_have_count(0)

    facts = page.get_by_role("heading", name="Thông tin tờ trình").locator("..").bounding_box()
    nominees = page.locator("#nominees").bounding_box()
    assert abs(facts["width"] - nominees["width"]) < 1, (facts, nominees)


@pytest.mark.usefixtures("demo")
def test_with_something_to_do_the_actions_stand_beside_the_facts(page: Page) -> None:
    page.set_viewport_size({"width": 1366, "height": 800})
    ui = UI(page)
    ui.log_in("thuongtruc")
    ui.open_from_my_work(IN_COMMITTEE)
    facts = page.get_by_role("heading", name="Thông tin tờ trình").locator("..").bounding_box()
    actions = page.locator("#actions").bounding_box()
    assert actions["x"] > facts["x"] + facts["width"]
    assert abs(actions["y"] - facts["y"]) < 1


def _placeholder_fits(page: Page) -> bool:
    """Does the search box show its whole example (measured in the box's own font)?"""
    return page.locator("input[name=q]").evaluate("""box => {
        const style = getComputedStyle(box);
        const context = document.createElement("canvas").getContext("2d");
        context.font = style.font;
        const room = box.clientWidth - parseFloat(style.paddingLeft)
                     - parseFloat(style.paddingRight);
        return context.measureText(box.placeholder).width <= room;
    }""")


@pytest.mark.usefixtures("demo")
def test_the_search_example_shows_whole_on_a_laptop(page: Page) -> None:
    page.set_viewport_size({"width": 1366, "height": 800})
    ui = UI(page)
    ui.log_in("noivu")
    expect(page.locator("input[name=q]")).to_be_visible()
    assert _placeholder_fits(page)
    # The checkbox among the filters stands level with the boxes beside it.
    check = page.get_by_label("Chỉ tờ trình ưu tiên").bounding_box()
    state = page.get_by_label("Trạng thái").bounding_box()
    middle = lambda box: box["y"] + box["height"] / 2  # noqa: E731
    assert abs(middle(check) - middle(state)) < 4, (check, state)


@on_a_phone
@pytest.mark.usefixtures("demo")
def test_the_search_example_shows_whole_on_a_phone(page: Page) -> None:
    ui = UI(page)
    ui.log_in("noivu")
    page.get_by_text("Tìm kiếm và lọc").click()
    expect(page.locator("input[name=q]")).to_be_visible()
    assert _placeholder_fits(page)
    assert overflow(page) == 0


@on_a_phone
@pytest.mark.usefixtures("demo")
def test_the_phase_is_not_split_over_two_lines(page: Page) -> None:
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    ui.open_from_my_work(DRAFT)
    head = page.locator(".page-head .muted").first
    # The campaign's name whole: its years tell it from the next plan's.
    expect(head).to_contain_text("kế hoạch 5 năm (2021 - 2025)")
    phase = head.locator(".whole")
    expect(phase).to_have_text("Đợt 2")
    lines = phase.evaluate("e => e.getClientRects().length")
    assert lines == 1
    assert overflow(page) == 0


@pytest.mark.usefixtures("demo")
def test_the_conclusion_comment_keeps_off_the_table(page: Page) -> None:
    _open_conclusion(page)
    table = page.locator("form .table-wrap").bounding_box()
    label = page.get_by_text("Ý kiến của Thường trực Hội đồng (không bắt buộc)").bounding_box()
    assert label["y"] - (table["y"] + table["height"]) >= 12


@pytest.mark.usefixtures("demo")
def test_the_committee_choices_stand_one_under_another(page: Page) -> None:
    page.set_viewport_size({"width": 1366, "height": 800})
    _open_conclusion(page)
    boxes = [label.bounding_box() for label in page.locator("table .inline-radios label").all()]
    assert len(boxes) == 3, boxes
    assert len({round(b["x"]) for b in boxes}) == 1, boxes  # one column
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"], boxes
    line = page.locator("table .inline-radios label").first.evaluate(
        "e => parseFloat(getComputedStyle(e).lineHeight)")
    assert all(b["height"] < 1.5 * line for b in boxes), boxes  # none wraps


@pytest.mark.usefixtures("demo")
def test_a_card_starts_at_its_padding(page: Page) -> None:
    """The back link at the top of the conclusion's card: no paragraph margin above it."""
    _open_conclusion(page)
    gap = page.locator("main > .card").evaluate("""card => {
        const pad = parseFloat(getComputedStyle(card).paddingTop)
                    + parseFloat(getComputedStyle(card).borderTopWidth);
        return card.firstElementChild.getBoundingClientRect().top
               - card.getBoundingClientRect().top - pad;
    }""")
    assert abs(gap) <= 1, gap


@pytest.mark.usefixtures("demo")
def test_a_select_is_as_tall_as_a_text_box(page: Page) -> None:
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    page.goto("/proposals/new")
    ui.check()
    title = page.get_by_label("Trích yếu tờ trình").bounding_box()
    for label in ("Phong trào thi đua", "Danh hiệu, hình thức khen thưởng"):
        box = page.get_by_label(label).bounding_box()
        assert abs(box["height"] - title["height"]) < 0.5, (label, box, title)


@pytest.mark.usefixtures("demo")
def test_a_radio_group_lines_up_with_the_fields_around_it(page: Page) -> None:
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    ui.open_from_my_work(DRAFT)
    page.get_by_role("link", name="+ Thêm").click()
    ui.check()
    name_label = page.locator("label[for=name]").bounding_box()
    legend = page.locator("fieldset.radios legend").bounding_box()
    circle = page.get_by_label("Nam", exact=True).bounding_box()
    words = page.locator("fieldset.radios label.check").first.bounding_box()
    assert abs(legend["x"] - name_label["x"]) < 1, (legend, name_label)
    assert abs(circle["x"] - name_label["x"]) < 1, (circle, name_label)
    # The circle in the middle of its line.
    assert abs((circle["y"] + circle["height"] / 2) - (words["y"] + words["height"] / 2)) < 2


@pytest.mark.usefixtures("demo")
def test_the_committees_state_does_not_look_like_the_priority_mark(page: Page) -> None:
    ui = UI(page)
    ui.log_in("thuongtruc")
    card = page.locator(".proposal-card", has=page.locator(".state-in_committee")).first
    colours = [card.locator(selector).evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]")
        for selector in (".state-in_committee", ".badge.priority")]
    # Another hue, not a shade of the same orange: backgrounds and text alike.
    for state, priority in zip(*colours, strict=True):
        assert _hue_apart(state, priority) > 60, colours


def _hue_apart(one: str, other: str) -> float:
    """How far apart, in degrees of hue, two CSS "rgb(r, g, b)" colours are."""
    def hue(colour: str) -> float:
        red, green, blue = (int(n) / 255 for n in re.findall(r"\d+", colour)[:3])
        return colorsys.rgb_to_hls(red, green, blue)[0] * 360

    apart = abs(hue(one) - hue(other))
    return min(apart, 360 - apart)


@on_a_phone
@pytest.mark.usefixtures("demo")
def test_the_file_choosers_are_big_enough_to_tap(page: Page) -> None:
    """WCAG 2.5.8: at least 24 × 24 px; the app's own buttons are 40 px high."""
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    ui.open_from_my_work(DRAFT)
    summary = page.get_by_text("Nhập danh sách từ tệp Excel")
    assert summary.bounding_box()["height"] >= 32
    summary.click()
    for label in ("Tệp danh sách (.xlsx)", "Tệp"):
        chooser = page.get_by_label(label, exact=True)
        expect(chooser).to_be_visible()
        button = chooser.evaluate("""e => { const s = getComputedStyle(e, "::file-selector-button");
            return parseFloat(s.minHeight); }""")
        assert button >= 40, (label, button)
        assert chooser.bounding_box()["height"] >= 40, label
    assert overflow(page) == 0


@on_a_phone
@pytest.mark.usefixtures("demo")
def test_the_committee_reads_a_long_summary_whole_on_a_phone(page: Page) -> None:
    nominee = db.session.scalar(select(Nominee).where(Nominee.name == "Lâm Văn Đức"))
    nominee.achievement_summary = LONG_SUMMARY
    db.session.commit()
    db.session.close()
    _open_conclusion(page)

    whole = page.locator(".long-text-all")
    expect(whole).to_be_hidden()
    page.get_by_text("Xem toàn bộ").click()
    expect(whole).to_be_visible()
    expect(whole).to_have_text(LONG_SUMMARY)
    # Its lines as the unit typed them, and the start no longer shown twice.
    assert whole.evaluate("e => getComputedStyle(e).whiteSpace") == "pre-line"
    expect(page.locator(".long-text-start")).to_be_hidden()
    page.get_by_text("Thu gọn").click()
    expect(whole).to_be_hidden()
    assert overflow(page) == 0


#: Per grid row of a filter form (by its items' top), each field's and button's name or text
#: and its bottom edge; the checkbox is left out (it stands level with the boxes, above).
_FILTER_ROWS = """form => {
    const rows = {};
    for (const item of form.children) {
        if (item.matches(".check")) continue;
        const top = Math.round(item.getBoundingClientRect().top);
        for (const control of item.querySelectorAll("input, select, .button")) {
            (rows[top] ||= []).push([control.name || control.textContent.trim(),
                                     control.getBoundingClientRect().bottom]);
        }
    }
    return Object.values(rows);
}"""


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("width", [1366, 800])
def test_the_filter_button_and_the_fields_beside_it_end_on_one_line(page: Page,
                                                                    width: int) -> None:
    """The review saw "Lọc" a few px off the fields beside it: the search box was 2.8 px
    taller than a select, so a row holding both could not end on one line, and the button
    lined up with one of them only; at 800 px a label on two lines put its box a line lower
    than its neighbours'."""
    page.set_viewport_size({"width": width, "height": 800})
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    off = []
    for link in ("Việc của tôi", "Tờ trình", "Quyết định"):
        nav.get_by_role("link", name=link, exact=True).click()
        ui.check()
        expect(page.get_by_role("button", name="Lọc", exact=True)).to_be_visible()
        rows = page.locator("form.filters").evaluate(_FILTER_ROWS)
        beside = [row for row in rows if "Lọc" in (name for name, _ in row)]
        assert len(beside) == 1 and len(beside[0]) > 1, (link, rows)  # with fields beside it
        off += [(link, row) for row in rows
                if max(b for _, b in row) - min(b for _, b in row) >= 0.5]
    assert not off, off


#: How many lines an element's text takes (the tops of its line boxes).
_LINES = """e => { const range = document.createRange(); range.selectNodeContents(e);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; }"""


@pytest.mark.usefixtures("demo")
def test_the_catalogue_says_whom_an_award_is_for_and_its_state_on_one_line(page: Page) -> None:
    """The review saw the catalogue's "Khen cho" wrap at 1366 px ("Cá / nhân", "Hộ gia /
    đình"), and its state ("Đang áp / dụng"), while the columns beside them had room to give
    (the household's "1,5 × tiền thưởng GK_CN" took it on one line); on a phone the rows stay
    cards."""
    page.set_viewport_size({"width": 1366, "height": 800})
    ui = UI(page)
    ui.log_in("admin", lands_on="Tài khoản")
    page.get_by_role("link", name="Danh mục khen thưởng").click()
    ui.check()
    kinds = page.locator("td[data-label='Khen cho']")
    expect(kinds.first).to_be_visible()
    assert set(kinds.all_inner_texts()) == {"Cá nhân", "Tập thể", "Hộ gia đình"}
    assert set(kinds.evaluate_all(f"cells => cells.map({_LINES})")) == {1}
    assert page.get_by_role("columnheader", name="Khen cho").evaluate(_LINES) == 1
    states = page.locator("td[data-label='Trạng thái']")
    assert set(states.all_inner_texts()) == {"Đang áp dụng"}
    assert set(states.evaluate_all(f"cells => cells.map({_LINES})")) == {1}
    assert overflow(page) == 0

    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_role("columnheader", name="Khen cho")).to_be_hidden()
    # A card's line, which wraps like the others there.
    assert kinds.first.evaluate("e => [getComputedStyle(e).display,"
                                " getComputedStyle(e).whiteSpace]") == ["block", "normal"]
    assert overflow(page) == 0


@on_a_phone
@pytest.mark.usefixtures("demo")
def test_the_admin_menu_fills_its_rows_evenly_on_a_phone(page: Page) -> None:
    """The review saw the admin's five links wrap ragged on a phone, three then two, each
    row ending where its words did: now each row is shared out across the screen, whole
    links, one gap between them and between the rows, and the page no wider."""
    ui = UI(page)
    ui.log_in("admin", lands_on="Tài khoản")
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    # On the catalogue's page its link, on the second row, is the current one.
    nav.get_by_role("link", name="Danh mục khen thưởng").click()
    ui.check()
    links = nav.get_by_role("link")
    expect(links).to_have_count(5)
    assert set(links.evaluate_all(f"links => links.map({_LINES})")) == {1}  # whole words
    edge = nav.bounding_box()
    rows: dict[int, list[dict]] = {}
    for box in (link.bounding_box() for link in links.all()):
        rows.setdefault(round(box["y"]), []).append(box)
    assert len(rows) == 2, rows
    gaps = []
    for row in rows.values():
        assert abs(row[0]["x"] - edge["x"]) < 1, (row, edge)
        assert abs(row[-1]["x"] + row[-1]["width"] - (edge["x"] + edge["width"])) < 1, (row, edge)
        gaps += [b["x"] - (a["x"] + a["width"]) for a, b in pairwise(row)]
    first, second = rows.values()
    gaps.append(second[0]["y"] - (first[0]["y"] + first[0]["height"]))
    assert max(gaps) - min(gaps) < 1, gaps
    assert edge["x"] >= 0 and edge["x"] + edge["width"] <= 390
    assert page.locator(".topbar").bounding_box()["height"] < 844 * 0.25
    assert overflow(page) == 0


def _menu_rows(page: Page) -> list[list[dict]]:
    rows: dict[int, list[dict]] = {}
    for link in page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link").all():
        box = link.bounding_box()
        rows.setdefault(round(box["y"]), []).append(box)
    return list(rows.values())


@pytest.mark.usefixtures("demo")
def test_the_secretariats_menu_is_one_row_on_a_phone_or_two_even_ones_on_the_narrowest(
        page: Page) -> None:
    """The review saw the secretariat's four links wrap three then one on a phone of 360 px
    (a common Android width) and 320 px: one row from 360 px, and below, two rows of two
    links as wide as each other, the page no wider."""
    page.set_viewport_size({"width": 360, "height": 800})
    ui = UI(page)
    ui.log_in("noivu", lands_on="Việc của tôi")
    assert [len(row) for row in _menu_rows(page)] == [4]
    assert overflow(page) == 0

    page.set_viewport_size({"width": 320, "height": 800})
    rows = _menu_rows(page)
    assert [len(row) for row in rows] == [2, 2]
    widths = [box["width"] for row in rows for box in row]
    assert max(widths) - min(widths) < 1, widths
    assert overflow(page) == 0
