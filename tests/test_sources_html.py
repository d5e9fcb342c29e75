"""Saved HTML pages: trafilatura finds the article, the page's metadata fills the fields."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ingest.sources import load_sources
from ingest.sources.html import declared_lang, fragment_to_text
from kutip.errors import InputError
from kutip.schema import SourceDocument

PAGE = """<!DOCTYPE html>
<html lang="id-ID">
<head>
  <meta charset="utf-8">
  <title>Petani Garam Madura Panen Raya - Warta Pesisir</title>
  <meta property="og:title" content="Petani Garam Madura Panen Raya">
  <meta property="og:site_name" content="Warta Pesisir">
  <meta property="article:published_time" content="2024-08-14T09:30:00+07:00">
</head>
<body>
  <nav><a href="/">Beranda</a> | <a href="/ekonomi">Ekonomi</a> |
    <a href="/olahraga">Olahraga</a></nav>
  <article>
    <h1>Petani Garam Madura Panen Raya</h1>
    <p>Sumenep - Petani garam di pesisir selatan Madura memulai panen raya pada pekan kedua
    Agustus setelah kemarau panjang membuat air laut cepat menguap di tambak.</p>
    <p>Ketua kelompok tani setempat mengatakan produksi tahun ini diperkirakan mencapai
    tiga ratus ribu ton, naik hampir sepertiga dibanding tahun lalu.</p>
    <p>Harga garam krosok di tingkat petani bertahan di kisaran Rp 1.200 per kilogram,
    menurut catatan dinas perdagangan kabupaten.</p>
  </article>
  <footer>Hak cipta Warta Pesisir. Semua hak dilindungi.</footer>
</body>
</html>
"""


def load(*inputs: object) -> list[SourceDocument | InputError]:
    return list(load_sources([str(i) for i in inputs], max_bytes=1_000_000, timeout=2.0))


def test_html_article_with_metadata(tmp_path: Path) -> None:
    path = tmp_path / "garam.html"
    path.write_text(PAGE, encoding="utf-8")
    [doc] = load(path)
    assert isinstance(doc, SourceDocument)
    assert doc.title == "Petani Garam Madura Panen Raya"
    assert doc.text.startswith("Sumenep - Petani garam di pesisir selatan Madura")
    assert "Rp 1.200 per kilogram" in doc.text
    assert "Beranda" not in doc.text and "Hak cipta" not in doc.text
    assert not doc.text.startswith(doc.title)  # the <h1> is the title, not the first line
    assert len(doc.text.split("\n")) == 3  # one paragraph a line
    assert doc.source == "Warta Pesisir"
    assert doc.lang == "id"
    assert doc.published == datetime(2024, 8, 14, 2, 30, tzinfo=UTC)  # 09:30 WIB
    assert doc.url is None
    assert doc.key == str(path.resolve())


def test_html_without_metadata_falls_back_to_file_name(tmp_path: Path) -> None:
    body = "".join(
        f"<p>The regional water utility said on Monday that pipe repair number {i} in the "
        "northern district would finish before the rainy season, according to its schedule.</p>"
        for i in range(4)
    )
    path = tmp_path / "water-utility.htm"
    path.write_text(f"<html><body><div>{body}</div></body></html>", encoding="utf-8")
    [doc] = load(path)
    assert isinstance(doc, SourceDocument)
    assert doc.title == "Water utility"
    assert doc.source == "water-utility.htm"
    assert doc.lang is None


def test_html_in_legacy_charset(tmp_path: Path) -> None:
    page = PAGE.replace('charset="utf-8"', 'charset="windows-1252"').replace(
        "Sumenep - Petani", "Sumenep – Petani “garam”"
    )
    path = tmp_path / "cp1252.html"
    path.write_bytes(page.encode("cp1252"))
    [doc] = load(path)
    assert isinstance(doc, SourceDocument)
    assert "Sumenep – Petani “garam”" in doc.text


def test_html_without_article_text(tmp_path: Path) -> None:
    path = tmp_path / "kosong.html"
    path.write_text("<html><head><title>Kosong</title></head><body><nav>Menu</nav></body></html>")
    [err] = load(path)
    assert str(err) == f"{path}: no article text found in the HTML page"


def test_binary_html_file(tmp_path: Path) -> None:
    path = tmp_path / "image.html"
    path.write_bytes(b"GIF89a\x00\x00\x01\x00" * 10)
    [err] = load(path)
    assert isinstance(err, InputError) and err.problem == "binary file, not text"


def test_declared_lang() -> None:
    assert declared_lang('<html class="x" lang="en-US">') == "en"
    assert declared_lang(b"<HTML LANG=in>") == "id"
    assert declared_lang('<meta http-equiv="Content-Language" content="id">') == "id"
    assert declared_lang("<html><body>no declaration</body></html>") is None


def test_fragment_to_text() -> None:
    html = "<p>Satu &amp; dua.</p><script>x()</script><p>Tiga<br/>empat <b>lima</b>.</p>"
    assert fragment_to_text(html) == "Satu & dua.\nTiga\nempat lima."
    assert fragment_to_text("Plain   summary\n text") == "Plain summary\ntext"
