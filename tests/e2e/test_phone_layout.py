"""On a phone (390 px): a long file name does not widen the page, the header keeps short
whatever the user's name (shown whole, wrapping, with the role), and a button under a title
keeps off the card below; on the red header, the focus ring shows."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from award_flow.auth.models import User
from award_flow.demo import SAMPLE_PDF
from award_flow.extensions import db
from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

#: The demo's draft of xã Long Hữu.
TITLE = "Đề nghị tặng Giấy khen cho cá nhân có thành tích xuất sắc Đợt 2"
#: A scanner's (or Zalo's) name: 60 characters, underscores, no space to break at.
LONG_NAME = "Bao_cao_thanh_tich_ca_nhan_Nguyen_Van_An_nam_2026_bangoc.pdf"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}


#: A test's `page` on a phone (pytest-playwright's marker: these context options win).
on_a_phone = pytest.mark.browser_context_args(**PHONE)


def overflow(page: Page) -> int:
    """How much wider than the screen the page is (0: no sideways scrolling)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


@on_a_phone
@pytest.mark.usefixtures("demo")
def test_a_long_file_name_does_not_widen_the_page_on_a_phone(page: Page) -> None:
    assert len(LONG_NAME) == 60
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    ui.open_from_my_work(TITLE)
    assert overflow(page) == 0

    page.get_by_label("Loại tài liệu").select_option(label="Báo cáo thành tích")
    page.get_by_label("Tệp", exact=True).set_input_files(
        {"name": LONG_NAME, "mimeType": "application/pdf", "buffer": SAMPLE_PDF})
    page.get_by_role("button", name="Tải lên", exact=True).click()
    ui.check()

    expect(page.get_by_role("link", name=LONG_NAME)).to_be_visible()
    # The name is in the dossier and again in the history.
    expect(page.locator("#history").get_by_text(LONG_NAME)).to_have_count(1)
    assert overflow(page) == 0
    link = page.get_by_role("link", name=LONG_NAME).bounding_box()
    assert link["x"] + link["width"] <= 390


@on_a_phone
@pytest.mark.usefixtures("demo")
def test_the_phone_header_shows_a_long_name_whole_with_the_role(page: Page) -> None:
    long_name = "Nguyễn Thị Thanh Thảo Nguyên Phương Hoàng"
    user = db.session.scalar(select(User).where(User.username == "noivu"))
    user.full_name = long_name
    db.session.commit()
    db.session.close()
    ui = UI(page)
    ui.log_in("noivu")

    who = page.locator(".topbar .who")
    # Who is signed in, in full and with the role, on the screen (not in a tooltip a finger
    # or a keyboard cannot reach); the unit is left out on a phone.
    expect(who).not_to_have_attribute("title", re.compile(".*"))
    expect(who.locator("strong")).to_have_text(long_name)
    expect(who.locator(".who-role")).to_be_visible()
    expect(who.locator(".who-role")).to_have_text("Cán bộ Cơ quan Tổ chức - Nội vụ")
    expect(who.locator(".who-unit")).to_be_hidden()
    rows = page.evaluate("""() => {
        const tops = [".brand", ".mainnav", ".who", ".topbar-side form:last-child button",
                      ".topbar-side form:first-child button"]
            .map(s => Math.round(document.querySelector(".topbar " + s)
                                   .getBoundingClientRect().top));
        return tops;
    }""")
    brand, nav, name, logout, language = rows
    assert brand < nav < name, rows
    # The navigation is one row (its links share a top), the campaigns' link included.
    tops = page.locator(".mainnav a").evaluate_all(
        "links => links.map(a => Math.round(a.getBoundingClientRect().top))")
    assert len(tops) == 4 and len(set(tops)) == 1, tops
    # Language, name and logout side by side, below the navigation; the name wraps, whole.
    assert nav < logout and nav < language, rows
    name_box = page.locator(".topbar .who strong")
    assert name_box.evaluate("e => e.scrollWidth <= e.clientWidth")  # not cut short
    lines = name_box.evaluate(
        "e => Math.round(e.getBoundingClientRect().height"
        " / parseFloat(getComputedStyle(e).lineHeight))")
    assert lines >= 2, lines
    for button in (".topbar-side form:last-child button", ".topbar-side form:first-child button"):
        box, who_box = page.locator(button).bounding_box(), who.bounding_box()
        # Side by side, not on top of each other.
        assert (box["x"] >= who_box["x"] + who_box["width"]
                or box["x"] + box["width"] <= who_box["x"])
    assert page.locator(".topbar").bounding_box()["height"] < 844 * 0.25
    assert overflow(page) == 0


@on_a_phone
@pytest.mark.usefixtures("demo")
def test_a_button_under_the_title_keeps_off_the_card_below(page: Page) -> None:
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    ui.open_from_my_work(TITLE)
    button = page.locator(".page-head > .button").bounding_box()
    card = page.locator(".page-head + * ").first.bounding_box()
    assert card["y"] - (button["y"] + button["height"]) >= 8


@pytest.mark.usefixtures("demo")
def test_the_focus_ring_shows_on_the_red_header(page: Page) -> None:
    ui = UI(page)
    ui.log_in("noivu")
    logout = page.get_by_role("button", name="Đăng xuất")
    for _ in range(30):
        page.keyboard.press("Tab")
        if logout.evaluate("b => b === document.activeElement"):
            break
    else:
        pytest.fail("the logout button was not reached with Tab")
    style = logout.evaluate("""b => { const s = getComputedStyle(b);
        return [s.outlineStyle, s.outlineColor, s.outlineWidth]; }""")
    assert style == ["solid", "rgb(255, 212, 59)", "3px"]


@on_a_phone
@pytest.mark.usefixtures("demo")
def test_the_decisions_filter_stays_folded_on_a_phone_and_the_list_fits(page: Page) -> None:
    ui = UI(page)
    ui.log_in("noivu")
    page.get_by_role("link", name="Quyết định").click()
    ui.check()
    filters = page.locator("details.filters-box")
    expect(filters).not_to_have_attribute("open", "")
    assert overflow(page) == 0

    page.get_by_text("Tìm kiếm và lọc").click()
    page.get_by_label("Đơn vị").select_option(label="Xã Long Hữu")
    page.get_by_role("button", name="Lọc", exact=True).click()
    ui.check()

    # The list comes first; the summary says a filter is on.
    expect(filters).not_to_have_attribute("open", "")
    expect(filters.locator("summary .badge")).to_have_text("đang lọc")
    units = page.locator("td[data-label='Đơn vị']")
    expect(units.first).to_be_visible()
    assert set(units.all_inner_texts()) == {"Xã Long Hữu"}
    assert overflow(page) == 0


@on_a_phone
@pytest.mark.usefixtures("demo")
def test_a_choice_is_a_fingers_height_and_its_legend_lines_up(page: Page) -> None:
    """The nominee's gender: each choice at least 24 px tall (WCAG 2.5.8), the whole label
    taking the tap, and "Giới tính" in line with the other fields' labels."""
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    ui.open_from_my_work(TITLE)
    page.locator("#nominees").get_by_role("link", name="+ Thêm").click()
    ui.check()
    choices = page.locator("fieldset.radios label.check")
    expect(choices).to_have_text(["Nam", "Nữ"])
    for choice in choices.all():
        assert choice.bounding_box()["height"] >= 24, choice.text_content()
    legend = page.locator("fieldset.radios legend").bounding_box()
    label = page.get_by_text("Họ và tên", exact=True).bounding_box()
    assert abs(legend["x"] - label["x"]) <= 1, (legend, label)
