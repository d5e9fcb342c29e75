"""Plain text and Markdown files: titles, decoding and the per-file error messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.sources import load_sources
from kutip.errors import InputError
from kutip.schema import SourceDocument

ID_HEADLINE = "Pelabuhan Tanjung Perak Tambah Dua Dermaga Baru"
ID_BODY = (
    "Surabaya - Otoritas pelabuhan menambah dua dermaga untuk kapal peti kemas pada Senin.\n"
    "Kepala otoritas mengatakan antrean kapal kini berkurang separuhnya.\n"
    "Dermaga baru itu dibangun selama delapan belas bulan."
)
EN_LEAD = (
    "Jakarta - The city opened a second rapid-transit line on Tuesday, officials said, cutting "
    "the commute from the southern suburbs by almost half an hour."
)


def load(*inputs: object, max_bytes: int = 1_000_000) -> list[SourceDocument | InputError]:
    return list(load_sources([str(i) for i in inputs], max_bytes=max_bytes, timeout=2.0))


def only_doc(*inputs: object, **kwargs: int) -> SourceDocument:
    items = load(*inputs, **kwargs)
    assert len(items) == 1 and isinstance(items[0], SourceDocument), items
    return items[0]


def only_error(*inputs: object, **kwargs: int) -> InputError:
    items = load(*inputs, **kwargs)
    assert len(items) == 1 and isinstance(items[0], InputError), items
    return items[0]


def test_short_first_line_is_the_title(tmp_path: Path) -> None:
    path = tmp_path / "dermaga.txt"
    path.write_text(f"{ID_HEADLINE}\n\n{ID_BODY}\n", encoding="utf-8")
    doc = only_doc(path)
    assert doc.title == ID_HEADLINE
    assert doc.text == ID_BODY
    assert doc.key == str(path.resolve())
    assert doc.source == "dermaga.txt"
    assert doc.url is None and doc.published is None and doc.lang is None


def test_sentence_first_line_stays_in_the_body(tmp_path: Path) -> None:
    path = tmp_path / "jakarta-rapid-transit.en.txt"
    text = f"{EN_LEAD}\nThe line carries 40,000 passengers a day in its first week.\n"
    path.write_text(text, encoding="utf-8")
    doc = only_doc(path)
    assert doc.title == "Jakarta rapid transit"
    assert doc.text == text.strip("\n")


def test_long_first_line_without_period_is_not_a_title(tmp_path: Path) -> None:
    first = "Sebuah kalimat pembuka yang sangat panjang tanpa tanda titik " * 3
    path = tmp_path / "panjang.txt"
    path.write_text(f"{first}\nKalimat kedua.", encoding="utf-8")
    doc = only_doc(path)
    assert doc.title == "Panjang"
    assert doc.text.startswith("Sebuah kalimat pembuka")


def test_single_line_file_uses_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "harga_beras-naik.txt"
    path.write_text("Harga beras naik\n", encoding="utf-8")
    doc = only_doc(path)
    assert doc.title == "Harga beras naik"
    assert doc.text == "Harga beras naik"


def test_markdown_heading_and_inline_syntax(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text(
        "# Ferry Services Resume After Storm\n\n"
        "The **port authority** said ferries to [Bali](https://example.test/bali) resumed.\n"
        "![crowd](crowd.jpg)\n"
        "## Passengers\n"
        "> About 3,000 passengers had waited two days.\n",
        encoding="utf-8",
    )
    doc = only_doc(path)
    assert doc.title == "Ferry Services Resume After Storm"
    assert doc.text == (
        "The port authority said ferries to Bali resumed.\n\nPassengers\n"
        "About 3,000 passengers had waited two days."
    )


def test_markdown_heading_wins_even_when_long(tmp_path: Path) -> None:
    heading = "A very long markdown heading that runs past the usual limit " * 3
    path = tmp_path / "long.md"
    path.write_text(f"# {heading.strip()}.\nBody sentence.", encoding="utf-8")
    assert only_doc(path).title == heading.strip() + "."


def test_utf8_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + f"{ID_HEADLINE}\n{ID_BODY}".encode())
    assert only_doc(path).title == ID_HEADLINE


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(f"{ID_HEADLINE}\n{ID_BODY}".encode("utf-16"))
    doc = only_doc(path)
    assert doc.title == ID_HEADLINE and doc.text == ID_BODY


def test_cp1252_file_is_detected(tmp_path: Path) -> None:
    text = (
        "Kafé di Kota Lama Semarang\n"
        "Pemiliknya, Señor Ramírez, menyajikan kopi tubruk — katanya “très bien”.\n"
        "Harga secangkir kopi naïf itu €2 atau sekitar Rp 35.000."
    )
    path = tmp_path / "kafe.txt"
    path.write_bytes(text.encode("cp1252"))
    doc = only_doc(path)
    assert doc.title == "Kafé di Kota Lama Semarang"
    assert doc.text == text.split("\n", 1)[1]


def test_latin1_file_is_detected(tmp_path: Path) -> None:
    text = "São Paulo recebe feira\nA feira de café reúne produtores de Minas e Bahia à noite."
    path = tmp_path / "feira.txt"
    path.write_bytes(text.encode("latin-1"))
    assert "café reúne" in only_doc(path).text


def test_undecodable_bytes(tmp_path: Path) -> None:
    path = tmp_path / "garbage.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 4)
    err = only_error(path)
    assert str(err) == f"{path}: cannot decode text (not UTF-8 and no charset detected)"


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    assert str(only_error(path)) == f"{path}: binary file, not text"


def test_control_characters_count_as_binary(tmp_path: Path) -> None:
    path = tmp_path / "blob.md"
    path.write_bytes(bytes(range(1, 9)) * 100)
    assert only_error(path).problem == "binary file, not text"


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  "])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "kosong.txt"
    path.write_bytes(content)
    assert str(only_error(path)) == f"{path}: empty file"


def test_oversized_file(tmp_path: Path) -> None:
    path = tmp_path / "besar.txt"
    path.write_text("Kalimat berita yang diulang-ulang.\n" * 100_000, encoding="utf-8")
    err = only_error(path, max_bytes=2_000_000)
    assert err.problem == "file is 3.5 MB, over the limit of 2 MB (KUTIP_MAX_INPUT_BYTES)"
    assert err.source == str(path)


def test_small_limit_uses_smaller_units(tmp_path: Path) -> None:
    path = tmp_path / "kecil.txt"
    path.write_text("x" * 1500, encoding="utf-8")
    assert only_error(path, max_bytes=500).problem == (
        "file is 1.5 KB, over the limit of 500 bytes (KUTIP_MAX_INPUT_BYTES)"
    )


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "laporan.pdf"
    path.write_bytes(b"%PDF-1.7")
    assert str(only_error(path)) == (
        f"{path}: unsupported file type '.pdf' (supported: .atom, .htm, .html, .json, .jsonl, "
        ".markdown, .md, .rss, .txt, .xml)"
    )


def test_no_extension(tmp_path: Path) -> None:
    path = tmp_path / "README"
    path.write_text("hello", encoding="utf-8")
    assert only_error(path).problem.startswith("unsupported file type (no extension; supported:")


def test_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "tidak-ada.txt"
    assert str(only_error(path)) == f"{path}: no such file or directory"


def test_markdown_with_only_a_title(tmp_path: Path) -> None:
    path = tmp_path / "judul.md"
    path.write_text("# Judul saja\n\n![foto](a.jpg)\n", encoding="utf-8")
    assert only_error(path).problem == "no article text besides the title"


def test_errors_are_one_line(tmp_path: Path) -> None:
    paths = [tmp_path / "a.bin", tmp_path / "b.txt", tmp_path / "missing.md"]
    paths[0].write_bytes(b"\x00\x01")
    paths[1].write_bytes(bytes(range(0x80, 0x100)))
    for item in load(*paths):
        assert isinstance(item, InputError) and "\n" not in str(item)
