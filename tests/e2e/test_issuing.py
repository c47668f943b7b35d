"""Issuing a decision can take seconds (a long annex): a second click while the server works
sends nothing, so the chairman sees the decision, not a "someone else acted" error from a
second submission (static/js/app.js)."""

from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import Page, Request, expect

from award_flow.proposals import views as proposal_views
from tests.e2e.ui import SLOW, UI

pytestmark = [pytest.mark.e2e, pytest.mark.only_browser("chromium")]

#: The demo's proposal on the chairman's desk.
TITLE = "Đề nghị tặng Giấy khen cho người lao động tiêu biểu Đợt 1"


@pytest.mark.usefixtures("demo")
def test_a_second_click_while_the_decision_is_issued_sends_nothing(
        page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    # The live server renders "a long annex" until the chairman has clicked a second time.
    clicked_again = threading.Event()
    render_draft = proposal_views.render_draft

    def long_render(document):  # noqa: ANN001, ANN202
        clicked_again.wait(timeout=30)
        return render_draft(document)

    monkeypatch.setattr(proposal_views, "render_draft", long_render)
    approvals: list[Request] = []
    page.on("request", lambda request: approvals.append(request) if (
        request.method == "POST" and request.url.endswith("/actions/approve")) else None)
    ui = UI(page)
    ui.log_in("chutich")
    ui.open_from_my_work(TITLE)

    # The mouse, as a person uses it (while the page waits for the server, Playwright's
    # locators and scripts wait for that navigation to end first).
    button = page.get_by_role("button", name="Phê duyệt và ban hành quyết định")
    button.scroll_into_view_if_needed()  # below the approval's preview on a short screen
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)
    page.wait_for_timeout(300)
    clicked_again.set()

    heading = page.get_by_role("heading", level=1,
                               name=re.compile(r"^Quyết định số \d+\/QĐ-UBND$"))
    expect(heading).to_be_visible(timeout=SLOW)
    ui.flash("Đã phê duyệt và ban hành quyết định.")
    assert len(approvals) == 1
