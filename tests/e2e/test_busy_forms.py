"""A form marked data-busy says what it is doing while the server works — an upload over a
slow link takes minutes — and is sent once (static/js/app.js); any form, not only approve."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

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
    """A scan of minutes of its own (the dossier takes a file once under each kind)."""
    page.get_by_label("Loại tài liệu").select_option(label="Biên bản họp")
    page.get_by_label("Tệp", exact=True).set_input_files(
        {"name": name, "mimeType": "application/pdf",
         "buffer": SAMPLE_PDF + f"% {name}\n".encode()})


@pytest.mark.usefixtures("demo")
def test_an_upload_says_how_far_it_has_gone_and_is_sent_once(page: Page) -> None:
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    ui.open_from_my_work(TITLE)
    upload = page.locator("form.upload-form")
    button = upload.locator("button[type=submit]")
    # The server "is slow": the upload's answer is held back while the test looks.
    held: list[Route] = []

    def hold_the_first(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/attachments", hold_the_first)

    choose_file(page, "Bien_ban_hop.pdf")
    button.click()

    expect(button).to_have_text(re.compile(r"^Đang tải lên…( \d{1,3}%)?$"))
    expect(button).to_have_class("button small is-busy")
    expect(button).to_have_attribute("aria-disabled", "true")
    # Said by the page's status region (outside the form; nothing marked aria-busy, which
    # would keep a screen reader from saying it).
    expect(page.locator("#live-status")).to_have_text(BUSY)
    expect(upload).not_to_have_attribute("aria-busy", "true")
    button.click(force=True)  # impatient (aria-disabled: Playwright would wait)
    page.wait_for_timeout(300)
    assert len(held) == 1
    assert held[0].request.headers.get("x-upload-progress") == "1"
    held[0].abort()  # the connection breaks: the form is then sent as usual
    expect(page.get_by_role("link", name="Bien_ban_hop.pdf")).to_be_visible()
    ui.problems.remove("console error: Failed to load resource: net::ERR_FAILED "
                       f"({held[0].request.url})")  # the test's own broken connection
    ui.flash("Đã tải lên tệp.")
    assert re.search(r"/proposals/\d+\?at=dossier#dossier$", page.url)
    page.unroute("**/attachments")

    # For real, twice (the second time from the page the first one led to, which differs
    # from the next only by what the server says): each lands with its message and file.
    for name in ("Bien_ban_hop_2.pdf", "Bien_ban_hop_3.pdf"):
        choose_file(page, name)
        page.locator("form.upload-form button[type=submit]").click()
        expect(page.get_by_role("link", name=name)).to_be_visible()
        ui.flash("Đã tải lên tệp.")
        expect(page.locator("form.upload-form button[type=submit]")).to_have_text("Tải lên")


@pytest.mark.usefixtures("demo")
def test_a_slow_upload_shows_how_much_has_gone(page: Page) -> None:
    """Over a weak link (here 64 KB/s up), the button and a bar say how far the file is."""
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    ui.open_from_my_work(TITLE)
    upload = page.locator("form.upload-form")
    button = upload.locator("button[type=submit]")
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    network.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 50, "downloadThroughput": -1,
        "uploadThroughput": 64 * 1024})
    page.get_by_label("Loại tài liệu").select_option(label="Biên bản họp")
    page.get_by_label("Tệp", exact=True).set_input_files(
        {"name": "Ban_quet.pdf", "mimeType": "application/pdf",
         "buffer": SAMPLE_PDF + b"%" + b" " * (256 * 1024) + b"\n"})

    button.click()

    expect(button).to_have_text(re.compile(r"^Đang tải lên… ([1-9]\d?)%$"))
    bar = upload.locator("progress")
    expect(bar).to_be_visible()
    assert 0 < bar.evaluate("bar => bar.value") < 100
    expect(page.get_by_role("link", name="Ban_quet.pdf")).to_be_visible(timeout=20_000)
    ui.flash("Đã tải lên tệp.")


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


@pytest.mark.usefixtures("demo")
def test_a_file_over_the_limit_is_refused_before_it_is_sent(page: Page) -> None:
    """Ten megabytes over a weak link are minutes spent for a refusal: the page says it at
    once, under the file, in the server's words, and sends nothing."""
    ui = UI(page)
    ui.log_in("canbo.longhuu")
    ui.open_from_my_work(TITLE)
    sent: list[str] = []
    page.route("**/attachments", lambda route: (sent.append(route.request.url),
                                                route.continue_()))
    page.get_by_label("Loại tài liệu").select_option(label="Biên bản họp")
    page.get_by_label("Tệp", exact=True).set_input_files(
        {"name": "Ban_quet_lon.pdf", "mimeType": "application/pdf",
         "buffer": SAMPLE_PDF + b"%" + b"0" * (10 * 1024 * 1024)})
    upload = page.locator("form.upload-form")
    upload.get_by_role("button", name="Tải lên").click()

    file_input = page.get_by_label("Tệp", exact=True)
    expect(page.locator("#file-error")).to_have_text(
        "Tệp “Ban_quet_lon.pdf” quá lớn: tối đa 10 MB.")
    expect(file_input).to_have_attribute("aria-invalid", "true")
    expect(file_input).to_be_focused()
    page.wait_for_timeout(300)
    assert sent == []
    # A file within the limit goes as usual, from the same form.
    choose_file(page, "Bien_ban_hop.pdf")
    upload.get_by_role("button", name="Tải lên").click()
    ui.flash("Đã tải lên tệp.")
    assert len(sent) == 1
