"""The Quotes tab: who said what as a searchable table, a speaker filter with counts, a
per-speaker timeline, and a clicked row opening the article with the sentence marked the way
a citation marks it. Pure functions and handlers over fakes first, then the real store, then
the served page through ``gradio_client``."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from ui_fixtures import (
    FakeAssistant,
    FakeIngestor,
    FakeStore,
    fake_services,
    fast_settings,
    make_article,
    sample_articles,
    served,
    split,
)

from kutip.schema import Article, Quote
from ui import quotes as qv
from ui import render
from ui.app import build_app
from ui.handlers import Handlers
from ui.state import Workspace

KIRBY_SAID = "Tidak ada rencana atau niat"
KIRBY_ADDED = "kami mempunyai kepentingan keamanan nasional"


def quote_of(
    article: Article,
    sentence_part: str,
    speaker: str | None,
    *,
    group: str | None = None,
    role: str | None = None,
    cue: str = "mengatakan",
    words: str | None = None,
) -> Quote:
    """A quote of the sentence of ``article`` containing ``sentence_part`` (offsets exact)."""
    (sentence,) = [x for x in split(article.id, article.text) if sentence_part in x.text]
    words = words or sentence_part
    qs = article.text.index(words, sentence.start)
    return Quote(
        article_id=article.id,
        sentence_index=sentence.index,
        sentence_start=sentence.start,
        sentence_end=sentence.end,
        sentence=sentence.text,
        speaker=speaker,
        role=role,
        cue=cue,
        quote_start=qs,
        quote_end=qs + len(words),
        quote=words,
        direct=True,
        inherited=False,
        title=article.title,
        source=article.source,
        url=article.url,
        published=article.published,
        group=group if group is not None else speaker,
    )


SAMPLE = sample_articles()[0]
OTHER = make_article(
    "Harga beras naik",
    "Harga beras naik tajam pekan ini, kata Menteri Budi Santoso. "
    "Impor tiba Maret, ujar Kirby.\n"
    "Gudang penuh <script>x()</script>, kata Ani.",
    source="Wire",
    published=datetime(2024, 3, 2, tzinfo=UTC),
)
UNDATED = make_article("Tanpa tanggal", "Stok aman, kata Budi Santoso.")


def sample_quotes() -> list[Quote]:
    """Kirby twice in the sample (January), Budi in March and undated, a Kirby-named other
    speaker kept apart, an unnamed source, and one quote with script in it."""
    role = "Juru Bicara Dewan Keamanan Nasional"
    return [
        quote_of(SAMPLE, "Dokumen tersebut mengungkapkan", None, role="Dokumen tersebut"),
        quote_of(SAMPLE, KIRBY_SAID, "John Kirby", role=role),
        quote_of(SAMPLE, KIRBY_ADDED, "John Kirby", role=role, cue="tambahnya"),
        quote_of(OTHER, "Harga beras naik tajam", "Budi Santoso", role="Menteri", cue="kata"),
        quote_of(OTHER, "Impor tiba Maret", "Kirby", group="Kirby", cue="ujar"),
        quote_of(
            OTHER, "Gudang penuh", "Ani", cue="kata", words="Gudang penuh <script>x()</script>"
        ),
        quote_of(UNDATED, "Stok aman", "Budi Santoso", cue="kata"),
    ]


class QuoteStore(FakeStore):
    """The fake store plus ``quotes()``: the given quotes of the articles still stored."""

    def __init__(self, articles: Sequence[Article], quotes: Sequence[Quote]) -> None:
        super().__init__(articles)
        self.all_quotes = list(quotes)
        self.quote_calls = 0

    def quotes(self, speaker: str | None = None, about: str | None = None, **_: Any) -> list[Quote]:
        self.quote_calls += 1
        return [q for q in self.all_quotes if q.article_id in self.articles]


def make_handlers(tmp_path: Path, store: FakeStore | None = None) -> tuple[Handlers, FakeStore]:
    settings, _, _ = fake_services(tmp_path)
    store = store or QuoteStore([SAMPLE, OTHER, UNDATED], sample_quotes())
    workspace = Workspace(settings, store, FakeAssistant(store), FakeIngestor)
    return Handlers(workspace, settings, tmp_path / "uploads"), store


def select(row: int, values: list[str] | None) -> Any:
    """What Gradio hands ``open_quote`` for a click on ``row`` (a cell of its quote column)."""
    return SimpleNamespace(index=[row, 1], value=values[1] if values else None, row_value=values)


# -- pure functions -------------------------------------------------------------------------------


def test_speaker_choices_count_each_group_most_quoted_first() -> None:
    choices = qv.speaker_choices(sample_quotes())
    assert choices[0] == ("All speakers (7)", qv.ALL_SPEAKERS)
    assert choices[1:] == [
        ("Budi Santoso (2)", "Budi Santoso"),
        ("John Kirby (2)", "John Kirby"),
        ("Ani (1)", "Ani"),
        ("Kirby (1)", "Kirby"),
    ]


def test_filters_by_speaker_group_and_search_words_in_date_order() -> None:
    quotes = sample_quotes()
    kirby = qv.filter_quotes(quotes, "", "John Kirby")
    assert [q.cue for q in kirby] == ["mengatakan", "tambahnya"]  # the store's order kept
    assert "Kirby" not in {q.group for q in kirby}  # another Kirby is another speaker
    budi = qv.filter_quotes(quotes, None, "Budi Santoso")
    assert [q.title for q in budi] == ["Harga beras naik", "Tanpa tanggal"]  # undated last
    # Every word must match somewhere: speaker, role, quote, sentence, article title.
    assert [q.speaker for q in qv.filter_quotes(quotes, "kirby RENCANA", "")] == ["John Kirby"]
    assert {q.speaker for q in qv.filter_quotes(quotes, "juru bicara", "")} == {"John Kirby"}
    assert [q.speaker for q in qv.filter_quotes(quotes, "beras menteri", "")] == ["Budi Santoso"]
    assert qv.filter_quotes(quotes, "kirby beras", "John Kirby") == []
    dates = [q.published for q in qv.filter_quotes(quotes, "", "")]
    assert dates[:3] == [SAMPLE.published] * 3 and dates[-1] is None


def test_a_typed_name_means_its_speaker_group_or_none() -> None:
    choices = qv.speaker_choices(sample_quotes())
    assert qv.resolve_speaker("John Kirby", choices) == "John Kirby"
    assert qv.resolve_speaker(" john kirby ", choices) == "John Kirby"
    assert qv.resolve_speaker("Kirby", choices) == "Kirby"  # the group of that exact name
    assert qv.resolve_speaker("Santoso", choices) == "Budi Santoso"  # the only Santoso
    assert qv.resolve_speaker("Jim Kirby", choices) == qv.ALL_SPEAKERS  # nobody quoted
    assert qv.resolve_speaker("", choices) == qv.ALL_SPEAKERS
    assert qv.resolve_speaker(None, choices) == qv.ALL_SPEAKERS


def test_table_rows_are_plain_text_and_a_row_finds_its_quote() -> None:
    quotes = qv.filter_quotes(sample_quotes(), "", "")
    rows = qv.table_rows(quotes)
    assert rows[0] == [
        "(Dokumen tersebut)",
        "Dokumen tersebut mengungkapkan",
        SAMPLE.title,
        "2024-01-31",
    ]
    assert rows[-1][3] == qv.NO_DATE and rows[-1][0] == "Budi Santoso"
    ani = next(r for r in rows if r[0] == "Ani")
    assert ani[1] == "Gudang penuh <script>x()</script>"  # text: the Dataframe escapes it
    # The row's values win over its number (the browser may have sorted the table) ...
    assert qv.find_row(quotes, [0, 1], ani).speaker == "Ani"
    # ... and the number serves when no values come.
    assert qv.find_row(quotes, [2, 0], None) is quotes[2]
    assert qv.find_row(quotes, [99, 0], None) is None


def test_timeline_lists_the_speakers_quotes_dated_and_escaped() -> None:
    quotes = sample_quotes()
    budi = qv.filter_quotes(quotes, "", "Budi Santoso")
    timeline = qv.render_timeline("Budi Santoso", list(reversed(budi)))
    assert timeline.index("2024-03-02") < timeline.index("undated")  # date order regardless
    assert "Budi Santoso over time" in timeline and "(2 quotes)" in timeline
    assert "Harga beras naik tajam" in timeline and "(kata)" in timeline
    ani = qv.render_timeline("Ani", qv.filter_quotes(quotes, "", "Ani"))
    assert "<script>" not in ani and "&lt;script&gt;x()&lt;/script&gt;" in ani
    assert "Choose a speaker" in qv.render_timeline(None, quotes)
    assert "No quotes of Ani match" in qv.render_timeline("Ani", [])


def test_quote_view_marks_the_sentence_as_a_citation_card_does() -> None:
    kirby = qv.filter_quotes(sample_quotes(), "", "John Kirby")[0]
    view = qv.render_quote_view(kirby, SAMPLE)
    # The same card as a citation of that sentence, and the whole article opened.
    card = render.render_card(qv.as_citation(kirby), SAMPLE, 0, anchored=False)
    assert card in view
    marks = view.count('<mark class="kutip-hit"')
    assert marks == 2  # once in the paragraph, once in the whole article
    marked = view[view.index('<mark class="kutip-hit"') : view.index("</mark>")]
    assert KIRBY_SAID in marked and "John Kirby" in marked
    assert '<details class="kutip-whole" open>' in view
    assert "Juru Bicara Dewan Keamanan Nasional" in view and "(mengatakan)" in view
    assert f'data-quote="{SAMPLE.id}:' in view
    # A deleted article still shows the sentence, said to be gone.
    gone = qv.render_quote_view(kirby, None)
    assert "no longer in the collection" in gone and KIRBY_SAID in gone
    assert qv.render_quote_view(None, None) == qv.EMPTY_VIEW
    ani = qv.filter_quotes(sample_quotes(), "", "Ani")[0]
    assert "<script>" not in qv.render_quote_view(ani, OTHER)


def test_summary_line() -> None:
    assert "No quotes yet" in qv.render_summary(0, 0, 0)
    assert "7 quotes in 3 articles" in qv.render_summary(7, 7, 3)
    assert "2 of 7 quotes in 3 articles" in qv.render_summary(2, 7, 3)
    assert "1 quote in 1 article" in qv.render_summary(1, 1, 1)


# -- handlers -------------------------------------------------------------------------------------


def test_quotes_handler_fills_the_tab_and_filters(tmp_path: Path) -> None:
    handlers, _ = make_handlers(tmp_path)
    speaker, summary, table, timeline, view, shown = handlers.quotes("kutip", "", "")
    assert speaker.value == qv.ALL_SPEAKERS
    assert ("John Kirby (2)", "John Kirby") in speaker.choices
    assert "7 quotes in 3 articles" in summary
    assert len(table.value["data"]) == 7 and table.value["headers"] == qv.HEADERS
    assert "Choose a speaker" in timeline
    assert view == qv.EMPTY_VIEW and shown == ""
    speaker, summary, table, timeline, *_ = handlers.quotes("kutip", "", "John Kirby")
    assert speaker.value == "John Kirby" and "2 of 7 quotes" in summary
    assert [r[0] for r in table.value["data"]] == ["John Kirby", "John Kirby"]
    assert "John Kirby over time" in timeline and timeline.index(KIRBY_SAID) < timeline.index(
        KIRBY_ADDED
    )
    _, summary, table, timeline, *_ = handlers.quotes("kutip", "tambahnya", "John Kirby")
    assert len(table.value["data"]) == 1 and "(1 quote)" in timeline


def test_clicking_a_row_opens_its_article_with_the_sentence_marked(tmp_path: Path) -> None:
    handlers, _ = make_handlers(tmp_path)
    table = handlers.quotes("kutip", "", "John Kirby")[2].value["data"]
    view, shown = handlers.open_quote("kutip", "", "John Kirby", select(0, table[0]))
    marked = view[view.index('<mark class="kutip-hit"') : view.index("</mark>")]
    assert KIRBY_SAID in marked and shown.startswith(f"{SAMPLE.id}:")
    # The second row, found by its values even when the browser says another row number.
    view, _ = handlers.open_quote("kutip", "", "John Kirby", select(0, table[1]))
    marked = view[view.index('<mark class="kutip-hit"') : view.index("</mark>")]
    assert KIRBY_ADDED in marked and KIRBY_SAID not in marked
    assert handlers.open_quote("kutip", "", "John Kirby", select(7, None)) == (qv.EMPTY_VIEW, "")


def test_the_tab_follows_deleted_articles(tmp_path: Path) -> None:
    handlers, store = make_handlers(tmp_path)
    table = handlers.quotes("kutip", "", "John Kirby")[2].value["data"]
    _, shown = handlers.open_quote("kutip", "", "John Kirby", select(0, table[0]))
    # While the quote exists, a refresh leaves the open viewer alone.
    *_, view, kept = handlers.quotes("kutip", "", "John Kirby", shown)
    assert isinstance(view, dict) and kept == shown  # gr.skip()
    store.delete_article(SAMPLE.id)
    speaker, summary, table, _, view, kept = handlers.quotes("kutip", "", "John Kirby", shown)
    assert speaker.value == qv.ALL_SPEAKERS  # Kirby's only article is gone
    assert "John Kirby" not in {v for _, v in speaker.choices}
    assert "4 quotes in 2 articles" in summary and len(table.value["data"]) == 4
    assert view == qv.EMPTY_VIEW and kept == ""


def test_a_store_without_quotes_or_failing_leaves_the_page_working(tmp_path: Path) -> None:
    handlers, _ = make_handlers(tmp_path, FakeStore([SAMPLE]))
    _, summary, table, *_ = handlers.quotes("kutip", "", "")
    assert "No quotes yet" in summary and table.value["data"] == []

    class Broken(QuoteStore):
        def quotes(self, **_: Any) -> list[Quote]:
            raise RuntimeError("catalog locked")

    handlers, _ = make_handlers(tmp_path, Broken([SAMPLE], []))
    out = handlers.quotes("kutip", "kirby", "")
    assert "Listing quotes failed" in out[1] and "RuntimeError" in out[1]
    assert all(isinstance(o, dict) for i, o in enumerate(out) if i != 1)  # the rest skipped
    view, _ = handlers.open_quote("kutip", "", "", select(0, None))
    assert "kutip-status-error" in view


def test_the_page_has_the_tab_and_its_endpoint(tmp_path: Path) -> None:
    settings, _, _ = fake_services(tmp_path)
    store = QuoteStore([SAMPLE], sample_quotes())
    app = build_app(settings, store, FakeAssistant(store), FakeIngestor, upload_dir=tmp_path / "u")
    names = {d.api_name for d in app.fns.values() if d.api_name}
    assert "quotes" in names
    ids = {getattr(b, "elem_id", None) for b in app.blocks.values()}
    assert {"kutip-quote-table", "kutip-quote-speaker", "kutip-quote-view"} <= ids


# -- over the real store --------------------------------------------------------------------------


@pytest.fixture
def real_store(tmp_path: Path) -> Any:
    from ui_fixtures import sample_article_path

    from ingest.pipeline import Ingestor
    from kutip.store import open_store

    settings = fast_settings(tmp_path, relevance_floor=0.0)
    store = open_store(settings)
    Ingestor(settings, store).ingest([str(sample_article_path())])
    yield settings, store
    store.close()


def test_real_store_kirby_rows_open_his_sentences(real_store: Any, tmp_path: Path) -> None:
    settings, store = real_store
    workspace = Workspace(settings, store, FakeAssistant(FakeStore()), FakeIngestor)
    handlers = Handlers(workspace, settings, tmp_path / "uploads")
    speaker, _, table, timeline, *_ = handlers.quotes("kutip", "", "")
    assert ("John Kirby (2)", "John Kirby") in speaker.choices
    _, _, table, timeline, *_ = handlers.quotes("kutip", "", "John Kirby")
    rows = table.value["data"]
    assert [r[0] for r in rows] == ["John Kirby", "John Kirby"]
    assert timeline.index(html.escape(KIRBY_SAID)) < timeline.index(html.escape(KIRBY_ADDED))
    for row, words in zip(rows, (KIRBY_SAID, KIRBY_ADDED), strict=True):
        view, _ = handlers.open_quote("kutip", "", "John Kirby", select(0, row))
        marked = view[view.index('<mark class="kutip-hit"') : view.index("</mark>")]
        assert words in marked
        (quote,) = [q for q in store.quotes(speaker="John Kirby") if words in q.sentence]
        article = store.get_article(quote.article_id)
        assert marked.endswith(html.escape(article.text[quote.sentence_start : quote.sentence_end]))


def test_the_quotes_endpoint_through_gradio_client(tmp_path: Path) -> None:
    from gradio_client import Client

    from ui.app import build_real_app

    real = build_real_app(fast_settings(tmp_path, relevance_floor=0.0))
    real.add_sample()
    try:
        with served(real.app) as url:
            c = Client(url, verbose=False, analytics_enabled=False, download_files=False)
            speaker, summary, table, timeline, view = c.predict(
                "kutip", "rencana", "Kirby", api_name="/quotes"
            )
    finally:
        real.store.close()
    assert speaker["value"] == "John Kirby"
    assert "1 of " in summary
    rows = table["value"]["data"]  # an update: the table's value with its headers
    assert [r[0] for r in rows] == ["John Kirby"] and KIRBY_SAID in rows[0][1]
    assert "John Kirby over time" in timeline
    assert view == qv.EMPTY_VIEW  # nothing opened yet in this session


def test_the_fixture_quotes_point_at_their_sentences() -> None:
    """A guard for :func:`quote_of`: every fake quote's offsets hold in its article."""
    texts = {a.id: a.text for a in (SAMPLE, OTHER, UNDATED)}
    for q in sample_quotes():
        assert texts[q.article_id][q.sentence_start : q.sentence_end] == q.sentence
        assert texts[q.article_id][q.quote_start : q.quote_end] == q.quote
        assert q.quote in q.sentence
