"""A box with a length limit says how much is left near its end, and that a paste was cut
to fit (static/js/app.js): the browser cuts silently."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

PASTE = """(args) => {
    const [selector, text] = args;
    const box = document.querySelector(selector);
    const data = new DataTransfer();
    data.setData("text", text);
    box.focus();
    box.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                  cancelable: true}));
}"""


@pytest.mark.usefixtures("demo")
def test_the_achievement_box_counts_down_and_says_a_paste_was_cut(page: Page) -> None:
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    page.goto("/proposals/new")
    ui.check()
    box = page.get_by_label("Thành tích được khen thưởng")
    note = page.locator("#achievement + .chars-left")
    expect(note).to_be_hidden()

    box.fill("x" * 1990)
    expect(note).to_have_text("Còn 10 ký tự.")

    page.evaluate(PASTE, ["#achievement", "y" * 500])
    expect(note).to_have_text("Văn bản dán vào dài hơn giới hạn 2.000 ký tự: phần vượt quá "
                              "đã bị cắt bỏ.")
    box.fill("Thành tích xuất sắc")  # back well within the limit: nothing to say
    expect(note).to_be_hidden()
