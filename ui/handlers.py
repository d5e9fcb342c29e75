"""The chat page's event handlers: each turns one user action into the page's new outputs.

They are apart from :mod:`ui.app` (which lays the page out and serves it) so the page's
behaviour can be tested by calling them directly over fake services, without a server.
Every handler catches its own exceptions and reports them as one line in its own session's
output: one person's bad upload or failed question never breaks another's page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import gradio as gr

from kutip.config import Settings
from kutip.errors import KutipError
from kutip.schema import Article, Quote, Sentence
from kutip.store import browse
from kutip.store.summary import StoreSummary, summarize
from qa.types import AnswerEvent, EvidenceEvent, ReadingEvent, TokenEvent
from ui import quotes as quotes_view
from ui import render
from ui.downloads import default_export_dir, write_conversation
from ui.loading import ModelLoading
from ui.state import Services, Session, StoreLike, Turn, Workspace
from ui.uploads import session_folder, split_urls, stage_uploads, upload_progress

log = logging.getLogger("kutip.ui")


AskOutputs = tuple[Any, Any, Any, Any, Session]


def sample_article_path() -> Path | None:
    """The bundled demo article, when the installed package ships one."""
    try:
        from kutip.demo import sample_article_path as find
    except ImportError:
        return None
    path = Path(find())
    return path if path.exists() else None


def _fetch_articles(store: StoreLike, ids: Sequence[str]) -> dict[str, Article | None]:
    """Articles for the cards; a failing lookup shows the sentence alone instead of failing."""
    found: dict[str, Article | None] = {}
    for aid in dict.fromkeys(ids):
        try:
            found[aid] = store.get_article(aid)
        except Exception:  # a card without context beats a broken answer
            log.exception("could not load article %s", aid)
            found[aid] = None
    return found


def _fetch_flagged(store: StoreLike, ids: Sequence[str]) -> dict[str, list[Sentence]]:
    """Each article's instruction-like sentences, struck through on its cards; a failing
    lookup shows the article unmarked instead of failing the answer."""
    found: dict[str, list[Sentence]] = {}
    for aid in dict.fromkeys(ids):
        try:
            found[aid] = [s for s in store.sentences(aid) if s.flagged]
        except Exception:  # unmarked text beats a broken answer
            log.exception("could not load the sentences of article %s", aid)
    return found


def _fetch_quotes(store: StoreLike) -> list[Quote]:
    """Every quote of the collection (``Store.quotes``, oldest first); a store that keeps no
    quotes (an older library, a test fake) has none, rather than a broken tab."""
    read = getattr(store, "quotes", None)
    return list(read()) if callable(read) else []


def _article_page(store: StoreLike, query: browse.ArticleQuery) -> browse.ArticlePage:
    """One page of the article list: the store's own paged query (SQL, whatever its size),
    or the same rules over ``list_articles()`` for a store without one (the tests' fakes)."""
    read = getattr(store, "article_page", None)
    if callable(read):
        return read(query)  # type: ignore[no-any-return]
    return browse.page_of(store.list_articles(), query)


def _article_summary(store: StoreLike) -> StoreSummary:
    """The collection's summary line: aggregate queries where the store has them."""
    read = getattr(store, "article_summary", None)
    if callable(read):
        return read()  # type: ignore[no-any-return]
    return summarize(store.list_articles())


def _quote_page(
    store: StoreLike, search: str, speaker: str, page: int, per_page: int = browse.PER_PAGE
) -> browse.QuotePage:
    """One page of the Quotes tab: the store's paged query, or the same over ``quotes()``."""
    read = getattr(store, "quote_page", None)
    if callable(read):
        return read(search, speaker, page, per_page)  # type: ignore[no-any-return]
    found = _fetch_quotes(store)
    kept = quotes_view.filter_quotes(found, search, speaker)
    return browse.quote_page_of(found, kept, page, per_page)


def _resolved_quotes(
    store: StoreLike, search: str | None, speaker: str | None, page: int
) -> tuple[str, browse.QuotePage]:
    """``(speaker group, page)``: a name typed or sent through the API means its group (one
    more query only when it is not a group name already), a speaker whose articles were all
    deleted means no filter."""
    asked = (speaker or "").strip()
    result = _quote_page(store, search or "", asked, page)
    every = quotes_view.choices_of(result.speakers, result.quotes, limit=None)
    group = quotes_view.resolve_speaker(asked, every)
    if group != asked:
        result = _quote_page(store, search or "", group, page)
    return group, result


def parse_day(value: str | None, label: str) -> date | None:
    """A typed date filter ("2024-01-31"; a longer ISO stamp is cut to its day); "" is none.
    Raises ValueError with a line a user can act on."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"{label} “{text}” is not a date (YYYY-MM-DD): not applied") from None


def _quote_article_exists(store: StoreLike, key: str) -> bool:
    """Whether the quote ``article id:sentence`` is still stored: its article is (an article's
    quotes change only with its text, and a new text is a new article id)."""
    article_id = key.rpartition(":")[0]
    return bool(article_id) and store.get_article(article_id) is not None


def _panel(session: Session) -> str:
    return render.render_panel([t.sources_html for t in session.turns if t.sources_html])


def _streaming(
    session: Session, panel: str | None = None, status: str | None = None
) -> tuple[Any, ...]:
    """One update while an answer streams: the chat redrawn; the sources panel and the status
    line only when given (a skipped output costs the browser nothing per token)."""
    return (
        gr.skip(),
        render.chat_messages(session.turns),
        gr.skip() if panel is None else panel,
        gr.skip() if status is None else render.render_status(status, "busy"),
        session,
    )


def _refresh_sources(turn: Turn, turn_no: int, services: Services | None) -> None:
    ids = [e.article_id for e in turn.evidence] + [c.article_id for c in turn.citations]
    articles: Mapping[str, Article | None] = (
        _fetch_articles(services.store, ids) if services else {}
    )
    flagged = _fetch_flagged(services.store, ids) if services else {}
    turn.sources_html = render.render_turn_sources(turn, turn_no, articles, flagged)


def _friendly(error: BaseException) -> str:
    """The one line a user sees: library errors say it themselves, others name their type."""
    if isinstance(error, KutipError):
        return str(error)
    return f"unexpected {type(error).__name__}; the details are in the server log"


def _failed(message: str, unchanged: int) -> tuple[Any, ...]:
    """An error in the status line first, and the ``unchanged`` outputs after it left as they
    are: a failed action must not blank the article list or the viewer."""
    return (render.render_status(message, "error"), *(gr.skip() for _ in range(unchanged)))


class Handlers:
    """The event handlers, bound to one :class:`Workspace` (shared by all sessions)."""

    def __init__(
        self,
        workspace: Workspace,
        settings: Settings,
        upload_dir: Path,
        *,
        loading: ModelLoading | None = None,
        export_dir: Path | None = None,
    ) -> None:
        self.workspace = workspace
        self.settings = settings
        self.upload_dir = upload_dir
        self.loading = loading or ModelLoading(None)
        self.export_dir = export_dir or default_export_dir()

    # -- chat ------------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        collection: str,
        use_llm: bool,
        evidence_k: float,
        answer_language: str,
        session: Session,
    ) -> Iterator[AskOutputs]:
        """Stream one answer: evidence first, then tokens, then the checked answer.

        Yields ``(question box, chatbot, sources panel, status, session)``. Every exception
        ends up in this session's bubble; nothing propagates to Gradio, so the queue and the
        other sessions carry on.
        """
        question = (question or "").strip()
        if not question:
            yield (
                gr.skip(),
                gr.skip(),
                gr.skip(),
                render.render_status("Type a question first."),
                session,
            )
            return
        session.stop_open_turns()  # a cancelled stream leaves its turn open: close it
        history = session.history()
        turn = Turn(question=question, collection=collection)
        session.turns.append(turn)
        turn_no = len(session.turns) - 1
        services: Services | None = None
        total: float | None = None
        yield (
            "",
            render.chat_messages(session.turns),
            _panel(session),
            render.render_status("Searching the articles…", "busy"),
            session,
        )
        try:
            # The first question after a start may come before the models have loaded:
            # say so, with a running count, rather than leave "Searching" up for a minute.
            while not self.loading.wait(timeout=1.0):
                yield _streaming(session, status=self.loading.message())
            services = self.workspace.services(collection)
            events = services.assistant.stream(
                question,
                history=history,
                use_llm=bool(use_llm),
                evidence_k=int(evidence_k) if evidence_k else None,
                answer_language=answer_language or None,
            )
            for event in events:
                if isinstance(event, TokenEvent):
                    turn.answer += event.text
                    yield _streaming(session)
                elif isinstance(event, EvidenceEvent):
                    turn.evidence = list(event.evidence)
                    turn.standalone = event.standalone_question
                    turn.retrieve_ms = event.retrieve_ms
                    _refresh_sources(turn, turn_no, services)
                    writer = "the local model reads them" if use_llm else "quoting the evidence"
                    status = (
                        f"Found {len(turn.evidence)} evidence sentences in "
                        f"{render.fmt_ms(event.retrieve_ms)}; {writer}…"
                    )
                    yield _streaming(session, _panel(session), status)
                elif isinstance(event, ReadingEvent):
                    # The model reads one evidence sentence at a time: say which.
                    status = f"The local model is reading evidence [{event.n}]…"
                    yield _streaming(session, status=status)
                elif isinstance(event, AnswerEvent):
                    answer = event.answer
                    turn.answer = answer.answer
                    turn.refused = answer.refused
                    turn.citations = list(answer.citations)
                    turn.evidence = list(answer.evidence) or turn.evidence
                    turn.standalone = answer.standalone_question or turn.standalone
                    turn.notes = list(answer.notes)
                    turn.final = answer
                    turn.done = True
                    total = (answer.timings_ms or {}).get("total")
            if not turn.done:
                raise KutipError("the answer stream ended without an answer")
            status = "Answered" + (f" in {total / 1000:.1f} s" if total else "")
            status_html = render.render_status(
                "No answer in the articles" if turn.refused else status, "ok"
            )
        except Exception as error:  # must not escape into the shared queue
            log.exception("question failed: %r", question)
            turn.error = _friendly(error)
            status_html = render.render_status(f"This question failed: {turn.error}", "error")
        _refresh_sources(turn, turn_no, services)
        yield ("", render.chat_messages(session.turns), _panel(session), status_html, session)

    def stop(self, session: Session) -> tuple[Any, Any, Any, Session]:
        """After Stop cancelled the stream: keep the partial answer, marked as stopped."""
        if not session.stop_open_turns():
            return gr.skip(), gr.skip(), gr.skip(), session
        return (
            render.chat_messages(session.turns),
            _panel(session),
            render.render_status("Stopped.", "info"),
            session,
        )

    def new_conversation(self) -> tuple[list[dict[str, str]], str, str, Session]:
        return [], render.EMPTY_PANEL, render.render_status(""), Session()

    def export_conversation(self, session: Session, request: gr.Request) -> tuple[Any, Any]:
        """The two download buttons, pointing at this session's conversation as Markdown and
        as JSON (every answered question with its citations); disabled while there is none."""
        answers = session.answers()
        if not answers:
            off = gr.DownloadButton(value=None, interactive=False)
            return off, off
        try:
            markdown, data = write_conversation(
                answers, self.export_dir, getattr(request, "session_hash", None)
            )
        except OSError:
            log.exception("writing the conversation export failed")
            off = gr.DownloadButton(value=None, interactive=False)
            return off, off
        return (
            gr.DownloadButton(value=str(markdown), interactive=True),
            gr.DownloadButton(value=str(data), interactive=True),
        )

    def pick_example(self, event: gr.SelectData) -> str:
        """An example question clicked in the empty chat goes into the question box."""
        value = event.value
        return str(value.get("text", "") if isinstance(value, dict) else value or "")

    def model_status(self) -> tuple[Any, Any]:
        """Polled while the page is open: the loading line, shown only while the models load;
        the poll stops once they have. An open page will ask soon, so it starts the load."""
        self.loading.start()
        if self.loading.ready:
            return gr.HTML(value="", visible=False), gr.Timer(active=False)
        line = render.render_status(self.loading.message(), "busy")
        return gr.HTML(value=line, visible=True), gr.skip()

    # -- articles --------------------------------------------------------------------------
    def _page_outputs(
        self, services: Services, page: browse.ArticlePage, select: str | None, note: str = ""
    ) -> tuple[str, Any, str | None]:
        """``(table, dropdown, selected id)`` for one page: the dropdown lists the page's
        articles, plus the selected one when it is elsewhere (a just-added article, say), so
        what is selected can always be deleted."""
        choices = [render.article_choice(r) for r in page.rows]
        value = None
        if select and any(v == select for _, v in choices):
            value = select
        elif select:
            article = services.store.get_article(select)
            if article is not None:
                choices.append(render.article_choice(article))
                value = select
        table = note + render.render_article_page(page, _article_summary(services.store))
        return table, gr.Dropdown(choices=choices, value=value), value

    def _article_outputs(
        self,
        services: Services,
        select: str | None = None,
        query: browse.ArticleQuery | None = None,
    ) -> tuple[str, Any, str]:
        """``(table, dropdown, viewer)`` for the collection, keeping ``select`` if it exists.

        One page of the list (``query``, default the newest articles) and aggregate counts:
        a 10k-article collection opens as fast as a small one."""
        page = _article_page(services.store, query or browse.ArticleQuery())
        table, pick, value = self._page_outputs(services, page, select)
        return table, pick, _article_view(services, value)

    def list_articles(
        self, collection: str, query: browse.ArticleQuery | None = None
    ) -> tuple[str, Any, str]:
        """Refresh the article list (page load, collection switch, the refresh button), on
        the session's current search, filters and page."""
        try:
            return self._article_outputs(self.workspace.services(collection), query=query)
        except Exception as error:
            log.exception("listing articles failed")
            return _failed(_friendly(error), 2)

    def browse_articles(
        self,
        collection: str,
        search: str,
        lang: str | None,
        since: str | None,
        until: str | None,
        sort: str | None,
        selected: str | None = None,
    ) -> tuple[Any, Any, Any]:
        """The article list for a new search, filter or order, from its first page:
        ``(table, dropdown, query)``; the query is kept per session for the page buttons.
        A date that does not parse is left out and said so above the table."""
        notes: list[str] = []
        days: list[date | None] = []
        for value, label in ((since, "From"), (until, "To")):
            try:
                days.append(parse_day(value, label))
            except ValueError as error:
                days.append(None)
                notes.append(render.render_status(str(error), "error"))
        query = browse.ArticleQuery(
            text=(search or "").strip(),
            lang=(lang or "").strip(),
            since=days[0],
            until=days[1],
            sort=sort if sort in browse.SORTS else "newest",
        )
        return self._browse(collection, query, selected, "".join(notes))

    def previous_page(
        self, collection: str, selected: str | None, query: browse.ArticleQuery | None
    ) -> tuple[Any, Any, Any]:
        return self._move(collection, selected, query, -1)

    def next_page(
        self, collection: str, selected: str | None, query: browse.ArticleQuery | None
    ) -> tuple[Any, Any, Any]:
        return self._move(collection, selected, query, +1)

    def _move(
        self,
        collection: str,
        selected: str | None,
        query: browse.ArticleQuery | None,
        step: int,
    ) -> tuple[Any, Any, Any]:
        """One page on or back from the page shown now (clamped first: a delete elsewhere
        may have shortened the list since)."""
        query = query or browse.ArticleQuery()
        try:
            services = self.workspace.services(collection)
            shown = _article_page(services.store, query).query
            return self._browse(collection, shown.at(shown.page + step), selected)
        except Exception as error:
            log.exception("paging articles failed")
            return render.render_status(_friendly(error), "error"), gr.skip(), gr.skip()

    def _browse(
        self, collection: str, query: browse.ArticleQuery, selected: str | None, note: str = ""
    ) -> tuple[Any, Any, Any]:
        try:
            services = self.workspace.services(collection)
            page = _article_page(services.store, query)
            table, pick, _ = self._page_outputs(services, page, selected, note)
            return table, pick, page.query
        except Exception as error:
            log.exception("browsing articles failed")
            return render.render_status(_friendly(error), "error"), gr.skip(), gr.skip()

    def clear_filters(self) -> tuple[str, str, str, str, str, browse.ArticleQuery]:
        """The filter boxes emptied and the session's query reset (what the list shows after
        articles were added, or another collection chosen: all of it, newest first)."""
        return "", "", "", "", "newest", browse.ArticleQuery()

    def open_article(
        self, collection: str, query: browse.ArticleQuery | None, event: gr.EventData
    ) -> tuple[str, Any]:
        """A row of the article table clicked: the article in the viewer, and selected in
        the dropdown (so Delete acts on what is shown)."""
        data = getattr(event, "_data", None)
        article_id = str(data.get("article") or "") if isinstance(data, dict) else ""
        try:
            services = self.workspace.services(collection)
            page = _article_page(services.store, query or browse.ArticleQuery())
            _, pick, value = self._page_outputs(services, page, article_id or None)
            return _article_view(services, value), pick
        except Exception as error:
            log.exception("opening an article failed")
            return render.render_status(_friendly(error), "error"), gr.skip()

    def choose_collection(self, collection: str) -> tuple[Any, str, Any, str, str]:
        """Switch (or create) the collection this session asks and manages."""
        try:
            services = self.workspace.services(collection)
        except Exception as error:
            return (
                gr.Dropdown(
                    choices=self.workspace.collections(), value=self.workspace.default_collection
                ),
                gr.skip(),
                gr.skip(),
                gr.skip(),
                render.render_status(_friendly(error), "error"),
            )
        table, pick, viewer = self._article_outputs(services)
        return (
            gr.Dropdown(choices=self.workspace.collections(), value=services.collection),
            table,
            pick,
            viewer,
            render.render_status(f"Collection: {services.collection}", "info"),
        )

    def on_load(self, collection: str) -> tuple[Any, str, Any, str]:
        """Fresh collection choices and article list for each newly opened page."""
        chooser = gr.Dropdown(choices=self.workspace.collections())
        table, pick, viewer = self.list_articles(collection)
        return chooser, table, pick, viewer

    def show_article(self, article_id: str | None, collection: str) -> str:
        try:
            services = self.workspace.services(collection)
            return _article_view(services, article_id)
        except Exception as error:
            log.exception("showing article failed")
            return render.render_status(_friendly(error), "error")

    def add_articles(
        self,
        files: list[str] | None,
        urls: str,
        collection: str,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio's injection idiom
    ) -> tuple[Any, ...]:
        """Stage uploads, ingest them with the URLs, report per input; never raises."""
        folder = session_folder(self.upload_dir, getattr(request, "session_hash", None))
        return self._ingest(
            lambda: stage_uploads(files, folder, self.settings.max_input_bytes),
            urls,
            collection,
            progress,
        )

    def add_sample(
        self,
        collection: str,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[Any, ...]:
        path = sample_article_path()
        if path is None:
            return _failed("No sample article is installed.", 5)
        return self._ingest(lambda: _StagedPath([str(path)]), "", collection, progress)

    def _ingest(
        self, stage: Callable[[], Any], urls: str, collection: str, progress: gr.Progress
    ) -> tuple[Any, ...]:
        try:
            services = self.workspace.services(collection)
            staged = stage()
            url_list, url_problems = split_urls(urls)
            problems = [*staged.problems, *url_problems]
            inputs = [*staged.paths, *url_list]
            if not inputs:
                message = "\n".join(problems) or "Choose files or paste article/feed URLs first."
                return _failed(message, 5)
            progress(0.0, desc=f"Loading {len(inputs)} input(s)…")

            report_progress = upload_progress(progress)
            report = self.workspace.ingestor(collection).ingest(inputs, progress=report_progress)
            failed = [str(e) for e in report.failed]
            lines = [f"{services.collection}: {report.summary()}", *problems, *failed]
            kind = "error" if (failed or problems) else "ok"
            touched = [*report.added, *report.updated, *report.skipped]
            select = touched[0] if touched else None
            table, pick, viewer = self._article_outputs(services, select)
            return (render.render_status("\n".join(lines), kind), table, pick, viewer, None, "")
        except Exception as error:
            log.exception("ingest failed")
            return _failed(f"Adding articles failed: {_friendly(error)}", 5)

    def delete_article(
        self,
        article_id: str | None,
        collection: str,
        query: browse.ArticleQuery | None = None,
    ) -> tuple[Any, ...]:
        if not article_id:
            return _failed("Choose an article to delete.", 3)
        try:
            services = self.workspace.services(collection)
            article = services.store.get_article(article_id)
            deleted = services.store.delete_article(article_id)
            title = article.title if article else article_id
            message = f"Deleted “{title}”." if deleted else f"{article_id} was already gone."
            table, pick, viewer = self._article_outputs(services, query=query)
            return render.render_status(message, "ok"), table, pick, viewer
        except Exception as error:
            log.exception("delete failed")
            return _failed(f"Delete failed: {_friendly(error)}", 3)

    # -- quotes ----------------------------------------------------------------------------
    def quotes(
        self, collection: str, search: str, speaker: str | None, shown: str = ""
    ) -> tuple[Any, ...]:
        """The Quotes tab from its first page: ``(speaker dropdown, summary, table, timeline,
        viewer, shown)`` (:meth:`quotes_page` without the page number)."""
        return self.quotes_page(collection, search, speaker, shown)[:6]

    def quotes_page(
        self, collection: str, search: str, speaker: str | None, shown: str = "", page: int = 1
    ) -> tuple[Any, ...]:
        """The Quotes tab: ``(speaker dropdown, summary, table, timeline, viewer, shown,
        page)``, one page of the quotes (date order) that the search and speaker keep.

        Runs on every search or speaker change, when the tab is opened and after articles are
        added or deleted, so the speaker choices and their counts always match the table. It
        reads one page and the speakers' counts, never every quote. The viewer is left alone
        unless the quote it shows (``shown``) is gone with its article.
        """
        try:
            services = self.workspace.services(collection)
            group, result = _resolved_quotes(services.store, search, speaker, int(page or 1))
            choices = quotes_view.choices_of(result.speakers, result.quotes, keep=group)
            timeline = ""
            if group and result.pages > 1:
                line = _quote_page(services.store, search or "", group, 1, browse.TIMELINE_MAX)
                timeline = quotes_view.render_timeline(group, line.rows, line.total)
            else:
                timeline = quotes_view.render_timeline(group, result.rows)
            kept = bool(shown) and _quote_article_exists(services.store, shown)
            summary = quotes_view.render_summary(
                result.total,
                result.quotes,
                result.articles,
                result.page,
                result.pages,
                result.offset + 1,
                result.offset + len(result.rows),
            )
            return (
                gr.Dropdown(choices=choices, value=group),
                summary,
                gr.Dataframe(
                    value=quotes_view.table_rows(result.rows), headers=quotes_view.HEADERS
                ),
                timeline,
                gr.skip() if kept else quotes_view.EMPTY_VIEW,
                shown if kept else "",
                result.page,
            )
        except Exception as error:
            log.exception("listing quotes failed")
            status = render.render_status(f"Listing quotes failed: {_friendly(error)}", "error")
            return gr.skip(), status, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()

    def previous_quotes(
        self, collection: str, search: str, speaker: str | None, shown: str, page: int
    ) -> tuple[Any, ...]:
        return self.quotes_page(collection, search, speaker, shown, max(1, int(page or 1) - 1))

    def next_quotes(
        self, collection: str, search: str, speaker: str | None, shown: str, page: int
    ) -> tuple[Any, ...]:
        return self.quotes_page(collection, search, speaker, shown, int(page or 1) + 1)

    def open_quote(
        self,
        collection: str,
        search: str,
        speaker: str | None,
        event: gr.SelectData,
        page: int = 1,
    ) -> tuple[str, Any]:
        """A clicked table row: its article, the quoted sentence marked as citations mark it
        (``(viewer, shown)``). The page is recomputed from the same filters rather than kept
        per session, so what was clicked is what the filters show now."""
        try:
            services = self.workspace.services(collection)
            _, result = _resolved_quotes(services.store, search, speaker, int(page or 1))
            rows = result.rows
            quote = quotes_view.find_row(rows, event.index, getattr(event, "row_value", None))
            if quote is None:
                return quotes_view.EMPTY_VIEW, ""
            article = _fetch_articles(services.store, [quote.article_id])[quote.article_id]
            flagged = _fetch_flagged(services.store, [quote.article_id]).get(quote.article_id, [])
            view = quotes_view.render_quote_view(quote, article, flagged)
            return view, quotes_view.quote_key(quote)
        except Exception as error:
            log.exception("opening a quote failed")
            return render.render_status(_friendly(error), "error"), gr.skip()


class _StagedPath:
    """A server-side path that needs no staging (the bundled sample)."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        self.problems: list[str] = []


def _article_view(services: Services, article_id: str | None) -> str:
    """The article viewer for ``article_id``, its instruction-like sentences marked."""
    article = services.store.get_article(article_id) if article_id else None
    if article is None:
        return render.render_article_view(None)
    flagged = [s for s in services.store.sentences(article.id) if s.flagged]
    return render.render_article_view(article, flagged)
