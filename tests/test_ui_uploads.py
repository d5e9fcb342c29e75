"""Uploads cannot escape their folder, oversized ones are refused clearly, URLs must be http(s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui.uploads import human_size, sanitize_filename, session_folder, split_urls, stage_uploads


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("artikel.txt", "artikel.txt"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/abs/path/news.md", "news.md"),
        ("..", "upload"),
        ("", "upload"),
        (".hidden.txt", "hidden.txt"),
        ("-rf.txt", "rf.txt"),
        ("a\x00b\nc.txt", "abc.txt"),
        ("berita <b>&amp; 'x'.html", "berita _b_amp_ _x_.html"),
        ("Berita Pasukan (1).txt", "Berita Pasukan (1).txt"),
    ],
)
def test_sanitize_filename(raw: str, expected: str) -> None:
    assert sanitize_filename(raw) == expected


def test_long_names_keep_their_extension() -> None:
    name = sanitize_filename("x" * 500 + ".txt")
    assert len(name) <= 120 and name.endswith(".txt")


def test_staged_files_stay_inside_the_session_folder(tmp_path: Path) -> None:
    tmp = tmp_path / "gradio-cache"
    tmp.mkdir()
    upload = tmp / "passwd"
    upload.write_text("Isi artikel.", encoding="utf-8")
    folder = session_folder(tmp_path / "uploads", "../../../etc")
    assert folder.parent == tmp_path / "uploads" and ".." not in folder.name
    staged = stage_uploads([str(upload)], folder, 1000, ["../../etc/passwd"])
    assert staged.problems == []
    assert staged.paths == [str((folder / "passwd").resolve())]
    assert Path(staged.paths[0]).read_text(encoding="utf-8") == "Isi artikel."
    assert not (tmp_path / "etc").exists()


def test_oversized_upload_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    big = tmp_path / "besar.txt"
    big.write_bytes(b"x" * 2_500_001)
    staged = stage_uploads([str(big)], tmp_path / "uploads" / "s", 2_000_000)
    assert staged.paths == []
    assert staged.problems == [
        "besar.txt: 2.5 MB is over the upload limit of 2 MB (KUTIP_MAX_INPUT_BYTES)"
    ]
    assert not (tmp_path / "uploads" / "s" / "besar.txt").exists()


def test_sessions_get_different_folders(tmp_path: Path) -> None:
    assert session_folder(tmp_path, "a") != session_folder(tmp_path, "b")
    assert session_folder(tmp_path, "a") == session_folder(tmp_path, "a")


def test_pasted_inputs_must_be_http_urls() -> None:
    urls, problems = split_urls(
        "https://example.com/a.html\n/etc/passwd  file:///etc/hosts http://x.test/rss.xml "
        "https://example.com/a.html"
    )
    assert urls == ["https://example.com/a.html", "http://x.test/rss.xml"]
    assert len(problems) == 2 and all("not an http(s) URL" in p for p in problems)


def test_human_size() -> None:
    assert human_size(999) == "999 bytes"
    assert human_size(20_000_000) == "20 MB"
    assert human_size(1_500) == "1.5 KB"
    assert human_size(3_000_000_000) == "3 GB"
