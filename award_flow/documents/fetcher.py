"""A URL fetcher for WeasyPrint that can only read the project's own document assets.

WeasyPrint fetches every URL it meets in HTML and CSS (``<img src>``, ``<link href>``,
``@import``, ``@font-face src``, ``url()`` backgrounds).  Its default fetcher follows
http(s), ftp and any ``file:`` path, so a template bug or a string that slipped past escaping
could make the server read ``/etc/passwd`` or call an internal URL (SSRF) and embed the result
in a PDF.  This fetcher serves only regular files below an allow-list of directories (the
bundled font package and the document templates/static assets) and ``data:`` URLs, which are
inert; everything else raises :class:`UnsafeURLError`.

WeasyPrint 70 takes a :class:`weasyprint.urls.URLFetcher` *instance* (plain callables are
no longer enough: ``weasyprint.urls.fetch`` reads ``url_fetcher._fail_on_errors``), so the
fetcher is a subclass overriding :meth:`URLFetcher.fetch`.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import fontpkg_noto_serif
from weasyprint.urls import UNICODE_SCHEME_RE, URLFetcher, URLFetcherResponse

PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: Directories whose files documents may load: the Noto Serif font files, the document
#: templates' own assets (CSS) and the project's static folder (logos, seals, if ever used).
DEFAULT_ALLOWED_DIRS: tuple[Path, ...] = (
    Path(fontpkg_noto_serif.ROOT) / "files",
    PROJECT_ROOT / "templates" / "documents",
    PROJECT_ROOT / "static",
)


class UnsafeURLError(ValueError):
    """Raised when a document tries to load a URL outside the allow-list."""


class SafeURLFetcher(URLFetcher):
    """WeasyPrint URL fetcher restricted to files under ``allowed_dirs`` (and ``data:``).

    ``fail_on_errors`` defaults to True: a refused or missing resource then aborts the
    rendering (WeasyPrint raises ``FatalURLFetchingError``) instead of producing a PDF that
    silently lacks its fonts or stylesheet, which for an official document is worse than
    no document.
    """

    def __init__(
        self,
        allowed_dirs: Iterable[str | Path] = DEFAULT_ALLOWED_DIRS,
        *,
        allow_data: bool = True,
        fail_on_errors: bool = True,
    ) -> None:
        # allowed_protocols is a second line of defence: even if fetch() were bypassed,
        # the parent class would refuse http/ftp.
        super().__init__(
            allowed_protocols=("file", "data") if allow_data else ("file",),
            allow_redirects=False,
            fail_on_errors=fail_on_errors,
        )
        # Resolve once (following symlinks) so the containment check compares real paths.
        self.allowed_dirs: tuple[Path, ...] = tuple(
            Path(d).resolve() for d in allowed_dirs
        )
        self.allow_data = allow_data

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        """Return the resource at ``url`` or raise :class:`UnsafeURLError`.

        Only ``file:`` URLs naming a regular file inside one of the allowed directories (after
        resolving ``..`` and symlinks) are served, plus ``data:`` URLs when enabled.
        """
        match = UNICODE_SCHEME_RE.match(url)
        scheme = match[1].lower() if match else ""
        if scheme == "data" and self.allow_data:
            # data: URLs carry their content inline; no I/O happens.
            return super().fetch(url, headers)
        if scheme != "file":
            raise UnsafeURLError(f"refused URL scheme {scheme or '(none)'!r}: {url[:200]}")

        parts = urlsplit(url)
        # file://otherhost/... would mean a network share on some systems.
        if parts.netloc not in ("", "localhost"):
            raise UnsafeURLError(f"refused file URL with a host: {url[:200]}")
        path = self._allowed_path(Path(url2pathname(unquote(parts.path))))
        if path is None:
            raise UnsafeURLError(f"refused file outside the allowed directories: {url[:200]}")

        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url=path.as_uri(),
            body=path.read_bytes(),
            headers={"Content-Type": content_type},
        )

    def _allowed_path(self, path: Path) -> Path | None:
        """The resolved path if it is an existing regular file inside an allowed directory."""
        try:
            # strict=True: symlinks are followed, so a link pointing outside is refused.
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not resolved.is_file():
            return None
        if any(resolved.is_relative_to(d) for d in self.allowed_dirs):
            return resolved
        return None


def safe_url_fetcher(
    url: str, allowed_dirs: Iterable[str | Path] = DEFAULT_ALLOWED_DIRS
) -> URLFetcherResponse:
    """Fetch ``url`` with a :class:`SafeURLFetcher`; raise :class:`UnsafeURLError` if refused.

    Convenience for direct calls and tests.  To give WeasyPrint a fetcher, pass a
    ``SafeURLFetcher()`` instance as ``url_fetcher``: WeasyPrint 70 needs the object, not a
    function.
    """
    return SafeURLFetcher(allowed_dirs).fetch(url)
