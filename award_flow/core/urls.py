"""Redirect targets taken from user input must stay on this site."""

from __future__ import annotations

from urllib.parse import urlsplit


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
