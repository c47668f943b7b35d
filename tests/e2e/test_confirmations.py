"""A move that cannot be undone asks first; answering "no" sends nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Request, expect

from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

#: The demo's draft of xã Long Hữu.
TITLE = "Đề nghị tặng Giấy khen cho cá nhân có thành tích xuất sắc Đợt 2"


@pytest.mark.usefixtures("demo")
def test_withdrawing_asks_first_and_no_means_nothing_happens(page: Page) -> None:
    posts: list[Request] = []
    page.on("request", lambda r: posts.append(r) if (
        r.method == "POST" and r.url.endswith("/actions/withdraw")) else None)
    ui = UI(page)
    ui.log_in("thutruong.longhuu")
    ui.open_from_my_work(TITLE)

    ui.answer_yes = False
    page.get_by_role("button", name="Rút tờ trình").click()
    ui.was_asked("không được xử lý tiếp")
    page.wait_for_timeout(300)
    assert posts == []
    ui.state_is("Bản nháp")

    ui.answer_yes = True
    page.get_by_role("button", name="Rút tờ trình").click()
    ui.flash("Đã rút tờ trình.")
    assert len(posts) == 1
    expect(page.get_by_text("Đã rút", exact=True).first).to_be_visible()
    ui.check()
