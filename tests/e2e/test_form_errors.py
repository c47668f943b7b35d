"""A page that comes back with errors takes the keyboard to the first one (static/js/app.js):
the first field marked invalid, or else the error message."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from award_flow.demo import DEMO_PASSWORD, OFFICE
from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]


def focused(page: Page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), id: e.id, invalid: e.getAttribute("aria-invalid"),
                cls: e.className, text: e.textContent.trim()}; }""")


def sign_in_as_admin(ui: UI) -> None:
    page = ui.page
    page.goto("/login")
    page.get_by_label("Tên đăng nhập", exact=True).fill("admin")
    page.get_by_label("Mật khẩu", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    ui.check()
    expect(page.get_by_role("heading", level=1, name="Tài khoản")).to_be_visible()


@pytest.mark.usefixtures("demo")
def test_the_first_invalid_field_gets_the_focus(page: Page) -> None:
    ui = UI(page)
    sign_in_as_admin(ui)
    page.get_by_role("link", name="+ Thêm tài khoản").click()
    ui.check()
    page.get_by_label("Họ và tên").fill("Người Mới")

    page.get_by_role("button", name="Lưu").click()
    ui.check()

    # Username (first, empty), unit (not chosen) and password (empty) are refused; the
    # username gets the focus.
    expect(page.locator("[aria-invalid=true]")).to_have_count(3)
    assert focused(page) == {"tag": "input", "id": "username", "invalid": "true", "cls": "",
                             "text": ""}
    page.keyboard.type("nguoi.moi")  # typing goes where the problem is
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("nguoi.moi")


@pytest.mark.usefixtures("demo")
def test_without_an_invalid_field_the_error_message_gets_the_focus(page: Page) -> None:
    ui = UI(page)
    sign_in_as_admin(ui)
    # The admin's own unit cannot be switched off (a refusal about no one field).
    page.get_by_role("link", name="Đơn vị", exact=True).click()
    page.get_by_role("link", name=f"Sửa {OFFICE}").click()
    ui.check()
    page.get_by_label("Đang hoạt động").uncheck()

    page.get_by_role("button", name="Lưu").click()
    ui.check()

    alert = page.get_by_role("alert")
    expect(alert).to_have_text("Bạn không thể ngừng hoạt động đơn vị của chính mình.")
    expect(alert).to_be_focused()
    # The next Tab goes on from the message, into the page, not back to the top bar.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.getElementById('main')"
                         ".contains(document.activeElement)")


@pytest.mark.usefixtures("demo")
def test_a_refused_sign_in_puts_the_focus_on_its_message(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Tên đăng nhập", exact=True).fill("noivu")
    page.get_by_label("Mật khẩu", exact=True).fill("khong dung")
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    UI(page).check()
    expect(page.get_by_role("alert")).to_be_focused()


@pytest.mark.usefixtures("demo")
def test_a_page_without_errors_keeps_its_own_focus(page: Page) -> None:
    page.goto("/login")
    UI(page).check()
    expect(page.get_by_label("Tên đăng nhập", exact=True)).to_be_focused()  # autofocus
