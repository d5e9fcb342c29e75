"""Language detection must be right on short questions, not just on whole articles."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kutip.text.lang import ENGLISH_WORDS, INDONESIAN_WORDS, detect_language

_NAME = "purnawarta-us-troops-iraq-gaza.id.txt"
# The shared corpus beside the repository, else the copy the package ships as its demo.
_CANDIDATES = [
    Path(__file__).resolve().parents[2] / "shared" / "corpus" / _NAME,
    Path(__file__).resolve().parents[1] / "kutip" / "demo" / _NAME,
]
SAMPLE = next((p for p in _CANDIDATES if p.is_file()), _CANDIDATES[0])


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("who denied ground troop plans?", "en"),
        ("What is X?", "en"),
        ("When did the war start?", "en"),
        ("How many troops were deployed to Iraq?", "en"),
        ("Why didn't the White House comment?", "en"),
        ("Troops deployed", "en"),
        ("siapa yang membantah rencana pasukan darat?", "id"),
        ("Kapan perang dimulai?", "id"),
        ("Berapa jumlah personel yang dikerahkan?", "id"),
        ("Mengapa Gedung Putih menghapus foto itu?", "id"),
        ("Pasukan darat dikerahkan", "id"),
        ("Apa kata Kirby?", "id"),
        # Names and titles in another language do not make the question theirs (facqa, TyDi).
        ("Kapan novel We Need to Talk About Kevin dirilis?", "id"),
        ("Siapakah pemeran utama The Longest Ride?", "id"),
        ("Kapan kambing hasil kloning Dolly lahir?", "id"),
        ("Jenis anjing apakah induk semang anjing kloning Snuppy?", "id"),
        ("berapakah luas Kabupaten Ogan Komering Ilir?", "id"),
        ("Who directed Cinta Pertama?", "en"),
        ("In what year did Raymond Sullivan publish a study?", "en"),
        ("Pesaing Semakin Banyak, Pertamina Berusaha Kompetitif", "id"),  # a headline
    ],
)
def test_short_questions(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize("text", ["", "   ", "2024", "Gaza", "Joe Biden", "Москва", "?!"])
def test_undetermined(text: str) -> None:
    assert detect_language(text) == "und"


def test_paragraphs() -> None:
    english = (
        "U.S. forces in Iraq were put on standby to support a possible ground involvement in "
        "Israel's war in Gaza, according to a memo obtained by The Intercept."
    )
    indonesian = (
        "Pasukan militer AS telah disiagakan di Irak untuk mendukung kemungkinan keterlibatan "
        "darat dalam perang Israel di Jalur Gaza, demikian temuan The Intercept."
    )
    assert detect_language(english) == "en"
    assert detect_language(indonesian) == "id"


def test_indonesian_names_with_apostrophes_are_not_english() -> None:
    assert detect_language("Ma'ruf Amin, Jum'at") == "und"
    assert detect_language("Wapres Ma'ruf Amin hadir pada salat Jum'at") == "id"
    assert detect_language("Israel's memo") == "en"


@pytest.mark.skipif(not SAMPLE.is_file(), reason="sample corpus not present")
def test_sample_article_is_indonesian() -> None:
    assert detect_language(SAMPLE.read_text(encoding="utf-8")) == "id"


def test_word_lists_are_disjoint() -> None:
    assert not INDONESIAN_WORDS & ENGLISH_WORDS


def test_fast_on_long_text() -> None:
    text = "Pasukan AS telah disiagakan di Irak untuk mendukung Israel. " * 20_000
    began = time.perf_counter()
    assert detect_language(text) == "id"
    assert time.perf_counter() - began < 0.5
