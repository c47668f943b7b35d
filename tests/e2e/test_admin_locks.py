"""Switching an account or a unit off locks people out: the administrator is asked first,
and "no" saves nothing (static/js/app.js, data-confirm-off)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]


@pytest.mark.usefixtures("demo")
def test_locking_an_account_is_asked_about_first(page: Page) -> None:
    ui = UI(page)
    ui.log_in("admin", lands_on="Tài khoản")
    page.get_by_role("link", name="Sửa canbo.phuong1").click()
    ui.check()
    page.get_by_label("Đang hoạt động").uncheck()

    ui.answer_yes = False
    page.get_by_role("button", name="Lưu").click()
    ui.was_asked("Khóa tài khoản này? Tài khoản sẽ không đăng nhập được nữa")
    ui.check()
    expect(page.get_by_label("Đang hoạt động")).not_to_be_checked()  # still here, unsaved
    page.goto("/admin/users")
    expect(page.get_by_role("row").filter(has_text="canbo.phuong1")).to_contain_text(
        "Đang hoạt động")

    ui.answer_yes = True
    page.get_by_role("link", name="Sửa canbo.phuong1").click()
    page.get_by_label("Đang hoạt động").uncheck()
    page.get_by_role("button", name="Lưu").click()
    ui.flash("Đã khóa tài khoản canbo.phuong1: tài khoản không đăng nhập được nữa và các phiên "
             "đăng nhập của tài khoản đã kết thúc.")
    expect(page.get_by_role("row").filter(has_text="canbo.phuong1")).to_contain_text("Đã khóa")

    # Saved with the box left as it was, nothing is asked.
    asked = len(ui.questions)
    page.get_by_role("link", name="Sửa canbo.phuong1").click()
    page.get_by_role("button", name="Lưu").click()
    ui.flash("Đã lưu tài khoản.")
    assert len(ui.questions) == asked
