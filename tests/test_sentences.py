"""Sentence offsets: the unit every citation points at."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from kutip.text.sentences import is_dateline, split_sentences

_NAME = "purnawarta-us-troops-iraq-gaza.id.txt"
# The shared corpus beside the repository, else the copy the package ships as its demo.
_CANDIDATES = [
    Path(__file__).resolve().parents[2] / "shared" / "corpus" / _NAME,
    Path(__file__).resolve().parents[1] / "kutip" / "demo" / _NAME,
]
SAMPLE = next((p for p in _CANDIDATES if p.is_file()), _CANDIDATES[0])
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def sents(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


def test_empty_and_blank() -> None:
    assert split_sentences("") == []
    assert split_sentences("   \n\t\n \r\n\u2029  ") == []


def test_offsets_point_into_text() -> None:
    text = "  Halo dunia.  Apa kabar?\n\nBaik!  "
    assert split_sentences(text) == [(2, 13), (15, 25), (27, 32)]
    assert sents(text) == ["Halo dunia.", "Apa kabar?", "Baik!"]


@pytest.mark.parametrize(
    "text",
    [
        "Sekitar 2.000 personel militer AS dikerahkan ke Irak.",
        "Israel telah membunuh lebih dari 26.700 warga Palestina.",
        "Inflasi naik 3.5 persen tahun ini.",
        "The army sent 1,000 troops, not 1.000.000 troops.",
        "Harga naik menjadi Rp 2.500.000 per bulan.",
        "Rapat dimulai pukul 10.00 WIB di Jakarta.",
        "Baca selengkapnya di kompas.id hari ini.",
        "Versi 3.5.1 dirilis kemarin.",
    ],
)
def test_numbers_and_dotted_words_do_not_split(text: str) -> None:
    assert sents(text) == [text]


def test_sentence_after_number() -> None:
    assert sents("Jumlahnya 2.000. 26.700 lainnya tewas.") == [
        "Jumlahnya 2.000.",
        "26.700 lainnya tewas.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Smith met Dr. Jones in St. Louis on Jan. 5 with Mrs. Brown.",
        "The U.S. Army said the troops, e.g. engineers, would stay.",
        "Shares of Apple Inc. rose while Foo Ltd. fell, i.e. a split market.",
        "President John F. Kennedy spoke at No. 10 vs. the crowd.",
        "Rapat dihadiri Prof. Budi, Ir. Sutomo, Drs. Hadi dkk. di Jakarta.",
        "Menurut Letjen. Agus dan Brigjen. Rudi, pasukan itu siaga.",
        "Hadir pula Kol. Inf. Dedi, Kapt. Yusuf, Jend. Andika dan Mayjen. Hendra.",
        "Surat ditujukan kepada Yth. Bpk. Ahmad dan Sdr. Rahmat.",
        "Yang hadir H. Agus Salim, Hj. Siti Aminah, dan Budi Santoso, S.H., M.Si. kemarin.",
        "Saham PT Bank Mandiri Tbk. Persero naik, tsb. tercatat di hlm. 4 tgl. 5 Mei.",
        "Surat a.n. Direktur u.p. Kepala Bagian dikirim.",
        "Pemain No. 7 mencetak gol.",
    ],
)
def test_abbreviations_and_initials_do_not_split(text: str) -> None:
    assert sents(text) == [text]


def test_abbreviation_can_end_a_sentence_before_an_opener() -> None:
    text = (
        "Troops were sent to the U.S. The memo did not say why. "
        "Kami membeli buku, pena, dll. Namun habis."
    )
    assert sents(text) == [
        "Troops were sent to the U.S.",
        "The memo did not say why.",
        "Kami membeli buku, pena, dll.",
        "Namun habis.",
    ]


def test_enumerated_list_item_is_not_a_sentence() -> None:
    assert sents("  (a). Satu hal.\n\tIV. Bab baru.") == ["(a). Satu hal.", "IV. Bab baru."]
    assert sents("1. Pertama kita makan. 2. Lalu tidur.") == [
        "1. Pertama kita makan.",
        "2. Lalu tidur.",
    ]


def test_question_exclamation_and_ellipsis() -> None:
    text = "Siapa yang membantah? Juru bicara itu! Tunggu… Dia datang... lalu pergi. Wow?! Ya."
    assert sents(text) == [
        "Siapa yang membantah?",
        "Juru bicara itu!",
        "Tunggu…",
        "Dia datang... lalu pergi.",
        "Wow?!",
        "Ya.",
    ]


def test_lowercase_after_terminator_continues() -> None:
    assert sents("“Siapa?” tanyanya. Tidak ada yang menjawab.") == [
        "“Siapa?” tanyanya.",
        "Tidak ada yang menjawab.",
    ]


def test_quote_keeps_inner_sentences_together() -> None:
    text = "Kirby mengatakan “Tidak ada rencana. Kami tidak akan.” Lalu dia pergi."
    assert sents(text) == [
        "Kirby mengatakan “Tidak ada rencana. Kami tidak akan.”",
        "Lalu dia pergi.",
    ]


@pytest.mark.parametrize(
    ("open_", "close"),
    [("“", "”"), ('"', '"'), ("‘", "’"), ("«", "»"), ("'", "'"), ("”", "”")],
)
def test_quote_styles(open_: str, close: str) -> None:
    text = f"Dia berkata {open_}Tidak. Jangan pernah.{close} Kemudian hening."
    assert sents(text) == [f"Dia berkata {open_}Tidak. Jangan pernah.{close}", "Kemudian hening."]


def test_period_after_closing_quote() -> None:
    text = "Kirby mengatakan “Tidak ada rencana di Israel”. Namun foto itu beredar."
    assert sents(text) == [
        "Kirby mengatakan “Tidak ada rencana di Israel”.",
        "Namun foto itu beredar.",
    ]


def test_comma_inside_quote_then_attribution() -> None:
    text = "“Kami punya kepentingan di kawasan ini,” tambahnya. Dia lalu pergi."
    assert sents(text) == ["“Kami punya kepentingan di kawasan ini,” tambahnya.", "Dia lalu pergi."]


def test_nested_quotes_and_apostrophes() -> None:
    text = "He said “I don’t know. They told me ‘Stay. Wait.’ and left.” Then silence. It’s over."
    assert sents(text) == [
        "He said “I don’t know. They told me ‘Stay. Wait.’ and left.”",
        "Then silence.",
        "It’s over.",
    ]


def test_unclosed_quote_does_not_swallow_the_paragraph() -> None:
    # News style: a quote running over paragraphs has no closing mark at the end of a line.
    text = "“Kami tidak setuju. Kami akan melawan. Ini tidak adil.\n“Kami akan terus berjuang.”"
    assert sents(text) == [
        "“Kami tidak setuju.",
        "Kami akan melawan.",
        "Ini tidak adil.",
        "“Kami akan terus berjuang.”",
    ]


def test_closing_brackets() -> None:
    text = "Pasukan dikirim (sekitar 2.000 orang.) Mereka tiba. Laporan itu (AFP). Selesai."
    assert sents(text) == [
        "Pasukan dikirim (sekitar 2.000 orang.)",
        "Mereka tiba.",
        "Laporan itu (AFP).",
        "Selesai.",
    ]


def test_every_line_break_ends_a_sentence() -> None:
    text = (
        "Judul Tanpa Titik\nBaghdad sore ini – Pasukan siaga\r\n"
        "Paragraf dua. Kalimat tiga\u2028akhir"
    )
    assert sents(text) == [
        "Judul Tanpa Titik",
        "Baghdad sore ini – Pasukan siaga",
        "Paragraf dua.",
        "Kalimat tiga",
        "akhir",
    ]


def test_quote_does_not_span_lines() -> None:
    assert sents("Dia berkata “Tidak.\nYa.” Lalu pergi.") == [
        "Dia berkata “Tidak.",
        "Ya.”",
        "Lalu pergi.",
    ]


def test_invisible_characters_trimmed() -> None:
    text = "\ufeffHalo dunia.\u200b Ini kalimat kedua.\n\u200b\n"
    assert sents(text) == ["Halo dunia.", "Ini kalimat kedua."]


def test_citation_markers_stay_with_the_sentence_they_cite() -> None:
    text = "Kirby denied it. [2] Then a photo leaked. [1, 3][4]\nIt was deleted. [5]"
    assert sents(text) == [
        "Kirby denied it. [2]",
        "Then a photo leaked. [1, 3][4]",
        "It was deleted. [5]",
    ]
    assert sents("Pasukan tiba [1]. Namun mereka pergi [2].") == [
        "Pasukan tiba [1].",
        "Namun mereka pergi [2].",
    ]


def test_reference_marks_glued_to_a_terminator_end_the_sentence() -> None:
    text = "Tbilisi ibu kota Georgia.[1] Saat ini kota terbesar.[2][3] Lalu 3.[4] dan Dr.[5] Ali."
    assert sents(text) == [
        "Tbilisi ibu kota Georgia.[1]",
        "Saat ini kota terbesar.[2][3]",
        "Lalu 3.[4] dan Dr.[5] Ali.",
    ]


def test_english_news() -> None:
    text = (
        "U.S. forces in Iraq were put on standby, The Intercept reported on Tuesday. "
        '"There are no plans to put U.S. troops into combat in Israel," John Kirby said. '
        "About 2,000 personnel were deployed last year. The memo, dated Jan. 12, did not say more."
    )
    assert sents(text) == [
        "U.S. forces in Iraq were put on standby, The Intercept reported on Tuesday.",
        '"There are no plans to put U.S. troops into combat in Israel," John Kirby said.',
        "About 2,000 personnel were deployed last year.",
        "The memo, dated Jan. 12, did not say more.",
    ]


@pytest.mark.skipif(not SAMPLE.is_file(), reason="sample corpus not present")
def test_sample_article() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    out = sents(text)
    kirby = (
        "Pada bulan Oktober, Juru Bicara Dewan Keamanan Nasional John Kirby mengatakan “Tidak ada "
        "rencana atau niat untuk menempatkan pasukan AS dalam pertempuran di Israel”."
    )
    assert kirby in out
    assert any("sekitar 2.000 personel militer AS" in s for s in out)
    assert any("lebih dari 26.700 warga Palestina" in s for s in out)
    tambahnya = (
        "“Tetapi seperti yang telah kami katakan, kami mempunyai kepentingan keamanan nasional "
        "yang signifikan di kawasan ini,” tambahnya."
    )
    assert tambahnya in out
    # One paragraph a line, each paragraph one sentence in this article, and its dateline.
    assert out[0] == "Baghdad, Purna Warta –"
    assert len(out) == len([line for line in text.splitlines() if line.strip()]) + 1
    _check_invariants(text)


def _check_invariants(text: str) -> None:
    spans = split_sentences(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and piece.strip(INVISIBLE) == piece
        previous_end = end
    covered = bytearray(len(text))
    for start, end in spans:
        covered[start:end] = b"\x01" * (end - start)
    for i, ch in enumerate(text):
        if not (ch.isspace() or ch in INVISIBLE):
            assert covered[i], f"character {ch!r} at {i} is in no sentence"


if importlib.util.find_spec("hypothesis") is not None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    _ALPHABET = st.sampled_from(
        [
            *"aAbZ09 .?!…,;:\"'“”‘’«»()[]\n\r\t\u2028\u00a0\u200b\ufeff",
            *["Mr.", "U.S.", "dll.", "2.000", " The ", " Namun ", "F. ", "1. ", ".” ", "”. "],
            *[" [2]", "[1, 3]"],
        ]
    )

    @settings(max_examples=400, deadline=None)
    @given(st.lists(_ALPHABET, max_size=60).map("".join))
    def test_property_invariants(text: str) -> None:
        _check_invariants(text)

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=200))
    def test_property_invariants_any_text(text: str) -> None:
        _check_invariants(text)

else:  # pragma: no cover - hypothesis comes with the "test" extra

    @pytest.mark.skip(reason="hypothesis not installed")
    def test_property_invariants() -> None:
        pass


def test_a_piece_without_letters_or_digits_joins_the_sentence_before_it() -> None:
    # Machine-translated text leaves ". ." behind; alone, "." would be a stored sentence
    # whose vector is close to every query.
    text = "Butuh hampir 60 tahun. . Dalam kata-kata Sekretaris. Ia pergi. ...\n---\nBaru."
    assert sents(text) == [
        "Butuh hampir 60 tahun. .",
        "Dalam kata-kata Sekretaris.",
        "Ia pergi. ...",
        "---",  # alone on its line: nothing on the line to join
        "Baru.",
    ]


def test_without_markers_drops_numbered_marks_and_the_space_before_them() -> None:
    from kutip.text.sentences import without_markers

    assert without_markers("Ibu kota Georgia.[1] Saat ini [1, 3] besar.") == (
        "Ibu kota Georgia. Saat ini besar."
    )


def test_a_bracket_after_an_abbreviation_continues_the_sentence() -> None:
    # TyDi: "... Monsters, Inc. (2001)." was split after "Inc.", leaving the year in a fragment.
    text = "Prekuel dari film sebelumnya, Monsters, Inc. (2001). Film ini sukses."
    assert sents(text) == [
        "Prekuel dari film sebelumnya, Monsters, Inc. (2001).",
        "Film ini sukses.",
    ]
    assert sents("Roti Corpindo Tbk. () adalah perusahaan roti.") == [
        "Roti Corpindo Tbk. () adalah perusahaan roti."
    ]


def test_a_short_bracketed_tag_joins_the_sentence_before_it() -> None:
    # facqa: a reporter's initials after the last sentence; a long parenthetical stays a sentence.
    text = (
        "Gatot menambahkan. (nat)\nEmas dan perunggu. (AFP/AP/REUTERS/MON)\n"
        "Runtuh pada abad ke-5. (hal 7).\n"
        "Besar gaya itu. (Secara terpisah menunjukkan bahwa gaya sama.) Lalu pergi.\n(nat)"
    )
    assert sents(text) == [
        "Gatot menambahkan. (nat)",
        "Emas dan perunggu. (AFP/AP/REUTERS/MON)",
        "Runtuh pada abad ke-5. (hal 7).",
        "Besar gaya itu.",
        "(Secara terpisah menunjukkan bahwa gaya sama.)",
        "Lalu pergi.",
        "(nat)",  # alone on its line: nothing on the line to join
    ]


def test_a_bracket_after_an_initial_starts_a_sentence() -> None:
    # xling: "C." is a complexity class here, and the parenthesis a sentence of its own.
    text = "Masalah yang paling sulit di C. (Karena banyak masalah bisa sama sulitnya.)"
    assert sents(text) == [
        "Masalah yang paling sulit di C.",
        "(Karena banyak masalah bisa sama sulitnya.)",
    ]


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        ("Yogyakarta, Kompas-Drh Yuda Heru Fibrianto MS, dosen UGM.", "Yogyakarta, Kompas-"),
        ("Baghdad, Purna Warta – Pasukan militer AS disiagakan.", "Baghdad, Purna Warta –"),
        ("Quito, Jumat-Rakyat Ekuador turun ke jalan.", "Quito, Jumat-"),
        ("JAKARTA (ANTARA) - Presiden berkata.", "JAKARTA (ANTARA) -"),
        ("JAKARTA, KOMPAS.com - Presiden berkata.", "JAKARTA, KOMPAS.com -"),
        ("LONDON, March 5 (Reuters) - Shares fell.", "LONDON, March 5 (Reuters) -"),
        ("Jakarta - Polisi menangkap dua orang.", "Jakarta -"),
    ],
)
def test_a_dateline_is_a_sentence_of_its_own(text: str, dateline: str) -> None:
    """Glued to the story, the dateline put its place ("Jakarta") into the first sentence as
    if the story said it, and words like "Kompas-Drh" into copies."""
    got = sents(text)
    assert got[0] == dateline and is_dateline(got[0])
    assert got[1] == text[len(dateline) :].strip() and not is_dateline(got[1])


@pytest.mark.parametrize(
    "text",
    [
        "Al-Aqsa adalah masjid di Yerusalem.",
        "Imperium Britania - 33.4 juta km² pada 1920.",
        "Abraham Lincoln, Presiden Amerika Serikat ke-16, dibunuh.",
        "Masjidil Haram, Masjid al-Haram atau al-Masjid al-Haram.",
        "Konsitusi Apostolik, Undang-Undang Keras bagi gereja.",
        "Namun, Presiden Jokowi – yang hadir – berkata.",
        "Jean-Pierre Raffarin berkata.",
    ],
)
def test_a_first_line_that_is_no_dateline_stays_whole(text: str) -> None:
    assert sents(text) == [text]


def test_only_the_first_lines_can_hold_a_dateline() -> None:
    text = "Satu.\nDua.\nTiga.\nJakarta - Polisi menangkap dua orang."
    assert sents(text)[-1] == "Jakarta - Polisi menangkap dua orang."
