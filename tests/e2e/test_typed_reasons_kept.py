"""A reason typed in a workflow box is not lost to a refusal: the page that says why nothing
was done has it back in the same box (static/js/app.js), and only there."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

#: The demo's proposal of xã Long Hữu that waits on the secretariat.
SUBMITTED = "Đề nghị tặng Giấy khen cho nông dân, công nhân tiêu biểu Đợt 1"
REASON = "1. Bổ sung biên bản họp bình xét.\n2. Ghi rõ chức vụ của ông Út."


@pytest.mark.usefixtures("demo")
def test_a_reason_refused_because_the_proposal_moved_is_there_again(page: Page) -> None:
    ui = UI(page)
    ui.log_in("noivu")
    ui.open_from_my_work(SUBMITTED)
    proposal_url = page.url
    # The same clerk, in another tab, accepts the proposal meanwhile.
    other = page.context.new_page()
    other.goto(page.url)
    other.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(other.get_by_text("Đang thẩm định", exact=True).first).to_be_visible()
    other.close()

    box = page.get_by_label("Lý do trả lại (bắt buộc)")
    box.fill(REASON)
    page.get_by_role("button", name="Trả lại, bổ sung hồ sơ").click()
    ui.check()

    expect(page.get_by_role("alert")).to_contain_text("vừa được người khác")
    expect(page.get_by_label("Lý do trả lại (bắt buộc)")).to_have_value(REASON)
    # Sent again from there, it is done; the next page has no reason left over.
    page.get_by_role("button", name="Trả lại, bổ sung hồ sơ").click()
    ui.flash(f"Đã trả lại hồ sơ cho đơn vị: “{SUBMITTED}”.")
    page.goto(proposal_url)
    ui.check()
    expect(page.locator(".banner .said")).to_have_text(REASON)  # on its two lines
