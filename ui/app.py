"""The Gradio chat: streaming cited answers, a sources panel, article upload and management.

``build_app`` only wires components to handlers over injected services (store, assistant,
ingestor factory), so tests can run the real page over fakes; ``launch`` builds the real
library objects and serves them. All retrieval and answering happens in the library: the
handlers here translate its events into HTML and keep the per-session conversation.

Isolation between people on one server comes from three rules: the model-bound handler runs
one at a time (``concurrency_id="answer"``, the model is shared), every handler catches its own
exceptions and reports them in its own session's output, and per-session data lives in
``gr.State`` (a copy per browser tab), never in module globals.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from ingest.sources import SUPPORTED_EXTENSIONS
from kutip.config import Settings
from kutip.errors import ConfigError, KutipError
from kutip.schema import Article
from qa.types import AnswerEvent, EvidenceEvent, SecondLookEvent, TokenEvent
from ui import render
from ui.assets import CSS, HEAD
from ui.state import (
    AssistantLike,
    CollectionOpener,
    IngestorFactory,
    Services,
    Session,
    StoreLike,
    Turn,
    Workspace,
)
from ui.uploads import human_size, session_folder, split_urls, stage_uploads

log = logging.getLogger("kutip.ui")

FALLBACK_EXAMPLES = [
    "who denied ground troop plans?",
    "How many US military personnel were sent to Iraq?",
    "What did the White House share by accident?",
]


def example_questions() -> list[str]:
    """Questions the bundled sample article answers (``kutip.demo`` owns the list)."""
    try:
        from kutip.demo import EXAMPLE_QUESTIONS
    except ImportError:
        return list(FALLBACK_EXAMPLES)
    return list(EXAMPLE_QUESTIONS) or list(FALLBACK_EXAMPLES)


ANSWER_LANGUAGES = [
    ("Same as the question", "auto"),
    ("English", "en"),
    ("Indonesian", "id"),
]

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
    turn.sources_html = render.render_turn_sources(turn, turn_no, articles)


def _friendly(error: BaseException) -> str:
    """The one line a user sees: library errors say it themselves, others name their type."""
    if isinstance(error, KutipError):
        return str(error)
    return f"unexpected {type(error).__name__}; the details are in the server log"


class Handlers:
    """The event handlers, bound to one :class:`Workspace` (shared by all sessions)."""

    def __init__(self, workspace: Workspace, settings: Settings, upload_dir: Path) -> None:
        self.workspace = workspace
        self.settings = settings
        self.upload_dir = upload_dir

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
                    writer = "the local model is writing" if use_llm else "quoting the evidence"
                    status = (
                        f"Found {len(turn.evidence)} evidence sentences in "
                        f"{render.fmt_ms(event.retrieve_ms)}; {writer}…"
                    )
                    yield _streaming(session, _panel(session), status)
                elif isinstance(event, SecondLookEvent):
                    # The streamed "NOT FOUND" was unsure: drop it while the model answers again.
                    turn.answer = ""
                    status = (
                        f"The model was unsure the articles don't say it (p = "
                        f"{event.probability:.2f}); asking it again…"
                    )
                    yield _streaming(session, status=status)
                elif isinstance(event, AnswerEvent):
                    answer = event.answer
                    turn.answer = answer.answer
                    turn.refused = answer.refused
                    turn.citations = list(answer.citations)
                    turn.evidence = list(answer.evidence) or turn.evidence
                    turn.standalone = answer.standalone_question or turn.standalone
                    turn.notes = list(answer.notes)
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

    # -- articles --------------------------------------------------------------------------
    def _article_outputs(
        self, services: Services, select: str | None = None
    ) -> tuple[str, Any, str]:
        """``(table, dropdown, viewer)`` for the collection, keeping ``select`` if it exists."""
        articles = list(services.store.list_articles())
        choices = [render.article_choice(a) for a in articles]
        ids = [a.id for a in articles]
        value = select if select in ids else None
        viewer = render.render_article_view(services.store.get_article(value) if value else None)
        return (
            render.render_article_table(articles),
            gr.Dropdown(choices=choices, value=value),
            viewer,
        )

    def list_articles(self, collection: str) -> tuple[str, Any, str]:
        """Refresh the article list (page load, collection switch, the refresh button)."""
        try:
            return self._article_outputs(self.workspace.services(collection))
        except Exception as error:
            log.exception("listing articles failed")
            return render.render_status(_friendly(error), "error"), gr.skip(), gr.skip()

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
            article = services.store.get_article(article_id) if article_id else None
        except Exception as error:
            log.exception("showing article failed")
            return render.render_status(_friendly(error), "error")
        return render.render_article_view(article)

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
            return (
                render.render_status("No sample article is installed.", "error"),
                gr.skip(),
                gr.skip(),
                gr.skip(),
                gr.skip(),
                gr.skip(),
            )
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
                return (
                    render.render_status(message, "error"),
                    gr.skip(),
                    gr.skip(),
                    gr.skip(),
                    gr.skip(),
                    gr.skip(),
                )
            progress(0.0, desc=f"Loading {len(inputs)} input(s)…")

            def report_progress(done: int, total: int, label: str) -> None:
                progress((done, max(total, 1)), desc=f"Stored {os.path.basename(label) or label}")

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
            return (
                render.render_status(f"Adding articles failed: {_friendly(error)}", "error"),
                gr.skip(),
                gr.skip(),
                gr.skip(),
                gr.skip(),
                gr.skip(),
            )

    def delete_article(self, article_id: str | None, collection: str) -> tuple[Any, ...]:
        if not article_id:
            return (
                render.render_status("Choose an article to delete.", "error"),
                gr.skip(),
                gr.skip(),
                gr.skip(),
            )
        try:
            services = self.workspace.services(collection)
            article = services.store.get_article(article_id)
            deleted = services.store.delete_article(article_id)
            title = article.title if article else article_id
            message = f"Deleted “{title}”." if deleted else f"{article_id} was already gone."
            table, pick, viewer = self._article_outputs(services)
            return render.render_status(message, "ok"), table, pick, viewer
        except Exception as error:
            log.exception("delete failed")
            return (
                render.render_status(f"Delete failed: {_friendly(error)}", "error"),
                gr.skip(),
                gr.skip(),
                gr.skip(),
            )


class _StagedPath:
    """A server-side path that needs no staging (the bundled sample)."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        self.problems: list[str] = []


def build_app(
    settings: Settings,
    store: StoreLike,
    assistant: AssistantLike,
    ingestor_factory: IngestorFactory,
    *,
    open_collection: CollectionOpener | None = None,
    upload_dir: Path | None = None,
    use_llm_default: bool | None = None,
) -> gr.Blocks:
    """The whole page over the given services; construction only, nothing is loaded or served.

    ``ingestor_factory(settings, store)`` makes an ingestor for a collection's store;
    ``open_collection(name) -> (store, assistant)`` lets users switch or create collections
    (without it the page serves only ``settings.collection``). Uploads are copied under
    ``upload_dir`` (default: ``uploads`` next to the store folder), one folder per session.
    """
    workspace = Workspace(settings, store, assistant, ingestor_factory, open_collection)
    uploads = upload_dir or settings.store_dir.parent / "uploads"
    handlers = Handlers(workspace, settings, uploads)
    llm_available = settings.llm != "none"
    use_llm_value = llm_available if use_llm_default is None else use_llm_default

    with gr.Blocks(title="kutip", fill_width=True, analytics_enabled=False) as app:
        session = gr.State(Session())
        with gr.Row(equal_height=True):
            gr.HTML(
                "<div class='kutip-header'><h2 style='margin:0'>kutip</h2>"
                "<div class='kutip-note'>Answers about your news articles, each claim linked "
                "to the exact sentence it comes from.</div></div>",
                js_on_load=None,
            )
            collection = gr.Dropdown(
                choices=workspace.collections(),
                value=settings.collection,
                label="Collection",
                allow_custom_value=workspace.can_switch,
                interactive=workspace.can_switch,
                scale=0,
                min_width=220,
                elem_id="kutip-collection",
            )
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"), gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        elem_id="kutip-chat",
                        label="Conversation",
                        height=520,
                        latex_delimiters=[],
                        feedback_options=None,
                        buttons=["copy"],
                        placeholder="Ask about the articles in this collection. "
                        "Click a [n] in an answer to see its source sentence.",
                    )
                    status = gr.HTML(
                        render.render_status(""), elem_id="kutip-status", js_on_load=None
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            show_label=False,
                            placeholder="Ask a question (follow-ups use the conversation)",
                            elem_id="kutip-question",
                            scale=6,
                            autofocus=True,
                        )
                        ask_button = gr.Button(
                            "Ask", variant="primary", scale=1, elem_id="kutip-ask"
                        )
                    with gr.Row():
                        stop_button = gr.Button("Stop", size="sm", elem_id="kutip-stop")
                        clear_button = gr.Button("New conversation", size="sm", elem_id="kutip-new")
                    gr.Examples(
                        examples=[[q] for q in example_questions()],
                        inputs=[question],
                        label="Examples (bundled sample article)",
                    )
                with gr.Column(scale=2, elem_id="kutip-sources-col"):
                    sources = gr.HTML(render.EMPTY_PANEL, elem_id="kutip-sources", js_on_load=None)
            with gr.Tab("Articles", id="articles"):
                with gr.Row():
                    with gr.Column():
                        files = gr.File(
                            label=f"Upload articles (up to {human_size(settings.max_input_bytes)}"
                            f" each: {', '.join(sorted(SUPPORTED_EXTENSIONS))})",
                            file_count="multiple",
                            elem_id="kutip-files",
                        )
                    with gr.Column():
                        urls = gr.Textbox(
                            label="Article or feed URLs (one a line)",
                            lines=4,
                            placeholder="https://example.com/news/article.html\n"
                            "https://example.com/rss.xml",
                            elem_id="kutip-urls",
                        )
                with gr.Row():
                    add_button = gr.Button("Add articles", variant="primary", elem_id="kutip-add")
                    sample_button = gr.Button(
                        "Add the sample article",
                        elem_id="kutip-sample",
                        visible=sample_article_path() is not None,
                    )
                    refresh_button = gr.Button("Refresh list", elem_id="kutip-refresh")
                articles_status = gr.HTML(
                    render.render_status(""), elem_id="kutip-articles-status", js_on_load=None
                )
                table = gr.HTML(elem_id="kutip-article-table", js_on_load=None)
                with gr.Row():
                    article_pick = gr.Dropdown(
                        label="Article", choices=[], elem_id="kutip-article-pick", scale=4
                    )
                    delete_button = gr.Button(
                        "Delete article", variant="stop", scale=1, elem_id="kutip-delete"
                    )
                viewer = gr.HTML(
                    render.render_article_view(None), elem_id="kutip-viewer", js_on_load=None
                )
            with gr.Tab("Settings", id="settings"):
                use_llm = gr.Checkbox(
                    value=use_llm_value,
                    interactive=llm_available,
                    label="Write answers with the local model "
                    "(off: answer by quoting the evidence sentences; faster)",
                    elem_id="kutip-use-llm",
                )
                evidence_k = gr.Slider(
                    1,
                    10,
                    value=settings.evidence_k,
                    step=1,
                    label="Evidence sentences given to the answer (at most; "
                    f"{settings.evidence_tokens} tokens in all)"
                    if settings.evidence_tokens
                    else "Evidence sentences given to the answer",
                    elem_id="kutip-evidence-k",
                )
                answer_language = gr.Dropdown(
                    choices=ANSWER_LANGUAGES,
                    value=settings.answer_language
                    if settings.answer_language in {v for _, v in ANSWER_LANGUAGES}
                    else "auto",
                    label="Answer language",
                    elem_id="kutip-answer-language",
                )

        ask_inputs = [question, collection, use_llm, evidence_k, answer_language, session]
        ask_outputs = [question, chatbot, sources, status, session]
        ask_kwargs: dict[str, Any] = {
            "concurrency_limit": 1,
            "concurrency_id": "answer",
            "show_progress": "minimal",
            "show_progress_on": [status],
        }
        ask_event = question.submit(
            handlers.ask, ask_inputs, ask_outputs, api_name="ask", **ask_kwargs
        )
        click_event = ask_button.click(
            handlers.ask, ask_inputs, ask_outputs, api_visibility="private", **ask_kwargs
        )
        stop_button.click(
            handlers.stop,
            [session],
            [chatbot, sources, status, session],
            cancels=[ask_event, click_event],
            api_visibility="private",
        )
        reset_outputs = [chatbot, sources, status, session]
        clear_button.click(
            handlers.new_conversation,
            None,
            reset_outputs,
            api_name="new_conversation",
            cancels=[ask_event, click_event],
        )
        # The Chatbot's own trash button empties the bubbles; forget the conversation with them.
        chatbot.clear(
            handlers.new_conversation,
            None,
            reset_outputs,
            api_visibility="private",
            cancels=[ask_event, click_event],
        )

        article_outputs = [table, article_pick, viewer]
        ingest_outputs = [articles_status, *article_outputs, files, urls]
        ingest_kwargs: dict[str, Any] = {"concurrency_limit": 1, "concurrency_id": "ingest"}
        add_button.click(
            handlers.add_articles,
            [files, urls, collection],
            ingest_outputs,
            api_name="add_articles",
            **ingest_kwargs,
        )
        sample_button.click(
            handlers.add_sample,
            [collection],
            ingest_outputs,
            api_name="add_sample",
            **ingest_kwargs,
        )
        refresh_button.click(
            handlers.list_articles, [collection], article_outputs, api_name="list_articles"
        )
        article_pick.input(
            handlers.show_article, [article_pick, collection], [viewer], api_name="show_article"
        )
        delete_button.click(
            handlers.delete_article,
            [article_pick, collection],
            [articles_status, *article_outputs],
            api_name="delete_article",
        )
        collection.input(
            handlers.choose_collection,
            [collection],
            [collection, *article_outputs, articles_status],
            api_name="choose_collection",
        )
        app.load(
            handlers.on_load, [collection], [collection, *article_outputs], api_visibility="private"
        )
    app.kutip_settings = settings  # type: ignore[attr-defined]  # read by serve()
    return app


# -- serving ------------------------------------------------------------------------------------


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``user:pass`` (from ``--auth`` or ``KUTIP_AUTH``) -> a Gradio login; the password may
    contain ``:``."""
    if value is None:
        value = os.environ.get("KUTIP_AUTH")
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ConfigError("--auth / KUTIP_AUTH: expected user:password")
    return user, password


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    app: gr.Blocks,
    *,
    host: str = "127.0.0.1",
    port: int | None = 7860,
    auth: tuple[str, str] | None = None,
    open_browser: bool = False,
    block: bool = True,
    quiet: bool = False,
) -> str:
    """Queue and serve a built app with kutip's CSS/JS; returns the local URL.

    Separate from :func:`launch` so tests serve the same page (script, styles, limits) over
    fakes. ``block=False`` returns once the server is up.
    """
    settings: Settings | None = getattr(app, "kutip_settings", None)
    if not _is_loopback(host) and auth is None:
        log.warning("serving on %s without --auth: anyone on the network can use it", host)
    app.queue(default_concurrency_limit=1, max_size=64)
    _, url, _ = app.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        auth_message="kutip: sign in" if auth else None,
        inbrowser=open_browser,
        prevent_thread_lock=not block,
        max_file_size=settings.max_input_bytes if settings else None,
        css=CSS,
        head=HEAD,
        quiet=quiet,
        show_error=False,
        footer_links=["api", "settings"],
        share=False,
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
    )
    return str(url)


@dataclass
class RealApp:
    """The app over the real library plus what ``launch`` does around it."""

    app: gr.Blocks
    store: Any
    assistant: Any
    settings: Settings

    def warm_up(self) -> None:
        """Load the embedder, indexes and chat model; run off the request path."""
        try:
            self.assistant.warm_up()
            log.info("models loaded")
        except Exception:  # the first question will report it properly
            log.exception("warm-up failed")

    def add_sample(self) -> str | None:
        """Ingest the bundled sample article into the collection (skipped if unchanged)."""
        path = sample_article_path()
        if path is None:
            log.warning("no bundled sample article found; starting with the collection as is")
            return None
        from ingest.pipeline import Ingestor

        report = Ingestor(self.settings, self.store).ingest([str(path)])
        log.info("sample article: %s", report.summary())
        return report.summary()


def build_real_app(settings: Settings) -> RealApp:
    """The app over the real library; nothing heavy loads until used or warmed up.

    Every collection shares the first store's embedder and the first assistant's chat model,
    so switching collections never loads a second copy of a model.
    """
    from ingest.pipeline import Ingestor
    from kutip.store import open_store
    from qa.assistant import Assistant

    store = open_store(settings)
    assistant = Assistant(settings, store)
    lock = threading.Lock()

    def open_collection(name: str) -> tuple[StoreLike, AssistantLike]:
        with lock:
            s = settings.with_overrides(collection=name)
            other = open_store(s, embeddings=store.embeddings)
            chat_model = getattr(assistant, "chat_model", None)
            return other, Assistant(s, other, chat_model=chat_model)

    def make_ingestor(s: Settings, st: Any) -> Any:
        return Ingestor(s, st)

    app = build_app(settings, store, assistant, make_ingestor, open_collection=open_collection)
    return RealApp(app, store, assistant, settings)


def launch(
    settings: Settings | None = None,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: str | tuple[str, str] | None = None,
    open_browser: bool = False,
    *,
    demo: bool = False,
    block: bool = True,
) -> str:
    """Serve the chat over the real library (``kutip chat``); binds to loopback by default.

    ``auth`` is ``user:pass`` or a pair (``None`` reads ``KUTIP_AUTH``); ``demo`` first adds
    the bundled sample article to the collection (skipped if already there). Models load in a
    background thread right away, so the first question does not pay for loading them.
    """
    from kutip.config import load_settings

    settings = settings or load_settings()
    login = auth if isinstance(auth, tuple) else parse_auth(auth)
    real = build_real_app(settings)
    if demo:
        real.add_sample()
    threading.Thread(target=real.warm_up, name="kutip-warm-up", daemon=True).start()
    return serve(real.app, host=host, port=port, auth=login, open_browser=open_browser, block=block)
