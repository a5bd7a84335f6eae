"""Safe PDF rendering with WeasyPrint.

The HTML we render contains data about threatened people, and templates may
interpolate user-supplied text.  So the renderer is locked down:

* Resources are only read from the project's ``static/`` directory, addressed
  as ``/static/...`` URLs.  Everything else (``file:``, ``http(s):``, ``data:``,
  path traversal, ...) is refused, so WeasyPrint skips it: no network access
  and no file reads outside ``static/``.
* Nothing is ever embedded as a PDF attachment.
* PDF metadata holds only the caller's title; ``<title>``/``<meta>`` in the
  HTML (which could name a person) never reach the Info dictionary.

This module deliberately does not import Django, so it can be used from
Celery tasks and tests without settings.
"""

from __future__ import annotations

import mimetypes
import ssl
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf  # WeasyPrint's own PDF writer; needed to set Info entries in the finisher.
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.pdf.metadata import DocumentMetadata
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

__all__ = ["BASE_URL", "STATIC_DIR", "FetchRefusedError", "render_pdf", "static_path_for_url"]

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# A fake origin: ".invalid" can never resolve (RFC 2606), and the fetcher below
# never does network I/O anyway.  It only exists so that "/static/..." in
# templates resolves to a URL we can recognise.
BASE_URL = "https://skydd.invalid/"
_BASE_PARTS = urlsplit(BASE_URL)
_STATIC_PREFIX = "/static/"
PRINT_CSS_URL = BASE_URL + "static/css/print.css"
PRODUCER = "Skydd"


# The inherited urllib handlers of the fetcher below are never used (``fetch`` is
# overridden), but URLFetcher builds an HTTPS handler anyway, and without a context that
# means ssl.create_default_context() – loading the system CA store, ~0.1 s for every PDF.
# A client context with no CA certificates is cheap and can verify (so reach) nothing.
_NO_NETWORK_TLS = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class FetchRefusedError(ValueError):
    """A resource URL was outside /static/; WeasyPrint logs it and skips the resource."""


def static_path_for_url(url: str) -> Path:
    """Map ``https://skydd.invalid/static/<rel>`` to a file inside STATIC_DIR.

    Raises FetchRefusedError for any other URL, for traversal out of STATIC_DIR
    (including via ``%2e%2e`` or symlinks) and for anything that is not a file.
    """
    parts = urlsplit(url)
    # Compare the whole netloc so userinfo ("x@skydd.invalid") or a port is refused too.
    if parts.scheme != _BASE_PARTS.scheme or parts.netloc != _BASE_PARTS.netloc:
        raise FetchRefusedError(f"refused non-static URL: {url[:200]}")
    # urljoin already removed literal "..", but percent-encoded ones survive it.
    path = unquote(parts.path)
    if not path.startswith(_STATIC_PREFIX) or "\x00" in path:
        raise FetchRefusedError(f"refused non-static URL: {url[:200]}")
    static_dir = STATIC_DIR.resolve()
    # resolve() follows symlinks and "..", so this check is the real traversal guard.
    candidate = (static_dir / path.removeprefix(_STATIC_PREFIX)).resolve()
    if not candidate.is_relative_to(static_dir) or not candidate.is_file():
        raise FetchRefusedError(f"refused non-static URL: {url[:200]}")
    return candidate


class StaticOnlyFetcher(URLFetcher):
    """URL fetcher serving only files under STATIC_DIR.

    In WeasyPrint 70, weasyprint.urls.fetch() reads ``url_fetcher._fail_on_errors``
    and asserts a URLFetcherResponse is returned, so the old style (a plain
    function returning a dict) no longer works.  We subclass and override
    ``fetch``, which ``__call__`` delegates to; the inherited urllib handlers
    are never used.
    """

    def __init__(self) -> None:
        # fail_on_errors=False: a refused resource is logged and skipped rather
        # than aborting the whole document.
        super().__init__(
            allowed_protocols=(),
            allow_redirects=False,
            fail_on_errors=False,
            ssl_context=_NO_NETWORK_TLS,
        )

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        path = static_path_for_url(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def _css_string(text: str) -> str:
    """Quote text as a CSS string; escape everything but plain characters so it
    cannot break out of the string and inject rules.

    A CSS hex escape swallows one following whitespace character, so each escape
    ends with a space that CSS consumes, keeping a real space after it intact.
    """
    safe = " -.,:;/()§"
    return '"' + "".join(c if c.isalnum() or c in safe else f"\\{ord(c):x} " for c in text) + '"'


def _set_producer(document: Document, pdf: pydyf.PDF) -> None:
    # WeasyPrint writes "WeasyPrint <version>" as Producer; we do not advertise it.
    pdf.info["Producer"] = pydyf.String(PRODUCER)
    pdf.info["Creator"] = pydyf.String(PRODUCER)


def render_pdf(html: str, *, title: str, secrecy_marking: str | None = None) -> bytes:
    """Render an HTML document to an A4 PDF and return its bytes.

    ``static/css/print.css`` (fonts, A4 page, "Sida X av Y" footer, tables and the
    ``<body class="draft">`` UTKAST watermark) is always applied by this function
    as a user stylesheet, so templates should not link it; the template's own
    styles take precedence over it.  Templates may reference other files as
    ``/static/...``; every other URL is refused.

    ``title`` is the only metadata written to the PDF (Info /Title), e.g.
    "Gemensam skyddsplan PSS-U-2026-00042 v3".  ``secrecy_marking`` (e.g.
    "SEKRETESS") is shown in the header of every page; it is added as an
    ``!important`` user rule so nothing in the HTML can hide or replace it.
    """
    fetcher = StaticOnlyFetcher()
    # @font-face rules only work if the same FontConfiguration is used both for
    # the stylesheet and for rendering.
    font_config = FontConfiguration()
    stylesheets = [CSS(url=PRINT_CSS_URL, url_fetcher=fetcher, font_config=font_config)]
    if secrecy_marking:
        marking_css = (
            f"@page {{ @top-center {{ content: {_css_string(secrecy_marking)} !important; }} }}"
        )
        stylesheets.append(
            CSS(string=marking_css, base_url=BASE_URL, url_fetcher=fetcher, font_config=font_config)
        )

    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
        font_config=font_config, stylesheets=stylesheets
    )

    # Replace whatever <title>/<meta> gave (authors, keywords, description,
    # generator, dates, <link rel=attachment>) with just our title.  The
    # document language is kept: it is not personal and helps screen readers.
    document.metadata = DocumentMetadata(title=title, lang=document.metadata.lang)
    # <a rel="attachment"> would embed its target; the fetcher already refuses
    # non-static files, but also drop such links so static files are never embedded.
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]

    pdf = document.write_pdf(finisher=_set_producer)
    assert pdf is not None  # write_pdf returns bytes when no target is given
    return pdf


def warm() -> None:
    """Render a one-line document once, so that the first real PDF after a start does not
    pay for loading fonts, Pango and WeasyPrint's style sheets (seconds on a cold process).
    Called when a Celery worker process starts and when the web process starts."""
    render_pdf("<p>Skydd</p>", title="Skydd")
