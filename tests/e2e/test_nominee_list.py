"""A unit with many names fills the blank list in Excel instead of typing each one: download
it from the proposal page, fill it, send it back, and see everyone in the table."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

#: The demo's draft of xã Long Hữu (one nominee already).
TITLE = "Đề nghị tặng Giấy khen cho cá nhân có thành tích xuất sắc Đợt 2"
ROWS = [
    [1, "Huỳnh Văn Sang", "Nam", "Nông dân", "Ấp Giồng Giếng, xã Long Hữu", "Nông dân",
     "Sản xuất giỏi ba năm liền"],
    [2, "Lê Thị Diễm", "Nữ", "Giáo viên", "Trường Tiểu học Long Hữu A", "", ""],
]


@pytest.mark.usefixtures("demo")
def test_the_officer_fills_the_blank_list_and_sends_it_back(page: Page) -> None:
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    ui.open_from_my_work(TITLE)

    page.get_by_text("Nhập danh sách từ tệp Excel").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải mẫu danh sách (.xlsx)").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    for row in ROWS:
        book.active.append(row)
    filled = io.BytesIO()
    book.save(filled)

    page.get_by_label("Tệp danh sách (.xlsx)").set_input_files({
        "name": "danh-sach.xlsx", "buffer": filled.getvalue(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    page.get_by_role("button", name="Nhập danh sách").click()

    ui.flash("Đã thêm 2 trường hợp từ danh sách.")
    nominees = page.locator("#nominees")
    expect(nominees.get_by_role("heading", level=2)).to_have_text("Người được đề nghị (3)")
    for _no, name, *_rest in ROWS:
        expect(nominees.get_by_role("row").filter(has_text=name)).to_have_count(1)
    expect(nominees.get_by_role("row").filter(has_text="Huỳnh Văn Sang")
           .get_by_text("Nông dân", exact=True).last).to_be_visible()
