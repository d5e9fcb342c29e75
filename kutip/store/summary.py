"""What a collection holds, in one glance: articles, sentences, languages and dates.

The chat's Articles tab shows it so a user knows what questions can be answered at all (an
answer can only cite what is stored). It is computed from the catalog's article rows, which
already carry each article's sentence count, language and date, so it costs no extra query.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from kutip.schema import Article


@dataclass(frozen=True)
class StoreSummary:
    """Counts over the ready articles of one collection."""

    articles: int = 0
    sentences: int = 0
    languages: dict[str, int] = field(default_factory=dict)
    """Language code -> number of articles, most common first (``und``: not detected)."""
    earliest: datetime | None = None
    latest: datetime | None = None
    undated: int = 0
    """Articles without a published date (outside the date range)."""


def _naive(value: datetime) -> datetime:
    """Compare dates from feeds with and without time zones on one scale."""
    return value.astimezone().replace(tzinfo=None) if value.tzinfo else value


def summarize(articles: Iterable[Article]) -> StoreSummary:
    """The summary of ``articles`` (as ``Store.list_articles()`` returns them)."""
    items = list(articles)
    langs = Counter(a.lang or "und" for a in items)
    dates = sorted((a.published for a in items if a.published), key=_naive)
    return StoreSummary(
        articles=len(items),
        sentences=sum(a.n_sentences for a in items),
        languages=dict(sorted(langs.items(), key=lambda kv: (-kv[1], kv[0]))),
        earliest=dates[0] if dates else None,
        latest=dates[-1] if dates else None,
        undated=len(items) - len(dates),
    )
