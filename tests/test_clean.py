"""clean_text: boilerplate lines go, article lines stay exactly one per line."""

from __future__ import annotations

import pytest

from ingest.clean import clean_text, is_boilerplate

STORY = (
    "Surabaya - Pemerintah kota meresmikan jembatan baru di atas Kali Mas pada Rabu pagi.\n"
    "Baca Juga : Harga cabai rawit melonjak menjelang Lebaran\n"
    "Wali kota mengatakan jembatan itu memangkas waktu tempuh warga hingga dua puluh menit.\n"
    "BACA JUGA: Kereta komuter tambah jadwal malam\n"
    "Advertisement\n"
    "Scroll to continue with content\n"
    "Pembangunan jembatan menelan biaya Rp 48 miliar dari anggaran daerah."
)


def test_drops_read_also_and_ad_lines_keeping_story() -> None:
    assert clean_text(STORY) == (
        "Surabaya - Pemerintah kota meresmikan jembatan baru di atas Kali Mas pada Rabu pagi.\n"
        "Wali kota mengatakan jembatan itu memangkas waktu tempuh warga hingga dua puluh menit.\n"
        "Pembangunan jembatan menelan biaya Rp 48 miliar dari anggaran daerah."
    )


@pytest.mark.parametrize(
    "line",
    [
        "Baca Juga : Prioritas utama dalam perundingan damai",
        "Baca juga: Gempa magnitudo 5,1 guncang Maluku",
        "BACA JUGA:",
        "baca juga Banjir rob di pesisir utara",
        "- Baca Juga: Tarif tol naik mulai bulan depan",
        "» Lihat juga: Foto-foto festival layang-layang",
        "Lihat juga video: Detik-detik kebakaran pasar",
        "Simak juga berita lainnya di kanal kami",
        "Baca selengkapnya di sini",
        "Berita Terkait",
        "Read also: Central bank holds rates steady",
        "Read more: How the storm reshaped the coastline",
        "READ MORE",
        "Also read: Five things to know about the new tax",
        "See also: Timeline of the negotiations",
        "Related: Ferry services suspended",
        "Advertisement",
        "ADVERTISEMENT",
        "Iklan",
        "Scroll to continue with content",
        "ADVERTISEMENT - SCROLL TO CONTINUE WITH CONTENT",
        "Story continues below advertisement",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    assert is_boilerplate(line)
    assert clean_text(f"Kalimat berita pertama.\n{line}\nKalimat berita kedua.") == (
        "Kalimat berita pertama.\nKalimat berita kedua."
    )


@pytest.mark.parametrize(
    "line",
    [
        "Warga diminta membaca juga peringatan cuaca dari BMKG sebelum melaut.",
        'Ia menambahkan, "baca juga aturan mainnya sebelum mendaftar," kata Budi.',
        "Readers also asked whether the advertisement was paid for by the ministry.",
        "The minister said the advertisement campaign would run until June.",
        "Related talks will resume in Geneva next week, officials said.",
        "Berita terkait penundaan itu beredar luas di media sosial sejak Senin.",
    ],
)
def test_content_lines_mentioning_the_phrases_stay(line: str) -> None:
    assert not is_boilerplate(line)
    assert clean_text(line) == line


def test_long_line_starting_like_a_teaser_is_prose() -> None:
    line = "Lihat juga bagaimana warga " + "bergotong royong membersihkan saluran air " * 10
    assert clean_text(line) == line.strip()


def test_line_endings_spaces_and_blank_lines() -> None:
    raw = "\n\nFirst paragraph.   \r\nSecond\tparagraph  here.\r\r\n\n\n\nThird paragraph.\n\n\n"
    assert clean_text(raw) == "First paragraph.\nSecond paragraph here.\n\nThird paragraph."


def test_dropped_line_between_blank_lines_leaves_one_break() -> None:
    raw = "Paragraf satu.\n\nBaca Juga: Judul lain\n\nParagraf dua."
    assert clean_text(raw) == "Paragraf satu.\n\nParagraf dua."


def test_zero_width_removed_and_nbsp_becomes_space() -> None:
    raw = (
        "Harga\u00a0beras naik\u200b 5\u202fpersen di\u00a0\u00a0Medan.\ufeff"
        " Ke\u00adnaikan\u200d itu."
    )
    assert clean_text(raw) == "Harga beras naik 5 persen di Medan. Kenaikan itu."


def test_paragraphs_are_never_joined() -> None:
    raw = "Baris pertama tanpa titik\nbaris kedua melanjutkan"
    assert clean_text(raw) == raw


def test_idempotent() -> None:
    once = clean_text(STORY + "\r\n\n\n\u00a0Tambahan.  ")
    assert clean_text(once) == once


def test_empty_and_only_boilerplate() -> None:
    assert clean_text("") == ""
    assert clean_text("  \n\nBaca juga: sesuatu\nAdvertisement\n") == ""
