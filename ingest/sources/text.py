"""Plain text and Markdown articles: pick a title line, keep the rest as the body.

A news text saved by hand often starts with its headline, but just as often with the first
sentence of the story (a dateline paragraph). Taking that sentence as the title would both hide it
from retrieval and show a paragraph as a title, so only a short line that does not end like a
sentence counts as a headline; otherwise the file name becomes the title and nothing is lost.
"""

from __future__ import annotations

import re

from kutip.schema import SourceDocument

from .common import Problem

# Longer first lines are paragraphs, not headlines.
MAX_TITLE_CHARS = 120
_SENTENCE_END = (".", "!", "?", "…", ":", ";", ",")
_CLOSERS = "\"'”’»)]"
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$")
_MD_SETEXT = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1")
_MD_QUOTE_OR_RULE = re.compile(r"^\s{0,3}(?:>\s?|(?:[-*_]\s*){3,}$|```.*$)")


def is_headline(line: str) -> bool:
    """A short line that does not end with sentence punctuation reads as a headline."""
    text = line.strip()
    return 0 < len(text) < MAX_TITLE_CHARS and not text.rstrip(_CLOSERS).endswith(_SENTENCE_END)


def strip_markdown(text: str) -> str:
    """Remove the Markdown syntax that would otherwise end up inside cited sentences.

    Only the marks that commonly wrap prose (headings, links, images, bold, quotes, rules,
    fences) are touched; anything subtler is left as written.
    """
    lines = []
    for line in text.splitlines():
        heading = _MD_HEADING.match(line)
        if heading:
            line = heading.group(1)
        elif _MD_SETEXT.match(line):
            continue
        else:
            line = _MD_QUOTE_OR_RULE.sub("", line)
        line = _MD_IMAGE.sub("", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_EMPHASIS.sub(r"\2", line)
        lines.append(line)
    return "\n".join(lines)


def document_from_text(
    text: str,
    *,
    key: str,
    fallback_title: str,
    source: str | None = None,
    url: str | None = None,
    markdown: bool = False,
) -> SourceDocument:
    """Split ``text`` into title and body by the headline rule (see the module docstring).

    A Markdown ``#`` heading is always the title, whatever its length. A text with a single
    non-empty line is all body, titled ``fallback_title``. Raises :class:`Problem` when there is
    no text at all.
    """
    raw_lines = text.splitlines()
    lines = [line for line in raw_lines if line.strip()]
    if not lines:
        raise Problem("empty file")
    first_index = next(i for i, line in enumerate(raw_lines) if line.strip())
    first = raw_lines[first_index]
    marked = markdown and (
        _MD_HEADING.match(first) is not None
        or (first_index + 1 < len(raw_lines) and _MD_SETEXT.match(raw_lines[first_index + 1]))
    )
    body_lines = raw_lines
    title = fallback_title
    if len(lines) > 1 and (marked or is_headline(first)):
        title = first
        body_lines = raw_lines[first_index + 1 :]
    body = "\n".join(body_lines)
    if markdown:
        title = strip_markdown(title)
        body = strip_markdown(body)
    if not body.strip():
        raise Problem("no article text besides the title")
    return SourceDocument(
        key=key,
        title=" ".join(title.split()) or fallback_title,
        text=body.strip("\n"),
        source=source,
        url=url,
    )
