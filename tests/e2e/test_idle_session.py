"""In the browser: a session left idle warns before it ends, and goes on when the user says so;
left alone, it ends, the page says what is lost, and signing in again comes back to the page.
(The limit is made a few seconds long here; it is 30 minutes by default.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

#: 6 seconds: the warning shows 3 seconds before the end (half the limit, at most 2 minutes).
LIMIT_MINUTES = 0.1


@pytest.mark.usefixtures("demo")
def test_an_idle_session_warns_goes_on_when_asked_and_then_ends(page: Page, app,
                                                               monkeypatch) -> None:
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", LIMIT_MINUTES)
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    page.get_by_role("link", name="Tờ trình", exact=True).click()
    ui.check()
    url = page.url

    warning = page.get_by_role("alertdialog")
    expect(warning).to_contain_text("Phiên đăng nhập sắp kết thúc vì không hoạt động.",
                                    timeout=8000)
    keep = warning.get_by_role("button", name="Tiếp tục làm việc")
    expect(keep).to_be_focused()
    keep.click()
    expect(warning).to_have_count(0)

    # Left alone this time.
    expect(warning).to_contain_text("Phiên đăng nhập đã kết thúc vì không hoạt động. Những gì "
                                    "chưa gửi trên trang này chưa được lưu.", timeout=15000)
    warning.get_by_role("link", name="Đăng nhập lại").click()
    ui.check()
    expect(page.locator("main").get_by_role("status")).to_contain_text(
        "Phiên đăng nhập đã kết thúc vì không hoạt động quá 1 phút. Hãy đăng nhập lại.")

    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 30)
    page.get_by_label("Tên đăng nhập", exact=True).fill("canbo.longhuu")
    page.get_by_label("Mật khẩu", exact=True).fill("demo-password-2026")
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    ui.check()
    assert page.url == url
