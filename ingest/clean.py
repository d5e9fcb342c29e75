"""Normalise article text and drop lines that are not part of the article.

News pages interleave the story with "read also" links, ad markers and scroll prompts. Left in,
they become "sentences" that retrieval can match and answers can cite, so they are removed before
segmentation: every citation must point at something the journalist actually wrote. The filter is
line-based and conservative (short lines, anchored patterns) because dropping a real paragraph is
worse than keeping a stray link.
"""

from __future__ import annotations

import re

__all__ = ["clean_text", "is_boilerplate"]

# Invisible characters that split words for the tokenizer but not for the reader.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# Spaces that look like spaces but do not match " " (NBSP and friends), and line separators.
_SPACES = {
    **{ord(ch): " " for ch in "\u00a0\u1680\u202f\u205f\u3000\t\v"},
    **{cp: " " for cp in range(0x2000, 0x200B)},
    **{ord(ch): "\n" for ch in "\u2028\u2029\f\x85"},
}
# Remaining C0/C1 control characters carry no text.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_RUN_OF_SPACES = re.compile(r" {2,}")

# A boilerplate line is short; a long line starting with "Lihat juga" is more likely prose.
_MAX_BOILERPLATE_CHARS = 300
# Link teasers: the line starts (after bullets/dashes/quotes) with a "read also" phrase.
_TEASER = re.compile(
    r"""^[\W_]*(?:
        (?:baca|lihat|simak|tonton)\s+(?:juga|pula|selengkapnya)\b
      | (?:berita|artikel)\s+terkait\s*(?::|$)
      | read\s+(?:also|more)\b
      | also\s+read\b
      | see\s+also\s*:
      | related\s*(?:articles?|stories|news)?\s*:
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Whole-line markers, compared after lower-casing and reducing punctuation to spaces.
_MARKER = re.compile(
    r"(?:advertisement|iklan|ads)?\s*"
    r"(?:(?:scroll|gulir)\s+(?:down\s+)?to\s+continue(?:\s+reading)?(?:\s+with\s+content)?"
    r"|(?:story|article)\s+continues\s+below(?:\s+(?:this\s+)?advertisement)?"
    r"|continue\s+reading\s+below)?"
)


def is_boilerplate(line: str) -> bool:
    """True for a line that is a link teaser or an ad marker, not article content."""
    text = line.strip()
    if not text or len(text) > _MAX_BOILERPLATE_CHARS:
        return False
    if _TEASER.match(text):
        return True
    words = " ".join(re.sub(r"[\W_]+", " ", text.lower()).split())
    return bool(words) and _MARKER.fullmatch(words) is not None


def clean_text(text: str) -> str:
    """Normalise whitespace and drop boilerplate lines; paragraphs stay one per line.

    Line endings become ``\\n``; zero-width characters vanish and NBSP-like spaces become plain
    spaces; runs of spaces collapse and lines are stripped; at most one blank line survives
    between paragraphs; leading and trailing blank lines go. Lines are never joined, so a
    paragraph that was one line stays one line.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_INVISIBLE).translate(_SPACES)
    text = _CONTROL.sub("", text)
    kept: list[str] = []
    for raw in text.split("\n"):
        line = _RUN_OF_SPACES.sub(" ", raw).strip()
        if is_boilerplate(line):
            continue
        if not line and (not kept or not kept[-1]):
            continue
        kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)
