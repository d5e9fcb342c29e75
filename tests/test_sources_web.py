"""URLs and feeds over HTTP, against a local server this module starts (127.0.0.1, port 0).

The server fixture lives here rather than in the shared conftest so the web tests carry their
own world: pages, a feed pointing at those pages, a 404, a slow and an oversized response.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ingest.sources import load_sources
from kutip.errors import InputError
from kutip.schema import SourceDocument


@dataclass
class Route:
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    send_length: bool = True


class LocalServer:
    """A threaded HTTP server on a free local port, serving whatever ``routes`` holds."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits.append(self.path)
                route = server.routes.get(self.path)
                if route is None:
                    route = Route(b"<html><body>Not here</body></html>", status=404)
                if route.delay:
                    time.sleep(route.delay)
                self.send_response(route.status)
                if route.content_type:
                    self.send_header("Content-Type", route.content_type)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.send_length:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                # The client may stop reading (size limit): that is expected.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(route.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    local.thread.start()
    yield local
    local.httpd.shutdown()
    local.httpd.server_close()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy from the environment must not intercept requests to 127.0.0.1."""
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)


def load(
    *inputs: object, max_bytes: int = 1_000_000, timeout: float = 5.0
) -> list[SourceDocument | InputError]:
    return list(load_sources([str(i) for i in inputs], max_bytes=max_bytes, timeout=timeout))


def page(title: str, paragraphs: list[str], *, lang: str = "en", head: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        f"{head}</head><body><header><a href='/'>Home</a> | <a href='/world'>World</a></header>"
        f"<main><article><h1>{title}</h1>{body}</article></main>"
        "<footer>Contact us | Privacy policy</footer></body></html>"
    ).encode()


EN_TITLE = "Monsoon Rains Delay Rice Harvest in Java"
EN_PARAGRAPHS = [
    "Farmers in Central Java have postponed the rice harvest by two weeks after unusually heavy "
    "monsoon rains flooded low-lying paddies, the agriculture office said on Thursday.",
    "Officials estimate that about 12,000 hectares are under water, most of them in districts "
    "along the northern coast where drainage canals overflowed.",
    "The national food agency said rice reserves were sufficient to keep prices stable.",
]
ID_TITLE = "Sungai Kapuas Surut, Kapal Barang Tertahan"
ID_PARAGRAPHS = [
    "Pontianak - Puluhan kapal barang tertahan di hulu Sungai Kapuas karena permukaan air turun "
    "drastis selama kemarau, kata petugas syahbandar pada Selasa.",
    "Pengusaha angkutan sungai memperkirakan kerugian mencapai ratusan juta rupiah per hari "
    "apabila air belum naik dalam sepekan.",
]
SITE_META = (
    '<meta property="og:site_name" content="Harbour Daily">'
    '<meta property="article:published_time" content="2024-05-02T07:00:00Z">'
)
FEED_SUMMARY = (
    "Balikpapan - Kilang minyak di pesisir timur kembali beroperasi penuh setelah perbaikan "
    "unit distilasi selesai lebih cepat dari jadwal, menurut keterangan perusahaan pada Senin "
    "sore. Produksi diperkirakan pulih ke kapasitas normal pada akhir pekan."
)


@pytest.fixture(scope="module", autouse=True)
def site(server: LocalServer) -> None:
    routes = server.routes
    routes["/monsoon"] = Route(page(EN_TITLE, EN_PARAGRAPHS, head=SITE_META))
    routes["/kapuas"] = Route(page(ID_TITLE, ID_PARAGRAPHS, lang="id"))
    routes["/old-link"] = Route(status=301, headers={"Location": "/monsoon"})
    routes["/error"] = Route(b"oops", status=500)
    routes["/slow"] = Route(page(EN_TITLE, EN_PARAGRAPHS), delay=1.5)
    routes["/big"] = Route(b"<html><body>" + b"<p>word</p>" * 1000 + b"</body></html>")
    routes["/big-stream"] = Route(b"<p>kata</p>" * 1000, send_length=False)
    routes["/photo.png"] = Route(b"\x89PNG\r\n\x1a\n" + bytes(64), content_type="image/png")
    routes["/notes.txt"] = Route(
        b"Catatan Redaksi\nRapat redaksi dipindah ke hari Jumat pukul sembilan pagi.",
        content_type="text/plain; charset=utf-8",
    )
    routes["/empty-page"] = Route(b"<html><body><nav>Menu</nav></body></html>")
    routes["/sitemap.xml"] = Route(
        b'<?xml version="1.0"?><urlset><url><loc>/monsoon</loc></url></urlset>',
        content_type="application/xml",
    )
    cafe = page(
        "Kafe Tua di Braga",
        [
            "Bandung – Kafé tua di Jalan Braga menyajikan “kopi "
            "tubruk” sejak 1930, dan pemiliknya masih menggiling biji kopi sendiri setiap "
            "pagi."
        ],
        lang="id",
    )
    routes["/cp1252"] = Route(
        cafe.decode().replace('<meta charset="utf-8">', "").encode("cp1252"),
        content_type="text/html; charset=windows-1252",
    )
    routes["/feed.xml"] = Route(
        rss(server, relative_berita=True).encode(), content_type="application/rss+xml"
    )
    routes["/feed-as-html"] = Route(rss(server).encode(), content_type="text/html")


def rss(server: LocalServer, relative_berita: bool = False) -> str:
    kapuas = "/kapuas" if relative_berita else server.url("/kapuas")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Kabar Sungai</title><link>{server.base}/</link>
<description>Berita</description><language>id</language>
<item><title>Monsoon rains delay harvest</title><link>{server.url("/monsoon")}</link>
  <pubDate>Wed, 01 May 2024 23:00:00 GMT</pubDate><description>Short teaser.</description></item>
<item><title>Sungai Kapuas surut</title><link>{kapuas}</link></item>
<item><title>Kilang kembali beroperasi</title><link>{server.url("/gone-1")}</link>
  <description>{FEED_SUMMARY}</description></item>
<item><title>Artikel hilang</title><link>{server.url("/gone-2")}</link>
  <description>Ringkasan pendek.</description></item>
<item><title>Foto</title><link>{server.url("/photo.png")}</link></item>
</channel></rss>"""


def test_article_url(server: LocalServer) -> None:
    url = server.url("/monsoon")
    [doc] = load(url)
    assert isinstance(doc, SourceDocument)
    assert doc.key == doc.url == url
    assert doc.title == EN_TITLE
    assert doc.text == "\n".join(EN_PARAGRAPHS)
    assert doc.source == "Harbour Daily"
    assert doc.lang == "en"
    assert doc.published == datetime(2024, 5, 2, 7, 0, tzinfo=UTC)


def test_source_falls_back_to_the_host(server: LocalServer) -> None:
    [doc] = load(server.url("/kapuas"))
    assert isinstance(doc, SourceDocument)
    assert doc.source == "127.0.0.1" and doc.lang == "id" and doc.title == ID_TITLE


def test_redirect_is_followed_and_key_is_the_given_url(server: LocalServer) -> None:
    given = server.url("/old-link#comments")
    [doc] = load(given)
    assert isinstance(doc, SourceDocument)
    assert doc.key == server.url("/old-link")  # the fragment is not part of the identity
    assert doc.url == server.url("/monsoon")


def test_charset_from_the_http_header(server: LocalServer) -> None:
    [doc] = load(server.url("/cp1252"))
    assert isinstance(doc, SourceDocument)
    assert "Kafé tua di Jalan Braga menyajikan “kopi tubruk” sejak 1930" in doc.text


def test_plain_text_url(server: LocalServer) -> None:
    [doc] = load(server.url("/notes.txt"))
    assert isinstance(doc, SourceDocument)
    assert doc.title == "Catatan Redaksi" and doc.source == "127.0.0.1"


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("/missing", "HTTP 404 Not Found"),
        ("/error", "HTTP 500 Internal Server Error"),
        (
            "/photo.png",
            "unsupported content type 'image/png' (expected an HTML page or an RSS/Atom feed)",
        ),
        ("/empty-page", "no article text found in the HTML page"),
        ("/sitemap.xml", "XML that is not an RSS or Atom feed (application/xml)"),
    ],
)
def test_url_errors(server: LocalServer, path: str, problem: str) -> None:
    url = server.url(path)
    assert [str(item) for item in load(url)] == [f"{url}: {problem}"]


def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/berita"
    assert [str(item) for item in load(url)] == [f"{url}: cannot fetch: connection refused"]


def test_timeout(server: LocalServer) -> None:
    url = server.url("/slow")
    started = time.monotonic()
    assert [str(item) for item in load(url, timeout=0.3)] == [
        f"{url}: cannot fetch: timed out after 0.3 s"
    ]
    assert time.monotonic() - started < 1.4


def test_declared_size_over_the_limit(server: LocalServer) -> None:
    [err] = load(server.url("/big"), max_bytes=1000)
    assert isinstance(err, InputError)
    assert err.problem == "response is 11 KB, over the limit of 1 KB (KUTIP_MAX_INPUT_BYTES)"


def test_streamed_size_over_the_limit(server: LocalServer) -> None:
    [err] = load(server.url("/big-stream"), max_bytes=1000)
    assert isinstance(err, InputError)
    assert err.problem == "response is over the limit of 1 KB (KUTIP_MAX_INPUT_BYTES)"


@pytest.mark.parametrize("url", ["http://", "https://[::1/x"])
def test_invalid_url(url: str) -> None:
    [err] = load(url)
    assert isinstance(err, InputError) and err.problem.startswith("invalid URL")


def check_feed_items(
    items: list[SourceDocument | InputError], feed: str, server: LocalServer
) -> None:
    kinds = ["doc" if isinstance(item, SourceDocument) else "err" for item in items]
    assert kinds == ["doc", "doc", "doc", "err", "err"]
    monsoon, kapuas, refinery, gone, photo = items
    assert isinstance(monsoon, SourceDocument)
    assert monsoon.key == server.url("/monsoon")
    assert monsoon.title == "Monsoon rains delay harvest"  # the feed's title wins
    assert monsoon.text == "\n".join(EN_PARAGRAPHS)  # the page, not the teaser
    assert monsoon.published == datetime(2024, 5, 1, 23, 0, tzinfo=UTC)  # the feed's date
    assert monsoon.lang == "en" and monsoon.source == "Harbour Daily"
    assert isinstance(kapuas, SourceDocument)
    assert kapuas.key == server.url("/kapuas") and kapuas.text == "\n".join(ID_PARAGRAPHS)
    assert kapuas.published is None and kapuas.lang == "id"
    assert isinstance(refinery, SourceDocument)
    assert refinery.text == FEED_SUMMARY  # the page is gone: the entry's own text
    assert refinery.key == refinery.url == server.url("/gone-1")
    assert str(gone) == (
        f"{feed} -> {server.url('/gone-2')}: HTTP 404 Not Found, "
        "and the entry has no text of its own to use instead"
    )
    assert str(photo) == (
        f"{feed} -> {server.url('/photo.png')}: the linked page is not HTML (image/png), "
        "and the entry has no text of its own to use instead"
    )


def test_feed_url(server: LocalServer) -> None:
    feed = server.url("/feed.xml")
    check_feed_items(load(feed), feed, server)


def test_mislabelled_feed_is_sniffed(server: LocalServer) -> None:
    feed = server.url("/feed-as-html")
    check_feed_items(load(feed), feed, server)


def test_local_feed_file_fetches_its_pages(server: LocalServer, tmp_path: Path) -> None:
    feed = tmp_path / "sungai.rss"
    feed.write_text(rss(server), encoding="utf-8")
    check_feed_items(load(feed), str(feed), server)


def test_batch_mixes_urls_and_files_in_order(server: LocalServer, tmp_path: Path) -> None:
    note = tmp_path / "catatan.txt"
    note.write_text("Judul Catatan\nIsi catatan singkat untuk redaksi.", encoding="utf-8")
    items = load(server.url("/missing"), note, server.url("/kapuas"))
    assert isinstance(items[0], InputError)
    assert isinstance(items[1], SourceDocument) and items[1].title == "Judul Catatan"
    assert isinstance(items[2], SourceDocument) and items[2].title == ID_TITLE
