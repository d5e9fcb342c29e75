from ingest.chunking import make_chunks
from kutip.schema import Sentence


def _sentences(words_per_sentence: list[int]) -> tuple[str, list[Sentence]]:
    text, sentences = "", []
    for i, n in enumerate(words_per_sentence):
        body = " ".join(f"w{i}x{j}" for j in range(n)) + "."
        start = len(text)
        text += body + " "
        sentences.append(Sentence("a", i, start, start + len(body), body))
    return text, sentences


def words(text: str) -> int:
    return len(text.split())


def test_packs_whole_sentences_under_budget_with_overlap():
    text, sents = _sentences([3, 3, 3, 3, 3])
    chunks = make_chunks(sents, text, budget=7, overlap=1, count_tokens=words)
    assert [(c.first_sentence, c.last_sentence) for c in chunks] == [(0, 1), (1, 2), (2, 3), (3, 4)]
    for c in chunks:
        assert c.text == text[c.start : c.end]
        assert c.start == sents[c.first_sentence].start and c.end == sents[c.last_sentence].end
        assert c.id == f"a:c{c.index}"


def test_oversized_sentence_is_its_own_chunk_and_never_cut():
    text, sents = _sentences([2, 20, 2])
    chunks = make_chunks(sents, text, budget=5, overlap=1, count_tokens=words)
    assert (1, 1) in [(c.first_sentence, c.last_sentence) for c in chunks]
    covered = set()
    for c in chunks:
        covered |= set(range(c.first_sentence, c.last_sentence + 1))
    assert covered == {0, 1, 2}


def test_no_overlap_and_empty():
    text, sents = _sentences([2, 2, 2, 2])
    chunks = make_chunks(sents, text, budget=4, overlap=0, count_tokens=words)
    assert [(c.first_sentence, c.last_sentence) for c in chunks] == [(0, 1), (2, 3)]
    assert make_chunks([], "", budget=4, overlap=1, count_tokens=words) == []
