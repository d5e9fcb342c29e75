"""Cited answers in forms that leave kutip: Markdown with footnotes, JSON, and plain text.

An answer is only worth taking away with its evidence, so every format carries each ``[n]``'s
source. The Markdown footnote of ``[n]`` names the article (title, source and/or URL, date when
known) and quotes the stored sentence **verbatim** (``article.text[start:end]``, unescaped), so a
reader can find it in the article; it is not re-escaped for Markdown because an exact quote
matters more than how a renderer styles a stray ``*`` in it.

The CLI (``kutip ask --format``) and the chat's copy and download buttons all call this module,
so the JSON schema (``Answer.to_json``, the ``kutip ask --json`` schema) has one serializer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, Literal
from urllib.parse import urlsplit

from qa.types import Answer, Citation

Format = Literal["text", "markdown", "json"]
FORMATS: tuple[Format, ...] = ("text", "markdown", "json")
RELATED_HEADING = "Related, but not an answer"

_MD_SPECIAL = re.compile(r"([\\`*_~\[\]<>#|])")


def _md_escape(value: str) -> str:
    """Escape Markdown syntax in metadata (titles, source names), never in quotes."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(value.split()))


def _link(url: str | None) -> str | None:
    """An autolink for http(s) URLs; other schemes are shown as code so they never link."""
    if not url:
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and parts.netloc and " " not in url:
        return f"<{url}>"
    return f"`{url}`"


def footnote(citation: Citation) -> str:
    """``[n] Title. Source, <url>, published YYYY-MM-DD.`` then the sentence as a blockquote."""
    head = [_md_escape(citation.title) or "Untitled article"]
    where = [
        bit
        for bit in (
            _md_escape(citation.source) if citation.source else None,
            _link(citation.url),
            f"published {citation.published.date().isoformat()}" if citation.published else None,
        )
        if bit
    ]
    line = f"[{citation.n}] " + head[0].rstrip(".") + "."
    if where:
        line += " " + ", ".join(where) + "."
    quote = "\n".join(f"> {part}" if part else ">" for part in citation.text.split("\n"))
    return f"{line}\n{quote}"


def answer_markdown(answer: Answer, heading: str = "##") -> str:
    """One answer: the question as a heading, the answer text with its ``[n]``, then one
    footnote per citation (a refusal cites nothing, so it has none)."""
    parts = [f"{heading} {' '.join(answer.question.split())}", answer.answer.strip()]
    citations = sorted(answer.citations, key=lambda c: c.n)
    if citations:
        parts.append("\n\n".join(footnote(c) for c in citations))
    related = answer.related()
    if related:
        parts.append(f"{RELATED_HEADING}:\n\n" + "\n\n".join(footnote(c) for c in related))
    return "\n\n".join(parts) + "\n"


def conversation_markdown(answers: Sequence[Answer], title: str = "kutip: cited answers") -> str:
    """A whole conversation, one section per answered question; ``[n]`` numbers restart in
    each section, as they do in the chat."""
    sections = [answer_markdown(a) for a in answers]
    body = "\n".join(sections) if sections else "No answered questions yet.\n"
    return f"# {title}\n\n{body}"


def answer_json(answer: Answer, debug: bool = False) -> dict[str, Any]:
    """The ``kutip ask --json`` object (``debug`` adds evidence and notes)."""
    return answer.debug_json() if debug else answer.to_json()


def dumps(data: Any) -> str:
    """JSON text as kutip writes it: UTF-8 kept readable, dates as ISO strings."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def conversation_json(answers: Sequence[Answer]) -> str:
    """A conversation as a JSON array of ``kutip ask --json`` objects, oldest first."""
    return dumps([answer_json(a) for a in answers])


def answer_text(answer: Answer) -> str:
    """The terminal form: the answer, then one indented line per citation (for a refusal,
    per related sentence, under a line that says they are not an answer)."""
    lines = [answer.answer]
    related = answer.related()
    if related:
        lines.append(f"{RELATED_HEADING}:")
    lines += [
        f"  [{c.n}] {c.title} (sentence {c.sentence_index}, {c.start}-{c.end}): {c.text}"
        for c in answer.citations or related
    ]
    return "\n".join(lines)


def render_answer(answer: Answer, fmt: Format, debug: bool = False) -> str:
    """``answer`` in one of :data:`FORMATS` (``debug`` applies to JSON only)."""
    if fmt == "json":
        return dumps(answer_json(answer, debug))
    if fmt == "markdown":
        return answer_markdown(answer).rstrip("\n")
    if fmt == "text":
        return answer_text(answer)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
