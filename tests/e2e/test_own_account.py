"""A clerk changes the password an admin gave them: from their name in the header, to their
account page; a wrong current password is said at its field, which gets the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from award_flow.demo import DEMO_PASSWORD
from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

NEW = "mật khẩu của Linh 2026"


@pytest.mark.usefixtures("demo")
def test_a_clerk_changes_her_own_password(page: Page) -> None:
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    page.get_by_role("link", name="Trần Thị Mỹ Linh").click()
    ui.check()
    expect(page.get_by_role("heading", level=1, name="Tài khoản của tôi")).to_be_visible()

    page.get_by_label("Mật khẩu hiện tại").fill("không phải mật khẩu")
    page.get_by_label("Mật khẩu mới", exact=True).fill(NEW)
    page.get_by_label("Nhập lại mật khẩu mới").fill(NEW)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    ui.check()
    current = page.get_by_label("Mật khẩu hiện tại")
    expect(current).to_be_focused()
    expect(current).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Mật khẩu hiện tại không đúng.")).to_be_visible()

    current.fill(DEMO_PASSWORD)
    page.get_by_label("Mật khẩu mới", exact=True).fill(NEW)
    page.get_by_label("Nhập lại mật khẩu mới").fill(NEW)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    ui.flash("Đã đổi mật khẩu. Tài khoản đã được đăng xuất trên các thiết bị khác.")

    ui.log_out()
    page.get_by_label("Tên đăng nhập", exact=True).fill("canbo.longhuu")
    page.get_by_label("Mật khẩu", exact=True).fill(NEW)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    ui.check()
    expect(page.get_by_role("heading", level=1, name="Việc của tôi")).to_be_visible()
