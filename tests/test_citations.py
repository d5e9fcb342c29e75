"""Citation checking: keep supported citations, move misplaced ones, drop unsupported claims."""

import numpy as np

from qa.citations import check_citations, numbers_in, split_claims
from qa.facts import numbers_held
from qa.types import Evidence

KIRBY = (
    "Pada bulan Oktober, Juru Bicara Dewan Keamanan Nasional John Kirby mengatakan "
    "“Tidak ada rencana atau niat untuk menempatkan pasukan AS dalam pertempuran di Israel”."
)
TROOPS = (
    "Dokumen tersebut mengungkapkan bahwa sekitar 2.000 personel militer AS dikerahkan ke "
    "Irak tahun lalu."
)
OTHER = "Sejak perang meletus, Washington telah menggunakan hak vetonya."


def _ev(n: int, text: str) -> Evidence:
    return Evidence(n, f"a{n}", "T", None, None, None, n, 0, len(text), text, 0.9)


EVIDENCE = [_ev(1, TROOPS), _ev(2, KIRBY), _ev(3, OTHER)]
# Three orthogonal directions stand in for the meaning of each evidence sentence.
VECS = {1: np.array([1.0, 0, 0]), 2: np.array([0, 1.0, 0]), 3: np.array([0, 0, 1.0])}


def fake_embed(texts: list[str]) -> list[list[float]]:
    out = []
    for t in texts:
        if "Kirby" in t or "denied" in t:
            out.append([0.1, 0.99, 0.0])
        elif "2,000" in t or "troops" in t:
            out.append([0.99, 0.1, 0.0])
        else:
            out.append([0.0, 0.0, 0.0])  # unrelated to every evidence sentence
    return out


def check(answer: str):
    return check_citations(answer, EVIDENCE, VECS, fake_embed, floor=0.8)


def test_supported_citation_is_kept_and_renumbered_to_one():
    result = check("John Kirby denied any plan to send US troops to fight in Israel [2].")
    assert not result.refused
    assert result.answer == "John Kirby denied any plan to send US troops to fight in Israel [1]."
    assert [e.text for e in result.cited] == [KIRBY]


def test_wrong_citation_moves_to_the_supporting_sentence():
    result = check("John Kirby denied the plans [3].")
    assert result.answer == "John Kirby denied the plans [1]."
    assert result.cited[0].text == KIRBY
    assert any("moved" in n for n in result.notes)


def test_number_must_appear_in_cited_sentence():
    ok = check("About 2,000 US troops were deployed to Iraq [1].")
    assert ok.cited[0].text == TROOPS and "2.000" in TROOPS
    bad = check("About 5,000 US troops were deployed to Iraq [1].")
    assert bad.refused and bad.cited == []


def test_name_present_elsewhere_in_evidence_must_be_in_cited_sentence():
    # "Kirby" occurs in evidence [2], so a claim about Kirby cannot rest on [1].
    result = check_citations(
        "Kirby said troops were deployed [1].",
        EVIDENCE,
        {1: VECS[1], 2: VECS[2], 3: VECS[3]},
        lambda ts: [[0.9, 0.9, 0.0] for _ in ts],
        floor=0.5,
        margin=1.0,
    )
    assert [e.text for e in result.cited] == [KIRBY]


def test_names_and_numbers_restated_from_the_question_are_not_claims():
    # "Washington" occurs only in [3] and "2025" nowhere: a claim resting on [1] may still
    # repeat them when the question asked about them.
    kwargs = dict(floor=0.5, margin=1.0)
    lenient = [[0.9, 0.9, 0.0]]
    restated = "Washington sent about 2,000 troops to Iraq in 2025 [1]."
    asked = check_citations(
        restated,
        EVIDENCE,
        VECS,
        lambda ts: lenient * len(ts),
        question="How many troops did Washington send to Iraq in 2025?",
        **kwargs,
    )
    assert not asked.refused and asked.cited[0].text == TROOPS
    unasked = check_citations(
        restated, EVIDENCE, VECS, lambda ts: lenient * len(ts), question="How many?", **kwargs
    )
    assert unasked.refused  # the same names and year, not from the question, need support


def test_margin_counts_only_rivals_that_could_support_the_claim():
    # The claim reads closest to [2] (0.95), but only [1] holds its number: [1] at 0.85 is
    # outside a 0.05 margin of [2], yet [2] is no rival, so [1] stays.
    result = check_citations(
        "About 2,000 personnel were sent [1].",
        EVIDENCE,
        VECS,
        lambda ts: [[0.85, 0.95, 0.0] for _ in ts],
        floor=0.5,
    )
    assert not result.refused and result.cited[0].text == TROOPS


def test_one_of_several_names_may_be_missing_but_a_lone_name_may_not():
    lenient = [[0.1, 0.99, 0.0]]
    # "Washington" occurs only in [3]; John and Kirby are in [2]: 1 of 3 missing is tolerated.
    extra = check_citations(
        "John Kirby of Washington denied the plans [2].",
        EVIDENCE,
        VECS,
        lambda ts: lenient * len(ts),
        floor=0.5,
    )
    assert not extra.refused and extra.cited[0].text == KIRBY
    lone = check_citations(
        "Washington denied the plans [2].", EVIDENCE, VECS, lambda ts: lenient * len(ts), floor=0.5
    )
    assert lone.refused


def test_unsupported_claim_is_removed_and_all_unsupported_is_refusal():
    result = check("John Kirby denied the plans [2]. The weather was sunny [1].")
    assert result.answer == "John Kirby denied the plans [1]."
    assert check("The weather was sunny [1].").refused


def test_claim_without_marker_gets_the_supporting_citation():
    result = check("John Kirby denied it.")
    assert result.answer == "John Kirby denied it [1]."


def test_split_claims_handles_marker_groups_and_trailing_markers():
    claims = split_claims("First claim [1, 2]. Second claim. [3]")
    assert claims == [("First claim.", [1, 2]), ("Second claim.", [3])]


def test_numbers_normalise_separators():
    assert numbers_in("2.000 and 26.700 and 2,000") == {"2000", "26700"}


def test_a_sentence_states_the_numbers_it_spells_out_in_english_or_indonesian():
    assert numbers_held("Mesin Corliss menggunakan empat katup.") == {"4"}
    assert numbers_held("dua belas orang dan dua puluh lima kapal") == {"12", "25"}
    assert numbers_held("dua belas lima") == {"12", "5"}
    assert numbers_held("Twenty-five ships, seratus orang, 2.000 personel") == {"25", "100", "2000"}
    # Only the sentence side reads words: a claim's "one of" asserts no figure.
    assert numbers_in("one of the four") == set()


def test_a_digit_in_the_claim_holds_against_the_number_the_sentence_spells():
    valves = _ev(1, "Mesin Corliss menggunakan empat katup terpisah.")
    other = _ev(2, "Mesin Corliss menggunakan katup geser.")

    def check_valves(answer: str):
        vectors = {1: np.array([1.0, 0.0]), 2: np.array([0.0, 1.0])}
        return check_citations(
            answer, [valves, other], vectors, lambda ts: [[0.95, 0.3] for _ in ts], floor=0.8
        )

    four = check_valves("Corliss used 4 valves [1].")
    assert not four.refused and [e.text for e in four.cited] == [valves.text]
    assert check_valves("Corliss used 5 valves [1].").refused


def test_a_decimal_written_with_a_space_after_the_comma_is_the_same_number():
    area = _ev(1, "Luas wilayah Kota Blitar adalah 32,58 km².")
    result = check_citations(
        "32, 58 km² [1]", [area], {1: VECS[1]}, lambda ts: [[1.0, 0, 0] for _ in ts], floor=0.5
    )
    assert not result.refused and result.answer == "32, 58 km² [1]"
    wrong = check_citations(
        "32, 59 km² [1]", [area], {1: VECS[1]}, lambda ts: [[1.0, 0, 0] for _ in ts], floor=0.5
    )
    assert wrong.refused


def test_a_name_the_user_typed_in_lower_case_counts_as_asked():
    # "Perum" occurs in [1] only; the claim rests on [2], which holds the year. The user wrote
    # "perum" in lower case, so the model's "Perum" restates the question.
    founded = _ev(2, "Percetakan Negara telah berdiri sejak tahun 1809.")
    evidence = [_ev(1, "Perum PNRI telah beberapa kali berganti nama."), founded]
    vectors = {1: VECS[1], 2: VECS[2]}
    claim = "Perum PNRI didirikan pada tahun 1809 [2]."
    embed = lambda ts: [[0.0, 1.0, 0.0] for _ in ts]  # noqa: E731
    lower = check_citations(
        claim, evidence, vectors, embed, floor=0.5, question="kapankah perum PNRI didirikan?"
    )
    assert not lower.refused and lower.cited == [founded]
    unasked = check_citations(
        claim, evidence, vectors, embed, floor=0.5, question="kapankah PNRI didirikan?"
    )
    assert unasked.refused


def test_a_list_number_in_front_of_a_claim_is_not_part_of_it():
    assert split_claims("1. Sekitar 2.000 personel dikerahkan.") == [
        ("Sekitar 2.000 personel dikerahkan.", [])
    ]
    # Without the fix the "1" counted as a number the sentence must hold.
    result = check("1. About 2,000 US troops were deployed to Iraq.")
    assert not result.refused and result.cited[0].text == TROOPS
    assert result.answer == "About 2,000 US troops were deployed to Iraq [1]."


def test_a_claim_with_its_own_number_may_clear_the_lower_anchored_floor():
    embed = lambda ts: [[0.79, 0.0, 0.0] for _ in ts]  # noqa: E731 - 0.79 from TROOPS
    anchored = "About 2,000 troops were deployed [1]."
    kwargs = dict(floor=0.8, question="How many troops went to Iraq?")
    assert check_citations(anchored, EVIDENCE, VECS, embed, **kwargs).refused
    kept = check_citations(anchored, EVIDENCE, VECS, embed, anchored_floor=0.77, **kwargs)
    assert not kept.refused and kept.cited[0].text == TROOPS
    # Nothing of its own to hold (no number, no new name): the citation floor still applies.
    vague = "Troops were deployed [1]."
    assert check_citations(vague, EVIDENCE, VECS, embed, anchored_floor=0.77, **kwargs).refused


def test_filler_without_a_shared_word_gets_no_citation():
    # Read with a question about Kirby, "Menarik sekali!" embeds close to the Kirby sentence,
    # but it states nothing that sentence holds: it must not be cited.
    result = check_citations(
        "Menarik sekali! John Kirby denied the plans [2].",
        EVIDENCE,
        VECS,
        fake_embed,
        floor=0.8,
        question="who denied the plans, Kirby?",
    )
    assert result.answer == "John Kirby denied the plans [1]."
    assert any("removed unsupported claim: Menarik sekali" in n for n in result.notes)


def test_an_interjection_is_no_claim_even_when_cited():
    # "Tentu saja! [1]" (facqa, TyDi): the citation it carries does not make it a claim.
    kwargs = {"floor": 0.8, "question": "who denied the plans, Kirby?"}
    result = check_citations(
        "Tentu saja! [2] John Kirby denied the plans [2].", EVIDENCE, VECS, fake_embed, **kwargs
    )
    assert result.answer == "John Kirby denied the plans [1]."
    assert any("dropped filler: Tentu saja" in n for n in result.notes)
    assert check_citations("Tentu saja! [2]", EVIDENCE, VECS, fake_embed, **kwargs).refused


def test_the_connective_left_by_an_unfinished_list_is_no_claim():
    # squad2: "... remain the same size. [2], [3], and" kept ", , and [2][3]" as a claim.
    kwargs = {"floor": 0.8, "question": "who denied the plans, Kirby?"}
    result = check_citations(
        "John Kirby denied the plans [2]. [1], [3], and",
        EVIDENCE,
        VECS,
        lambda ts: [[0.9, 0.9, 0.9] for _ in ts],
        **kwargs,
    )
    assert "and" not in result.answer.replace("denied the plans", "")
    assert any("dropped filler" in n for n in result.notes)


def test_an_uncited_claim_that_restates_the_question_may_take_a_citation_across_languages():
    # An English claim over Indonesian evidence shares no word with its sentence; restating the
    # question ("... who denied the plans") marks it as an answer, not filler.
    embed = lambda ts: [[0.1, 0.99, 0.0] for _ in ts]  # noqa: E731 - close to KIRBY only
    result = check_citations(
        "The spokesman denied the plans.",
        EVIDENCE,
        VECS,
        embed,
        floor=0.8,
        question="Which spokesman denied the plans?",
    )
    assert not result.refused and result.cited[0].text == KIRBY
    # The same claim after an unrelated question is filler-like: no shared word, no citation.
    unrelated = check_citations(
        "The spokesman denied the plans.", EVIDENCE, VECS, embed, floor=0.8, question="Who?"
    )
    assert unrelated.refused


def test_an_acronym_counts_as_a_shared_word():
    embed = lambda ts: [[0.0, 0.0, 1.0] for _ in ts]  # noqa: E731 - close to OTHER only
    evidence = [*EVIDENCE[:2], _ev(3, "Sejalan dengan itu, co-NP adalah kelas komplemen.")]
    result = check_citations("It is co-NP.", evidence, VECS, embed, floor=0.8, question="Which?")
    assert not result.refused and result.cited[0].n == 3


def test_a_thousands_group_the_model_spaced_out_is_one_number():
    # "60.600 meter persegi" came back as "60. 600 meter persegi [1]": split at the full stop,
    # neither half held its number and a right answer was refused.
    evidence = [_ev(1, "Luas museum ini 60.600 meter persegi."), *EVIDENCE[1:]]
    embed = lambda ts: [[1.0, 0.0, 0.0] for _ in ts]  # noqa: E731
    result = check_citations("60. 600 meter persegi [1]", evidence, VECS, embed, floor=0.8)
    assert not result.refused
    assert result.answer == "60.600 meter persegi [1]"


def test_a_citation_moves_to_the_sentence_holding_the_words_the_claim_adds_to_its_question():
    beach = _ev(1, "Pantai Baturumah terletak dekat pantai Warmamedi dengan pasir putih halus.")
    turtles = _ev(2, "Lebih dari 4.000 ekor penyu belimbing terdapat di pantai Jamursbamedi.")
    vectors = {1: np.array([1.0, 0.0]), 2: np.array([0.96, 0.28])}  # both close to the claim

    def embed(texts: list[str]) -> list[list[float]]:
        return [[0.99, 0.14] for _ in texts]

    question = "Apakah warna pasir pada pantai Warmamedi?"
    answer = "Warna pasir pada pantai Warmamedi adalah putih halus [2]."
    result = check_citations(answer, [beach, turtles], vectors, embed, 0.8, question=question)
    assert [e.n for e in result.cited] == [1]
    assert any("holds the claim's words" in n for n in result.notes)
    # The model's own citation stands when it holds the claim's words.
    answer = "Warna pasir pada pantai Warmamedi adalah putih halus [1]."
    result = check_citations(answer, [beach, turtles], vectors, embed, 0.8, question=question)
    assert [e.n for e in result.cited] == [1]
    assert not any("moved" in n or "dropped" in n for n in result.notes)
