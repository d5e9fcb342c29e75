"""HTML for the chat bubbles, the sources panel and the article viewer; pure functions.

Article text is untrusted input: a news page can contain ``<script>`` or ``onerror=`` and a
feed can put anything in a title. ``gr.HTML`` inserts its value as raw HTML (Gradio does not
sanitize it), so **every** string that came from an article, a URL, a question or a model goes
through :func:`esc` here, and links are emitted only for ``http(s)`` URLs. The chat bubbles are
sanitized by Gradio as well, but are escaped here anyway so a quoted ``<b>`` shows as text.

Highlights are computed from the stored character offsets (``article.text[start:end]``), never
by searching for the sentence text, because the product's promise is that a citation points at
exact characters; the text search is only a fallback when the offsets no longer match.

Citation links are plain ``<a href="#kutip-src-T-N" class="kutip-cite">`` anchors, one of the
few things the Chatbot's sanitizer keeps; the script in :mod:`ui.assets` turns a click on one
into "open, scroll to and flash source card N of turn T".
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from urllib.parse import urlsplit

from kutip.schema import Article, Sentence
from kutip.store.browse import MARK_OFF, MARK_ON, ArticlePage, ArticleQuery, ArticleRow, page_of
from kutip.store.summary import StoreSummary, summarize
from qa.export import RELATED_HEADING, answer_markdown
from qa.types import Citation, Evidence
from ui.state import Turn

CITE_RE = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
_MD_SPECIAL = re.compile(r"([\\`*_~$[\]])")


SourceLike = Evidence | Citation
"""A numbered source: evidence before the answer, citations after it (same display fields)."""


FLAGGED_TITLE = "instruction-like text: never used as evidence"
"""The title of a struck-through flagged sentence, wherever an article's text is shown."""


Span = tuple[int, int, int]
"""``(start, end, n)``: characters ``start:end`` of an article text, cited as ``[n]``."""


def esc(value: object) -> str:
    """HTML-escape anything shown (quotes too, so it is safe inside attributes)."""
    return html.escape("" if value is None else str(value), quote=True)


def anchor_id(turn: int, n: int) -> str:
    """DOM id of source card ``n`` of turn ``turn`` (turns keep their own numbering)."""
    return f"kutip-src-{turn}-{n}"


def markdown_id(turn: int) -> str:
    """DOM id of the hidden Markdown export of turn ``turn`` (what "Copy with sources" copies)."""
    return f"kutip-md-{turn}"


def safe_href(url: str | None) -> str | None:
    """The URL if it is http(s) with a host, else None (no ``javascript:`` or ``data:`` links)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def fmt_date(value: datetime | None) -> str:
    return value.date().isoformat() if value else ""


def fmt_ms(ms: float) -> str:
    """``40 ms`` or ``2.3 s``: retrieval is often well under a second."""
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def source_label(source: str | None, url: str | None) -> str:
    """A short name for where an article came from: its source name, else the URL's host."""
    if source:
        return source
    href = safe_href(url)
    return urlsplit(href).netloc if href else ""


# -- highlighting -----------------------------------------------------------------------------


def paragraph_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The line (articles are stored one paragraph a line) around characters ``start:end``."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    return lo, len(text) if hi < 0 else hi


def locate(text: str, ref: SourceLike) -> tuple[int, int] | None:
    """Where ``ref`` sits in ``text``: its own offsets when they still hold, else a text search.

    The search fallback covers an article shown from another source of truth (a fake, a
    re-ingested copy); None means the sentence is not in this text at all.
    """
    if 0 <= ref.start < ref.end <= len(text) and (
        not ref.text or text[ref.start : ref.end] == ref.text
    ):
        return ref.start, ref.end
    if ref.text:
        at = text.find(ref.text)
        if at >= 0:
            return at, at + len(ref.text)
    return None


def highlight(
    text: str,
    spans: Iterable[Span],
    lo: int = 0,
    hi: int | None = None,
    *,
    labels: bool = False,
    flagged: Iterable[Sentence] = (),
) -> str:
    """Escaped ``text[lo:hi]`` with each span wrapped in ``<mark class="kutip-hit">``.

    Spans use offsets into the whole ``text`` and are clipped to ``lo:hi``; overlapping spans
    are merged into one mark carrying all their numbers. ``labels`` appends ``[n]`` after each
    mark (the whole-article view, where several citations share one page). ``flagged``
    sentences (instruction-like, :mod:`kutip.text.injection`) are struck through and titled,
    so a reader sees why a sentence on the very topic asked about was never used.
    """
    hi = len(text) if hi is None else hi
    merged: dict[tuple[int, int], list[int]] = {}
    for start, end, n in spans:
        s, e = max(start, lo), min(end, hi)
        if s < e:
            merged.setdefault((s, e), []).append(n)
    # A hit sorts before a flag at the same offset; a flag is never evidence, so never both.
    pieces = [(s, e, 0, ns) for (s, e), ns in merged.items()]
    pieces += [(max(f.start, lo), min(f.end, hi), 1, []) for f in flagged]
    out: list[str] = []
    cursor = lo
    for s, e, kind, ns in sorted(pieces):
        s = max(s, cursor)
        if s >= e:
            continue
        out.append(esc(text[cursor:s]))
        if kind == 1:
            out.append(f'<del class="kutip-flagged" title="{FLAGGED_TITLE}">{esc(text[s:e])}</del>')
            cursor = e
            continue
        numbers = sorted(set(ns))
        data = " ".join(str(n) for n in numbers)
        out.append(f'<mark class="kutip-hit" data-n="{esc(data)}">{esc(text[s:e])}</mark>')
        if labels:
            out.append("".join(f'<sup class="kutip-label">[{n}]</sup>' for n in numbers))
        cursor = e
    out.append(esc(text[cursor:hi]))
    return "".join(out)


# -- chat bubbles --------------------------------------------------------------------------------


def _md_text(text: str) -> str:
    """Escape HTML, then the Markdown characters that would restyle quoted article text."""
    return _MD_SPECIAL.sub(r"\\\1", esc(text))


def linkify(text: str, turn: int, known: Iterable[int]) -> str:
    """Escaped answer text where each ``[n]`` with a source card becomes a link to that card.

    ``[1, 3]`` becomes two links; a number without a card stays plain text, so a model's stray
    ``[7]`` never points at nothing.
    """
    known_set = set(known)
    out: list[str] = []
    cursor = 0
    for match in CITE_RE.finditer(text):
        numbers = [int(x) for x in re.split(r"\s*,\s*", match.group(1))]
        if not any(n in known_set for n in numbers):
            continue
        out.append(_md_text(text[cursor : match.start()]))
        links = [
            (
                f'<a href="#{anchor_id(turn, n)}" class="kutip-cite" '
                f'title="Show source {n}">[{n}]</a>'
                if n in known_set
                else f"[{n}]"
            )
            for n in numbers
        ]
        out.append("".join(links))
        cursor = match.end()
    out.append(_md_text(text[cursor:]))
    return "".join(out)


def render_user(question: str) -> str:
    return _md_text(question)


def _same_question(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()).rstrip("?") == " ".join(b.casefold().split()).rstrip("?")


def render_answer(turn: Turn, turn_no: int) -> str:
    """The assistant bubble of one turn, in whatever phase it is (searching, writing, done)."""
    parts: list[str] = []
    if turn.standalone and not _same_question(turn.standalone, turn.question):
        parts.append(f'<small class="kutip-rewrite">Searched for: “{esc(turn.standalone)}”</small>')
    if turn.error:
        parts.append(f'<div class="kutip-error">This question failed: {esc(turn.error)}</div>')
        return "\n\n".join(parts)
    if turn.stopped:
        known = [e.n for e in turn.evidence]
        text = linkify(turn.answer, turn_no, known) if turn.answer else ""
        parts.append(f'{text} <span class="kutip-pending">(stopped)</span>'.strip())
        return "\n\n".join(parts)
    if turn.done:
        sources = turn.evidence if turn.refused else turn.citations
        numbers = [s.n for s in sources]
        if turn.refused:
            parts.append(f'<div class="kutip-refusal">{linkify(turn.answer, turn_no, [])}</div>')
            if numbers:
                links = " ".join(
                    f'<a href="#{anchor_id(turn_no, n)}" class="kutip-cite" '
                    f'title="Show passage {n}">[{n}]</a>'
                    for n in numbers
                )
                parts.append(f'<small class="kutip-closest">{RELATED_HEADING}: {links}</small>')
        else:
            parts.append(linkify(turn.answer, turn_no, numbers))
            if turn.final is not None:
                parts.append(copy_link(turn_no))
        return "\n\n".join(parts)
    if turn.answer:
        parts.append(linkify(turn.answer, turn_no, [e.n for e in turn.evidence]) + " ▍")
    elif turn.retrieve_ms is not None:
        parts.append(
            f'<span class="kutip-pending">Found {len(turn.evidence)} evidence sentences in '
            f"{fmt_ms(turn.retrieve_ms)} · writing the answer…</span>"
        )
    else:
        parts.append('<span class="kutip-pending">Searching the articles…</span>')
    return "\n\n".join(parts)


def copy_link(turn_no: int) -> str:
    """The "Copy with sources" control of an answer bubble.

    The Chatbot's sanitizer drops buttons and ``onclick`` but keeps fragment links, so this is
    a link to the turn's hidden Markdown (in the sources panel, :func:`render_turn_sources`);
    the page script (:mod:`ui.assets`) catches the click and copies that text instead.
    """
    return (
        f'<a href="#{markdown_id(turn_no)}" class="kutip-copy" '
        'title="Copy this answer as Markdown, each [n] with its source and quoted sentence">'
        "Copy with sources</a>"
    )


def chat_messages(turns: Sequence[Turn]) -> list[dict[str, str]]:
    """The Chatbot value (messages format) for a whole conversation."""
    messages: list[dict[str, str]] = []
    for i, turn in enumerate(turns):
        messages.append({"role": "user", "content": render_user(turn.question)})
        messages.append({"role": "assistant", "content": render_answer(turn, i)})
    return messages


# -- sources panel -------------------------------------------------------------------------------


def _meta_line(title: str, source: str | None, url: str | None, published: datetime | None) -> str:
    bits: list[str] = []
    href = safe_href(url)
    label = source_label(source, url)
    if href:
        bits.append(
            f'<a class="kutip-link" href="{esc(href)}" target="_blank" '
            f'rel="noopener noreferrer nofollow">{esc(label or "source")}</a>'
        )
    elif label:
        bits.append(f'<span class="kutip-source">{esc(label)}</span>')
    if published:
        stamp = esc(published.isoformat())
        bits.append(f'<time datetime="{stamp}">{esc(fmt_date(published))}</time>')
    return " · ".join(bits)


def render_card(
    ref: SourceLike,
    article: Article | None,
    turn: int,
    *,
    anchored: bool = True,
    flagged: Sequence[Sentence] = (),
) -> str:
    """One source card: title, link, date, and the paragraph with the cited sentence marked
    (and the article's instruction-like ``flagged`` sentences struck through)."""
    title = article.title if article else ref.title
    url = ref.url or (article.url if article else None)
    source = ref.source or (article.source if article else None)
    published = ref.published or (article.published if article else None)
    where = locate(article.text, ref) if article else None
    if article is not None and where is not None:
        lo, hi = paragraph_bounds(article.text, *where)
        body = highlight(article.text, [(where[0], where[1], ref.n)], lo, hi, flagged=flagged)
    else:
        body = f'<mark class="kutip-hit" data-n="{ref.n}">{esc(ref.text)}</mark>'
        if article is None:
            body += ' <span class="kutip-gone">(article no longer in the collection)</span>'
    ident = f' id="{anchor_id(turn, ref.n)}"' if anchored else ""
    meta = _meta_line(title, source, url, published)
    return (
        f'<article class="kutip-card"{ident} data-n="{ref.n}">'
        f'<div class="kutip-card-head"><span class="kutip-n">[{ref.n}]</span> '
        f'<span class="kutip-title">{esc(title)}</span></div>'
        + (f'<div class="kutip-meta">{meta}</div>' if meta else "")
        + f'<p class="kutip-para">{body}</p></article>'
    )


def render_whole_article(
    article: Article,
    refs: Sequence[SourceLike],
    flagged: Sequence[Sentence] = (),
    *,
    opened: bool = False,
) -> str:
    """A collapsed full text of one article with every sentence cited from it marked and its
    instruction-like ``flagged`` sentences struck through; ``opened`` unfolds it (the Quotes
    tab opens the article at once: there the article is what was asked for)."""
    spans: list[Span] = []
    for ref in refs:
        where = locate(article.text, ref)
        if where is not None:
            spans.append((where[0], where[1], ref.n))
    body = highlight(article.text, spans, labels=True, flagged=flagged)
    return (
        f'<details class="kutip-whole"{" open" if opened else ""}><summary>Whole article: '
        f'<span class="kutip-title">{esc(article.title)}</span></summary>'
        f'<div class="kutip-article-text">{body}</div>'
        "</details>"
    )


def render_turn_sources(
    turn: Turn,
    turn_no: int,
    articles: Mapping[str, Article | None],
    flagged: Mapping[str, Sequence[Sentence]] | None = None,
) -> str:
    """The sources section of one turn: cards for what the answer cites (or could cite).

    ``flagged`` holds each article's instruction-like sentences, struck through wherever the
    article's text is shown."""
    flags = flagged or {}
    refs: list[SourceLike]
    if turn.error:
        heading, refs, note = "No sources", [], "This question failed before an answer."
    elif not turn.done or turn.stopped:
        heading, refs = "Evidence found", list(turn.evidence)
        note = "Retrieved before the answer; the cited ones stay when it is done."
    elif turn.refused:
        heading, refs = RELATED_HEADING, list(turn.evidence)
        note = "The model read these sentences one by one; none answers the question."
    else:
        heading, refs = "Sources", list(turn.citations)
        note = "" if refs else "The answer cites no sentence."
    cards = [
        render_card(r, articles.get(r.article_id), turn_no, flagged=flags.get(r.article_id, ()))
        for r in refs
    ]
    seen: list[str] = []
    for r in refs:
        if r.article_id not in seen and articles.get(r.article_id) is not None:
            seen.append(r.article_id)
    wholes = [
        render_whole_article(
            articles[aid],  # type: ignore[arg-type]
            [r for r in refs if r.article_id == aid],
            flags.get(aid, ()),
        )
        for aid in seen
    ]
    copyable = ""
    if turn.final is not None and not turn.stopped:
        # Escaped inside a textarea: the page script reads it back as plain text.
        copyable = (
            f'<textarea id="{markdown_id(turn_no)}" class="kutip-md" hidden readonly '
            f'aria-hidden="true">{esc(answer_markdown(turn.final))}</textarea>'
        )
    notes = ""
    if turn.done and turn.notes:
        items = "".join(f"<li>{esc(n)}</li>" for n in turn.notes)
        notes = (
            '<details class="kutip-details"><summary>How this answer was checked</summary>'
            f'<ul class="kutip-note">{items}</ul></details>'
        )
    return (
        f'<section class="kutip-turn" id="kutip-turn-{turn_no}" data-turn="{turn_no}">'
        f'<h3 class="kutip-turn-head">{esc(heading)} '
        f'<span class="kutip-q">for “{esc(turn.question)}”</span></h3>'
        + (f'<p class="kutip-note">{esc(note)}</p>' if note else "")
        + notes
        + "".join(cards)
        + "".join(wholes)
        + copyable
        + "</section>"
    )


EMPTY_CHAT = (
    "**Every answer cites the exact sentence it comes from**: click a [1] to see it marked in "
    "its article. When no sentence answers the question, kutip says *“The articles don't say”* "
    "instead of guessing: that is a feature, not a failure.\n\n"
    "Try a question about the bundled sample article:"
)
"""The Chatbot placeholder (Markdown): what kutip does, shown above the example questions."""


EMPTY_PANEL = (
    '<div class="kutip-sources kutip-empty">Ask a question: the sentences an answer cites '
    "appear here, with their paragraph and a link to the article.</div>"
)


def render_panel(sections: Sequence[str]) -> str:
    """Newest turn open on top; earlier turns folded away but still reachable by their links."""
    if not sections:
        return EMPTY_PANEL
    *older, latest = sections
    folded = ""
    if older:
        folded = (
            f'<details class="kutip-older"><summary>Earlier questions ({len(older)})</summary>'
            + "".join(reversed(older))
            + "</details>"
        )
    return f'<div class="kutip-sources">{latest}{folded}</div>'


# -- articles tab --------------------------------------------------------------------------------


LANGUAGE_NAMES = {"en": "English", "id": "Indonesian", "und": "language not detected"}


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def render_summary(summary: StoreSummary) -> str:
    """One line over the article list: how many articles and sentences, which languages, and
    the published date range (what can be asked about at all)."""
    bits = [_plural(summary.articles, "article"), _plural(summary.sentences, "sentence")]
    langs = ", ".join(
        f"{LANGUAGE_NAMES.get(code, code)} ({n})" for code, n in summary.languages.items()
    )
    if langs:
        bits.append(langs)
    if summary.earliest and summary.latest:
        first, last = fmt_date(summary.earliest), fmt_date(summary.latest)
        bits.append(f"published {first}" if first == last else f"published {first} to {last}")
    if summary.undated:
        bits.append(f"{summary.undated} undated")
    return f'<div class="kutip-summary">{esc(" · ".join(bits))}</div>'


SORT_CHOICES = [
    ("Newest first", "newest"),
    ("Oldest first", "oldest"),
    ("Title A–Z", "title"),
    ("Most sentences", "sentences"),
    ("Best match (when searching)", "relevance"),
]
"""The Articles tab's orders, ``(label, value)`` (values: :data:`kutip.store.browse.SORTS`)."""

LANG_CHOICES = [("All languages", ""), ("Indonesian", "id"), ("English", "en")]
"""The language filter; others (and "und", not detected) can be typed as codes."""

EMPTY_COLLECTION = (
    '<div class="kutip-articles kutip-empty">No articles in this collection yet: '
    "upload files or paste URLs above.</div>"
)


def render_snippet(snippet: str) -> str:
    """A search hit's excerpt, escaped, its matched words marked (the index puts them between
    :data:`kutip.store.browse.MARK_ON` and ``MARK_OFF``, which escaped text cannot hold)."""
    body = esc(snippet)
    if body.count(MARK_ON) != body.count(MARK_OFF):
        return body.replace(MARK_ON, "").replace(MARK_OFF, "")
    return body.replace(MARK_ON, '<mark class="kutip-match">').replace(MARK_OFF, "</mark>")


def _filters_text(query: ArticleQuery) -> str:
    bits: list[str] = []
    if query.text.strip():
        bits.append(f"“{query.text.strip()}”")
    if query.lang:
        bits.append(LANGUAGE_NAMES.get(query.lang, query.lang))
    if query.since or query.until:
        since = query.since.isoformat()[:10] if query.since else "…"
        until = query.until.isoformat()[:10] if query.until else "…"
        bits.append(f"published {since} to {until}")
    return ", ".join(bits)


def render_page_line(page: ArticlePage) -> str:
    """The line over the rows: "Showing 51–100 of 1,234 articles matching “pasukan” · page 2
    of 25" (and the order, when not newest first)."""
    filters = _filters_text(page.query)
    if not page.rows:
        line = f"No article matches {filters}." if filters else "No articles."
        return f'<div class="kutip-page-line kutip-empty">{esc(line)}</div>'
    what = f"{page.total:,} article{'' if page.total == 1 else 's'}"
    if filters:
        what += f" matching {filters}"
    order = ORDER_NOTES.get(page.query.sort, "")
    line = f"Showing {page.first:,}–{page.last:,} of {what}{' · ' + order if order else ''}"
    line += f" · page {page.query.page} of {page.pages}"
    return f'<div class="kutip-page-line">{esc(line)}</div>'


ORDER_NOTES = {
    "oldest": "oldest first",
    "title": "titles A–Z",
    "sentences": "most sentences first",
    "relevance": "best match first",
}
"""How the page line names an order other than the default (newest first): a reader sees
which order the rows are in, and a test can wait for it."""


def render_article_page(page: ArticlePage, summary: StoreSummary) -> str:
    """One page of the article list as an escaped HTML table (titles come from the articles
    themselves) under the collection's summary line and a line saying which rows of how many
    matches it shows. Each row carries its article id: a click opens the article (the page
    script of the table, :mod:`ui.app`)."""
    if summary.articles == 0 and page.total == 0:
        return EMPTY_COLLECTION
    rows = "".join(
        f'<tr class="kutip-article-row" data-article="{esc(a.id)}" tabindex="0" '
        'title="Open this article">'
        f'<td><span class="kutip-title">{esc(a.title)}</span>'
        + (f'<div class="kutip-snippet">{render_snippet(a.snippet)}</div>' if a.snippet else "")
        + "</td>"
        f"<td>{_meta_line(a.title, a.source, a.url, None) or '—'}</td>"
        f"<td>{esc(fmt_date(a.published)) or '—'}</td>"
        f"<td>{esc(a.lang or '')}</td>"
        f"<td>{a.n_sentences:,}</td>"
        f"<td><code>{esc(a.id[:10])}</code></td>"
        "</tr>"
        for a in page.rows
    )
    table = (
        "<table><thead><tr><th>Title</th><th>Source</th>"
        "<th>Date</th><th>Lang</th><th>Sentences</th><th>Id</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        if page.rows
        else ""
    )
    head = render_summary(summary) + render_page_line(page)
    return f'<div class="kutip-articles">{head}{table}</div>'


def render_article_table(articles: Sequence[Article]) -> str:
    """Every article of ``articles`` on one page (a small collection; a large one is paged
    through :func:`render_article_page`), under the summary line."""
    items = list(articles)
    page = page_of(items, ArticleQuery(per_page=max(1, len(items))))
    return render_article_page(page, summarize(items))


def render_article_view(article: Article | None, flagged: Sequence[Sentence] = ()) -> str:
    """One article's full text, shown literally (escaped, line breaks kept), its
    instruction-like sentences (``flagged``) struck through and titled as such."""
    if article is None:
        return '<div class="kutip-viewer kutip-empty">Choose an article to read it here.</div>'
    meta = _meta_line(article.title, article.source, article.url, article.published)
    body = highlight(article.text, [], flagged=flagged)
    note = (
        f'<div class="kutip-meta kutip-flag-note">{len(flagged)} instruction-like sentence(s), '
        "struck through: never used as evidence.</div>"
        if flagged
        else ""
    )
    return (
        f'<div class="kutip-viewer" data-article="{esc(article.id)}">'
        f'<h3 class="kutip-title">{esc(article.title)}</h3>'
        + (f'<div class="kutip-meta">{meta}</div>' if meta else "")
        + note
        + f'<div class="kutip-article-text">{body}</div></div>'
    )


def article_choice(article: Article | ArticleRow) -> tuple[str, str]:
    """``(label, value)`` for a dropdown: Gradio shows labels as text, so no escaping here."""
    date = fmt_date(article.published)
    label = f"{article.title[:90]}{' (' + date + ')' if date else ''} · {article.id[:8]}"
    return label, article.id


def render_status(message: str, kind: str = "info") -> str:
    """A one-line status (``info``, ``busy``, ``ok``, ``error``), escaped."""
    kind = kind if kind in ("info", "busy", "ok", "error") else "info"
    return f'<div class="kutip-status kutip-status-{kind}">{esc(message)}</div>'
