"""Tests for skydd.pdf: rendering, resource lock-down, no attachments, clean metadata.

No Django needed: skydd.pdf does not import it.
"""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import StreamObject

import skydd.pdf
from skydd.pdf import FetchRefusedError, StaticOnlyFetcher, render_pdf, static_path_for_url

TITLE = "Gemensam skyddsplan PSS-U-2026-00042 v3"


def page(body: str, *, head: str = "", body_class: str = "") -> str:
    return (
        f'<!doctype html><html lang="sv"><head><meta charset="utf-8">{head}</head>'
        f'<body class="{body_class}">{body}</body></html>'
    )


def all_pdf_bytes(pdf: bytes) -> bytes:
    """Raw file plus every object serialised and every stream decoded.

    WeasyPrint compresses streams and packs objects (including the Info
    dictionary) into object streams, so searching only the raw bytes would
    prove nothing.
    """
    reader = PdfReader(io.BytesIO(pdf))
    chunks = [pdf]
    size = reader.trailer["/Size"]
    assert isinstance(size, int)
    for num in range(1, size):
        try:
            obj = reader.get_object(num)
        except Exception:
            continue
        if obj is None:
            continue
        chunks.append(repr(obj).encode("utf-8", "replace"))
        if isinstance(obj, StreamObject):
            chunks.append(obj.get_data())
    return b"\n".join(chunks)


def text_of(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


def assert_no_embedded_files(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    names = reader.root_object.get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object()
    assert reader.attachments == {}
    for pdf_page in reader.pages:
        for annot in pdf_page.get("/Annots") or []:
            assert annot.get_object().get("/Subtype") != "/FileAttachment"
    assert b"/EmbeddedFile" not in all_pdf_bytes(pdf)
    assert b"/FileAttachment" not in all_pdf_bytes(pdf)


@pytest.fixture
def fetch_log(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Record every URL WeasyPrint asks for and whether content was returned."""
    log: list[tuple[str, bool]] = []
    original = StaticOnlyFetcher.fetch

    def recording_fetch(self, url, headers=None):  # type: ignore[no-untyped-def]
        try:
            response = original(self, url, headers)
        except Exception:
            log.append((url, False))
            raise
        log.append((url, True))
        return response

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", recording_fetch)
    return log


class Listener:
    """A TCP listener on 127.0.0.1 that records connection attempts."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


# --- rendering -----------------------------------------------------------------------


def test_two_page_document_has_heading_footer_and_marking(
    fetch_log: list[tuple[str, bool]],
) -> None:
    html = page(
        "<h1>Skyddsplan för testärende</h1><p>Första sidan.</p>"
        '<p style="break-before: page">Andra sidan.</p>'
    )
    pdf = render_pdf(html, title=TITLE, secrecy_marking="SEKRETESS enligt 21 kap. 3 § OSL")

    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    # A4 is 595 x 842 pt.
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)

    first, second = text_of(pdf)
    assert "Skyddsplan för testärende" in first
    assert "Sida 1 av 2" in first
    assert "Sida 2 av 2" in second
    for text in (first, second):
        assert "SEKRETESS enligt 21 kap. 3 § OSL" in text
        assert "UTKAST" not in text

    # print.css and the shipped fonts came from static/, and nothing else was fetched.
    fetched = {url for url, ok in fetch_log if ok}
    assert "https://skydd.invalid/static/css/print.css" in fetched
    assert "https://skydd.invalid/static/fonts/DejaVuSans.ttf" in fetched
    assert all(url.startswith("https://skydd.invalid/static/") for url in fetched)


def test_draft_watermark_on_every_page() -> None:
    html = page("<p>Ett.</p><p style='break-before: page'>Två.</p>", body_class="draft")
    texts = text_of(render_pdf(html, title=TITLE))
    assert len(texts) == 2
    assert all("UTKAST" in text for text in texts)


def test_secrecy_marking_is_escaped_and_cannot_be_overridden() -> None:
    marking = 'HEMLIG "x" \\ } @page { @top-center { content: "injected" } }'
    # The template tries to replace the header; the !important user rule wins.
    head = '<style>@page { @top-center { content: "FEL MARKERING" } }</style>'
    (text,) = text_of(
        render_pdf(page("<p>Text</p>", head=head), title=TITLE, secrecy_marking=marking)
    )
    assert marking in text
    assert "FEL MARKERING" not in text


# --- hostile content ---------------------------------------------------------------------


def test_hostile_references_are_never_fetched(
    tmp_path: Path, fetch_log: list[tuple[str, bool]], listener: Listener
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SENTINEL-FILE-CONTENT-7f3a9c")
    secret_url = secret.as_uri()
    net = f"http://127.0.0.1:{listener.port}"

    head = f"""
      <link rel="attachment" href="file:///etc/hostname">
      <link rel="attachment" href="{secret_url}">
      <link rel="attachment" href="/static/css/print.css">
      <link rel="stylesheet" href="{net}/link.css">
      <link rel="stylesheet" href="file:///etc/passwd">
      <style>
        @import url({net}/import.css);
        @font-face {{ font-family: Evil; src: url({net}/font.ttf); }}
        body {{ background: url(http://127.0.0.1:9/); }}
        h1 {{ background: url(file:///etc/passwd); font-family: Evil; }}
        p {{ background: url(/static/../../../etc/passwd); }}
        div {{ background: url(/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd); }}
        span {{ background: url({net}/x); }}
        em {{ background: url("data:text/plain,SENTINEL-DATA-URL-CONTENT"); }}
      </style>"""
    body = f"""
      <h1>Rubrik</h1>
      <img src="file:///etc/passwd">
      <img src="{secret_url}">
      <img src="{net}/img.png">
      <object data="file:///etc/passwd"></object>
      <embed src="{secret_url}">
      <svg width="10" height="10"><image href="file:///etc/passwd" width="10" height="10"/></svg>
      <a rel="attachment" href="file:///etc/hostname">x</a>
      <a rel="attachment" href="{secret_url}">y</a>
      <a rel="attachment" href="/static/css/print.css">z</a>
      <p>Stycke</p><div>Div</div><span>Span</span><em>Em</em>"""

    pdf = render_pdf(page(body, head=head), title=TITLE)

    # Only /static/ files were ever read.
    assert fetch_log, "the recording fetcher was not used"
    for url, ok in fetch_log:
        if ok:
            assert url.startswith("https://skydd.invalid/static/"), url
    refused = {url for url, ok in fetch_log if not ok}
    assert "file:///etc/passwd" in refused
    assert f"{net}/x" in refused
    assert listener.connections == 0

    assert_no_embedded_files(pdf)

    everything = all_pdf_bytes(pdf)
    text = "\n".join(text_of(pdf))
    for sentinel in ("SENTINEL-FILE-CONTENT-7f3a9c", "SENTINEL-DATA-URL-CONTENT"):
        assert sentinel.encode() not in everything
        assert sentinel not in text
    passwd_first_line = Path("/etc/passwd").read_text().splitlines()[0]
    assert passwd_first_line.encode() not in everything
    assert passwd_first_line not in text
    hostname = Path("/etc/hostname").read_text().strip()
    if hostname:
        assert hostname not in text
        if len(hostname) >= 6:  # very short names appear by chance in binary data
            assert hostname.encode() not in everything


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///work/main/static/css/print.css",
        "http://skydd.invalid/static/css/print.css",
        "https://example.org/static/css/print.css",
        "https://skydd.invalid:443/static/css/print.css",
        "https://user@skydd.invalid/static/css/print.css",
        "https://skydd.invalid/etc/passwd",
        "https://skydd.invalid/static/../../etc/passwd",
        "https://skydd.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://skydd.invalid/static//etc/passwd",
        "https://skydd.invalid/static/css/print.css%00.png",
        "https://skydd.invalid/static/css/",
        "https://skydd.invalid/static/does-not-exist.css",
        "data:text/css,body{}",
        "ftp://skydd.invalid/static/css/print.css",
    ],
)
def test_static_path_for_url_refuses(url: str) -> None:
    with pytest.raises(FetchRefusedError):
        static_path_for_url(url)


def test_static_path_for_url_accepts_static_file() -> None:
    path = static_path_for_url("https://skydd.invalid/static/css/print.css?v=1#x")
    assert path == skydd.pdf.STATIC_DIR.resolve() / "css" / "print.css"


def test_symlink_out_of_static_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    static = tmp_path / "static"
    static.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    (static / "link.txt").symlink_to(outside)
    (static / "ok.txt").write_text("ok")
    monkeypatch.setattr(skydd.pdf, "STATIC_DIR", static)

    assert static_path_for_url("https://skydd.invalid/static/ok.txt").read_text() == "ok"
    with pytest.raises(FetchRefusedError):
        static_path_for_url("https://skydd.invalid/static/link.txt")


# --- metadata -------------------------------------------------------------------------


def test_metadata_holds_only_the_given_title() -> None:
    sentinel = "Hemlighetsdottir Sentinella"
    head = f"""
      <title>{sentinel}</title>
      <meta name="author" content="{sentinel}">
      <meta name="description" content="{sentinel}">
      <meta name="keywords" content="{sentinel}, skydd">
      <meta name="generator" content="{sentinel}">
      <meta name="dcterms.created" content="2001-02-03">
      <meta name="x-custom" content="{sentinel}">"""
    pdf = render_pdf(page("<h1>Rubrik</h1><p>Text.</p>", head=head), title=TITLE)

    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info is not None
    assert info.get("/Title") == TITLE
    for key in ("/Author", "/Subject", "/Keywords"):
        assert not info.get(key)
    assert "/CreationDate" not in info
    assert set(info) <= {"/Title", "/Producer", "/Creator"}
    assert info.get("/Producer") == "Skydd"
    assert "WeasyPrint" not in str(info.get("/Creator", ""))

    everything = all_pdf_bytes(pdf)
    for word in sentinel.split():
        assert word.encode() not in everything
        assert word.encode("utf-16-be") not in everything
