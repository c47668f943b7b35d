"""A move that cannot be undone asks first; answering "no" sends nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Request, expect

from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

#: The demo's draft of xã Long Hữu.
TITLE = "Đề nghị tặng Giấy khen cho cá nhân có thành tích xuất sắc Đợt 2"


#: The unit head's button → what the question says, what the page says once it is done, and
#: the state the proposal is then in.
ASKING = {
    "withdraw": ("Rút tờ trình", "không được xử lý tiếp", "Đã rút tờ trình.", "Đã rút"),
    "submit": ("Gửi tờ trình", "không sửa được hồ sơ", "Đã gửi tờ trình.", "Đã gửi"),
}


@pytest.mark.parametrize("action", list(ASKING))
@pytest.mark.usefixtures("demo")
def test_withdrawing_or_sending_asks_first_and_no_means_nothing_happens(page: Page,
                                                                        action: str) -> None:
    button, question, done, state = ASKING[action]
    posts: list[Request] = []
    page.on("request", lambda r: posts.append(r) if (
        r.method == "POST" and r.url.endswith(f"/actions/{action}")) else None)
    ui = UI(page)
    ui.log_in("thutruong.longhuu")
    ui.open_from_my_work(TITLE)

    ui.answer_yes = False
    page.get_by_role("button", name=button).click()
    ui.was_asked(question)
    page.wait_for_timeout(300)
    assert posts == []
    ui.state_is("Bản nháp")

    ui.answer_yes = True
    page.get_by_role("button", name=button).click()
    ui.flash(done)
    assert len(posts) == 1
    expect(page.get_by_text(state, exact=True).first).to_be_visible()
    ui.check()
