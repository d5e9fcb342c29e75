"""Source loaders: files, folders, URLs and feeds in, ``SourceDocument`` or ``InputError`` out.

One bad input (a missing file, a 404, a broken record) must never stop a batch, so loaders yield
an :class:`~kutip.errors.InputError` in its place and carry on; the pipeline reports it and
ingests the rest. Loaders return raw text: the pipeline runs :func:`ingest.clean.clean_text`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from urllib.parse import unquote, urlsplit

from kutip.errors import InputError
from kutip.schema import SourceDocument

from .common import Item, Limits, one_line
from .files import SUPPORTED_EXTENSIONS, load_path
from .web import load_url

__all__ = ["SUPPORTED_EXTENSIONS", "load_sources"]

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def load_sources(
    inputs: Sequence[str], *, max_bytes: int, timeout: float
) -> Iterator[SourceDocument | InputError]:
    """Load every input in order: paths, folders, ``http(s)://`` pages and feeds, ``file://``.

    Yields documents and errors as it goes; never raises for a bad input. ``max_bytes`` caps
    each file or response, ``timeout`` each network operation (seconds).
    """
    limits = Limits(max_bytes=max_bytes, timeout=timeout)
    for raw in inputs:
        yield from _guarded(raw, _loader(raw.strip(), limits))


def _loader(raw: str, limits: Limits) -> Callable[[], Iterator[Item]]:
    if not raw:
        return lambda: iter([InputError("(blank input)", "expected a file, folder or URL")])
    scheme = _SCHEME.match(raw)
    if not scheme:
        return lambda: load_path(raw, limits)
    name = scheme.group(1).lower()
    if name in {"http", "https"}:
        return lambda: load_url(raw, limits)
    if name == "file":
        return lambda: load_path(unquote(urlsplit(raw).path), limits)
    problem = f"unsupported URL scheme '{name}' (supported: http, https, file)"
    return lambda: iter([InputError(raw, problem)])


def _guarded(raw: str, make: Callable[[], Iterator[Item]]) -> Iterator[Item]:
    """Run one input's loader; an unexpected exception becomes that input's last error."""
    try:
        yield from make()
    except Exception as exc:  # the batch continues whatever one input does
        yield InputError(raw, f"unexpected error: {type(exc).__name__}: {one_line(exc)}")
