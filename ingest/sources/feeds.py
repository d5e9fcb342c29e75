"""RSS and Atom feeds: one article per entry, read from the page the entry links to.

A feed entry is usually a teaser, so the linked page is fetched and extracted like any URL.
When that fails (paywall, 404, timeout, no text) the entry's own content or summary is used if it
is long enough to be an article rather than a teaser; otherwise that entry alone is reported and
the rest of the feed continues. Pages are fetched by a few threads at once, yet results come out
in feed order so reports stay predictable.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import feedparser

from kutip.errors import InputError
from kutip.schema import SourceDocument

from .common import Item, Limits, Problem, host_of, normalize_lang, one_line, title_from_url
from .fetch import classify, fetch
from .html import document_from_html, fragment_to_text, html_input

# An entry's own text counts as the article only from this many words; shorter is a teaser.
MIN_FALLBACK_WORDS = 25
# Parallel page fetches per feed: fast enough for a 50-entry feed, polite to one host.
FETCH_WORKERS = 4


def load_feed(
    data: bytes, *, origin: str, key_base: str, base_url: str | None, limits: Limits
) -> Iterator[Item]:
    """Yield one document or error per entry of the feed in ``data``.

    ``origin`` names the feed in messages (its URL or path as given); ``key_base`` prefixes the
    key of an entry without a web link (``key_base#entry-id``); ``base_url`` resolves relative
    entry links. A feed that does not parse at all, or has no entries, is one error.
    """
    headers = {"content-location": base_url} if base_url else None
    # Bytes in a stream: feedparser treats a str as a URL or path and would go fetch it itself.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    entries = list(parsed.entries)
    if not entries:
        if parsed.get("bozo") and parsed.get("bozo_exception") is not None:
            reason = _bozo_reason(parsed.bozo_exception)
            yield InputError(origin, f"not a valid RSS or Atom feed ({reason})")
        elif not parsed.get("version"):
            yield InputError(origin, "not an RSS or Atom feed")
        else:
            yield InputError(origin, "feed has no entries")
        return
    context = _FeedContext(origin, key_base, normalize_lang(parsed.feed.get("language")), limits)
    pool = ThreadPoolExecutor(max_workers=FETCH_WORKERS, thread_name_prefix="kutip-feed")
    try:
        futures = [
            pool.submit(context.item, entry, number)
            for number, entry in enumerate(entries, start=1)
        ]
        for future in futures:
            yield future.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


class _FeedContext:
    """What every entry of one feed shares: how to name it, key it, and fetch its pages."""

    def __init__(self, origin: str, key_base: str, lang: str | None, limits: Limits) -> None:
        self.origin = origin
        self.key_base = key_base
        self.lang = lang
        self.limits = limits

    def item(self, entry: Any, number: int) -> Item:
        """The entry's document, or its error; never raises (a thread must not lose an entry)."""
        # Atom ids often land in ``link`` ("urn:..."); only a web address is a page to fetch.
        link = (entry.get("link") or "").strip()
        web_link = link if link.startswith(("http://", "https://")) else None
        name = f"{self.origin} -> {web_link or f'entry {number}'}"
        try:
            return self._document(entry, number, web_link)
        except Problem as problem:
            return InputError(name, str(problem))
        except Exception as exc:  # one broken entry must not end the feed
            return InputError(name, f"unexpected error: {type(exc).__name__}: {one_line(exc)}")

    def _document(self, entry: Any, number: int, link: str | None) -> SourceDocument:
        title = fragment_to_text(entry.get("title") or "").replace("\n", " ")
        published = _entry_date(entry)
        lang = normalize_lang(entry.get("language")) or self.lang
        page_problem = "the entry has no link to an article page"
        if link:
            try:
                doc = self._page(link, title)
            except Problem as problem:
                page_problem = str(problem)
            else:
                return SourceDocument(
                    key=doc.key,
                    title=title or doc.title,
                    text=doc.text,
                    source=doc.source,
                    url=doc.url,
                    published=published or doc.published,
                    lang=doc.lang or lang,
                )
        text = _entry_text(entry)
        if len(text.split()) < MIN_FALLBACK_WORDS:
            raise Problem(f"{page_problem}, and the entry has no text of its own to use instead")
        entry_id = (entry.get("id") or "").strip() or str(number)
        return SourceDocument(
            key=link or f"{self.key_base}#{entry_id}",
            title=title or (title_from_url(link) if link else f"Entry {number}"),
            text=text,
            source=host_of(link or self.key_base),
            url=link,
            published=published,
            lang=lang,
        )

    def _page(self, link: str, title: str) -> SourceDocument:
        page = fetch(link, self.limits)
        try:
            kind = classify(page)
        except Problem:
            kind = None
        if kind != "html":
            raise Problem(f"the linked page is not HTML ({page.media_type or 'no content type'})")
        return document_from_html(
            html_input(page.body, page.charset),
            key=link,
            url=page.url,
            fallback_title=title or title_from_url(link),
            fallback_source=host_of(page.url),
        )


def _bozo_reason(exc: Exception) -> str:
    """The parser's complaint without its position (feedparser's line numbers are shifted)."""
    get_message = getattr(exc, "getMessage", None)
    return one_line(get_message() if callable(get_message) else exc, 120)


def _entry_text(entry: Any) -> str:
    """The longest of the entry's full content and its summary, as plain text."""
    candidates = [part.get("value", "") for part in entry.get("content") or []]
    candidates.append(entry.get("summary") or "")
    texts = [fragment_to_text(candidate) for candidate in candidates if candidate]
    return max(texts, key=len, default="")


def _entry_date(entry: Any) -> datetime | None:
    for field in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(field)
        if value:
            year, month, day, hour, minute, second = value[:6]
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    return None
