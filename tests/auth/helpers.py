"""What the tests of signing in share: sending the login form from a given address, reading
cookies, and whether a client is signed in."""

from __future__ import annotations

from tests.factories import PASSWORD
from tests.web_helpers import csrf_token

REMEMBER = "remember_token"
#: The message of a refused sign-in: one for every cause (unknown user, wrong password)...
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
#: ...but a locked account (or one of a switched-off unit) whose right password was typed.
LOCKED = ("Tài khoản đã bị khóa hoặc đơn vị đã ngừng hoạt động. "
          "Hãy liên hệ quản trị hệ thống.")


def post_login(client, username: str, password: str = PASSWORD, *,  # noqa: ANN001, ANN201
               ip: str = "192.0.2.1", forwarded: str | None = None, remember: bool = False):
    """Send the login form as a browser at `ip` would (through a proxy adding `forwarded`)."""
    data = {"username": username, "password": password,
            "csrf_token": csrf_token(client, "/login")}
    if remember:
        data["remember"] = "y"
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post("/login", data=data, headers=headers, environ_base={"REMOTE_ADDR": ip})


def signed_in(client) -> bool:  # noqa: ANN001
    return client.get("/work").status_code == 200


def cookie(client, name: str) -> str | None:  # noqa: ANN001
    found = client.get_cookie(name)
    return found.value if found is not None else None


def session_of(client) -> dict:  # noqa: ANN001
    with client.session_transaction() as session:
        return dict(session)
