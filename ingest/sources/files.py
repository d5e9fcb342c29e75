"""Local paths: dispatch a file by extension, walk a folder.

Folders are walked recursively in sorted order (so reruns report in the same order), skipping
hidden files and folders (``.git``, editor swap files) and, silently, files of unsupported types:
a folder of articles often carries images or notes that were never meant as input. A file named
explicitly with an unsupported type is an error, since the user asked for it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from kutip.errors import InputError

from .common import Item, Limits, Problem, decode_text, humanize_name, one_line, too_big
from .feeds import load_feed
from .html import document_from_html
from .records import load_json, load_jsonl
from .text import document_from_text

TEXT_EXTENSIONS = frozenset({".txt", ".md", ".markdown"})
HTML_EXTENSIONS = frozenset({".html", ".htm"})
RECORD_EXTENSIONS = frozenset({".json", ".jsonl"})
FEED_EXTENSIONS = frozenset({".xml", ".rss", ".atom"})
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS | HTML_EXTENSIONS | RECORD_EXTENSIONS | FEED_EXTENSIONS
# "www.kompas.com/..." or "detik.com/berita": a URL typed without its scheme.
_LOOKS_LIKE_WEB_ADDRESS = re.compile(
    r"^(?:www\.|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/|$))", re.IGNORECASE
)


def supported_list() -> str:
    return ", ".join(sorted(SUPPORTED_EXTENSIONS))


def load_path(raw: str, limits: Limits) -> Iterator[Item]:
    """A file or a folder as the user named it; ``raw`` is how messages name it."""
    path = Path(raw).expanduser()
    try:
        if path.is_dir():
            yield from _load_folder(path, raw, limits)
        elif path.is_file():
            yield from load_file(path, raw, limits)
        elif path.exists():
            yield InputError(raw, "not a regular file or folder")
        elif _LOOKS_LIKE_WEB_ADDRESS.match(raw):
            yield InputError(raw, "no such file or directory (for a web page, start with https://)")
        else:
            yield InputError(raw, "no such file or directory")
    except PermissionError:
        yield InputError(raw, "cannot read: permission denied")


def load_file(path: Path, display: str, limits: Limits) -> Iterator[Item]:
    """One file; any failure, expected or not, becomes an error for this file only."""
    try:
        yield from _load_file(path, display, limits)
    except Problem as problem:
        yield InputError(display, str(problem))
    except OSError as exc:
        yield InputError(display, f"cannot read: {one_line(exc.strerror or exc).lower()}")
    except Exception as exc:  # a loader bug must not end the batch
        yield InputError(display, f"unexpected error: {type(exc).__name__}: {one_line(exc)}")


def _load_file(path: Path, display: str, limits: Limits) -> Iterator[Item]:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        shown = f"'{suffix}' (supported:" if suffix else "(no extension; supported:"
        raise Problem(f"unsupported file type {shown} {supported_list()})")
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise too_big("file", size, limits.max_bytes)
    data = path.read_bytes()[: limits.max_bytes + 1]
    if len(data) > limits.max_bytes:  # grew since stat
        raise too_big("file", len(data), limits.max_bytes)
    if not data.strip():
        raise Problem("empty file")
    key = str(path.resolve())
    if suffix in FEED_EXTENSIONS:
        yield from load_feed(data, origin=display, key_base=key, base_url=None, limits=limits)
        return
    if suffix in HTML_EXTENSIONS:
        if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise Problem("binary file, not text")
        yield document_from_html(
            data,
            key=key,
            url=None,
            fallback_title=humanize_name(path.name),
            fallback_source=path.name,
        )
        return
    text = decode_text(data)
    if not text.strip():
        raise Problem("empty file")
    resolved = Path(key)
    if suffix == ".json":
        yield from load_json(text, path=resolved, display=display)
    elif suffix == ".jsonl":
        yield from load_jsonl(text, path=resolved, display=display)
    else:
        yield document_from_text(
            text,
            key=key,
            fallback_title=humanize_name(path.name),
            source=path.name,
            markdown=suffix != ".txt",
        )


def _load_folder(folder: Path, display: str, limits: Limits) -> Iterator[Item]:
    errors: list[InputError] = []
    found = sorted(_walk(folder, display, errors.append), key=lambda rel: rel.parts)
    yield from errors
    if not found and not errors:
        yield InputError(
            display, f"no supported files in the folder (supported: {supported_list()})"
        )
    for relative in found:
        yield from load_file(folder / relative, os.path.join(display, relative), limits)


def _walk(folder: Path, display: str, report: Callable[[InputError], None]) -> Iterator[Path]:
    def on_error(exc: OSError) -> None:
        where = os.path.join(display, os.path.relpath(exc.filename or folder, folder))
        report(InputError(os.path.normpath(where), f"cannot read folder: {one_line(exc.strerror)}"))

    for root, dirs, files in os.walk(folder, onerror=on_error):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith(".") or Path(name).suffix.lower() not in SUPPORTED_EXTENSIONS:
                continue
            yield (Path(root) / name).relative_to(folder)
