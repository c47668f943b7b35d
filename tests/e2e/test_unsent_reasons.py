"""Text typed in the box of one button of the "Xử lý" card is not lost to another button:
pressing a button that does not send it asks first, and a refusal gives every box back
(static/js/app.js)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

#: The demo's proposals on the chairman's desk and waiting on the secretariat.
AWAITING = "Đề nghị tặng Giấy khen cho người lao động tiêu biểu Đợt 1"
SUBMITTED = "Đề nghị tặng Giấy khen cho nông dân, công nhân tiêu biểu Đợt 1"
REASON = "Đề nghị làm rõ thành tích của ông Út trong năm 2025."


@pytest.mark.usefixtures("demo")
def test_a_reason_typed_for_another_button_survives_the_wrong_one(page: Page) -> None:
    ui = UI(page)
    ui.log_in("chutich")
    ui.open_from_my_work(AWAITING)
    send_back = page.get_by_label("Lý do chuyển lại (bắt buộc)")
    send_back.fill(REASON)

    # "Không phê duyệt" pressed by mistake, its own box empty: asked, and "no" sends nothing.
    ui.answer_yes = False
    page.get_by_role("button", name="Không phê duyệt").click()
    ui.was_asked("Bạn đã nhập nội dung vào ô “Lý do chuyển lại (bắt buộc)”, nhưng nút "
                 "“Không phê duyệt” không gửi nội dung đó. Vẫn tiếp tục?")
    ui.check()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(send_back).to_have_value(REASON)

    # "Yes": the server refuses the empty reason, and the reason typed elsewhere is back.
    ui.answer_yes = True
    page.get_by_role("button", name="Không phê duyệt").click()
    ui.check()
    expect(page.get_by_text("Cần ghi lý do không phê duyệt.")).to_be_visible()
    expect(page.get_by_label("Lý do chuyển lại (bắt buộc)")).to_have_value(REASON)
    expect(page.get_by_text("Chờ Chủ tịch quyết định", exact=True).first).to_be_visible()


@pytest.mark.usefixtures("demo")
def test_a_button_without_a_box_asks_before_leaving_a_typed_reason_behind(page: Page) -> None:
    ui = UI(page)
    ui.log_in("noivu")
    ui.open_from_my_work(SUBMITTED)
    page.get_by_label("Lý do trả lại (bắt buộc)").fill(REASON)

    ui.answer_yes = False
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    ui.was_asked("“Lý do trả lại (bắt buộc)”, nhưng nút “Tiếp nhận hồ sơ” không gửi")
    ui.check()
    expect(page.get_by_text("Đã gửi", exact=True).first).to_be_visible()  # not accepted

    # Without a typed reason nothing is asked.
    page.get_by_label("Lý do trả lại (bắt buộc)").fill("")
    asked = len(ui.questions)
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    ui.flash("Đã tiếp nhận hồ sơ để thẩm định.")
    assert len(ui.questions) == asked
