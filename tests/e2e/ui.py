"""What every browser test does through the UI, and what it checks at every step."""

from __future__ import annotations

from playwright.sync_api import Page, Response, expect

from award_flow.demo import DEMO_PASSWORD

#: Issuing the decision renders its PDF (WeasyPrint): allow more than expect's 5 s.
SLOW = 30_000


class UI:
    """The page plus what went wrong behind it: server errors (5xx), script and console errors
    (a CSP violation is one). Every step checks them first, so a crash fails at once and says
    why, instead of as a locator timeout."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        #: The questions the page asked ("Phê duyệt …?") and whether to answer yes.
        self.questions: list[str] = []
        self.answer_yes = True
        page.on("dialog", self._on_dialog)
        page.on("response", self._on_response)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("console", self._on_console)

    def _on_response(self, response: Response) -> None:
        if response.status >= 500:
            self.problems.append(f"HTTP {response.status}: {response.request.method} "
                                 f"{response.url}")

    def _on_console(self, message) -> None:  # noqa: ANN001
        url = message.location.get("url", "")
        if message.type == "error":
            self.problems.append(f"console error: {message.text} ({url})")

    def _on_dialog(self, dialog) -> None:  # noqa: ANN001
        self.questions.append(dialog.message)
        if self.answer_yes:
            dialog.accept()
        else:
            dialog.dismiss()

    def was_asked(self, fragment: str) -> None:
        """The last click was confirmed by a question that says what it will do."""
        assert self.questions and fragment in self.questions[-1], self.questions

    def check(self) -> None:
        self.page.wait_for_load_state()
        assert not self.problems, "\n".join(self.problems)

    def flash(self, message: str) -> None:
        """The confirmation the app shows after an action (a status, not an alert)."""
        self.check()
        where = self.page.url
        expect(self.page.get_by_role("alert"), f"an error shown on {where}").to_have_count(0)
        # In <main>: base.html's live region (what app.js says while a form is sent) is not
        # a confirmation.
        expect(self.page.locator("main").get_by_role("status"),
               f"no confirmation “{message}” on {where}").to_have_text(message)

    def log_in(self, username: str, lands_on: str = "Việc của tôi") -> None:
        """Sign in; the user lands on the page headed `lands_on` (an administrator on
        "Tài khoản")."""
        self.page.goto("/login")
        self.check()
        self.page.get_by_label("Tên đăng nhập", exact=True).fill(username)
        self.page.get_by_label("Mật khẩu", exact=True).fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name="Đăng nhập", exact=True).click()
        self.check()
        expect(self.page.get_by_role("heading", level=1, name=lands_on)).to_be_visible()

    def log_out(self) -> None:
        self.page.get_by_role("button", name="Đăng xuất").click()
        self.flash("Bạn đã đăng xuất.")

    def open_from_my_work(self, title: str) -> None:
        """Find the proposal in the user's queue ("Việc của tôi") and open it."""
        self.page.get_by_role("link", name="Việc của tôi").click()
        self.check()
        self.page.get_by_role("link", name=title, exact=True).click()
        self.check()
        expect(self.page.get_by_role("heading", level=1, name=title)).to_be_visible()

    def state_is(self, label: str) -> None:
        expect(self.page.get_by_text(label, exact=True).first).to_be_visible()
