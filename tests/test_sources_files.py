"""load_sources over paths: folders, input order, and no single input stopping the batch."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import ingest.sources.files as files
from ingest.sources import SUPPORTED_EXTENSIONS, load_sources
from kutip.errors import InputError
from kutip.schema import SourceDocument

ARTICLE = "Gunung Lewotobi Kembali Erupsi\nLarantuka - Gunung api itu meletus lagi pada Kamis."


def load(*inputs: object) -> list[SourceDocument | InputError]:
    return list(load_sources([str(i) for i in inputs], max_bytes=1_000_000, timeout=2.0))


def names(items: list[SourceDocument | InputError]) -> list[str]:
    return [
        Path(item.key).name if isinstance(item, SourceDocument) else f"ERR {item}" for item in items
    ]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "arsip"
    for rel in ["b.txt", "a.md", "sub/c.txt", "sub/deeper/d.txt", "z/e.txt"]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(ARTICLE, encoding="utf-8")
    (root / "sub" / "records.jsonl").write_text(
        json.dumps({"id": "r1", "title": "Rekaman", "text": "Isi rekaman."}) + "\n"
    )
    (root / "photo.jpg").write_bytes(b"\xff\xd8\xff")  # unsupported: skipped silently
    (root / "notes.docx").write_bytes(b"PK")
    (root / ".hidden.txt").write_text(ARTICLE)
    (root / ".git").mkdir()
    (root / ".git" / "HEAD.txt").write_text(ARTICLE)
    (root / "kosong.txt").write_text("")
    return root


def test_folder_is_recursive_sorted_and_skips_hidden_and_unsupported(folder: Path) -> None:
    items = load(folder)
    assert names(items) == [
        "a.md",
        "b.txt",
        f"ERR {folder / 'kosong.txt'}: empty file",
        "c.txt",
        "d.txt",
        "records.jsonl#r1",
        "e.txt",
    ]


def test_folder_children_are_named_as_the_user_named_the_folder(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(folder.parent)
    errors = [str(item) for item in load("arsip") if isinstance(item, InputError)]
    assert errors == ["arsip/kosong.txt: empty file"]


def test_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "gambar.png").write_bytes(b"\x89PNG")
    [err] = load(tmp_path)
    assert isinstance(err, InputError)
    assert err.problem.startswith("no supported files in the folder (supported: .atom,")


def test_inputs_keep_their_order_and_errors_do_not_stop_the_batch(tmp_path: Path) -> None:
    good1, good2 = tmp_path / "satu.txt", tmp_path / "dua.txt"
    good1.write_text(ARTICLE)
    good2.write_text(ARTICLE)
    items = load(good1, tmp_path / "hilang.txt", "ftp://example.test/x", "", good2)
    assert names(items) == [
        "satu.txt",
        f"ERR {tmp_path / 'hilang.txt'}: no such file or directory",
        "ERR ftp://example.test/x: unsupported URL scheme 'ftp' (supported: http, https, file)",
        "ERR (blank input): expected a file, folder or URL",
        "dua.txt",
    ]


@pytest.mark.parametrize("typed", ["www.kompas.example/read/1", "detik.example/berita"])
def test_url_without_scheme_gets_a_hint(
    typed: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert [str(item) for item in load(typed)] == [
        f"{typed}: no such file or directory (for a web page, start with https://)"
    ]


def test_file_url(tmp_path: Path) -> None:
    path = tmp_path / "spasi di nama.txt"
    path.write_text(ARTICLE)
    [doc] = load(path.as_uri())
    assert isinstance(doc, SourceDocument) and doc.key == str(path.resolve())


def test_home_directory_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "rumah.txt").write_text(ARTICLE)
    [doc] = load("~/rumah.txt")
    assert isinstance(doc, SourceDocument)


def test_unexpected_loader_failure_is_contained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> Iterator[SourceDocument]:
        raise RuntimeError("parser\nexploded")

    monkeypatch.setattr(files, "document_from_text", explode)
    good = tmp_path / "ok.json"
    good.write_text(json.dumps({"title": "Aman", "text": "Rekaman tetap dimuat."}))
    bad = tmp_path / "meledak.txt"
    bad.write_text(ARTICLE)
    items = load(bad, good)
    assert str(items[0]) == f"{bad}: unexpected error: RuntimeError: parser exploded"
    assert isinstance(items[1], SourceDocument)


def test_unreadable_file(tmp_path: Path) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root can read everything")
    path = tmp_path / "rahasia.txt"
    path.write_text(ARTICLE)
    path.chmod(0)
    [err] = load(path)
    assert str(err) == f"{path}: cannot read: permission denied"


def test_supported_extensions_are_exported() -> None:
    assert {".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".xml", ".rss", ".atom"} <= set(
        SUPPORTED_EXTENSIONS
    )
