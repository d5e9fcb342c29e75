"""The answer step's prompts: one piece each, a shared prefix, the job on the last line."""

from qa.prompt import (
    EXTRACT,
    JUDGE,
    MAY_REFUSE,
    as_asked,
    extract_messages,
    judge_messages,
    piece_text,
    translate_messages,
)


def test_judge_and_copy_share_everything_but_their_last_line():
    # llama.cpp's prompt cache reuses the shared prefix: the second job pays for one line.
    piece = piece_text("Posesif dirilis pada 26 Oktober 2017.")
    (judge,) = judge_messages(piece, "Kapan Posesif dirilis?")
    (copy,) = extract_messages(piece, "Kapan Posesif dirilis?")
    shared = "Sentence: Posesif dirilis pada 26 Oktober 2017.\nQuestion: Kapan Posesif dirilis?\n"
    assert str(judge.content) == shared + JUDGE
    assert str(copy.content) == shared + EXTRACT + MAY_REFUSE
    (forced,) = extract_messages(piece, "Kapan Posesif dirilis?", may_refuse=False)
    assert str(forced.content) == shared + EXTRACT


def test_the_sentence_before_comes_first_when_it_carries_the_subject():
    piece = piece_text("“Kami siap,” tambahnya.", context="Menteri Budi Santoso berbicara.")
    assert piece == "Before it: Menteri Budi Santoso berbicara.\nSentence: “Kami siap,” tambahnya."


def test_a_pages_own_reference_marks_are_not_shown():
    assert piece_text("Ibu kota Georgia.[1] Saat ini [12] besar.") == (
        "Sentence: Ibu kota Georgia. Saat ini besar."
    )


def test_translation_is_asked_in_the_readers_language():
    system, human = translate_messages("lebih dari 26,700 warga Palestina", "en")
    assert "English" in str(system.content) and str(human.content).startswith("lebih dari")
    assert "Indonesian" in str(translate_messages("x", "id")[0].content)


def test_the_question_reaches_the_model_as_a_question():
    """The judge says yes to the right sentence more often when the question reads as one."""
    piece = piece_text("Film Ibunda dibuat pada 1986.")
    for asked in ("kapan film Ibunda dibuat", "Kapan film Ibunda dibuat?"):
        for messages in (judge_messages(piece, asked), extract_messages(piece, asked)):
            assert "\nQuestion: Kapan film Ibunda dibuat?\n" in messages[0].content
    assert as_asked("Tell me who said it.") == "Tell me who said it."
    assert as_asked("siapa “Bapak Bangsa”") == "Siapa “Bapak Bangsa”?"
    assert as_asked("  ") == ""
