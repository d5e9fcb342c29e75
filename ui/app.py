"""The Gradio chat: streaming cited answers, a sources panel, article upload and management,
and who said what (the Quotes tab).

``build_app`` only wires components to handlers over injected services (store, assistant,
ingestor factory), so tests can run the real page over fakes; ``launch`` builds the real
library objects and serves them. All retrieval and answering happens in the library: the
handlers (:mod:`ui.handlers`) translate its events into HTML and keep the per-session
conversation.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from ingest.sources import SUPPORTED_EXTENSIONS
from kutip.config import Settings
from kutip.errors import ConfigError
from kutip.store import browse
from ui import quotes as quotes_view
from ui import render
from ui.assets import CSS, HEAD
from ui.handlers import Handlers, sample_article_path
from ui.loading import ModelLoading
from ui.state import (
    AssistantLike,
    CollectionOpener,
    IngestorFactory,
    Session,
    StoreLike,
    Workspace,
)
from ui.uploads import human_size

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


ARTICLE_ROW_CLICK = """
const open = (row) => trigger('click', {article: row.dataset.article});
element.addEventListener('click', (e) => {
  const row = e.target.closest('tr[data-article]');
  if (row && !e.target.closest('a')) open(row);
});
element.addEventListener('keydown', (e) => {
  const row = e.target.closest('tr[data-article]');
  if (row && e.key === 'Enter') open(row);
});
"""
"""The article table's script: a click (or Enter) on a row, not on its source link, sends the
row's article id to :meth:`ui.handlers.Handlers.open_article`. Only the id travels; the rows
are the server's escaped HTML, so nothing from an article is ever run."""

ARTICLE_TABLE_CSS = """
tr.kutip-article-row { cursor: pointer; }
tr.kutip-article-row:hover td, tr.kutip-article-row:focus td {
  background: var(--background-fill-secondary);
}
.kutip-snippet { font-size: 0.85em; color: var(--body-text-color-subdued); }
mark.kutip-match { background: var(--color-accent-soft); color: inherit; padding: 0; }
.kutip-page-line { font-size: 0.9rem; margin: 0 0 6px; }
"""


ANSWER_LANGUAGES = [
    ("Same as the question", "auto"),
    ("English", "en"),
    ("Indonesian", "id"),
]


def build_app(
    settings: Settings,
    store: StoreLike,
    assistant: AssistantLike,
    ingestor_factory: IngestorFactory,
    *,
    open_collection: CollectionOpener | None = None,
    upload_dir: Path | None = None,
    use_llm_default: bool | None = None,
    loading: ModelLoading | None = None,
    export_dir: Path | None = None,
) -> gr.Blocks:
    """The whole page over the given services; construction only, nothing is loaded or served.

    ``ingestor_factory(settings, store)`` makes an ingestor for a collection's store;
    ``open_collection(name) -> (store, assistant)`` lets users switch or create collections
    (without it the page serves only ``settings.collection``). Uploads are copied under
    ``upload_dir`` (default: ``uploads`` next to the store folder), one folder per session;
    conversation downloads are written under ``export_dir`` (default: the temp folder).
    ``loading`` is the one-time model load the page reports and early questions wait for.
    """
    workspace = Workspace(settings, store, assistant, ingestor_factory, open_collection)
    uploads = upload_dir or settings.store_dir.parent / "uploads"
    handlers = Handlers(workspace, settings, uploads, loading=loading, export_dir=export_dir)
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
                        placeholder=render.EMPTY_CHAT,
                        examples=[{"text": q} for q in example_questions()],
                    )
                    status = gr.HTML(
                        render.render_status(""), elem_id="kutip-status", js_on_load=None
                    )
                    model_line = gr.HTML(
                        "", visible=False, elem_id="kutip-model-status", js_on_load=None
                    )
                    model_poll = gr.Timer(1.0)
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
                        download_md = gr.DownloadButton(
                            "Download Markdown",
                            size="sm",
                            interactive=False,
                            elem_id="kutip-download-md",
                        )
                        download_json = gr.DownloadButton(
                            "Download JSON",
                            size="sm",
                            interactive=False,
                            elem_id="kutip-download-json",
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
                with gr.Row(equal_height=True):
                    article_search = gr.Textbox(
                        label="Search titles, sources and text",
                        placeholder="e.g. Kirby, pasukan, purnawarta",
                        elem_id="kutip-article-search",
                        scale=3,
                    )
                    article_lang = gr.Dropdown(
                        label="Language",
                        choices=render.LANG_CHOICES,
                        value="",
                        allow_custom_value=True,  # any code, "und" for not detected
                        elem_id="kutip-article-lang",
                        scale=1,
                        min_width=140,
                    )
                    article_since = gr.Textbox(
                        label="Published from",
                        placeholder="YYYY-MM-DD",
                        elem_id="kutip-article-since",
                        scale=1,
                        min_width=130,
                    )
                    article_until = gr.Textbox(
                        label="to",
                        placeholder="YYYY-MM-DD",
                        elem_id="kutip-article-until",
                        scale=1,
                        min_width=130,
                    )
                    article_sort = gr.Dropdown(
                        label="Sort",
                        choices=render.SORT_CHOICES,
                        value="newest",
                        elem_id="kutip-article-sort",
                        scale=1,
                        min_width=170,
                    )
                article_query = gr.State(browse.ArticleQuery())
                table = gr.HTML(
                    elem_id="kutip-article-table",
                    js_on_load=ARTICLE_ROW_CLICK,
                    css_template=ARTICLE_TABLE_CSS,
                )
                with gr.Row():
                    previous_button = gr.Button(
                        "‹ Previous page", size="sm", scale=0, elem_id="kutip-article-previous"
                    )
                    next_button = gr.Button(
                        "Next page ›", size="sm", scale=0, elem_id="kutip-article-next"
                    )
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
            with gr.Tab("Quotes", id="quotes") as quotes_tab:
                with gr.Row():
                    quote_search = gr.Textbox(
                        label="Search speakers, quotes and article titles",
                        placeholder="e.g. Kirby, rencana, ground troops",
                        elem_id="kutip-quote-search",
                        scale=3,
                    )
                    quote_speaker = gr.Dropdown(
                        label="Speaker",
                        choices=[("All speakers", quotes_view.ALL_SPEAKERS)],
                        value=quotes_view.ALL_SPEAKERS,
                        allow_custom_value=True,  # a typed name finds its speaker group
                        elem_id="kutip-quote-speaker",
                        scale=2,
                    )
                    quote_refresh = gr.Button("Refresh", scale=0, elem_id="kutip-quote-refresh")
                quote_summary = gr.HTML(elem_id="kutip-quote-summary", js_on_load=None)
                quote_shown = gr.State("")
                quote_page_no = gr.State(1)
                with gr.Row():
                    with gr.Column(scale=3):
                        quote_table = gr.Dataframe(
                            value=[],
                            headers=quotes_view.HEADERS,
                            datatype="str",
                            type="array",
                            interactive=False,
                            wrap=True,
                            max_height=460,
                            column_widths=["18%", "50%", "22%", "10%"],
                            label="Quotes (click a row to open it in its article)",
                            elem_id="kutip-quote-table",
                        )
                        with gr.Row():
                            quote_previous = gr.Button(
                                "‹ Previous page",
                                size="sm",
                                scale=0,
                                elem_id="kutip-quote-previous",
                            )
                            quote_next = gr.Button(
                                "Next page ›", size="sm", scale=0, elem_id="kutip-quote-next"
                            )
                        quote_timeline = gr.HTML(
                            quotes_view.render_timeline(None, []),
                            elem_id="kutip-quote-timeline",
                            js_on_load=None,
                        )
                    with gr.Column(scale=2, elem_id="kutip-quote-view-col"):
                        quote_view = gr.HTML(
                            quotes_view.EMPTY_VIEW, elem_id="kutip-quote-view", js_on_load=None
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
        # An example clicked in the empty chat is asked as if typed.
        example_event = chatbot.example_select(
            handlers.pick_example, None, [question], api_visibility="private"
        ).then(handlers.ask, ask_inputs, ask_outputs, api_visibility="private", **ask_kwargs)
        asks = [ask_event, click_event, example_event]
        stop_event = stop_button.click(
            handlers.stop,
            [session],
            [chatbot, sources, status, session],
            cancels=asks,
            api_visibility="private",
        )
        reset_outputs = [chatbot, sources, status, session]
        clear_event = clear_button.click(
            handlers.new_conversation,
            None,
            reset_outputs,
            api_name="new_conversation",
            cancels=asks,
        )
        # The Chatbot's own trash button empties the bubbles; forget the conversation with them.
        trash_event = chatbot.clear(
            handlers.new_conversation,
            None,
            reset_outputs,
            api_visibility="private",
            cancels=asks,
        )
        # After anything that changes the conversation, the downloads follow it.
        changes = [ask_event, click_event, example_event, stop_event, clear_event, trash_event]
        for i, event in enumerate(changes):
            event.then(
                handlers.export_conversation,
                [session],
                [download_md, download_json],
                api_name="export_conversation" if i == 0 else None,
                api_visibility="public" if i == 0 else "private",
                show_progress="hidden",
            )
        model_poll.tick(
            handlers.model_status,
            None,
            [model_line, model_poll],
            api_visibility="private",
            show_progress="hidden",
            queue=False,
        )

        # The Quotes tab follows its filters, its own opening, and every change of articles.
        # A new search or speaker starts at the first page; the page buttons and every change
        # of articles keep the page (clamped to the last one).
        quote_inputs = [collection, quote_search, quote_speaker, quote_shown]
        quote_paged = [*quote_inputs, quote_page_no]
        quote_outputs = [
            quote_speaker,
            quote_summary,
            quote_table,
            quote_timeline,
            quote_view,
            quote_shown,
            quote_page_no,
        ]
        quote_kwargs: dict[str, Any] = {"show_progress": "hidden", "queue": False}
        gr.on(
            [quote_search.submit, quote_speaker.input, quote_refresh.click],
            handlers.quotes_page,
            quote_inputs,
            quote_outputs,
            api_name="quotes",
            **quote_kwargs,
        )
        quote_search.input(
            handlers.quotes_page,
            quote_inputs,
            quote_outputs,
            api_visibility="private",
            trigger_mode="always_last",
            **quote_kwargs,
        )
        quotes_tab.select(
            handlers.quotes_page,
            quote_paged,
            quote_outputs,
            api_visibility="private",
            **quote_kwargs,
        )
        quote_previous.click(
            handlers.previous_quotes,
            quote_paged,
            quote_outputs,
            api_visibility="private",
            **quote_kwargs,
        )
        quote_next.click(
            handlers.next_quotes,
            quote_paged,
            quote_outputs,
            api_visibility="private",
            **quote_kwargs,
        )
        quote_table.select(
            handlers.open_quote,
            [collection, quote_search, quote_speaker, quote_page_no],
            [quote_view, quote_shown],
            api_visibility="private",
        ).then(
            None,
            js="() => { const m = document.querySelector('#kutip-quote-view mark.kutip-hit');"
            " if (m) m.scrollIntoView({behavior: 'smooth', block: 'center'}); }",
        )

        def refresh_quotes_after(event: Any) -> None:
            """Chain the Quotes tab's refresh after an event that changes the articles."""
            event.then(
                handlers.quotes_page,
                quote_paged,
                quote_outputs,
                api_visibility="private",
                **quote_kwargs,
            )

        article_outputs = [table, article_pick, viewer]
        ingest_outputs = [articles_status, *article_outputs, files, urls]
        ingest_kwargs: dict[str, Any] = {"concurrency_limit": 1, "concurrency_id": "ingest"}
        add_event = add_button.click(
            handlers.add_articles,
            [files, urls, collection],
            ingest_outputs,
            api_name="add_articles",
            **ingest_kwargs,
        )
        sample_event = sample_button.click(
            handlers.add_sample,
            [collection],
            ingest_outputs,
            api_name="add_sample",
            **ingest_kwargs,
        )
        list_event = refresh_button.click(
            handlers.list_articles,
            [collection, article_query],
            article_outputs,
            api_name="list_articles",
        )
        article_pick.input(
            handlers.show_article, [article_pick, collection], [viewer], api_name="show_article"
        )
        delete_event = delete_button.click(
            handlers.delete_article,
            [article_pick, collection, article_query],
            [articles_status, *article_outputs],
            api_name="delete_article",
        )
        collection_event = collection.input(
            handlers.choose_collection,
            [collection],
            [collection, *article_outputs, articles_status],
            api_name="choose_collection",
        )
        load_event = app.load(
            handlers.on_load, [collection], [collection, *article_outputs], api_visibility="private"
        )
        changed = [add_event, sample_event, list_event, delete_event, collection_event, load_event]
        for event in changed:
            refresh_quotes_after(event)

        # The article list: a search, filter or order starts at its first page (as the user
        # types, too); the page buttons move from the page shown; a row click opens it.
        filters = [article_search, article_lang, article_since, article_until, article_sort]
        browse_outputs = [table, article_pick, article_query]
        browse_kwargs: dict[str, Any] = {"show_progress": "hidden", "queue": False}
        gr.on(
            [
                article_search.submit,
                article_lang.input,
                article_sort.input,
                article_since.submit,
                article_since.blur,
                article_until.submit,
                article_until.blur,
            ],
            handlers.browse_articles,
            [collection, *filters, article_pick],
            browse_outputs,
            api_name="browse_articles",
            # A change while one is in flight runs after it (a date box's blur, then Enter
            # or another filter): the last state of the filters is what the list shows.
            trigger_mode="always_last",
            **browse_kwargs,
        )
        article_search.input(
            handlers.browse_articles,
            [collection, *filters, article_pick],
            browse_outputs,
            api_visibility="private",
            trigger_mode="always_last",
            **browse_kwargs,
        )
        for button, move in (
            (previous_button, handlers.previous_page),
            (next_button, handlers.next_page),
        ):
            button.click(
                move,
                [collection, article_pick, article_query],
                browse_outputs,
                api_visibility="private",
                **browse_kwargs,
            )
        table.click(
            handlers.open_article,
            [collection, article_query],
            [viewer, article_pick],
            api_visibility="private",
        ).then(
            None,
            js="() => document.querySelector('#kutip-viewer')"
            "?.scrollIntoView({behavior: 'smooth', block: 'start'})",
        )
        # Adding articles or switching collections shows the whole list again, newest first
        # (with the added article selected): the filters are cleared to say so.
        for event in (add_event, sample_event, collection_event):
            event.then(
                handlers.clear_filters,
                None,
                [*filters, article_query],
                api_visibility="private",
                **browse_kwargs,
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
    loading: ModelLoading

    def warm_up(self) -> None:
        """Load the embedder, indexes and chat model now, and wait for them (the page and the
        first question see the same one-time load; :meth:`ModelLoading.start` does not wait)."""
        self.loading.wait()

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

    loading = ModelLoading(assistant.warm_up)
    app = build_app(
        settings, store, assistant, make_ingestor, open_collection=open_collection, loading=loading
    )
    return RealApp(app, store, assistant, settings, loading)


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
    background thread right away, so the first question does not pay for loading them (the
    page shows the load while it runs).
    """
    from kutip.config import load_settings

    settings = settings or load_settings()
    login = auth if isinstance(auth, tuple) else parse_auth(auth)
    real = build_real_app(settings)
    if demo:
        real.add_sample()
    real.loading.start()
    return serve(real.app, host=host, port=port, auth=login, open_browser=open_browser, block=block)
