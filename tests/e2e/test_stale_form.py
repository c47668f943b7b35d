"""A form of a page opened before the session changed (the clerk signed out, and maybe in
again, in another tab) is not done, and nothing typed is lost: the page it was on says why,
with what was typed and chosen filled in again (static/js/app.js), to be sent once more; or,
the session having ended, the page is filled in again once the clerk has signed in."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from award_flow.demo import DEMO_PASSWORD
from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

TITLE = "Đề nghị tặng Giấy khen cho nông dân sản xuất giỏi năm 2026"
ACHIEVEMENT = "thành tích xuất sắc trong phong trào “Nông dân thi đua sản xuất, kinh doanh giỏi”"


def _a_new_proposal_typed_in(page: Page) -> tuple[UI, str]:
    """The clerk signs in and types a new proposal's title and achievement, unsent."""
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    page.get_by_role("link", name="Lập tờ trình mới").click()
    ui.check()
    page.get_by_label("Trích yếu tờ trình").fill(TITLE)
    page.get_by_label("Thành tích được khen thưởng").fill(ACHIEVEMENT)
    return ui, page.url


@pytest.mark.usefixtures("demo")
def test_a_form_sent_after_signing_in_again_elsewhere_comes_back_filled_in(page: Page) -> None:
    ui, url = _a_new_proposal_typed_in(page)
    award = page.get_by_label("Danh hiệu, hình thức khen thưởng")
    award.select_option(index=2)
    chosen = award.input_value()

    # Meanwhile, in another tab: signed out, and in again (a new session, a new form token).
    other = page.context.new_page()
    other_ui = UI(other)
    other.goto("/work")
    other_ui.log_out()
    other_ui.log_in("canbo.longhuu")
    other.close()

    page.get_by_role("button", name="Lưu").click()
    ui.check()
    assert page.url == url
    expect(page.get_by_role("alert")).to_contain_text(
        "Biểu mẫu trên trang này đã cũ (trang được mở trước khi phiên đăng nhập thay đổi): "
        "thao tác chưa được thực hiện.")
    expect(page.get_by_label("Trích yếu tờ trình")).to_have_value(TITLE)
    expect(page.get_by_label("Danh hiệu, hình thức khen thưởng")).to_have_value(chosen)
    expect(page.get_by_label("Thành tích được khen thưởng")).to_have_value(ACHIEVEMENT)
    expect(page.locator("main").get_by_role("status")).to_contain_text(
        "Đã điền lại những gì bạn nhập. Hãy kiểm tra rồi gửi lại.")

    # Sent again from there, it is saved.
    page.get_by_role("button", name="Lưu").click()
    ui.check()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()


@pytest.mark.usefixtures("demo")
def test_a_form_sent_after_signing_out_elsewhere_is_filled_in_once_signed_in(page: Page) -> None:
    ui, url = _a_new_proposal_typed_in(page)

    other = page.context.new_page()  # another tab: signed out there
    other.goto("/work")
    UI(other).log_out()
    other.close()

    page.get_by_role("button", name="Lưu").click()
    ui.check()
    expect(page.get_by_role("status").first).to_contain_text(
        "Phiên đăng nhập đã hết. Thao tác vừa rồi chưa được thực hiện")
    # A wrong password first: what the sign-in form sent does not replace what was kept.
    for password in ("not the password", DEMO_PASSWORD):
        page.get_by_label("Tên đăng nhập", exact=True).fill("canbo.longhuu")
        page.get_by_label("Mật khẩu", exact=True).fill(password)
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
        ui.check()

    assert page.url == url
    expect(page.get_by_label("Trích yếu tờ trình")).to_have_value(TITLE)
    expect(page.get_by_label("Thành tích được khen thưởng")).to_have_value(ACHIEVEMENT)
    expect(page.locator("main").get_by_role("status")).to_contain_text(
        "Đã điền lại những gì bạn nhập trước khi phiên đăng nhập kết thúc.")
