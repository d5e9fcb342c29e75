"""The answer step's components (read, decide, check, phrase) and their wiring, on a scripted
model: each test fails if its mechanism is taken out."""

from __future__ import annotations

import pytest
from scripted_model import scripted

from ingest.pipeline import Ingestor
from kutip.schema import SourceDocument
from kutip.text.purity import is_pure
from qa.assistant import Assistant
from qa.check import copied_from, localize_numbers, phrase_problems, whole_quantity
from qa.decide import Decider, Signals
from qa.phrase import Phraser, finish, glossed, rejoin_numbers
from qa.prompt import piece_text
from qa.read import Piece, Reader, clean_copy, needs_context, pieces
from qa.types import AnswerEvent, Evidence, TokenEvent

ARTICLE = SourceDocument(
    key="mem://troops",
    title="Troops",
    text=(
        "Sekitar 2.000 personel militer AS dikerahkan ke Irak tahun lalu.\n"
        "Pada bulan Oktober, juru bicara John Kirby mengatakan tidak ada rencana pasukan darat.\n"
        "“Kami mempunyai kepentingan keamanan di kawasan ini,” tambahnya.\n"
        "Israel telah membunuh lebih dari 26.700 warga Palestina sejak 7 Oktober.\n"
    ),
    source="wire",
)


def _evidence(text: str, n: int = 1, index: int = 0, lang: str = "id") -> Evidence:
    return Evidence(n, "a1", "T", None, None, None, index, 0, len(text), text, 0.8, lang)


# The test embedder's similarities mean nothing: the scripted judge alone decides here (the
# fitted weights are the decision's own tests, above).
JUDGE_ONLY = (-0.6, 1.0, 0.0, 0.0)


def _assistant(settings, store, model, **overrides):
    Ingestor(settings, store).ingest_documents([ARTICLE])
    overrides = {"relevance_floor": 0.0, "decision_weights": JUDGE_ONLY, **overrides}
    run = settings.with_overrides(**overrides)
    return Assistant(run, store, chat_model=model)


# -- read ----------------------------------------------------------------------------------


def test_reader_takes_the_judgment_from_the_first_token_probabilities():
    reader = Reader(scripted(judge=0.3, copy="John Kirby"))
    piece = Piece(_evidence("John Kirby mengatakan tidak ada rencana."))
    judgment = reader.judge("who denied plans?", piece)
    assert judgment.p_yes == pytest.approx(0.3)  # the probability, not the greedy "No"
    copy = reader.copy("who denied plans?", piece)
    assert copy.span == "John Kirby" and copy.p_not_found == pytest.approx(0.1)


def test_a_refused_copy_is_empty_and_can_be_asked_again_without_the_refusal():
    model = scripted(judge=0.9, copy="NOT FOUND", p_not=0.6)
    reader = Reader(model)
    piece = Piece(_evidence("John Kirby mengatakan tidak ada rencana."))
    assert reader.copy("q?", piece).span == ""
    forced = reader.copy("q?", piece, allow_not_found=False)
    assert forced.span == "banned"
    assert "logit_bias" in model.calls[-1][1]
    assert model.calls[-1][1]["repeat_penalty"] == 1.0  # copying is not penalised


def test_a_sentence_with_a_pronoun_speaker_is_read_with_the_one_before(settings, store):
    Ingestor(settings, store).ingest_documents([ARTICLE])
    article = store.list_articles()[0]
    sentences = store.sentences(article.id)
    said = next(s for s in sentences if "tambahnya" in s.text)
    e = Evidence(
        1, article.id, "T", None, None, None, said.index, said.start, said.end, said.text, 0.8, "id"
    )
    (piece,) = pieces([e], store.sentences, 3)
    assert piece.context is not None and "John Kirby" in piece.context.text
    assert piece.text.index("John Kirby") < piece.text.index("tambahnya")
    assert needs_context("He added that talks would go on.")
    assert not needs_context("Kirby said no troops would be sent.")


def test_a_dateline_is_never_evidence_and_the_story_is_read_without_it(settings, store):
    """Split off at ingest ("Kompas-Ribuan" glued the source to the story's first word), the
    dateline is not handed to the model, alone or before the story: as "Before it:" it
    lowered the judge's p(yes) for the right sentence (docs/experiments.md)."""
    doc = SourceDocument(
        key="mem://rotan",
        title="Rotan",
        text=(
            "Cirebon, Kompas-Ribuan perajin rotan berunjuk rasa menolak ekspor bahan baku.\n"
            "Mereka berkumpul di depan kantor bupati sejak pagi.\n"
        ),
        source="wire",
    )
    Ingestor(settings, store).ingest_documents([doc])
    article = store.list_articles()[0]
    dateline, story = store.sentences(article.id)[:2]
    assert dateline.text == "Cirebon, Kompas-" and story.text.startswith("Ribuan perajin")
    e = Evidence(
        1,
        article.id,
        "T",
        None,
        None,
        None,
        story.index,
        story.start,
        story.end,
        story.text,
        0.8,
        "id",
    )
    (piece,) = pieces([e], store.sentences, 3)
    assert piece.context is None and piece.text == piece_text(story.text)
    found = Assistant(settings, store, chat_model=None).retrieve("Di mana perajin Cirebon?")
    assert found.evidence and all(x.text != "Cirebon, Kompas-" for x in found.evidence)


def test_a_piece_too_long_for_one_prompt_drops_its_context_then_is_read_in_parts(settings, store):
    from kutip.text.tokens import count_tokens

    long = (
        "Pada bulan Oktober, juru bicara Dewan Keamanan Nasional John Kirby mengatakan, "
        "setelah rapat panjang dengan para pejabat pertahanan dan diplomat dari berbagai negara "
        "di kawasan itu, bahwa tidak ada rencana atau niat untuk menempatkan pasukan darat AS "
        "dalam pertempuran di Israel; ia menambahkan bahwa dukungan akan terus diberikan."
    )
    e = _evidence(long, index=1)
    before = [_sentence("Kalimat sebelumnya menyebut nama.", 0), _sentence(long, 1)]
    (whole,) = pieces([e], lambda _: before, 3)
    budget = count_tokens(long) - 5
    parts = pieces([e], lambda _: before, 3, budget=budget)
    assert whole.part is None and len(parts) >= 2
    assert all(count_tokens(p.text) <= budget for p in parts)
    assert all(p.sentences == [e] for p in parts)  # a copy from a part cites the sentence
    assert " ".join(p.part or "" for p in parts).split() == long.split()
    # With room for the sentence but not its context, the context goes first.
    said = "“Kami mempunyai kepentingan keamanan di kawasan ini,” tambahnya panjang lebar."
    ctx = [_sentence(long, 0), _sentence(said, 1)]
    (with_ctx,) = pieces([_evidence(said, index=1)], lambda _: ctx, 3)
    assert with_ctx.context is not None
    (alone,) = pieces([_evidence(said, index=1)], lambda _: ctx, 3, budget=40)
    assert alone.context is None and alone.text == piece_text(said)


def test_no_prompt_of_the_answer_step_is_over_the_limit(settings, store):
    from kutip.text.tokens import count_tokens

    model = scripted(judge=0.1, copy="John Kirby")  # every piece read, none answers
    assistant = _assistant(settings, store, model, max_prompt_tokens=100)
    assistant.ask("who denied the plans to send ground troops to fight in Israel in October?")
    prompts = [p for p in model.prompts if "Question:" in p]
    # 100 tokens less the chat template's ~30 (PROMPT_OVERHEAD counts it)
    assert len(prompts) > 3 and all(count_tokens(p) <= 100 - 28 for p in prompts), prompts


def _sentence(text: str, index: int):
    from kutip.schema import Sentence

    return Sentence(article_id="a1", index=index, start=0, end=len(text), text=text)


def test_copies_lose_their_wrapping():
    assert clean_copy('"John Kirby".') == "John Kirby"
    assert clean_copy("Answer: 26.700\nextra") == "26.700"
    # Wikipedia's reference marks are not the answer, and would break the [n] citation
    assert clean_copy("2017.[1") == "2017"
    assert clean_copy('Islam Ortodoks".[3][4') == "Islam Ortodoks"
    assert clean_copy("Walt Disney Pictures.[4]") == "Walt Disney Pictures"
    assert clean_copy("kota[2] terbesar") == "kota terbesar"


# -- decide --------------------------------------------------------------------------------


def test_the_decision_weighs_every_signal():
    decider = Decider((-1.0, 1.0, 0.5, 0.0))
    assert decider.decide(Signals(0.8, p_yes=0.7, p_not_found=0.2)).answers  # 0.7 + 0.4 >= 1
    assert not decider.decide(Signals(0.8, p_yes=0.7, p_not_found=0.9)).answers
    by_similarity = Decider((-0.9, 0.0, 0.0, 1.0))
    assert by_similarity.decide(Signals(0.95, 0.0)).answers
    assert not by_similarity.decide(Signals(0.85, 0.0)).answers


def test_without_probabilities_the_copy_decides():
    decider = Decider((-0.6, 1.0, 0.0, 0.0))
    assert decider.decide(Signals(0.8, None, None, copied=True)).answers
    assert not decider.decide(Signals(0.8, None, None, copied=False)).answers


def test_the_copy_is_asked_only_when_it_can_change_the_decision():
    judge_only = Decider((-0.7, 1.0, 0.0, 0.0))
    assert not judge_only.uses_copy
    assert judge_only.worth_copying(_judgment(0.75), similarity=0.8)
    assert not judge_only.worth_copying(_judgment(0.65), similarity=0.8)
    with_copy = Decider((-1.0, 1.0, 0.5, 0.0))
    assert with_copy.uses_copy
    assert with_copy.worth_copying(_judgment(0.55), similarity=0.8)  # a sure copy lifts it
    assert not with_copy.worth_copying(_judgment(0.45), similarity=0.8)


def test_when_the_judge_decides_the_answer_is_one_copy_that_may_not_refuse(settings, store):
    model = scripted(judge=0.9, copy="John Kirby")
    answer = _assistant(settings, store, model).ask("who denied ground troop plans?")
    jobs = [job for job, _ in model.calls]
    assert jobs.count("copy") == 1, jobs  # not a copy that may refuse, then a retry
    copy_kwargs = model.calls[jobs.index("copy")][1]
    assert "logit_bias" in copy_kwargs and not copy_kwargs.get("logprobs")
    assert not answer.refused and "Kirby" in answer.answer


def test_a_piece_the_judge_turns_down_costs_no_copy(settings, store):
    model = scripted(judge=0.1, copy="John Kirby")
    answer = _assistant(settings, store, model).ask("who denied ground troop plans?")
    jobs = [job for job, _ in model.calls]
    assert "copy" not in jobs and jobs.count("judge") >= 1
    assert answer.refused


def _judgment(p_yes: float):
    from qa.read import Judgment

    return Judgment(p_yes=p_yes, prompt_tokens=10, ms=1.0)


# -- check ---------------------------------------------------------------------------------


def test_a_copy_must_be_the_sentences_own_words():
    sentence = _evidence("Israel telah membunuh lebih dari 26.700 warga Palestina sejak 7 Oktober.")
    assert copied_from("26,700", [sentence]) is sentence  # digit grouping is not a difference
    assert copied_from("lebih dari 26.700 warga Palestina", [sentence]) is sentence
    assert copied_from("7 October", [sentence]) is sentence  # a month the model translated
    assert copied_from("27.600", [sentence]) is None  # a number it does not state
    assert copied_from("more than 26,700 Palestinians were killed", [sentence]) is None
    # a number inside a name is the sentence's too (the copy drops the parentheses)
    office = _evidence("Dishubpar berkoordinasi dengan Balai Purbakala (BP3) Jateng.")
    assert copied_from("Balai Purbakala BP3 Jateng", [office]) is office
    assert copied_from("Balai Purbakala BP4 Jateng", [office]) is None


def test_a_copy_that_only_repeats_the_question_is_no_answer():
    from qa.check import echoes_question

    assert echoes_question("Kosmologi", "apakah yang dimaksud dengan kosmologi?")
    assert echoes_question("Herbivor", "Apa pengertian dari hewan herbivora?")
    assert not echoes_question("John Kirby", "who denied ground troop plans?")
    assert not echoes_question("1825", "When was the railway opened in 1825?")


def test_an_echoed_copy_is_answered_with_its_whole_sentence(settings, store):
    model = scripted(judge=0.9, copy="Kirby")
    # The reading path's own check, so not the quote index (which answers this form first).
    answer = _assistant(settings, store, model, quote_index=False).ask("Apa kata John Kirby?")
    assert not answer.refused, answer.notes
    assert answer.answer.startswith("Pada bulan Oktober, juru bicara John Kirby mengatakan")
    assert any("only repeats the question" in n for n in answer.notes)


def test_numbers_are_written_the_readers_way():
    assert localize_numbers("lebih dari 26.700 warga", "id", "en") == "lebih dari 26,700 warga"
    assert localize_numbers("2,5 persen", "id", "en") == "2.5 percent"
    assert localize_numbers("in 2023", "id", "en") == "in 2023"
    assert localize_numbers("26,700 people", "en", "id") == "26.700 people"
    assert localize_numbers("26.700", "id", "id") == "26.700"


def test_a_phrasing_must_keep_numbers_names_and_the_readers_language():
    assert (
        phrase_problems("more than 26,700 Palestinians", "lebih dari 26,700 warga Palestina", "en")
        == []
    )
    assert any("numbers" in p for p in phrase_problems("many Palestinians", "26,700 warga", "en"))
    assert any("names" in p for p in phrase_problems("the spokesman", "John Kirby", "en"))
    assert any("not en" in p for p in phrase_problems("would not include dukungan", "x", "en"))


def test_a_phrasing_that_talks_about_the_copy_is_not_a_translation():
    talk = 'The text "T" is not a complete word or phrase. It could be a single letter'
    assert any("commentary" in p for p in phrase_problems(talk, "T", "en"))
    assert not phrase_problems("the chosen machine model", "model mesin yang dipilih", "en")


# -- phrase --------------------------------------------------------------------------------


def test_same_language_copies_are_the_answer_without_a_model_call():
    model = scripted(judge=0.9, copy="x")
    phraser = Phraser(model)
    assert "".join(phraser.stream("26.700 warga Palestina", "id", "id")) == "26.700 warga Palestina"
    assert model.calls == []


def test_a_bad_translation_is_replaced_by_the_copy_as_a_marked_quote():
    phraser = Phraser(scripted(judge=0.9, copy="x", translate=lambda t: "many people"))
    text = "".join(phraser.stream("26.700 warga Palestina", "id", "en"))
    shown, problems = phraser.settle(text, "26.700 warga Palestina", "id", "en")
    assert problems and shown == "“26.700 warga Palestina”"
    good = Phraser(scripted(judge=0.9, copy="x", translate=lambda t: "26,700 Palestinians"))
    text = "".join(good.stream("26.700 warga Palestina", "id", "en"))
    assert good.settle(text, "26.700 warga Palestina", "id", "en") == ("26,700 Palestinians", [])
    assert finish("john Kirby.") == "John Kirby [1]."


def test_a_short_translated_phrase_carries_the_sources_words_as_a_quote():
    # The 1.5B model translated "Peradangan" as "Dispute": the reader gets the source's word.
    assert glossed("Inflammation", "Peradangan") == "Inflammation (“Peradangan”)"
    assert glossed("John Kirby", "John Kirby") == "John Kirby"  # nothing was translated
    assert glossed("May 18, 1756", "18 Mei 1756") == "May 18, 1756"  # a date, written our way
    assert glossed("26,700", "26.700") == "26,700"
    assert glossed("2,000 personnel", "2.000 personel") == "2,000 personnel"  # a count
    clause = "Kondensor didinginkan oleh aliran air dari lautan"
    assert glossed("The condensers were cooled by sea water", clause) == (
        "The condensers were cooled by sea water"
    )
    assert is_pure(finish(glossed("Steam engines", "Mesin uap")), "en")


# -- the wiring ----------------------------------------------------------------------------


def test_the_first_piece_that_answers_is_phrased_and_cited(settings, store):
    model = scripted(
        judge=lambda p: 0.9 if "Kirby" in p.split("Question:")[0] else 0.1,
        copy="John Kirby",
        translate=lambda t: "John Kirby",
    )
    events = list(_assistant(settings, store, model).stream("who denied ground troop plans?"))
    answer = events[-1].answer
    assert isinstance(events[-1], AnswerEvent) and not answer.refused, answer.notes
    assert any(isinstance(e, TokenEvent) for e in events)
    assert answer.answer == "John Kirby [1]."
    assert "John Kirby mengatakan" in answer.citations[0].text
    assert answer.timings_ms["first_token"] is not None
    jobs = [job for job, _ in model.calls]
    assert jobs.count("copy") == 1  # pieces the judge ruled out were not copied from


def test_no_piece_answering_is_a_refusal_that_keeps_the_related_sentences(settings, store):
    model = scripted(judge=0.05, copy="2.000")
    answer = _assistant(settings, store, model).ask("How many US soldiers were killed in Iraq?")
    assert answer.refused and answer.answer == "The articles don't say."
    assert answer.citations == [] and answer.evidence  # shown as related, not as an answer


def test_a_copy_the_sentence_does_not_hold_is_never_cited(settings, store):
    model = scripted(judge=0.9, copy="35.000")  # invented: no sentence states it
    answer = _assistant(settings, store, model).ask("How many Palestinians were killed?")
    assert answer.refused, answer.notes
    assert any("copy not in the sentence" in n for n in answer.notes)


def test_an_unsure_refusal_is_copied_again_when_the_signals_say_it_answers(settings, store):
    def copy(prompt: str) -> str:
        return "NOT FOUND"

    model = scripted(judge=0.95, copy=copy, p_not=0.55)
    answer = _assistant(settings, store, model, decision_weights=(-1.0, 1.0, 0.5, 0.0)).ask(
        "who denied ground troop plans?"
    )
    assert any("logit_bias" in kwargs for _, kwargs in model.calls)
    assert any("copied again" in n for n in answer.notes)


def test_prompt_tokens_is_the_largest_single_prompt(settings, store):
    model = scripted(judge=0.9, copy="John Kirby", translate=lambda t: "John Kirby")
    answer = _assistant(settings, store, model).ask("who denied ground troop plans?")
    assert answer.prompt_tokens and answer.prompt_tokens < 150


def test_the_decision_weights_come_from_the_environment(monkeypatch):
    from kutip.config import load_settings
    from kutip.errors import ConfigError

    monkeypatch.setenv("KUTIP_DECISION_WEIGHTS", "-1,0.5,0.25,1")
    assert load_settings().decision_weights == (-1.0, 0.5, 0.25, 1.0)
    monkeypatch.setenv("KUTIP_DECISION_WEIGHTS", "-1,0.5")
    with pytest.raises(ConfigError, match="four numbers"):
        load_settings()
    monkeypatch.setenv("KUTIP_DECISION_WEIGHTS", "-1,0.5,0.25,1")
    monkeypatch.setenv("KUTIP_DECISION_UNSURE", "0")
    monkeypatch.setenv("KUTIP_CONFIRM_BAR", "0.9")
    assert (load_settings().decision_unsure, load_settings().confirm_bar) == (0.0, 0.9)


def test_a_copied_count_keeps_the_word_it_counts():
    # "How many died?" -> the model copied "10" from "menewaskan 10 orang".
    assert whole_quantity("10", "Topan Wilma menewaskan 10 orang di Haiti.") == "10 orang"
    assert whole_quantity("5", "Prices rose 5 percent on Monday.") == "5 percent"
    assert whole_quantity("1977", "Pada 1977 ketika perang pecah.") == "1977"  # a year
    assert whole_quantity("3", "antara 3 dan 14 jam seminggu") == "3"  # a function word
    assert whole_quantity("7", "Serangan 7 Oktober mengejutkan.") == "7"  # a name, not a unit
    assert whole_quantity("10", "Ada 10.5 orang.") == "10"  # another number
    assert whole_quantity("sepuluh orang", "sepuluh orang tewas") == "sepuluh orang"


def test_a_copied_quantity_keeps_its_hedge():
    # "sekitar 2.000 personel" copied as "2.000 personel" claims an exact count the article
    # does not give.
    sentence = "Sekitar 2.000 personel militer AS dikerahkan ke Irak tahun lalu."
    assert whole_quantity("2.000 personel", sentence) == "sekitar 2.000 personel"
    assert whole_quantity("3.000", "Tingginya lebih dari 3.000 meter.") == "lebih dari 3.000 meter"
    assert whole_quantity("4 weeks", "at least 4 weeks paid holidays") == "at least 4 weeks"
    # A range's opening word only with both of its ends.
    assert whole_quantity("3 dan 14 jam", "antara 3 dan 14 jam seminggu") == "antara 3 dan 14 jam"
    assert whole_quantity("14 jam", "antara 3 dan 14 jam seminggu") == "14 jam"
    # Words that only introduce a count, or another number's hedge, are not added.
    assert whole_quantity("10 orang", "sebanyak 10 orang tewas") == "10 orang"
    assert whole_quantity("40", "sekitar 140 dan 40 orang") == "40 orang"
    assert whole_quantity("Kirby", "sekitar Kirby") == "Kirby"  # not a quantity


def test_the_answer_to_how_many_says_what_it_counts(settings, store):
    model = scripted(
        judge=lambda p: 0.9 if "26.700" in p.split("Question:")[0] else 0.1,
        copy="26.700",
        translate=lambda t: t.replace("warga", "residents").replace("lebih dari", "more than"),
    )
    answer = _assistant(settings, store, model).ask("How many Palestinians were killed?")
    # "lebih dari 26.700 warga": the count with what it counts and its hedge.
    assert answer.answer.startswith("More than 26,700 residents"), answer.notes


def test_a_translation_that_spaces_a_number_keeps_it(settings, store):
    # The model translated "lebih dari 26.700 warga" as "More than 26, 700 people": the
    # number check lost 26,700 and the answer fell back to the Indonesian quote.
    model = scripted(
        judge=lambda p: 0.9 if "26.700" in p.split("Question:")[0] else 0.1,
        copy="26.700",
        translate=lambda t: "More than 26, 700 people",
    )
    answer = _assistant(settings, store, model).ask("How many Palestinians were killed?")
    assert answer.answer == "More than 26,700 people [1].", answer.notes
    assert rejoin_numbers("2, 000 and 126, 700", "2,000 dan 126,700") == "2,000 and 126,700"
    assert rejoin_numbers("1, 5 and 2", "1,5") == "1, 5 and 2"  # not a grouped number


def test_the_words_that_scale_a_number_are_translated_with_it():
    # The model turned "$ 414 juta" into "414 billion"; the number check could not see it.
    assert localize_numbers("$ 414 juta", "id", "en") == "$ 414 million"
    assert localize_numbers("4.093 juta", "id", "en") == "4,093 million"
    assert localize_numbers("2,5 miliar dolar", "id", "en") == "2.5 billion dolar"
    assert localize_numbers("3 million people", "en", "id") == "3 juta people"
    assert localize_numbers("juta orang", "id", "en") == "juta orang"  # no number: a word
    assert localize_numbers("414 juta", "id", "id") == "414 juta"


def test_an_unsure_judge_gets_a_second_look_at_the_copied_answer(settings, store):
    def judge(prompt: str) -> float:
        return 0.5 if "Kirby" in prompt.split("Question:")[0] else 0.1

    sure = scripted(judge=judge, copy="John Kirby", confirm=0.9)
    answer = _assistant(settings, store, sure).ask("who denied ground troop plans?")
    assert not answer.refused and answer.answer == "John Kirby [1].", answer.notes
    assert any("second look" in n for n in answer.notes)
    doubtful = scripted(judge=judge, copy="John Kirby", confirm=0.3)
    assert _assistant(settings, store, doubtful).ask("who denied ground troop plans?").refused
    off = scripted(judge=judge, copy="John Kirby", confirm=0.9)
    assert (
        _assistant(settings, store, off, decision_unsure=0.0)
        .ask("who denied ground troop plans?")
        .refused
    )
    assert "confirm" not in [job for job, _ in off.calls]


def test_a_question_gets_one_second_look_at_the_first_unsure_piece(settings, store):
    judged: list[str] = []  # pieces in the order the judge read them

    def piece_of(prompt: str) -> str:
        return prompt.split("Question:")[0]

    def judge(prompt: str) -> float:
        judged.append(piece_of(prompt))
        return 0.45  # unsure about every piece

    looked: list[str] = []

    def confirm(prompt: str) -> float:
        looked.append(piece_of(prompt))
        return 0.9 if len(looked) > 1 else 0.1  # only a second look would confirm

    model = scripted(judge=judge, copy="John Kirby", confirm=confirm)
    answer = _assistant(settings, store, model).ask("who denied ground troop plans?")
    assert looked == judged[:1], answer.notes  # one look, at the first piece read
    assert len(judged) >= 2 and answer.refused  # the others were judged, not looked at
