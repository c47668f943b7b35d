"""In the browser: a session left idle warns before it ends, and goes on when the user says so;
left alone, it ends, keeping what was typed in the page; signed in again, the user is back on
the page with it filled in; another user of the computer never sees it. (The limit is made a
few seconds long here; it is 30 minutes by default.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from award_flow.demo import DEMO_PASSWORD
from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

#: 6 seconds: the warning shows 3 seconds before the end (half the limit, at most 2 minutes).
LIMIT_MINUTES = 0.1
ACHIEVEMENT = "Đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” năm 2025"


def _sign_in_again(page: Page, username: str) -> None:
    page.get_by_label("Tên đăng nhập", exact=True).fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()


def _left_alone_until_it_ends(page: Page) -> None:
    notice = page.get_by_role("alertdialog")
    expect(notice).to_contain_text("Phiên đăng nhập đã kết thúc vì không hoạt động.",
                                   timeout=15000)
    notice.get_by_role("link", name="Đăng nhập lại").click()


@pytest.mark.usefixtures("demo")
def test_an_idle_session_warns_ends_and_gives_back_what_was_typed(page: Page, app,
                                                                 monkeypatch) -> None:
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", LIMIT_MINUTES)
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    page.get_by_role("link", name="Lập tờ trình mới").click()
    ui.check()
    url = page.url

    warning = page.get_by_role("alertdialog")
    expect(warning).to_contain_text("Phiên đăng nhập sắp kết thúc vì không hoạt động.",
                                    timeout=8000)
    keep = warning.get_by_role("button", name="Tiếp tục làm việc")
    expect(keep).to_be_focused()
    keep.click()
    expect(warning).to_have_count(0)

    # Typing keeps the session going; then the clerk leaves the computer, having chosen an
    # award and a phase too.
    page.get_by_label("Thành tích được khen thưởng").press_sequentially(ACHIEVEMENT[:40])
    page.get_by_label("Thành tích được khen thưởng").fill(ACHIEVEMENT)
    award = page.get_by_label("Danh hiệu, hình thức khen thưởng")
    award.select_option(index=2)
    chosen_award = award.input_value()
    phase = page.get_by_label("Đợt thi đua")
    phase.select_option(index=1)
    chosen_phase = phase.input_value()
    assert chosen_award and chosen_phase
    expect(warning).to_contain_text("Những gì bạn đã nhập trên trang này chưa được gửi",
                                    timeout=15000)
    warning.get_by_role("link", name="Đăng nhập lại").click()
    ui.check()
    expect(page.locator("main").get_by_role("status")).to_contain_text(
        "Phiên đăng nhập đã kết thúc vì không hoạt động quá 1 phút. Hãy đăng nhập lại.")

    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 30)
    _sign_in_again(page, "canbo.longhuu")
    ui.check()
    assert page.url == url
    expect(page.get_by_label("Thành tích được khen thưởng")).to_have_value(ACHIEVEMENT)
    expect(page.get_by_label("Danh hiệu, hình thức khen thưởng")).to_have_value(chosen_award)
    expect(page.get_by_label("Đợt thi đua")).to_have_value(chosen_phase)
    expect(page.locator("main").get_by_role("status")).to_contain_text(
        "Đã điền lại những gì bạn nhập trước khi phiên đăng nhập kết thúc.")


@pytest.mark.usefixtures("demo")
def test_what_was_typed_is_never_given_to_another_user(page: Page, app, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", LIMIT_MINUTES)
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    page.get_by_role("link", name="Lập tờ trình mới").click()
    page.get_by_label("Thành tích được khen thưởng").fill(ACHIEVEMENT)
    _left_alone_until_it_ends(page)

    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 30)
    _sign_in_again(page, "canbo.phuong1")  # the next clerk at the same computer
    ui.check()
    expect(page.get_by_label("Thành tích được khen thưởng")).to_have_value("")
    assert page.evaluate("window.sessionStorage.getItem('award_flow.typed')") is None
