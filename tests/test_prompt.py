"""The answer prompt: numbered evidence sentences, and the question stays last."""

from qa.prompt import answer_messages, format_evidence
from qa.types import Evidence


def _ev(n: int, article: str, title: str, index: int, text: str) -> Evidence:
    return Evidence(n, article, title, None, None, None, index, 0, len(text), text, 0.9)


EVIDENCE = [
    _ev(1, "shark", "Megalodon", 4, "Panjang maksimalnya diperkirakan 18 meter."),
    _ev(2, "film", "Posesif", 0, "Posesif dirilis pada 26 Oktober 2017."),
    _ev(3, "shark", "Megalodon", 2, "Megalodon adalah spesies hiu yang telah punah."),
]


def test_evidence_is_one_numbered_sentence_a_line_best_first_without_titles():
    # Titles and per-article groups cost squad2 12 of 83 answers (docs/evaluation.md).
    assert format_evidence(EVIDENCE) == (
        "[1] Panjang maksimalnya diperkirakan 18 meter.\n"
        "[2] Posesif dirilis pada 26 Oktober 2017.\n"
        "[3] Megalodon adalah spesies hiu yang telah punah."
    )


def test_a_pages_own_reference_marks_are_not_shown_as_evidence_numbers():
    text = format_evidence([_ev(7, "a", "", 0, "Ibu kota Georgia.[1] Saat ini [12] besar.")])
    assert text == "[7] Ibu kota Georgia. Saat ini besar."


def test_answer_messages_put_evidence_then_question_in_the_human_turn():
    system, human = answer_messages("Apa itu megalodon?", EVIDENCE, "id")
    assert "Indonesian" in str(system.content)
    content = str(human.content)
    assert content.startswith("[1] Panjang")
    assert content.endswith("Question: Apa itu megalodon?")
