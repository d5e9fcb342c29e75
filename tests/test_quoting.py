"""Answering in the source's words: which claims become their sentence, verbatim."""

from qa.citations import check_citations
from qa.quoting import in_source_words, restates
from qa.types import Evidence

MENINGITIS = (
    "Radang dapat disebabkan oleh infeksi oleh virus, bakteri, atau juga mikroorganisme lain, "
    "dan walaupun jarang dapat disebabkan oleh obat tertentu.[2]"
)


def _ev(text: str, lang: str | None = "id", n: int = 1) -> Evidence:
    return Evidence(n, f"a{n}", "T", None, None, None, 0, 0, len(text), text, 0.9, lang)


def test_a_shortened_restatement_becomes_the_whole_sentence():
    claim = "Meningitis disebabkan oleh virus, bakteri, atau mikroorganisme lain"
    question = "Apa penyebab dari Meningitis?"
    assert restates(claim, MENINGITIS, question)
    quote = in_source_words(claim, [_ev(MENINGITIS)], "id", question)
    # The page's own reference mark is not shown: [n] in an answer is kutip's citation.
    assert quote == MENINGITIS.removesuffix("[2]")


def test_claims_that_say_something_else_keep_the_models_words():
    question = "Apa penyebab dari Meningitis?"
    # Mostly other words: a summary, not a restatement.
    assert not restates("Penyakit ini menular lewat udara dan air liur", MENINGITIS, question)
    # A name the sentence lacks (taken from the title, say) is information the quote would lose.
    claim = "Neisseria disebabkan oleh virus, bakteri, atau mikroorganisme lain"
    assert not restates(claim, MENINGITIS, question)
    # So is a number the sentence does not hold.
    assert not restates("disebabkan oleh 3 virus, bakteri, atau mikroorganisme", MENINGITIS)


def test_only_same_language_single_citation_claims_are_quoted():
    claim = "disebabkan oleh virus, bakteri, atau mikroorganisme lain"
    assert in_source_words(claim, [_ev(MENINGITIS)], "en") is None  # a translation stays
    assert in_source_words(claim, [_ev(MENINGITIS, lang=None)], "id") is None
    two = [_ev(MENINGITIS), _ev(MENINGITIS, n=2)]
    assert in_source_words(claim, two, "id") is None
    assert in_source_words(claim, [_ev(MENINGITIS)], None) is None


def test_check_citations_shows_the_quote_and_keeps_the_citation():
    evidence = [_ev(MENINGITIS)]
    vectors = {1: [1.0, 0.0]}

    def embed(texts: list[str]) -> list[list[float]]:
        return [[1.0, 0.0] for _ in texts]

    reply = "Meningitis disebabkan oleh virus, bakteri, atau mikroorganisme lain [1]."
    kwargs = dict(floor=0.8, question="Apa penyebab dari Meningitis?")
    quoted = check_citations(reply, evidence, vectors, embed, language="id", **kwargs)
    assert quoted.answer.startswith("Radang dapat disebabkan oleh infeksi")
    assert quoted.answer.endswith("obat tertentu [1].")
    assert [e.n for e in quoted.cited] == [1]
    assert any("quoted sentence 1" in n for n in quoted.notes)
    kept = check_citations(reply, evidence, vectors, embed, language="en", **kwargs)
    assert kept.answer == reply


def test_a_quote_that_reads_as_two_sentences_cites_each():
    # Stored as one sentence ("meningen.[1] Radang" did not split); shown without the page's
    # mark it reads as two, and each must carry the citation.
    text = "Meningitis adalah radang pada meningen.[1] Radang dapat disebabkan oleh virus."
    evidence = [_ev(text)]

    def embed(texts: list[str]) -> list[list[float]]:
        return [[1.0, 0.0] for _ in texts]

    reply = "Meningitis adalah radang pada meningen dan disebabkan oleh virus [1]."
    result = check_citations(
        reply,
        evidence,
        {1: [1.0, 0.0]},
        embed,
        floor=0.8,
        question="Apa itu meningitis?",
        language="id",
    )
    assert result.answer == (
        "Meningitis adalah radang pada meningen [1]. Radang dapat disebabkan oleh virus [1]."
    )


BEACH = (
    "Titik kedua adalah Pantai Baturumah, antara pantai Wembrak dan pantai Warmamedi dengan "
    "warna pasir putih halus."
)
TURTLES = "Saat ini lebih dari 4.000 ekor penyu belimbing terdapat di pantai Jamursbamedi."


def test_a_claim_that_restates_the_question_is_no_rewording_of_a_sentence_lacking_its_answer():
    question = "Apakah warna pasir pada pantai Warmamedi yang terbentang dari Tanjung Lapon"
    claim = (
        "Warna pasir pada pantai Warmamedi yang terbentang dari Tanjung Lapon adalah putih halus"
    )
    # Most of the claim's words are the question's; its answer, "putih halus", is not in TURTLES.
    assert not restates(claim, TURTLES, question)
    assert restates(claim, BEACH, question)


AUSTRALIA = (
    "Menurut hasil cacah jiwa tahun 2016, hanya bahasa Inggris yang menjadi satu-satunya bahasa "
    "yang paling ramai dipergunakan dengan kisaran hampir 70% dari penduduk Australia seluruhnya."
)


def test_a_name_phrase_the_sentence_only_holds_word_by_word_keeps_the_models_words():
    question = "Apa bahasa mayoritas penduduk Australia ?"
    # Every word is in the sentence or the question, but the answer is the phrase: shown as the
    # sentence, "Bahasa Inggris Australia" would become a plain "bahasa Inggris" (TyDi).
    claim = "Bahasa Inggris Australia adalah bahasa mayoritas penduduk Australia."
    assert not restates(claim, AUSTRALIA, question)
    assert in_source_words(claim, [_ev(AUSTRALIA)], "id", question) is None
    # The phrase the sentence does hold, in any case, is still quoted.
    claim = "Bahasa Inggris adalah bahasa yang paling ramai dipergunakan penduduk Australia."
    assert restates(claim, AUSTRALIA, question)


def test_name_runs_skip_a_sentence_opening_function_word():
    from qa.facts import name_runs

    text = "Pada Oktober, Juru Bicara John Kirby membantah. The White House said"
    assert name_runs(text) == ["Oktober", "Juru Bicara John Kirby", "White House"]
