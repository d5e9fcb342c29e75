"""JSON and JSON Lines records: one bad record is one error, the others still load."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ingest.sources import load_sources
from kutip.errors import InputError
from kutip.schema import SourceDocument

RECORDS: list[dict[str, Any]] = [
    {
        "id": "bjm-01",
        "title": "Pasar Terapung Lok Baintan Ramai Wisatawan",
        "text": "Banjarmasin - Ratusan wisatawan memadati pasar terapung pada Minggu pagi.\n"
        "Pedagang menjual sayur dan kue dari atas jukung.",
        "published": "2024-03-10T06:15:00+08:00",
        "source": "Kabar Banua",
        "lang": "id-ID",
    },
    {
        "title": "Harbour dredging starts in Makassar",
        "text": "Makassar - Dredging of the old harbour began on Friday, the port operator said.",
        "url": "https://news.example.test/makassar-dredging",
        "published": "Fri, 08 Mar 2024 10:00:00 GMT",
        "lang": "en",
    },
    {
        "title": "Tanggal tidak jelas",
        "text": "Artikel ini punya tanggal yang tidak bisa dibaca, tetapi tetap dimuat.",
        "published": "kemarin sore",
    },
]


def load(*inputs: object) -> list[SourceDocument | InputError]:
    return list(load_sources([str(i) for i in inputs], max_bytes=1_000_000, timeout=2.0))


def docs(items: list[SourceDocument | InputError]) -> list[SourceDocument]:
    return [item for item in items if isinstance(item, SourceDocument)]


def errors(items: list[SourceDocument | InputError]) -> list[str]:
    return [str(item) for item in items if isinstance(item, InputError)]


@pytest.mark.parametrize("shape", ["list", "articles", "single"])
def test_json_shapes(tmp_path: Path, shape: str) -> None:
    data: Any = {"list": RECORDS, "articles": {"articles": RECORDS}, "single": RECORDS[0]}[shape]
    path = tmp_path / "berita.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    items = load(path)
    assert errors(items) == []
    assert len(items) == (1 if shape == "single" else 3)


def test_record_fields(tmp_path: Path) -> None:
    path = tmp_path / "berita.json"
    path.write_text(json.dumps(RECORDS), encoding="utf-8")
    first, second, third = docs(load(path))
    resolved = path.resolve()
    assert first.key == f"{resolved}#bjm-01"
    assert first.title == RECORDS[0]["title"] and first.text == RECORDS[0]["text"]
    assert first.source == "Kabar Banua"
    assert first.lang == "id"
    assert first.url is None
    assert first.published == datetime(2024, 3, 9, 22, 15, tzinfo=UTC)
    assert second.key == "https://news.example.test/makassar-dredging"
    assert second.url == second.key
    assert second.source == "berita.json"
    assert second.published == datetime(2024, 3, 8, 10, 0, tzinfo=UTC)
    assert third.key == f"{resolved}#3"
    assert third.published is None  # unparseable dates are dropped, the record is kept


def test_date_without_zone_is_utc(tmp_path: Path) -> None:
    path = tmp_path / "tanggal.json"
    path.write_text(json.dumps({"title": "T", "text": "Isi.", "published": "2024-01-31"}))
    [doc] = docs(load(path))
    assert doc.published == datetime(2024, 1, 31, tzinfo=UTC)


def test_malformed_json_reports_position(tmp_path: Path) -> None:
    path = tmp_path / "rusak.json"
    path.write_text('[\n  {"title": "A", "text": "B"},\n  {"title": "C" "text": "D"}\n]\n')
    assert errors(load(path)) == [
        f"{path}: invalid JSON at line 3, column 17: Expecting ',' delimiter"
    ]


def test_bad_records_are_reported_one_by_one(tmp_path: Path) -> None:
    bad = [
        {"title": "Tanpa teks"},
        {"title": 7, "text": "Judul berupa angka."},
        {"title": "Teks kosong", "text": "   "},
        ["bukan", "objek"],
        {"title": "Tanggal angka", "text": "Isi.", "published": 20240101},
        {"title": "Id aneh", "text": "Isi.", "id": {"x": 1}},
        {"title": "Lang aneh", "text": "Isi.", "lang": ["id"]},
    ]
    path = tmp_path / "campur.json"
    path.write_text(json.dumps([RECORDS[0], *bad, RECORDS[1]]), encoding="utf-8")
    items = load(path)
    assert [doc.title for doc in docs(items)] == [RECORDS[0]["title"], RECORDS[1]["title"]]
    assert errors(items) == [
        f"{path}#record 2: missing 'text'",
        f"{path}#record 3: 'title' must be a string, got a number",
        f"{path}#record 4: 'text' is empty",
        f"{path}#record 5: expected a JSON object, got a list",
        f"{path}#record 6: 'published' must be a string such as 2024-02-03, got a number",
        f"{path}#record 7: 'id' must be a string or a number, got an object",
        f"{path}#record 8: 'lang' must be a string, got a list",
    ]
    assert isinstance(items[0], SourceDocument) and isinstance(items[-1], SourceDocument)


def test_jsonl_with_a_bad_line_and_a_bad_record(tmp_path: Path) -> None:
    lines = [
        json.dumps(RECORDS[0]),
        "",
        '{"title": "Rusak", "text": ',
        json.dumps({"text": "Tanpa judul."}),
        json.dumps(RECORDS[1]),
        json.dumps({"title": "Nomor baris", "text": "Kunci memakai nomor baris."}),
    ]
    path = tmp_path / "arsip.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = load(path)
    kinds = ["doc" if isinstance(item, SourceDocument) else "err" for item in items]
    assert kinds == ["doc", "err", "err", "doc", "doc"]
    assert errors(items) == [
        f"{path}#line 3: invalid JSON at column 28: Expecting value",
        f"{path}#line 4: missing 'title'",
    ]
    assert docs(items)[-1].key == f"{path.resolve()}#6"


def test_duplicate_keys_in_one_file(tmp_path: Path) -> None:
    path = tmp_path / "ganda.jsonl"
    path.write_text("\n".join(json.dumps(RECORDS[1]) for _ in range(2)), encoding="utf-8")
    items = load(path)
    assert len(docs(items)) == 1
    assert errors(items) == [
        f"{path}#line 2: duplicate key 'https://news.example.test/makassar-dredging' "
        "(same url or id as line 1)"
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("[]", "no records in the file"),
        ("42", 'expected a JSON object, a list of objects or {"articles": [...]}, got a number'),
    ],
)
def test_json_without_records(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "kosong.json"
    path.write_text(content)
    assert errors(load(path)) == [f"{path}: {problem}"]


def test_jsonl_of_blank_lines_only_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "kosong.jsonl"
    path.write_text("\n\n  \n")
    assert errors(load(path)) == [f"{path}: empty file"]
