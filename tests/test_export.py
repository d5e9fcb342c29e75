"""Exported answers, read back: every ``[n]`` footnote quotes its stored sentence exactly."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from ingest.pipeline import Ingestor
from kutip.config import Settings
from kutip.store import Store
from qa import export
from qa.assistant import Assistant
from qa.types import Answer, Citation, Evidence

FOOTNOTE = re.compile(r"^\[(\d+)\] (.+)$")


def read_footnotes(markdown: str) -> dict[int, tuple[str, str]]:
    """``n -> (source line, quoted text)`` parsed from exported Markdown, independently of the
    exporter: a footnote is a ``[n] ...`` line followed by its ``>`` blockquote."""
    lines = markdown.splitlines()
    found: dict[int, tuple[str, str]] = {}
    for i, line in enumerate(lines):
        m = FOOTNOTE.match(line)
        if not m:
            continue
        quoted: list[str] = []
        for follow in lines[i + 1 :]:
            if not follow.startswith(">"):
                break
            quoted.append(follow[2:] if follow.startswith("> ") else follow[1:])
        assert quoted, f"footnote [{m.group(1)}] quotes nothing"
        found[int(m.group(1))] = (m.group(2), "\n".join(quoted))
    return found


def cite(n: int, store: Store, article_id: str, index: int, **extra: object) -> Citation:
    article = store.get_article(article_id)
    assert article is not None
    s = store.sentences(article_id)[index]
    return Citation(
        n,
        article_id,
        article.title,
        article.source,
        s.index,
        s.start,
        s.end,
        s.text,
        url=article.url,
        published=article.published,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def stored(settings: Settings, store: Store, sample_article: Path) -> tuple[Store, str]:
    report = Ingestor(settings, store).ingest([str(sample_article)])
    assert report.added, report.summary()
    return store, report.added[0]


def test_each_footnote_quotes_the_stored_sentence_exactly(stored: tuple[Store, str]) -> None:
    store, aid = stored
    article = store.get_article(aid)
    assert article is not None
    citations = [cite(n, store, aid, i) for n, i in ((1, 3), (2, 0), (3, 7))]
    answer = Answer("Who denied it?", "Kirby denied it [1], as reported [2][3].", False, citations)
    markdown = export.answer_markdown(answer)
    footnotes = read_footnotes(markdown)
    assert sorted(footnotes) == [1, 2, 3]
    for c in citations:
        line, quoted = footnotes[c.n]
        assert quoted == article.text[c.start : c.end]
        assert article.title.split()[0] in line
    assert markdown.startswith("## Who denied it?\n\nKirby denied it [1], as reported [2][3].")


def test_the_assistants_answer_exports_with_its_citations(
    make_settings, sample_article: Path
) -> None:
    settings = make_settings(relevance_floor=0.0)
    from kutip.store import open_store

    store = open_store(settings)
    try:
        Ingestor(settings, store).ingest([str(sample_article)])
        answer = Assistant(settings, store).ask("John Kirby rencana pasukan darat")
        assert answer.citations and not answer.refused
        footnotes = read_footnotes(export.conversation_markdown([answer, answer]))
        for c in answer.citations:
            article = store.get_article(c.article_id)
            assert article is not None
            assert footnotes[c.n][1] == article.text[c.start : c.end]
    finally:
        store.close()


def test_footnote_names_source_url_and_date_and_keeps_the_quote_verbatim() -> None:
    quote = "He said *no* [plans] <b>today</b>."
    c = Citation(
        1,
        "a1",
        "Troops_in *Iraq*",
        "Purna Warta",
        0,
        10,
        10 + len(quote),
        quote,
        url="https://purnawarta.com/x",
        published=datetime(2024, 1, 31, 9, 30),
    )
    (line, quoted) = read_footnotes(export.footnote(c))[1]
    assert quoted == quote
    assert line == (
        r"Troops\_in \*Iraq\*. Purna Warta, <https://purnawarta.com/x>, published 2024-01-31."
    )
    bare = Citation(2, "a2", "Local file", None, 0, 0, 4, "Text", url="file:///etc/x")
    assert read_footnotes(export.footnote(bare))[2] == ("Local file. `file:///etc/x`.", "Text")


def test_a_multiline_sentence_is_quoted_line_by_line() -> None:
    c = Citation(1, "a", "T", "S", 0, 0, 9, "one\n\ntwo")
    assert read_footnotes(export.footnote(c))[1][1] == "one\n\ntwo"


def test_a_refusal_exports_without_footnotes() -> None:
    answer = Answer("Who won the match?", "The articles don't say.", True)
    markdown = export.answer_markdown(answer)
    assert read_footnotes(markdown) == {}
    assert "The articles don't say." in markdown


def _evidence(n: int, score: float) -> Evidence:
    return Evidence(n, "a", "T", None, None, None, n, 10 * n, 10 * n + 5, f"Sent{n}", score)


def test_a_refusal_shows_its_closest_sentences_as_related_not_as_sources() -> None:
    # The model read them and none answered; the reader may still find what they need there.
    evidence = [_evidence(1, 0.70), _evidence(2, 0.90), _evidence(3, 0.80), _evidence(4, 0.85)]
    answer = Answer("Who won the match?", "The articles don't say.", True, evidence=evidence)
    assert [c.n for c in answer.related()] == [2, 3, 4]  # the best three, in evidence order
    text = export.render_answer(answer, "text")
    assert text.splitlines()[1] == "Related, but not an answer:"
    assert "[2] T (sentence 2, 20-25): Sent2" in text and "Sent1" not in text
    markdown = export.answer_markdown(answer)
    assert "Related, but not an answer:" in markdown
    assert {n: q for n, (_, q) in read_footnotes(markdown).items()} == {
        2: "Sent2",
        3: "Sent3",
        4: "Sent4",
    }
    data = answer.to_json()
    assert data["citations"] == [] and [r["n"] for r in data["related"]] == [2, 3, 4]
    # An answer's sources are its citations; it lists nothing as related.
    answered = Answer("q?", "Sent2 [1]", False, [Citation.of(1, evidence[1])], evidence)
    assert answered.related() == [] and answered.to_json()["related"] == []
    assert "Related" not in export.render_answer(answered, "text")


def test_json_is_the_ask_schema_and_a_conversation_is_a_list_of_them() -> None:
    c = Citation(1, "a", "T", "S", 2, 5, 9, "Text", published=datetime(2024, 1, 1))
    answer = Answer("q?", "Text [1]", False, [c])
    one = json.loads(export.render_answer(answer, "json"))
    assert one == answer.to_json()
    assert json.loads(export.conversation_json([answer, answer])) == [one, one]
    assert "evidence" in json.loads(export.render_answer(answer, "json", debug=True))


def test_text_format_lists_each_citation() -> None:
    c = Citation(1, "a", "T", "S", 2, 5, 9, "Text")
    text = export.render_answer(Answer("q?", "Text [1]", False, [c]), "text")
    assert text == "Text [1]\n  [1] T (sentence 2, 5-9): Text"
    with pytest.raises(ValueError, match="unknown format"):
        export.render_answer(Answer("q", "a", False), "yaml")  # type: ignore[arg-type]
