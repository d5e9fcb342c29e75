"""Fetch one URL with a size cap, a timeout and redirects, and say what kind of content it is.

The body is streamed and the download stops as soon as it passes the byte limit, so a huge or
endless response costs at most ``max_bytes`` of memory. Every failure becomes a :class:`Problem`
whose text a user can act on ("HTTP 404 Not Found", "cannot fetch: connection refused").
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import httpx

from kutip import __version__

from .common import Limits, Problem, one_line, too_big

USER_AGENT = f"Mozilla/5.0 (compatible; kutip/{__version__}; news reader)"
# The per-operation timeout bounds each connect and read; this multiple of it bounds a whole
# download, so a server that trickles bytes cannot hold a batch forever.
TOTAL_TIMEOUT_FACTOR = 4
MAX_REDIRECTS = 10

Kind = Literal["html", "feed", "text"]
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}
_XML_TYPES = {"application/xml", "text/xml"}
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>]", re.IGNORECASE)
_HTML_ROOT = re.compile(rb"<(?:!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE)


@dataclass(frozen=True)
class Fetched:
    """A successful response: final URL after redirects, media type, charset, body."""

    url: str
    media_type: str
    charset: str | None
    body: bytes


def fetch(url: str, limits: Limits) -> Fetched:
    """GET ``url``, following redirects; raises :class:`Problem` on any failure."""
    try:
        has_host = bool(urlsplit(url).hostname)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        has_host = False
    if not has_host:
        raise Problem("invalid URL (no host name)")
    deadline = time.monotonic() + limits.timeout * TOTAL_TIMEOUT_FACTOR
    try:
        with (
            httpx.Client(
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                timeout=limits.timeout,
                headers={"User-Agent": USER_AGENT},
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise Problem(f"HTTP {response.status_code} {response.reason_phrase}".strip())
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limits.max_bytes:
                raise too_big("response", int(declared), limits.max_bytes)
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limits.max_bytes:
                    raise too_big("response", None, limits.max_bytes)
                if time.monotonic() > deadline:
                    raise Problem(
                        f"cannot fetch: download took longer than "
                        f"{limits.timeout * TOTAL_TIMEOUT_FACTOR:g} s"
                    )
                chunks.append(chunk)
            media_type, charset = _content_type(response.headers.get("content-type", ""))
            return Fetched(str(response.url), media_type, charset, b"".join(chunks))
    except httpx.TimeoutException as exc:
        raise Problem(f"cannot fetch: timed out after {limits.timeout:g} s") from exc
    except httpx.TooManyRedirects as exc:
        raise Problem(f"cannot fetch: more than {MAX_REDIRECTS} redirects") from exc
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise Problem(f"invalid URL ({one_line(exc)})") from exc
    except httpx.HTTPError as exc:
        raise Problem(f"cannot fetch: {_network_reason(exc)}") from exc


def _content_type(header: str) -> tuple[str, str | None]:
    media_type, _, params = header.partition(";")
    found = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", params, re.IGNORECASE)
    return media_type.strip().lower(), found.group(1) if found else None


def _network_reason(exc: Exception) -> str:
    """Turn socket-level noise into the few reasons a user can recognise."""
    text = str(exc) or type(exc).__name__
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused"
    if any(
        s in lowered
        for s in (
            "name or service not known",
            "nodename nor servname",
            "getaddrinfo failed",
            "no address associated",
            "temporary failure in name resolution",
        )
    ):
        return "host not found"
    if "certificate" in lowered:
        return f"TLS certificate problem ({one_line(text, 120)})"
    if "reset" in lowered:
        return "connection reset by the server"
    return one_line(text)


def classify(fetched: Fetched) -> Kind:
    """HTML page, RSS/Atom feed or plain text; raises :class:`Problem` for anything else.

    Servers mislabel feeds often (``text/html``, ``text/plain``, ``application/octet-stream``),
    so the start of the body decides whenever the header is generic or disagrees.
    """
    head = fetched.body[:4096]
    looks_feed = _FEED_ROOT.search(head) is not None and not _HTML_ROOT.search(head)
    media = fetched.media_type
    if media in _FEED_TYPES or looks_feed:
        return "feed"
    if media in _HTML_TYPES:
        return "html"
    if media in _XML_TYPES:
        raise Problem(f"XML that is not an RSS or Atom feed ({media})")
    if media == "text/plain":
        return "text"
    if media in {"", "application/octet-stream"} and _HTML_ROOT.search(head):
        return "html"
    shown = f"content type '{media}'" if media else "content without a content type"
    raise Problem(f"unsupported {shown} (expected an HTML page or an RSS/Atom feed)")
