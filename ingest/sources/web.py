"""``http(s)://`` inputs: an article page, or a feed whose entries become articles.

The URL the user gave is the article's key (it is what they will pass again to refresh it); the
address after redirects is stored as ``url`` because that is where a reader can find the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urldefrag

from kutip.errors import InputError

from .common import Item, Limits, Problem, decode_text, host_of, title_from_url
from .feeds import load_feed
from .fetch import classify, fetch
from .html import document_from_html, html_input
from .text import document_from_text


def load_url(url: str, limits: Limits) -> Iterator[Item]:
    """Fetch ``url`` and yield its article, or one item per entry when it is a feed."""
    key = urldefrag(url).url
    try:
        page = fetch(key, limits)
        kind = classify(page)
    except Problem as problem:
        yield InputError(url, str(problem))
        return
    if kind == "feed":
        yield from load_feed(page.body, origin=url, key_base=key, base_url=page.url, limits=limits)
        return
    try:
        if kind == "html":
            yield document_from_html(
                html_input(page.body, page.charset),
                key=key,
                url=page.url,
                fallback_title=title_from_url(page.url),
                fallback_source=host_of(page.url),
            )
        else:
            text = decode_text(page.body, page.charset)
            if not text.strip():
                raise Problem("empty response")
            yield document_from_text(
                text,
                key=key,
                fallback_title=title_from_url(page.url),
                source=host_of(page.url),
                url=page.url,
            )
    except Problem as problem:
        yield InputError(url, str(problem))
