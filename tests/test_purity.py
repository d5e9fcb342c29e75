"""Language purity: the other language's words in an answer, names and quotes aside."""

from __future__ import annotations

import pytest

from kutip.text.purity import foreign_words, is_pure


@pytest.mark.parametrize(
    ("text", "language", "foreign"),
    [
        ("would not include dukungan at the battlefield", "en", ["dukungan"]),
        ("a significant keamanan national concern", "en", ["keamanan"]),
        ("Arthur Woolf was Inggris", "en", ["Inggris"]),
        ("on 7 Oktober", "en", ["Oktober"]),
        ("Pasukan AS berada di the battlefield", "id", ["battlefield"]),
        ("National Security Council Spokesperson John Kirby [1].", "en", []),
        ("more than 26,700 Palestinians", "en", []),
        ("Juru Bicara Dewan Keamanan Nasional John Kirby", "id", []),
        ("Pasukan AS berada di Irak", "id", []),
        ("The Intercept reported it", "en", []),
        # Indonesian keeps foreign names as they are, even ones its word list lacks ("biden").
        ("Gedung Putih membagikan foto Biden [1].", "id", []),
        ("The Intercept memperoleh memo itu", "id", []),
        ("Kirby membantah. Troops tidak dikirim.", "id", ["Troops"]),  # a sentence's start
        ("on the 7th of Oktober", "en", ["Oktober"]),  # "th" of "7th" is no word
        ("Harganya Rp5.000 per liter", "id", []),
    ],
)
def test_foreign_words(text, language, foreign):
    assert foreign_words(text, language) == foreign


def test_capitalised_common_words_of_the_other_language_are_not_names():
    assert foreign_words("Juru Bicara Dewan Keamanan Nasional John Kirby", "en") == [
        "Juru",
        "Bicara",
        "Dewan",
        "Keamanan",
        "Nasional",
    ]


def test_marked_quotes_and_the_questions_words_are_allowed():
    assert is_pure("Kirby said “Tidak ada rencana” [1].", "en")
    assert not is_pure("Joko Widodo said so", "en")  # frequency alone: Indonesian words
    assert is_pure("Joko Widodo said so", "en", ["What did Joko Widodo say?"])
    assert foreign_words("anything", "fr") == []
