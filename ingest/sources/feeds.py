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

from .common import (
    Item,
    Limits,
    Problem,
    host_of,
    normalize_lang,
    one_line,
    title_from_url,
)
from .fetch import classify, fetch
from .html import document_from_html, fragment_to_text

# An entry's own text counts as the article only from this many words; shorter is a teaser.
MIN_FALLBACK_WORDS = 25
# Parallel page fetches per feed: fast enough for a 50-entry feed, polite to one host.
FETCH_WORKERS = 4


def load_feed(data: bytes, *, origin: str, base_url: str | None, limits: Limits) -> Iterator[Item]:
    """Yield one document or error per entry of the feed in ``data``.

    ``origin`` names the feed in messages (its URL or path); ``base_url`` resolves relative
    entry links. A feed that does not parse at all, or has no entries, is one error.
    """
    headers = {"content-location": base_url} if base_url else None
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    entries = list(parsed.entries)
    if not entries:
        if parsed.get("bozo") and parsed.get("bozo_exception") is not None:
            reason = one_line(parsed.bozo_exception, 120)
            yield InputError(origin, f"not a valid RSS or Atom feed ({reason})")
        elif not parsed.get("version"):
            yield InputError(origin, "not an RSS or Atom feed")
        else:
            yield InputError(origin, "feed has no entries")
        return
    feed_lang = normalize_lang(parsed.feed.get("language"))
    pool = ThreadPoolExecutor(max_workers=FETCH_WORKERS, thread_name_prefix="kutip-feed")
    try:
        futures = [
            pool.submit(_entry_item, entry, number, origin, feed_lang, limits)
            for number, entry in enumerate(entries, start=1)
        ]
        for future in futures:
            yield future.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _entry_item(
    entry: Any, number: int, origin: str, feed_lang: str | None, limits: Limits
) -> Item:
    link = (entry.get("link") or "").strip() or None
    name = f"{origin} -> {link or f'entry {number}'}"
    try:
        return _entry_document(entry, number, link, origin, feed_lang, limits)
    except Problem as problem:
        return InputError(name, str(problem))
    except Exception as exc:  # noqa: BLE001 - one broken entry must not end the feed
        return InputError(name, f"unexpected error: {type(exc).__name__}: {one_line(exc)}")


def _entry_document(
    entry: Any,
    number: int,
    link: str | None,
    origin: str,
    feed_lang: str | None,
    limits: Limits,
) -> SourceDocument:
    title = fragment_to_text(entry.get("title") or "").replace("\n", " ")
    published = _entry_date(entry)
    lang = normalize_lang(entry.get("language")) or feed_lang
    page_problem = "the entry has no link to an article page"
    if link and link.startswith(("http://", "https://")):
        try:
            page = fetch(link, limits)
            if classify(page) != "html":
                raise Problem(f"the linked page is not HTML ({page.media_type or 'unknown type'})")
            html: bytes | str = page.body
            if page.charset:
                html = page.body.decode(page.charset, errors="replace")
            doc = document_from_html(
                html,
                key=link,
                url=page.url,
                fallback_title=title or title_from_url(link),
                fallback_source=host_of(page.url),
            )
        except (Problem, LookupError) as problem:
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
    elif link:
        page_problem = f"the entry link is not an http(s) URL ({one_line(link, 80)})"
    text = _entry_text(entry)
    if len(text.split()) < MIN_FALLBACK_WORDS:
        raise Problem(f"{page_problem}, and the entry has no text of its own to use instead")
    entry_id = (entry.get("id") or "").strip() or str(number)
    return SourceDocument(
        key=link or f"{origin}#{entry_id}",
        title=title or (title_from_url(link) if link else f"Entry {number}"),
        text=text,
        source=host_of(link) if link else host_of(origin),
        url=link,
        published=published,
        lang=lang,
    )


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
            return datetime(*value[:6], tzinfo=UTC)
    return None
