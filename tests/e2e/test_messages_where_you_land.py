"""On a phone, what the user has just done is answered where the page lands: a refused file
is explained next to the file input, not a screen above it; after filtering a list, the
count and the filters come first and the results follow, the panel folded."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

#: The demo's draft of xã Long Hữu.
TITLE = "Đề nghị tặng Giấy khen cho cá nhân có thành tích xuất sắc Đợt 2"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
on_a_phone = pytest.mark.browser_context_args(**PHONE)


def in_viewport(page: Page, selector: str) -> bool:
    return page.evaluate("""s => { const r = document.querySelector(s).getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight; }""", selector)


@on_a_phone
@pytest.mark.usefixtures("demo")
def test_a_refused_file_is_explained_where_the_page_lands(page: Page) -> None:
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    ui.open_from_my_work(TITLE)

    page.get_by_label("Loại tài liệu").select_option(label="Tài liệu khác")
    page.get_by_label("Tệp", exact=True).set_input_files(
        {"name": "fake.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf, only text"})
    page.get_by_role("button", name="Tải lên", exact=True).click()
    ui.check()

    alert = page.locator("#dossier").get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(page.get_by_role("alert")).to_have_count(1)  # said once, there
    assert in_viewport(page, "#dossier [role=alert]")
    # And it has the focus, after the browser's jump to #dossier (which would otherwise
    # take it away): a screen reader reads it, a keyboard starts from it.
    expect(alert).to_be_focused()


@on_a_phone
@pytest.mark.usefixtures("demo")
def test_after_filtering_on_a_phone_the_results_come_first(page: Page) -> None:
    ui = UI(page)
    ui.log_in("noivu")
    page.goto("/proposals?q=nguyen")
    ui.check()

    summary = page.locator("#list-summary")
    expect(summary).to_contain_text("Đang lọc: tên “nguyen”")
    assert in_viewport(page, "#list-summary")
    expect(page.locator("details.filters-box")).not_to_have_attribute("open", "")
    # The first result is on the first screen.
    assert in_viewport(page, "#proposal-list li")
