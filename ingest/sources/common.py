"""Helpers every loader shares: limits, the problem signal, decoding, dates, names.

Loaders report a failed input by raising :class:`Problem` with the problem text only; the caller
that knows how the user named the input (a path, ``path#record 3``, ``feed -> entry``) turns it
into an :class:`~kutip.errors.InputError`. That keeps every message in the same
``<input>: <problem>`` shape without threading display names through every helper.
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from charset_normalizer import from_bytes
from dateutil.parser import isoparse

from kutip.errors import InputError
from kutip.schema import SourceDocument

Item = SourceDocument | InputError
"""What loaders yield: a document, or the one-line reason one input could not be loaded."""

LIMIT_SETTING = "KUTIP_MAX_INPUT_BYTES"


class Problem(Exception):
    """Why one input cannot be loaded; the message is the problem part of an InputError."""


@dataclass(frozen=True)
class Limits:
    """Per-input limits: bytes read from a file or response, seconds per network operation."""

    max_bytes: int
    timeout: float


def one_line(text: object, limit: int = 200) -> str:
    """Collapse whitespace so library exception texts fit the one-line error contract."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def human_size(n: int) -> str:
    """Decimal units, matching how ``KUTIP_MAX_INPUT_BYTES`` is usually written (20_000_000)."""
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if n >= size:
            value = n / size
            return (
                f"{value:.0f} {unit}"
                if value >= 10 or value == int(value)
                else f"{value:.1f} {unit}"
            )
    return f"{n} bytes"


def too_big(what: str, size: int | None, limit: int) -> Problem:
    """The over-the-limit problem; ``size`` is None when a stream was cut before its end."""
    amount = f"is {human_size(size)}, over" if size is not None else "is over"
    return Problem(f"{what} {amount} the limit of {human_size(limit)} ({LIMIT_SETTING})")


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_ALLOWED_CONTROLS = set("\t\n\r\f\v")
# Text with more than this share of control characters is binary that happened to decode.
_MAX_CONTROL_SHARE = 0.01


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode bytes that should be text: BOM, declared charset, UTF-8, then detection.

    Detection prefers cp1252 whenever it is among the cleanest candidates: charset-normalizer
    cannot tell cp1250 from cp1252 on short Western text, and for Indonesian and English news
    cp1252 (Windows "ANSI") is by far the likelier legacy encoding.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(codec, errors="replace"))
    if b"\x00" in data[:8192]:
        raise Problem("binary file, not text")
    if declared:
        try:
            return _checked(data.decode(declared, errors="replace"))
        except LookupError:
            pass  # unknown charset label: fall through to sniffing
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    matches = list(from_bytes(data))
    if not matches:
        raise Problem("cannot decode text (not UTF-8 and no charset detected)")
    best = min(match.chaos for match in matches)
    for match in matches:
        if match.chaos <= best and "cp1252" in match.could_be_from_charset:
            return _checked(data.decode("cp1252", errors="replace"))
    return _checked(str(matches[0]))


def _checked(text: str) -> str:
    if text:
        controls = sum(1 for ch in text if ch < " " and ch not in _ALLOWED_CONTROLS)
        if controls / len(text) > _MAX_CONTROL_SHARE:
            raise Problem("binary file, not text")
    return text


def parse_date(value: str | None) -> datetime | None:
    """ISO 8601 or RFC 2822 to an aware UTC datetime; anything else gives None.

    Naive values are taken as UTC so every stored date compares with every filter bound (Python
    refuses to compare naive and aware datetimes).
    """
    if not value or not value.strip():
        return None
    text = value.strip()
    parsed: datetime | None
    try:
        parsed = isoparse(text)
    except (ValueError, OverflowError):
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


_LANG = re.compile(r"[A-Za-z]{2,3}")
# Legacy or alias codes seen in the wild for the product's languages.
_LANG_ALIASES = {"in": "id", "ind": "id", "eng": "en"}


def normalize_lang(value: str | None) -> str | None:
    """``"id-ID"`` -> ``"id"``: the primary subtag, which is what language filters compare."""
    if not value:
        return None
    primary = re.split(r"[-_]", value.strip(), maxsplit=1)[0]
    if not _LANG.fullmatch(primary):
        return None
    code = primary.lower()
    if code in {"und", "mul", "zxx", "xx"}:
        return None
    return _LANG_ALIASES.get(code, code)


_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,6}$")
_LANG_SUFFIX = re.compile(r"\.[a-z]{2}$")


def humanize_name(name: str) -> str:
    """A title from a file or URL name: ``us-troops-iraq.id.txt`` -> ``Us troops iraq``.

    Used when a text has no headline line, so the title at least tells the user which file the
    article came from. The extension and a two-letter language tag before it (``.id``) go.
    """
    stem = _LANG_SUFFIX.sub("", _EXTENSION.sub("", name)) or name
    words = " ".join(re.sub(r"[-_.+]+", " ", stem).split())
    return words[:1].upper() + words[1:] if words else name


def title_from_url(url: str) -> str:
    """The last path segment, humanized, or the host: a fallback title for a web page."""
    parts = urlsplit(url)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if segments:
        return humanize_name(segments[-1])
    return host_of(url) or url


def host_of(url: str) -> str | None:
    """``https://www.kompas.com/x`` -> ``kompas.com``: the source name when a site has none."""
    host = urlsplit(url).hostname
    if not host:
        return None
    return host.removeprefix("www.")
