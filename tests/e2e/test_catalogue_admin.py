"""In the browser: the administrator records a coefficient of the catalogue and a base salary
ahead of their dates and removes them again, then a rounding of bonuses."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]


@pytest.mark.usefixtures("demo")
def test_the_admin_changes_a_coefficient_and_the_base_salary(page: Page) -> None:
    ui = UI(page)
    ui.log_in("admin", lands_on="Tài khoản")
    page.get_by_role("link", name="Danh mục khen thưởng").click()
    ui.check()
    expect(page.get_by_text("Mức lương cơ sở đang áp dụng: 2.340.000 đồng/tháng")).to_be_visible()

    page.get_by_role("link", name="Sửa LDTT").click()
    ui.check()
    # A decree changes the coefficient from a day to come: entered ahead, with its basis.
    new_coefficient = page.get_by_role("region", name="Thêm hệ số mới")
    new_coefficient.get_by_label("Hệ số mới").fill("0,35")
    new_coefficient.get_by_label("Áp dụng từ ngày").fill("2099-01-01")
    new_coefficient.get_by_label("Căn cứ").fill("Nghị định 99/2099/NĐ-CP")
    new_coefficient.get_by_role("button", name="Thêm hệ số").click()
    ui.flash("Đã thêm hệ số tiền thưởng.")
    upcoming = page.get_by_role("row").filter(has_text="01/01/2099")
    expect(upcoming).to_contain_text("Sắp áp dụng")
    expect(upcoming).to_contain_text("0,35")
    expect(page.get_by_role("row").filter(has_text="01/01/2024")).to_contain_text("Đang áp dụng")

    page.get_by_role("link", name="Danh mục khen thưởng").first.click()
    ui.check()
    row = page.get_by_role("row").filter(has=page.get_by_text("LDTT", exact=True))
    expect(row).to_contain_text("0,35 từ 01/01/2099")
    expect(row).to_contain_text("702.000 đồng")  # today's: 0,3 × 2.340.000

    page.get_by_role("link", name="Sửa LDTT").click()
    page.get_by_role("row").filter(has_text="01/01/2099").get_by_role(
        "button", name="Xóa 01/01/2099").click()
    ui.was_asked("Xóa hệ số 0,35 áp dụng từ ngày 01/01/2099?")
    ui.flash("Đã xóa hệ số tiền thưởng.")
    expect(page.get_by_role("row").filter(has_text="01/01/2099")).to_have_count(0)
    page.get_by_role("link", name="Danh mục khen thưởng").first.click()

    page.get_by_role("link", name="Mức lương cơ sở và làm tròn tiền thưởng theo thời gian").click()
    ui.check()
    new_salary = page.get_by_role("region", name="Thêm mức lương cơ sở mới")
    new_salary.get_by_label("Mức lương cơ sở (đồng/tháng)").fill("2.530.000")
    new_salary.get_by_label("Áp dụng từ ngày").fill("2099-01-01")
    new_salary.get_by_label("Căn cứ").fill("Nghị định 99/2099/NĐ-CP")
    new_salary.get_by_role("button", name="Thêm", exact=True).click()
    ui.flash("Đã thêm mức lương cơ sở.")
    upcoming = page.get_by_role("row").filter(has_text="01/01/2099")
    expect(upcoming).to_contain_text("Sắp áp dụng")
    expect(upcoming).to_contain_text("2.530.000 đồng")
    # The salary decisions were paid from cannot be removed: it has no button.
    in_force = page.get_by_role("row").filter(has_text="01/7/2024")
    expect(in_force).to_contain_text("Đang áp dụng")
    expect(in_force.get_by_role("button")).to_have_count(0)

    upcoming.get_by_role("button", name="Xóa 01/01/2099").click()
    ui.was_asked("Xóa mức lương cơ sở 2.530.000 đồng áp dụng từ ngày 01/01/2099?")
    ui.flash("Đã xóa mức lương cơ sở.")
    expect(page.get_by_role("row").filter(has_text="01/01/2099")).to_have_count(0)

    # Bonuses rounded up to tens of thousands from a day on (Decree 98/2023's rule).
    rounding = page.get_by_role("region", name="Thêm mức làm tròn")
    rounding.get_by_label("Làm tròn tiền thưởng lên bội số của").select_option(label="10.000 đồng")
    rounding.get_by_label("Áp dụng từ ngày").fill("2099-01-01")
    rounding.get_by_label("Căn cứ").fill("Nghị định 98/2023/NĐ-CP")
    rounding.get_by_role("button", name="Thêm mức làm tròn").click()
    ui.flash("Đã thêm mức làm tròn tiền thưởng.")
    expect(page.get_by_role("row").filter(has_text="01/01/2099")).to_contain_text("10.000 đồng")


@pytest.mark.usefixtures("demo")
def test_the_admin_adds_an_entry_paid_a_multiple_of_another(page: Page) -> None:
    ui = UI(page)
    ui.log_in("admin", lands_on="Tài khoản")
    page.get_by_role("link", name="Danh mục khen thưởng").click()
    # The household's Giấy khen: 1,5 × the individual's 702.000 (RULES.md).
    household = page.get_by_role("row").filter(has=page.get_by_text("GK_HGD", exact=True))
    expect(household).to_contain_text("1,5 × tiền thưởng GK_CN")
    expect(household).to_contain_text("1.053.000 đồng")

    page.get_by_role("link", name="Thêm danh hiệu, hình thức").click()
    ui.check()
    coefficient = page.get_by_label("Hệ số tiền thưởng")
    multiple = page.get_by_label("Số lần tiền thưởng của mục đã chọn")
    expect(coefficient).to_be_visible()
    expect(multiple).to_be_hidden()
    page.get_by_label("Mã").fill("GK_HGD_VH")
    page.get_by_label("Tên in trên quyết định").fill("Giấy khen gia đình văn hóa tiêu biểu")
    page.get_by_label("Khen cho").select_option(label="Hộ gia đình")
    page.get_by_label("Cách tính tiền thưởng").select_option(
        label="Bằng một số lần tiền thưởng của GK_CN: Giấy khen của Chủ tịch Ủy ban nhân dân "
              "thị xã Duyên Hải (Cá nhân)")
    # Only the fields of the way chosen are shown; either way the number has its basis.
    expect(coefficient).to_be_hidden()
    multiple.fill("2")
    page.get_by_label("Căn cứ", exact=True).fill("Nghị định 99/2099/NĐ-CP")
    page.get_by_role("button", name="Lưu").click()
    ui.flash("Đã lưu danh mục khen thưởng.")
    row = page.get_by_role("row").filter(has=page.get_by_text("GK_HGD_VH", exact=True))
    expect(row).to_contain_text("2 × tiền thưởng GK_CN")
    expect(row).to_contain_text("1.404.000 đồng")

    # A later rule changes the multiple from the day it takes effect.
    page.get_by_role("link", name="Sửa GK_HGD_VH").click()
    new_multiple = page.get_by_role("region", name="Thêm số lần mới")
    new_multiple.get_by_label("Số lần mới").fill("2,5")
    new_multiple.get_by_label("Áp dụng từ ngày").fill("2099-01-01")
    new_multiple.get_by_label("Căn cứ").fill("Nghị định 99/2099/NĐ-CP")
    new_multiple.get_by_role("button", name="Thêm số lần").click()
    ui.flash("Đã thêm số lần tiền thưởng.")
    expect(page.get_by_role("row").filter(has_text="01/01/2099")).to_contain_text("2,5")
