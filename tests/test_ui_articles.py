"""The Articles and Quotes tabs' handlers over a real store of a few hundred articles: search,
filters, sorting, pages, a clicked row, and the Quotes tab a page at a time (issue 30, item 4;
issue 31 at scale). The browser drives the same handlers in test_ui_articles_browser.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from test_store_browse import _fill
from ui_fixtures import FakeAssistant, FakeIngestor, fake_services, sample_articles

from kutip.config import Settings
from kutip.store import Store, open_store
from kutip.store.browse import ArticleQuery
from ui.handlers import Handlers
from ui.state import Workspace


@pytest.fixture
def archive(settings: Settings) -> Iterator[tuple[Handlers, Store]]:
    store = open_store(settings)
    _fill(store, 180)
    workspace = Workspace(settings, store, FakeAssistant(None), FakeIngestor)  # type: ignore[arg-type]
    yield Handlers(workspace, settings, settings.store_dir.parent / "uploads"), store
    store.close()


def _line(table: str) -> str:
    found = re.search(r'<div class="kutip-page-line[^"]*">([^<]*)</div>', table)
    assert found, table[:500]
    return found.group(1)


def _row_ids(table: str) -> list[str]:
    return re.findall(r'<tr class="kutip-article-row" data-article="([^"]+)"', table)


def test_the_list_opens_on_its_newest_page(archive: tuple[Handlers, Store]) -> None:
    handlers, store = archive
    table, pick, viewer = handlers.list_articles("kutip")
    assert _line(table) == "Showing 1–50 of 180 articles · page 1 of 4"
    assert '<div class="kutip-summary">180 articles · ' in table
    ids = _row_ids(table)
    assert ids == [r.id for r in store.article_page(ArticleQuery()).rows]
    assert [v for _, v in pick.choices] == ids and pick.value is None
    assert "Choose an article" in viewer


def test_search_filters_and_sort_from_the_first_page(archive: tuple[Handlers, Store]) -> None:
    handlers, store = archive
    table, pick, query = handlers.browse_articles(
        "kutip", "reuters", "en", "2016-01-01", "2024-12-31", "title"
    )
    want = store.article_page(
        ArticleQuery("reuters", "en", query.since, query.until, "title", per_page=50)
    )
    assert (query.text, query.lang, query.sort, query.page) == ("reuters", "en", "title", 1)
    assert _row_ids(table) == [r.id for r in want.rows] and want.total > 0
    assert "matching “reuters”, English, published 2016-01-01 to 2024-12-31" in _line(table)
    assert len(pick.choices) == len(want.rows)
    nothing, _, _ = handlers.browse_articles("kutip", "zzzqqq", "", "", "", "newest")
    assert _line(nothing) == "No article matches “zzzqqq”."
    assert '<div class="kutip-summary">180 articles' in nothing  # the collection is still there


def test_a_bad_date_is_said_and_left_out(archive: tuple[Handlers, Store]) -> None:
    handlers, _ = archive
    table, _, query = handlers.browse_articles("kutip", "", "", "2020-02-30", "", "newest")
    assert query.since is None
    assert "From “2020-02-30” is not a date (YYYY-MM-DD): not applied" in table
    assert "kutip-status-error" in table and "Showing 1–50 of 180" in table


def test_pages_move_and_clamp(archive: tuple[Handlers, Store]) -> None:
    handlers, store = archive
    _, _, first = handlers.browse_articles("kutip", "", "", "", "", "sentences")
    table, _, second = handlers.next_page("kutip", None, first)
    assert second.page == 2 and _line(table).startswith("Showing 51–100 of 180")
    table, _, last = handlers.next_page("kutip", None, second.at(4))
    assert last.page == 4
    assert _line(table) == "Showing 151–180 of 180 articles · most sentences first · page 4 of 4"
    table, _, back = handlers.previous_page("kutip", None, second.at(99))  # stale: past the end
    assert back.page == 3
    _, _, start = handlers.previous_page("kutip", None, first)
    assert start.page == 1
    # The list follows the session's query on a refresh, and after a delete.
    table, _, _ = handlers.list_articles("kutip", second)
    assert _line(table).startswith("Showing 51–100")
    gone = store.article_page(second).rows[0].id
    status, table, _, _ = handlers.delete_article(gone, "kutip", second)
    assert "Deleted" in status and gone not in _row_ids(table)
    assert _line(table).startswith("Showing 51–100 of 179")


def test_a_clicked_row_opens_its_article_and_selects_it(archive: tuple[Handlers, Store]) -> None:
    handlers, store = archive
    query = ArticleQuery(page=2)
    article = store.article_page(query).rows[3]
    viewer, pick = handlers.open_article(
        "kutip", query, SimpleNamespace(_data={"article": article.id})
    )  # type: ignore[arg-type]
    assert f'data-article="{article.id}"' in viewer and pick.value == article.id
    # One from another page is added to the dropdown, so Delete can act on it.
    other = store.article_page(ArticleQuery(page=1)).rows[0]
    _, pick = handlers.open_article("kutip", query, SimpleNamespace(_data={"article": other.id}))  # type: ignore[arg-type]
    assert pick.value == other.id and len(pick.choices) == 51
    viewer, pick = handlers.open_article("kutip", query, SimpleNamespace(_data={}))  # type: ignore[arg-type]
    assert "Choose an article" in viewer and pick.value is None


def test_filters_clear_to_the_whole_list(archive: tuple[Handlers, Store]) -> None:
    handlers, _ = archive
    assert handlers.clear_filters() == ("", "", "", "", "newest", ArticleQuery())


def test_a_store_without_paged_queries_pages_alike(tmp_path: Path) -> None:
    """The fakes have only ``list_articles``: the same rules run over the list."""
    settings, store, assistant = fake_services(tmp_path, sample_articles())
    handlers = Handlers(Workspace(settings, store, assistant, FakeIngestor), settings, tmp_path)
    table, _, _ = handlers.browse_articles("kutip", "kirby", "id", "2024-01-01", "", "title")
    assert _line(table).startswith("Showing 1–1 of 1 article matching “kirby”, Indonesian")
    table, _, _ = handlers.browse_articles("kutip", "kirby", "en", "", "", "title")
    assert _line(table) == "No article matches “kirby”, English."


def test_the_quotes_tab_pages_too(archive: tuple[Handlers, Store]) -> None:
    handlers, store = archive
    everything = store.quotes()
    out: Any = handlers.quotes_page("kutip", "", "", "", 1)
    speaker, summary, table, _timeline, _view, _shown, page = out
    n = len(everything)
    pages = (n + 49) // 50
    assert page == 1 and f"{n:,} quotes in" in summary
    if pages > 1:
        assert f"showing 1–50, page 1 of {pages}" in summary
    assert len(table.value["data"]) == min(50, n)
    assert speaker.choices[0] == (f"All speakers ({n})", "")
    out = handlers.next_quotes("kutip", "", "", "", 1)
    assert out[6] == min(2, pages)
    out = handlers.next_quotes("kutip", "", "", "", 99)  # clamped to the last page
    assert out[6] == pages
    top = store.quote_page().speakers[0]
    out = handlers.quotes_page("kutip", "", top[0].split()[-1].upper(), "", 1)
    # A surname typed in another case finds its group when it names only one.
    assert out[0].value in {top[0], ""}
    out = handlers.quotes_page("kutip", "", top[0], "", 1)
    assert out[0].value == top[0] and f"{top[1]} of {n:,} quotes" in out[1]
    assert f"{top[0]} over time" in out[3]
    # Opening the first row of that page opens that quote's sentence.
    rows = out[2].value["data"]
    event = SimpleNamespace(index=[0, 1], value=rows[0][1], row_value=rows[0])
    view, shown = handlers.open_quote("kutip", "", top[0], event, 1)  # type: ignore[arg-type]
    assert shown and "kutip-hit" in view
