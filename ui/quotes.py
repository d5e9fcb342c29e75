"""The Quotes tab's data shaping and HTML: who said what, filtered, tabled and in date order.

The quotes themselves come from the library (``Store.quotes``, attributed by rules at ingest,
speakers grouped by :mod:`kutip.text.speakers`); this module only filters and lays them out,
as pure functions, so the tab's behaviour is tested without a server. Everything shown that
came from an article goes through :func:`ui.render.esc`, as in :mod:`ui.render`, and a clicked
quote is drawn with the very card and whole-article view citations use
(:func:`ui.render.render_card`, :func:`ui.render.render_whole_article`), so "open the quote"
and "open the citation" cannot drift apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from kutip.schema import Article, Quote, Sentence
from kutip.text.speakers import name_tokens, same_speaker
from qa.types import Citation
from ui import render

ALL_SPEAKERS = ""
"""The speaker dropdown's "no filter" value (no group is named with the empty string)."""

HEADERS = ["Speaker", "Quote", "Article", "Date"]
"""The table's columns; each row is :func:`table_row` of one quote."""

NO_DATE = "—"
"""The table's date cell for an undated article (kept a string: the table is all text)."""

EMPTY_VIEW = (
    '<div class="kutip-viewer kutip-empty">Click a quote in the table to open its article '
    "with the sentence marked.</div>"
)
"""The quote viewer before a row is clicked."""


def quote_key(quote: Quote) -> str:
    """A stable id for one quote (one attributed sentence): what the viewer remembers."""
    return f"{quote.article_id}:{quote.sentence_index}"


def speaker_name(quote: Quote) -> str:
    """The speaker's group name (one name for all variants), or "" for an unnamed source."""
    return quote.group or quote.speaker or ""


def speaker_cell(quote: Quote) -> str:
    """What the table shows as the speaker: the grouped name, else the unnamed source's role
    in parentheses ("(laporan)"), so a reader sees speech with no named speaker as such."""
    name = speaker_name(quote)
    if name:
        return name
    return f"({quote.role})" if quote.role else "(unnamed source)"


def _date_key(quote: Quote) -> tuple[bool, datetime]:
    """Undated quotes last; aware and naive dates compared alike (feeds carry zones)."""
    if quote.published is None:
        return True, datetime.min
    return False, quote.published.replace(tzinfo=None)


def in_date_order(quotes: Iterable[Quote]) -> list[Quote]:
    """Oldest first, undated last; ties keep the store's article and sentence order."""
    return sorted(quotes, key=_date_key)


def speaker_choices(quotes: Sequence[Quote]) -> list[tuple[str, str]]:
    """``(label, value)`` pairs for the speaker dropdown: "All speakers (N)" first, then each
    named speaker group with its number of quotes, most quoted first.

    Unnamed sources are left out of the list (they are nobody to follow over time) but stay in
    the table under "All speakers".
    """
    counts = Counter(name for q in quotes if (name := speaker_name(q)))
    groups = sorted(counts, key=lambda name: (-counts[name], name.casefold()))
    return choices_of([(name, counts[name]) for name in groups], len(quotes), limit=None)


SPEAKER_CHOICES_MAX = 300
"""Speaker groups the dropdown lists at most (the most quoted): an archive quotes thousands of
people, and the whole list would travel to the browser on every search. Any other name can be
typed; :func:`resolve_speaker` finds its group."""


def choices_of(
    speakers: Sequence[tuple[str, int]],
    total: int,
    keep: str = "",
    limit: int | None = SPEAKER_CHOICES_MAX,
) -> list[tuple[str, str]]:
    """The dropdown's ``(label, value)`` pairs from ``(group, quotes)`` counts, most quoted
    first, at most ``limit`` of them plus ``keep`` (the chosen group, so it stays shown)."""
    shown = list(speakers if limit is None else speakers[:limit])
    if keep and all(name != keep for name, _ in shown):
        shown += [(name, n) for name, n in speakers if name == keep]
    return [(f"All speakers ({total})", ALL_SPEAKERS)] + [
        (f"{name} ({n})", name) for name, n in shown
    ]


def resolve_speaker(value: str | None, choices: Sequence[tuple[str, str]]) -> str:
    """The speaker group a typed or API-given name means, else "all speakers".

    The dropdown offers group names, but it also takes typed text and the API takes any
    string: an exact (or case-folded) group name wins; otherwise the one group the name may
    mean by the library's conservative rule ("Kirby" -> "John Kirby" when no other Kirby
    is quoted); with none, or several, no filter applies rather than a guess.
    """
    value = (value or "").strip()
    groups = [v for _, v in choices if v != ALL_SPEAKERS]
    if not value:
        return ALL_SPEAKERS
    if value in groups:
        return value
    folded = [g for g in groups if g.casefold() == value.casefold()]
    if len(folded) == 1:
        return folded[0]
    size = len(name_tokens(value))
    near = [g for g in groups if same_speaker(value, g) and len(name_tokens(g)) >= size]
    return near[0] if len(near) == 1 else ALL_SPEAKERS


def _haystack(quote: Quote) -> str:
    parts = [
        quote.group,
        quote.speaker,
        quote.role,
        quote.quote,
        quote.sentence,
        quote.title,
        quote.source,
    ]
    return " ".join(p for p in parts if p).casefold()


def matches(quote: Quote, search: str) -> bool:
    """Whether every word of ``search`` occurs in the quote's speaker, role, words, sentence
    or article title (case-insensitive): "kirby rencana" narrows, it never widens."""
    haystack = _haystack(quote)
    return all(word in haystack for word in search.casefold().split())


def filter_quotes(quotes: Iterable[Quote], search: str | None, speaker: str | None) -> list[Quote]:
    """The quotes the table shows: of the chosen speaker group (exactly; the dropdown offers
    only group names) and matching the search words, in date order."""
    search = (search or "").strip()
    chosen = [
        q
        for q in quotes
        if (not speaker or speaker_name(q) == speaker) and (not search or matches(q, search))
    ]
    return in_date_order(chosen)


def table_row(quote: Quote) -> list[str]:
    """One table row, plain text (the Dataframe shows strings as text, never as HTML)."""
    return [
        speaker_cell(quote),
        quote.quote or quote.sentence,
        quote.title,
        render.fmt_date(quote.published) or NO_DATE,
    ]


def table_rows(quotes: Sequence[Quote]) -> list[list[str]]:
    return [table_row(q) for q in quotes]


def find_row(
    quotes: Sequence[Quote], index: object, row_value: Sequence[object] | None
) -> Quote | None:
    """The quote behind a clicked table row.

    The row's own values come first: they still find the quote when the browser shows the
    rows in another order (the Dataframe sorts by a header click without asking the server);
    the row number is the fallback for a browser that sends no values.
    """
    if row_value:
        wanted = [str(v) for v in row_value]
        for q in quotes:
            if table_row(q) == wanted:
                return q
    row = index[0] if isinstance(index, list | tuple) and index else index
    if isinstance(row, int) and 0 <= row < len(quotes):
        return quotes[row]
    return None


def as_citation(quote: Quote) -> Citation:
    """The quote as a citation of its sentence, so the citation card can draw it."""
    return Citation(
        n=1,
        article_id=quote.article_id,
        title=quote.title,
        source=quote.source,
        sentence_index=quote.sentence_index,
        start=quote.sentence_start,
        end=quote.sentence_end,
        text=quote.sentence,
        url=quote.url,
        published=quote.published,
    )


def _who(quote: Quote) -> str:
    """ "John Kirby, Juru Bicara … (mengatakan)": who spoke, as what, and the cue word."""
    name = speaker_name(quote)
    role = quote.role if quote.role and quote.role != name else ""
    who = ", ".join(
        p
        for p in (
            f'<span class="kutip-speaker">{render.esc(name)}</span>' if name else "",
            render.esc(role),
        )
        if p
    )
    cue = f' <span class="kutip-cue">({render.esc(quote.cue)})</span>' if quote.cue else ""
    return (who or '<span class="kutip-speaker">unnamed source</span>') + cue


def render_quote_view(
    quote: Quote | None, article: Article | None, flagged: Sequence[Sentence] = ()
) -> str:
    """A clicked quote: who said it, then its sentence marked in its paragraph and in the
    whole article, opened, exactly as a citation's card shows it."""
    if quote is None:
        return EMPTY_VIEW
    ref = as_citation(quote)
    card = render.render_card(ref, article, 0, anchored=False, flagged=flagged)
    whole = render.render_whole_article(article, [ref], flagged, opened=True) if article else ""
    return (
        f'<div class="kutip-quote-view" data-quote="{render.esc(quote_key(quote))}">'
        f'<div class="kutip-quote-who">{_who(quote)}</div>{card}{whole}</div>'
    )


def render_summary(
    shown: int,
    total: int,
    articles: int,
    page: int = 1,
    pages: int = 1,
    first: int = 0,
    last: int = 0,
) -> str:
    """One line over the table: how many quotes there are and how many the filters keep, and
    which of them this page shows when there is more than one page."""
    if total == 0:
        return (
            '<div class="kutip-summary">No quotes yet: add articles with reported speech '
            "(“…,” kata X; X said …) on the Articles tab.</div>"
        )
    where = f"{articles:,} article{'' if articles == 1 else 's'}"
    line = f"{total:,} quote{'' if total == 1 else 's'} in {where}"
    if shown != total:
        line = f"{shown:,} of {line}"
    if pages > 1:
        line += f" · showing {first:,}–{last:,}, page {page} of {pages}"
    return f'<div class="kutip-summary">{render.esc(line)}</div>'


def render_timeline(speaker: str | None, quotes: Sequence[Quote], total: int | None = None) -> str:
    """The chosen speaker's quotes in date order, one dated line each with its article.

    ``quotes`` are the ones the table shows (the search narrows the timeline too), the first
    of ``total`` when there are more than a timeline holds; without a chosen speaker the
    timeline says how to get one.
    """
    if not speaker:
        return (
            '<div class="kutip-timeline kutip-empty">Choose a speaker to see everything they '
            "said, in date order.</div>"
        )
    if not quotes:
        return (
            f'<div class="kutip-timeline kutip-empty">No quotes of {render.esc(speaker)} '
            "match the search.</div>"
        )
    items: list[str] = []
    for q in in_date_order(quotes):
        if q.published:
            stamp = render.esc(q.published.isoformat())
            when = f'<time datetime="{stamp}">{render.esc(render.fmt_date(q.published))}</time>'
        else:
            when = '<span class="kutip-undated">undated</span>'
        items.append(
            '<li class="kutip-timeline-item">'
            f'<div class="kutip-timeline-date">{when}</div>'
            f'<div class="kutip-timeline-body"><q>{render.esc(q.quote or q.sentence)}</q> '
            f'<span class="kutip-cue">({render.esc(q.cue)})</span>'
            f'<div class="kutip-meta">{render.esc(q.title)}</div></div></li>'
        )
    more = ""
    if total is not None and total > len(items):
        more = (
            f'<p class="kutip-note">The first {len(items):,} of {total:,}; the table pages '
            "through all of them.</p>"
        )
    count = total if total is not None and total > len(items) else len(items)
    return (
        f'<div class="kutip-timeline"><h4>{render.esc(speaker)} over time '
        f'<span class="kutip-q">({count:,} quote{"" if count == 1 else "s"})</span>'
        f"</h4><ol>{''.join(items)}</ol>{more}</div>"
    )
