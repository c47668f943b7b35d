"""A form of a page opened before the session changed (the clerk signed out and in again in
another tab) is not done, and nothing typed is lost: the page it was on says why, with what
was typed and chosen filled in again (static/js/app.js), to be sent once more."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

TITLE = "Đề nghị tặng Giấy khen cho nông dân sản xuất giỏi năm 2026"
ACHIEVEMENT = "thành tích xuất sắc trong phong trào “Nông dân thi đua sản xuất, kinh doanh giỏi”"


@pytest.mark.usefixtures("demo")
def test_a_form_sent_after_signing_in_again_elsewhere_comes_back_filled_in(page: Page) -> None:
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    page.get_by_role("link", name="Lập tờ trình mới").click()
    ui.check()
    url = page.url
    page.get_by_label("Trích yếu tờ trình").fill(TITLE)
    award = page.get_by_label("Danh hiệu, hình thức khen thưởng")
    award.select_option(index=2)
    chosen = award.input_value()
    page.get_by_label("Thành tích được khen thưởng").fill(ACHIEVEMENT)

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

    # Sent again from there, it is saved.
    page.get_by_role("button", name="Lưu").click()
    ui.check()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
