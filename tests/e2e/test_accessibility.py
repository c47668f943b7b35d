"""In the browser: where the focus goes and what a screen reader is told after a refusal or a
change made on the page; fields that can be seen (WCAG 1.4.11); the decision list at 200 %
zoom on a laptop, and state badges at 320 px with WCAG 1.4.12's text spacing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

#: The demo's proposals: xã Long Hữu's submitted one, and the one before the committee.
SUBMITTED = "Đề nghị tặng Giấy khen cho nông dân, công nhân tiêu biểu Đợt 1"
IN_COMMITTEE = "Đề nghị tặng Giấy khen cho lực lượng vũ trang xã"
DRAFT = "Đề nghị tặng Giấy khen cho cá nhân có thành tích xuất sắc Đợt 2"
#: WCAG 1.4.12's text spacing, as a user's style sheet would set it.
TEXT_SPACING = ("* { line-height: 1.5 !important; letter-spacing: 0.12em !important; "
                "word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }")

CONTRAST = """([a, b]) => {
    const rgb = s => s.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
    const lum = c => { const [r, g, b] = c.map(v => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
}"""


def overflow(page: Page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.usefixtures("demo")
def test_form_fields_show_their_edges(page: Page) -> None:
    """A field's border contrasts at least 3:1 with the card and with the page around it."""
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    page.goto("/proposals/new")
    ui.check()
    for selector in ("#title", "#campaign_id", "#achievement"):
        border = page.locator(selector).evaluate("e => getComputedStyle(e).borderTopColor")
        for background in ("rgb(255, 255, 255)", "rgb(245, 246, 248)"):  # card, page
            ratio = page.evaluate(CONTRAST, [border, background])
            assert ratio >= 3, (selector, border, background, ratio)


@pytest.mark.usefixtures("demo")
def test_an_empty_upload_is_answered_by_the_server_in_the_page_language(page: Page) -> None:
    """No browser tooltip (in the browser's language): the server's messages, next to the
    file input, focused so that they are read out."""
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    ui.open_from_my_work(DRAFT)
    files = page.locator("#dossier .files li").count()
    page.get_by_role("button", name="Tải lên", exact=True).click()
    ui.check()

    alerts = page.locator("#dossier").get_by_role("alert")
    expect(alerts).to_have_text(["Hãy chọn loại tài liệu.", "Hãy chọn một tệp."])
    expect(alerts.first).to_be_focused()
    expect(page.locator("#dossier .files li")).to_have_count(files)  # nothing added


@pytest.mark.usefixtures("demo")
def test_an_empty_reason_is_answered_by_the_server_and_focused(page: Page) -> None:
    ui = UI(page)
    ui.log_in("noivu")
    ui.open_from_my_work(SUBMITTED)
    page.locator("form[action$='/actions/return'] button[type=submit]").click()
    ui.check()

    # The keyboard is in the box that was missing, which says what it needs (and is read out
    # with it: aria-describedby); the page is at the "Xử lý" card, not at its top.
    box = page.get_by_label("Lý do trả lại (bắt buộc)")
    expect(box).to_be_focused()
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#" + box.get_attribute("aria-describedby"))).to_have_text(
        "Cần ghi lý do trả lại hồ sơ.")
    assert page.url.endswith("#actions")
    # Still where it was: the button is offered again.
    expect(page.locator("form[action$='/actions/return'] button[type=submit]")).to_be_visible()


@pytest.mark.usefixtures("demo")
def test_a_missing_conclusion_takes_the_focus_to_its_group(page: Page) -> None:
    ui = UI(page)
    ui.log_in("thuongtruc")
    ui.open_from_my_work(IN_COMMITTEE)
    page.get_by_role("link", name="Kết luận xét duyệt").click()
    ui.check()
    page.get_by_role("button", name="Ghi nhận kết luận").click()
    ui.check()

    expect(page.get_by_role("alert")).to_contain_text("còn 1 trường hợp chưa chọn kết luận")
    group = page.get_by_role("radiogroup")
    expect(group).to_have_attribute("aria-invalid", "true")
    expect(group).to_have_accessible_description("Chưa chọn kết luận")
    expect(group.get_by_role("radio").first).to_be_focused()
    assert page.title().startswith("Lỗi: Kết luận xét duyệt: ")


@pytest.mark.usefixtures("demo")
def test_choosing_for_all_is_a_named_group_and_is_announced(page: Page) -> None:
    ui = UI(page)
    ui.log_in("thuongtruc")
    ui.open_from_my_work(IN_COMMITTEE)
    page.get_by_role("link", name="Kết luận xét duyệt").click()
    ui.check()

    bar = page.get_by_role("group", name="Chọn cho tất cả:")
    expect(bar).to_be_visible()
    bar.get_by_role("button", name="Hoãn xét cho tất cả").click()

    expect(page.get_by_role("radio", name="Hoãn xét")).to_be_checked()
    expect(page.locator("#live-status")).to_have_text("Đã chọn “Hoãn xét” cho 1 trường hợp.")
    expect(page.locator("#live-status")).to_have_attribute("role", "status")


@pytest.mark.browser_context_args(viewport={"width": 683, "height": 700})
@pytest.mark.usefixtures("demo")
def test_the_decision_list_fits_at_200_percent_zoom_on_a_laptop(page: Page) -> None:
    """683 px: a 1366 px laptop at 200 %. The rows become cards: the total is whole and the
    subject reads as a line, not a word a line."""
    ui = UI(page)
    ui.log_in("noivu")
    page.goto("/decisions/")
    ui.check()

    wrap = page.locator(".table-wrap")
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth"), "the table is cut off"
    total = page.locator("td[data-label='Tổng tiền thưởng']").first
    box, frame = total.bounding_box(), wrap.bounding_box()
    assert box["x"] + box["width"] <= frame["x"] + frame["width"]
    assert total.evaluate("e => e.scrollWidth <= e.clientWidth")
    subject = page.locator("td.text").first
    line = float(subject.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
    assert subject.bounding_box()["height"] <= 3 * line
    assert overflow(page) == 0


@pytest.mark.browser_context_args(viewport={"width": 320, "height": 640}, bypass_csp=True)
@pytest.mark.usefixtures("demo")
def test_state_badges_wrap_at_320_px_with_text_spacing(page: Page) -> None:
    ui = UI(page)
    ui.log_in("thuongtruc")
    # The longest state names, in both languages.
    for switch in (None, "English"):
        if switch:
            page.get_by_role("button", name=switch).click()
            ui.check()
        page.goto("/work")
        ui.check()
        page.add_style_tag(content=TEXT_SPACING)
        page.wait_for_timeout(50)
        expect(page.locator(".badge.state-in_committee").first).to_be_visible()
        assert overflow(page) == 0, switch


@pytest.mark.usefixtures("demo")
def test_the_status_region_says_an_upload_is_on_its_way(page: Page) -> None:
    """Not inside an aria-busy form, which would keep a screen reader quiet."""
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    ui.open_from_my_work(DRAFT)
    page.route("**/attachments", lambda route: None)  # the answer is held back
    page.get_by_label("Loại tài liệu").select_option(label="Biên bản họp")
    page.get_by_label("Tệp", exact=True).set_input_files(
        {"name": "b.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n"})
    page.get_by_role("button", name="Tải lên", exact=True).click()

    status = page.locator("#live-status")
    expect(status).to_have_text("Đang tải lên…")
    assert status.evaluate("e => !e.closest('[aria-busy]') && !e.closest('main')")
    expect(page.locator("[aria-busy]")).to_have_count(0)
