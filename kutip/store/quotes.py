"""Reading the quotes table: who said what, filtered and in date order, each with its citation.

The rows come from the catalog already in date, article and sentence order; this module only
turns them into :class:`kutip.schema.Quote` records and applies the filters that need Python:
speaker variants grouped by :mod:`kutip.text.speakers` ("Kirby" finds "John Kirby"), and
``about`` words, which must all occur in the sentence (case-insensitive).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from kutip.schema import Article, Quote
from kutip.store.catalog import Catalog, _article
from kutip.text.speakers import group_speakers, name_tokens, same_speaker


def _naive(value: datetime) -> datetime:
    """Compare dates without tripping over aware/naive mixes (feeds carry zones, flags not)."""
    return value.replace(tzinfo=None)


def quote_of(row: tuple, group: str | None = None) -> Quote:  # type: ignore[type-arg]
    """One row of :meth:`Catalog.quote_rows` (or ``quote_page``) as a :class:`Quote`, the
    quote and sentence cut from the article text by their stored offsets."""
    idx, spk, role, cue, qs, qe, direct, inherited, ss, se = row[:10]
    art: Article = _article(row[10:])
    return Quote(
        article_id=art.id,
        sentence_index=idx,
        sentence_start=ss,
        sentence_end=se,
        sentence=art.text[ss:se],
        speaker=spk,
        role=role,
        cue=cue,
        quote_start=qs,
        quote_end=qe,
        quote=art.text[qs:qe],
        direct=bool(direct),
        inherited=bool(inherited),
        title=art.title,
        source=art.source,
        url=art.url,
        published=art.published,
        group=group,
    )


def list_quotes(
    catalog: Catalog,
    *,
    speaker: str | None = None,
    about: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    at: Collection[tuple[str, int]] | None = None,
) -> list[Quote]:
    """Quotes of ready articles, oldest first; filters combine (all must hold). ``at`` keeps
    the quotes of those (article id, sentence index) pairs, read by key; speakers are grouped
    over the whole store either way, so a quote's group does not depend on the filter."""
    quotes = [quote_of(row) for row in catalog.quote_rows(at)]
    groups = group_speakers(catalog.quote_speakers())
    quotes = [
        Quote(**{**q.__dict__, "group": groups.get(q.speaker) if q.speaker else None})
        for q in quotes
    ]
    if speaker is not None:
        # A group is wanted when its name is at least as specific as the query: "Kirby" finds
        # "John Kirby", but "John Kirby" does not find a "Kirby" kept apart as ambiguous.
        size = len(name_tokens(speaker))
        wanted = {
            g
            for g in set(groups.values())
            if same_speaker(speaker, g) and len(name_tokens(g)) >= size
        }
        quotes = [q for q in quotes if q.group in wanted]
    if about:
        words = about.casefold().split()
        quotes = [q for q in quotes if all(w in q.sentence.casefold() for w in words)]
    if since is not None:
        quotes = [q for q in quotes if q.published and _naive(q.published) >= _naive(since)]
    if until is not None:
        quotes = [q for q in quotes if q.published and _naive(q.published) <= _naive(until)]
    return quotes
