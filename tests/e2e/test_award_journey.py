"""The whole path of one award through the real UI, one role after another, as people do it:
file a proposal, submit, accept, forward, conclude, approve, download the decision."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader, PdfWriter

from award_flow.demo import CAMPAIGN
from tests.e2e.ui import SLOW, UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

TITLE = "Đề nghị tặng Giấy khen cho nông dân sản xuất, kinh doanh giỏi Đợt 1"
ACHIEVEMENT = ("đã có thành tích xuất sắc trong phong trào nông dân thi đua sản xuất, "
               "kinh doanh giỏi")
AWARD = "Giấy khen của Chủ tịch Ủy ban nhân dân thị xã Duyên Hải (Cá nhân)"
NOMINEE = "Nguyễn Thị Ánh Tuyết"
ATTACHMENT = "Tờ trình số 15-TTr-UBND.pdf"

def a_real_pdf(path: Path) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Tờ trình đề nghị khen thưởng"})
    with path.open("wb") as out:
        writer.write(out)
    return path


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return unicodedata.normalize("NFC", text)


@pytest.mark.usefixtures("demo")
def test_proposal_to_decision_through_every_role(page: Page, tmp_path: Path) -> None:
    ui = UI(page)

    # 1. The unit officer files a proposal, adds a nominee and uploads the dossier.
    ui.log_in("canbo.longhuu")
    page.get_by_role("link", name="Lập tờ trình mới").click()
    expect(page.get_by_role("heading", level=1, name="Lập tờ trình mới")).to_be_visible()
    page.get_by_label("Trích yếu tờ trình").fill(TITLE)
    page.get_by_label("Phong trào thi đua").select_option(label=CAMPAIGN)
    page.get_by_label("Đợt thi đua").select_option(label="Đợt 1 (2021)")
    page.get_by_label("Danh hiệu, hình thức khen thưởng").select_option(label=AWARD)
    page.get_by_label("Thành tích được khen thưởng").fill(ACHIEVEMENT)
    page.get_by_role("button", name="Lưu").click()
    ui.flash("Đã tạo tờ trình. Hãy thêm người được đề nghị và hồ sơ.")
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    ui.state_is("Bản nháp")

    page.get_by_role("link", name="Thêm").click()
    expect(page.get_by_role("heading", level=1, name="Thêm người được đề nghị")).to_be_visible()
    page.get_by_label("Họ và tên", exact=True).fill(NOMINEE)
    page.get_by_label("Chức vụ", exact=True).fill("Nông dân")
    page.get_by_label("Đơn vị công tác hoặc địa chỉ").fill("Ấp Giồng Ổi, xã Long Hữu")
    page.get_by_label("Nữ", exact=True).check()
    page.get_by_label("Nhóm ưu tiên").select_option(label="Nông dân")
    page.get_by_label("Tóm tắt thành tích").fill(
        "Mô hình nuôi tôm - lúa cho thu nhập cao; giúp 5 hộ nghèo thoát nghèo.")
    page.get_by_role("button", name="Lưu").click()
    ui.flash("Đã thêm người được đề nghị.")
    expect(page.get_by_role("heading", name="Người được đề nghị (1)")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=NOMINEE)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("(Nữ)")
    expect(row.get_by_text("Nông dân", exact=True)).to_have_count(1)  # the priority group

    page.get_by_label("Loại tài liệu").select_option(label="Tờ trình")
    page.get_by_label("Tệp", exact=True).set_input_files(a_real_pdf(tmp_path / ATTACHMENT))
    page.get_by_role("button", name="Tải lên").click()
    ui.flash("Đã tải lên tệp.")
    expect(page.get_by_role("link", name=ATTACHMENT, exact=True)).to_be_visible()
    ui.log_out()

    # 2. The unit head submits it.
    ui.log_in("thutruong.longhuu")
    ui.open_from_my_work(TITLE)
    page.get_by_role("button", name="Gửi tờ trình").click()
    ui.flash("Đã gửi tờ trình.")
    ui.state_is("Đã gửi")
    ui.log_out()

    # 3. The secretariat accepts it for appraisal, then forwards it to the Standing Committee.
    ui.log_in("noivu")
    ui.open_from_my_work(TITLE)
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    ui.flash("Đã tiếp nhận hồ sơ để thẩm định.")
    ui.open_from_my_work(TITLE)
    ui.state_is("Đang thẩm định")
    page.get_by_label("Ý kiến thẩm định (bắt buộc)").fill(
        "Hồ sơ đầy đủ, đủ điều kiện trình Hội đồng.")
    page.get_by_role("button", name="Trình Thường trực Hội đồng").click()
    ui.flash(f"Đã trình Thường trực Hội đồng: “{TITLE}”.")  # on the queue: which one
    ui.log_out()

    # 4. The Standing Committee recommends the nominee.
    ui.log_in("thuongtruc")
    ui.open_from_my_work(TITLE)
    page.get_by_role("link", name="Kết luận xét duyệt").click()
    expect(page.get_by_role("heading", level=1,
                            name="Kết luận của Thường trực Hội đồng")).to_be_visible()
    page.get_by_role("radiogroup", name=f"Kết luận cho {NOMINEE}").get_by_label(
        "Đề nghị khen thưởng", exact=True).check()
    page.get_by_role("button", name="Ghi nhận kết luận").click()
    ui.flash(f"Đã ghi nhận kết luận của Thường trực Hội đồng: “{TITLE}”.")
    ui.log_out()

    # 5. The chairman approves: the decision is issued, shown, and its PDF downloaded.
    ui.log_in("chutich")
    ui.open_from_my_work(TITLE)
    ui.state_is("Chờ Chủ tịch quyết định")
    page.get_by_role("button", name="Phê duyệt và ban hành quyết định").click()
    ui.was_asked("không thể sửa sau khi ban hành")
    # "\/": Playwright sends the pattern as a JS regex literal, where "/" must be escaped.
    heading = page.get_by_role("heading", level=1,
                               name=re.compile(r"^Quyết định số \d+\/QĐ-UBND$"))
    expect(heading).to_be_visible(timeout=SLOW)
    ui.flash("Đã phê duyệt và ban hành quyết định.")
    reference = heading.inner_text().removeprefix("Quyết định số ").strip()
    award_row = page.get_by_role("row").filter(has_text=NOMINEE)
    expect(award_row).to_have_count(1)
    expect(award_row.get_by_text("Nông dân", exact=True)).to_have_count(1)
    page.screenshot(path=tmp_path / "decision.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải bản PDF").click()
    download = download_info.value
    assert download.failure() is None
    assert re.fullmatch(r"QD-\d{2}-\d{4}\.pdf", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert f"Bà {NOMINEE}" in text
    assert "QĐ-UBND" in text and reference in text
    ui.check()
