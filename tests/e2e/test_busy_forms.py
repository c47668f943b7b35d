"""A form marked data-busy says what it is doing while the server works — an upload over a
slow link takes minutes — and is sent once (static/js/app.js); any form, not only approve."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from award_flow.demo import SAMPLE_PDF
from tests.e2e.ui import UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

#: The demo's draft of xã Long Hữu.
TITLE = "Đề nghị tặng Giấy khen cho cá nhân có thành tích xuất sắc Đợt 2"
BUSY = "Đang tải lên…"

#: Holds every submission the page's own script lets through, counting them, so that the
#: page stays while the test looks at it (as it stays while a slow server works). Added
#: after app.js, so it runs after app.js's handler.
HOLD_SUBMISSIONS = """() => {
    window.sentForms = 0;
    document.addEventListener("submit", event => {
        if (!event.defaultPrevented) { window.sentForms += 1; }
        event.preventDefault();
    });
}"""


def choose_file(page: Page, name: str) -> None:
    page.get_by_label("Loại tài liệu").select_option(label="Biên bản họp")
    page.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": SAMPLE_PDF})


@pytest.mark.usefixtures("demo")
def test_an_upload_says_it_is_uploading_while_it_travels_and_is_sent_once(page: Page) -> None:
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    ui.open_from_my_work(TITLE)
    upload = page.locator("form.upload-form")
    # The template marks the upload form (templates/proposals/detail.html); whatever it
    # says, the script must work for any form that has the attribute.
    upload.evaluate(f"form => {{ if (!form.dataset.busy) form.dataset.busy = {BUSY!r}; }}")
    busy = upload.get_attribute("data-busy")
    button = upload.locator("button[type=submit]")
    page.evaluate(HOLD_SUBMISSIONS)

    choose_file(page, "Bien_ban_hop.pdf")
    button.click()

    expect(button).to_have_text(busy)
    expect(button).to_have_class("button small is-busy")
    expect(button).to_have_attribute("aria-disabled", "true")
    # Said by the page's status region (outside the form; nothing marked aria-busy, which
    # would keep a screen reader from saying it).
    expect(page.locator("#live-status")).to_have_text(busy)
    expect(upload).not_to_have_attribute("aria-busy", "true")
    button.click(force=True)  # impatient (aria-disabled: Playwright would wait)
    assert page.evaluate("() => window.sentForms") == 1

    # For real: the upload goes through, and the new page's button says what it does again.
    page.reload()
    choose_file(page, "Bien_ban_hop.pdf")
    page.locator("form.upload-form button[type=submit]").click()
    ui.check()
    expect(page.get_by_role("link", name="Bien_ban_hop.pdf")).to_be_visible()
    expect(page.locator("form.upload-form button[type=submit]")).to_have_text("Tải lên")


@pytest.mark.usefixtures("demo")
def test_a_form_without_data_busy_keeps_its_label_and_is_sent_once(page: Page) -> None:
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    page.evaluate(HOLD_SUBMISSIONS)
    switch = page.get_by_role("button", name="English")

    switch.click()
    switch.click(force=True)

    expect(switch).to_have_attribute("aria-disabled", "true")
    expect(switch).to_have_text("English")
    assert page.evaluate("() => window.sentForms") == 1
