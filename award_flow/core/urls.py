"""Redirect targets taken from user input must stay on this site."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect


def local_url(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None.

    Browsers drop tabs and newlines from URLs and read a backslash as a slash, so
    "/\\tevil.example" or "/\\\\evil.example" would leave the site: such targets are refused.
    """
    if not target or not target.startswith("/"):
        return None
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 or ord(ch) == 127
                                                      for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target


def page_of_form() -> str | None:
    """The page of this site that sent the current request (its Referer), if a GET there is
    a page of the app; else None."""
    try:
        referrer = urlsplit(request.referrer or "")
    except ValueError:  # not a URL ("http://[oops")
        return None
    if referrer.scheme not in ("http", "https") or referrer.netloc != request.host:
        return None
    target = local_url(urlunsplit(("", "", referrer.path, referrer.query, "")))
    root = request.script_root
    if target is None or not referrer.path.startswith(root):
        return None
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(referrer.path[len(root):] or "/", method="GET")
    except RequestRedirect:
        pass  # the page moved (a missing trailing slash): still a page
    except HTTPException:  # no such page, or no GET there (another form's target)
        return None
    return target
