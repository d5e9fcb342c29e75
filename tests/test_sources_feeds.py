"""Feed files (.xml/.rss/.atom) offline: entry text fallback, broken feeds, metadata.

Entry links here point at a closed local port, so every page fetch fails fast and the fallback
rules are what is under test. Fetching real pages from a feed is in test_sources_web.py.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.sources import load_sources
from kutip.errors import InputError
from kutip.schema import SourceDocument

LONG_SUMMARY = (
    "Palembang - Jembatan Ampera ditutup sementara untuk kendaraan roda empat selama perbaikan "
    "sambungan besi yang berlangsung tiga pekan. Dinas perhubungan menyiapkan jalur alternatif "
    "melalui jembatan Musi IV dan menambah petugas di persimpangan padat pada jam sibuk."
)
CONTENT = (
    "<p>Kupang - Nelayan di Teluk Kupang kembali melaut setelah gelombang tinggi mereda pada "
    "Rabu, menurut badan meteorologi setempat yang mencabut peringatan dini.</p>"
    "<p>Hasil tangkapan pertama didominasi ikan tongkol dan cakalang, kata ketua koperasi "
    "nelayan kepada wartawan di pelabuhan.</p>"
)


@pytest.fixture
def dead_base() -> str:
    """A URL base on a port nobody listens on: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)


def load(*inputs: object) -> list[SourceDocument | InputError]:
    return list(load_sources([str(i) for i in inputs], max_bytes=1_000_000, timeout=2.0))


def rss(items: str, language: str = "id") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Kabar Nusantara</title><link>http://kabar.example.test/</link>
<description>Berita daerah</description><language>{language}</language>
{items}
</channel></rss>"""


def test_entries_fall_back_to_their_own_text(tmp_path: Path, dead_base: str) -> None:
    feed = tmp_path / "kabar.rss"
    feed.write_text(
        rss(f"""
<item><title>Jembatan Ampera Ditutup</title><link>{dead_base}/ampera</link>
  <pubDate>Tue, 05 Mar 2024 08:00:00 +0700</pubDate><description>{LONG_SUMMARY}</description>
</item>
<item><title>Nelayan Kupang Melaut Lagi</title><guid isPermaLink="false">kpg-7</guid>
  <content:encoded><![CDATA[{CONTENT}]]></content:encoded><description>Singkat.</description>
</item>
<item><title>Teaser Saja</title><link>{dead_base}/teaser</link>
  <description>Hanya satu kalimat pendek.</description></item>
"""),
        encoding="utf-8",
    )
    first, second, third = load(feed)
    assert isinstance(first, SourceDocument)
    assert first.key == first.url == f"{dead_base}/ampera"
    assert first.title == "Jembatan Ampera Ditutup"
    assert first.text == LONG_SUMMARY
    assert first.published == datetime(2024, 3, 5, 1, 0, tzinfo=UTC)
    assert first.lang == "id"
    assert first.source == "127.0.0.1"
    assert isinstance(second, SourceDocument)
    assert second.key == f"{feed.resolve()}#kpg-7" and second.url is None
    assert second.text.count("\n") == 1 and second.text.startswith("Kupang - Nelayan")
    assert str(third) == (
        f"{feed} -> {dead_base}/teaser: cannot fetch: connection refused, "
        "and the entry has no text of its own to use instead"
    )


def test_atom_file(tmp_path: Path) -> None:
    feed = tmp_path / "warta.atom"
    feed.write_text(
        f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Harbour Notes</title><id>urn:harbour</id><updated>2024-04-01T00:00:00Z</updated>
  <entry><title>Ferry timetable changes</title><id>urn:harbour:1</id>
    <updated>2024-04-01T12:30:00Z</updated>
    <content type="html">{CONTENT.replace("<", "&lt;").replace(">", "&gt;")}</content>
  </entry>
</feed>""",
        encoding="utf-8",
    )
    [doc] = load(feed)
    assert isinstance(doc, SourceDocument)
    assert doc.title == "Ferry timetable changes"
    assert doc.key == f"{feed.resolve()}#urn:harbour:1"
    assert doc.published == datetime(2024, 4, 1, 12, 30, tzinfo=UTC)
    assert doc.lang == "en"


def test_entry_without_link_or_text(tmp_path: Path) -> None:
    feed = tmp_path / "tipis.xml"
    feed.write_text(rss("<item><title>Kosong</title></item>"), encoding="utf-8")
    assert [str(item) for item in load(feed)] == [
        f"{feed} -> entry 1: the entry has no link to an article page, "
        "and the entry has no text of its own to use instead"
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("<rss><channel><title>Putus", "not a valid RSS or Atom feed (no element found)"),
        (
            '<?xml version="1.0"?><urlset><url><loc>http://x.test/</loc></url></urlset>',
            "not an RSS or Atom feed",
        ),
        (rss(""), "feed has no entries"),
    ],
)
def test_broken_or_empty_feeds(tmp_path: Path, content: str, problem: str) -> None:
    feed = tmp_path / "rusak.xml"
    feed.write_text(content, encoding="utf-8")
    [err] = load(feed)
    assert isinstance(err, InputError) and err.source == str(feed)
    assert err.problem.startswith(problem)
    assert "\n" not in str(err)
