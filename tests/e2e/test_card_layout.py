"""On a wide screen (1366 px): a proposal with nothing left to do shows its details across
the row, not beside an empty column; the committee's three choices for a nominee stand one
under another, each on one line; a card's padding is its only top edge."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

#: The demo's decided proposal and its proposal in committee, both of xã Long Hữu.
DECIDED = "Đề nghị tặng Giấy khen cho tập thể nhỏ"
IN_COMMITTEE = "Đề nghị tặng Giấy khen cho lực lượng vũ trang xã"
WIDE = pytest.mark.browser_context_args(viewport={"width": 1366, "height": 800})


def _open_conclusion(page: Page) -> UI:
    ui = UI(page)
    ui.log_in("thuongtruc")
    ui.open_from_my_work(IN_COMMITTEE)
    page.get_by_role("link", name="Kết luận xét duyệt").click()
    ui.check()
    expect(page.get_by_role("heading", level=1,
                            name="Kết luận của Thường trực Hội đồng")).to_be_visible()
    return ui


@WIDE
@pytest.mark.usefixtures("demo")
def test_a_proposal_with_nothing_to_do_shows_its_details_across_the_row(page: Page) -> None:
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    page.get_by_role("link", name="Tờ trình", exact=True).click()
    ui.check()
    page.get_by_role("link", name=DECIDED, exact=True).click()
    ui.check()
    # Nothing for the officer to do: no "Xử lý" card beside the details.
    expect(page.locator("#actions")).to_have_count(0)
    grid = page.locator(".grid-2").bounding_box()
    details = page.locator(".grid-2 > .card").bounding_box()
    assert details["width"] >= grid["width"] - 1, (details, grid)


@WIDE
@pytest.mark.usefixtures("demo")
def test_the_committee_choices_stand_one_under_another(page: Page) -> None:
    _open_conclusion(page)
    boxes = [label.bounding_box() for label in page.locator("table .inline-radios label").all()]
    assert len(boxes) == 3, boxes
    assert len({round(b["x"]) for b in boxes}) == 1, boxes  # one column
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"], boxes
    line = page.locator("table .inline-radios label").first.evaluate(
        "e => parseFloat(getComputedStyle(e).lineHeight)")
    assert all(b["height"] < 1.5 * line for b in boxes), boxes  # none wraps


@WIDE
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
