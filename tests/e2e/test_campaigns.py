"""In the browser: the secretariat launches the next five-year campaign with its first phase,
and a unit's officer can file a proposal in it at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

CAMPAIGN = "Phong trào thi đua thực hiện nhiệm vụ phát triển kinh tế - xã hội 2026 - 2030"


@pytest.mark.usefixtures("demo")
def test_the_secretariat_launches_a_campaign_that_units_then_propose_in(page: Page) -> None:
    ui = UI(page)
    ui.log_in("noivu")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Phong trào").click()
    ui.check()
    page.get_by_role("link", name="Phát động phong trào").click()
    ui.check()
    page.get_by_label("Tên phong trào thi đua").fill(CAMPAIGN)
    page.get_by_label("Hình thức tổ chức").select_option(label="Theo đợt")
    page.get_by_label("Từ ngày").fill("2026-01-01")
    page.get_by_label("Đến ngày").fill("2030-12-31")
    page.get_by_role("button", name="Lưu").click()
    ui.flash("Đã lưu phong trào thi đua.")
    expect(page.get_by_role("heading", level=1)).to_have_text(CAMPAIGN)

    page.get_by_label("Tên đợt").fill("Đợt 1")
    page.get_by_label("Từ ngày").fill("2026-01-01")
    page.get_by_label("Đến ngày").fill("2026-06-30")
    page.get_by_role("button", name="Thêm đợt").click()
    ui.flash("Đã thêm đợt thi đua.")
    expect(page.get_by_role("row").filter(has_text="Đợt 1")).to_contain_text("30/6/2026")
    ui.log_out()

    ui.log_in("canbo.longhuu")
    page.goto("/proposals/new")
    ui.check()
    campaign, phase = page.get_by_label("Phong trào thi đua"), page.get_by_label("Đợt thi đua")
    offered = "s => [...s.options].filter(o => !o.hidden && !o.disabled).map(o => o.text)"
    # The phases offered are the chosen campaign's only.
    campaign.select_option(label=CAMPAIGN)
    # Each with its years, which the achievement year must be in.
    assert phase.evaluate(offered) == ["— Không theo đợt —", "Đợt 1 (2026)"]
    phase.select_option(value=phase.evaluate(
        "s => [...s.options].find(o => !o.hidden && o.text === 'Đợt 1 (2026)').value"))
    campaign.select_option(index=1)  # the 2021 - 2025 campaign: its own phases, none chosen
    assert phase.evaluate(offered) == ["— Không theo đợt —", "Đợt 1 (2021)", "Đợt 2 (2022)"]
    expect(phase).to_have_value("0")
