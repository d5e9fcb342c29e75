"""HTML pages (saved files or fetched URLs): main text and metadata through trafilatura.

A news page is mostly navigation, related links and comments; trafilatura finds the article body
and its metadata (title, date, site name) in one pass, which is the difference between citing the
story and citing the menu. Comments and tables are left out because neither is the journalist's
prose: comments are other people's words, and table cells come out as sentence fragments.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from trafilatura import bare_extraction
from trafilatura.settings import Document, set_date_params

from kutip.schema import SourceDocument

from .common import Problem, host_of, normalize_lang, parse_date

_HTML_LANG = re.compile(
    rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)",
    re.IGNORECASE,
)
_CONTENT_LANGUAGE = re.compile(
    rb"<meta\b[^>]*http-equiv\s*=\s*[\"']?content-language[\"']?[^>]*content\s*=\s*[\"']?([A-Za-z-]+)",
    re.IGNORECASE,
)
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
# Fewer extracted words than this is a menu or a cookie banner, not an article.
MIN_ARTICLE_WORDS = 10
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "tr",
        "table",
        "section",
        "article",
        "figure",
        "figcaption",
        "header",
        "footer",
    ]
)


def declared_lang(html: bytes | str) -> str | None:
    """The page's own language declaration (``<html lang>`` or Content-Language meta).

    Only declared languages are reported; guessing is the pipeline's job (``detect_language``).
    """
    head = (html.encode("utf-8", "replace") if isinstance(html, str) else html)[:65536]
    found = _HTML_LANG.search(head) or _CONTENT_LANGUAGE.search(head)
    return normalize_lang(found.group(1).decode("ascii")) if found else None


def html_input(body: bytes, charset: str | None) -> bytes | str:
    """Decode with the HTTP charset when there is one; else trafilatura sniffs the bytes.

    The header outranks a ``<meta charset>`` (that is the HTML spec's order), and an unknown
    label is ignored rather than failing the page.
    """
    if charset:
        try:
            return body.decode(charset, errors="replace")
        except LookupError:
            pass
    return body


def document_from_html(
    html: bytes | str,
    *,
    key: str,
    url: str | None,
    fallback_title: str,
    fallback_source: str | None,
) -> SourceDocument:
    """Extract the article from one HTML page; raises :class:`Problem` when there is none."""
    extracted = bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        # trafilatura's defaults, but keep the time of day when the page states one.
        date_extraction_params={**set_date_params(), "outputformat": _DATE_FORMAT},
    )
    text = (extracted.text or "").strip() if isinstance(extracted, Document) else ""
    if not isinstance(extracted, Document) or len(text.split()) < MIN_ARTICLE_WORDS:
        raise Problem("no article text found in the HTML page")
    title = " ".join((extracted.title or "").split())
    lines = text.split("\n")
    if title and len(lines) > 1 and " ".join(lines[0].split()) == title:
        # The <h1> headline usually opens the extracted text; it is already the title.
        text = "\n".join(lines[1:]).strip()
    return SourceDocument(
        key=key,
        title=title or fallback_title,
        text=text,
        source=_site_name(extracted.sitename, url) or fallback_source,
        url=url,
        published=parse_date(extracted.date),
        lang=declared_lang(html) or normalize_lang(extracted.language),
    )


def _site_name(sitename: str | None, url: str | None) -> str | None:
    """The declared site name; trafilatura's stand-in (the URL's host) is normalised instead.

    Without ``og:site_name`` trafilatura reports the host (with ``www.`` or a port), which would
    make one site appear under several names; ``host_of`` gives the same name every loader uses.
    """
    name = (sitename or "").strip()
    if url and name:
        netloc = urlsplit(url).netloc.lower()
        if name.lower() in {netloc, netloc.removeprefix("www."), (urlsplit(url).hostname or "")}:
            return host_of(url)
    return name or None


def fragment_to_text(fragment: str) -> str:
    """Text of an HTML fragment (a feed summary or title), one block element per line.

    Feed content is a fragment, not a page, so trafilatura's page heuristics (minimum sizes,
    boilerplate scoring) would throw short summaries away; plain lxml keeps every word.
    """
    if "<" not in fragment and "&" not in fragment:
        return "\n".join(" ".join(line.split()) for line in fragment.splitlines() if line.strip())
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, etree.ParserError):
        return ""
    for junk in root.xpath("//script|//style"):
        junk.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)
