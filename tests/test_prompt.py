"""The answer prompt: evidence reads as titled passages, and the question stays last."""

from qa.prompt import answer_messages, format_evidence
from qa.types import Evidence


def _ev(n: int, article: str, title: str, index: int, text: str) -> Evidence:
    return Evidence(n, article, title, None, None, None, index, 0, len(text), text, 0.9)


EVIDENCE = [
    _ev(1, "shark", "Megalodon", 4, "Panjang maksimalnya diperkirakan 18 meter."),
    _ev(2, "film", "Posesif", 0, "Posesif dirilis pada 26 Oktober 2017."),
    _ev(3, "shark", "Megalodon", 2, "Megalodon adalah spesies hiu yang telah punah."),
]


def test_evidence_is_grouped_by_article_best_first_under_its_title():
    assert format_evidence(EVIDENCE) == (
        "Megalodon\n"
        "[1] Panjang maksimalnya diperkirakan 18 meter.\n"
        "[3] Megalodon adalah spesies hiu yang telah punah.\n"
        "\n"
        "Posesif\n"
        "[2] Posesif dirilis pada 26 Oktober 2017."
    )


def test_an_untitled_article_gets_no_empty_header_line():
    text = format_evidence([_ev(1, "a", "  ", 0, "Satu."), _ev(2, "a", "", 1, "Dua.")])
    assert text == "[1] Satu.\n[2] Dua."


def test_a_pages_own_reference_marks_are_not_shown_as_evidence_numbers():
    text = format_evidence([_ev(7, "a", "", 0, "Ibu kota Georgia.[1] Saat ini [12] besar.")])
    assert text == "[7] Ibu kota Georgia. Saat ini besar."


def test_answer_messages_put_evidence_then_question_in_the_human_turn():
    system, human = answer_messages("Apa itu megalodon?", EVIDENCE, "id")
    assert "Indonesian" in str(system.content)
    content = str(human.content)
    assert content.startswith("Megalodon\n[1]")
    assert content.endswith("Question: Apa itu megalodon?")
