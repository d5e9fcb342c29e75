"""Uploaded files and pasted URLs, made safe before the ingestor sees them.

The browser controls an upload's file name and the session id, so neither may pick a path on
the server: the name is reduced to a plain basename and the session id is hashed into a folder
name. Files are copied (not moved) out of Gradio's cache into one folder per session, so the
article key the store records stays stable when the same file is uploaded again (same key, new
text = the article is updated, not duplicated) while two sessions never overwrite each other.

Pasted inputs must be http(s) URLs: the ingestor also accepts local paths, and letting a
browser name a server path would let anyone read the server's files into the article list.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ingest.progress import Meter

_MAX_NAME = 120
_UNSAFE = re.compile(r"[^\w.\- ()\[\]]+", re.UNICODE)


def human_size(n_bytes: int) -> str:
    """``20 MB``-style sizes for messages (decimal units, as file managers show them)."""
    if n_bytes < 1000:
        return f"{n_bytes} bytes"
    size = n_bytes / 1000
    units = ["KB", "MB", "GB"]
    while size >= 1000 and len(units) > 1:
        size /= 1000
        units.pop(0)
    return f"{size:.1f}".removesuffix(".0") + f" {units[0]}"


def sanitize_filename(name: str) -> str:
    """A basename that cannot leave its folder: no separators, no ``..``, no hidden files.

    Both ``/`` and ``\\`` count as separators (a Windows browser may send either), control and
    path-special characters become ``_``, and the result is never empty, ``.`` or ``..``.
    """
    name = unicodedata.normalize("NFKC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip(" .")
    name = name.lstrip("-")  # a leading dash reads as an option to command-line tools
    if len(name) > _MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: _MAX_NAME - len(ext) - 1] + "." + ext
        else:
            name = name[:_MAX_NAME]
    return name or "upload"


def session_folder(root: Path, session_id: str | None) -> Path:
    """``root/<hash of the session id>``: the id comes from the client, so it is never a path."""
    digest = hashlib.sha256((session_id or "anonymous").encode()).hexdigest()[:16]
    return root / digest


@dataclass
class Staged:
    """Files copied into the session folder, and the one-line problems of the rest."""

    paths: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def stage_uploads(
    files: list[str] | None, folder: Path, max_bytes: int, original_names: list[str] | None = None
) -> Staged:
    """Copy uploaded temp files into ``folder`` under sanitized names, refusing oversized ones.

    ``original_names`` are the names the user chose (Gradio keeps them as the temp file's
    basename, so they default to that). The size check happens before copying, so an oversized
    file costs no disk in the session folder.
    """
    staged = Staged()
    if not files:
        return staged
    names = original_names or [os.path.basename(f) for f in files]
    folder.mkdir(parents=True, exist_ok=True)
    root = folder.resolve()
    for tmp, original in zip(files, names, strict=False):
        shown = sanitize_filename(original)
        try:
            size = os.path.getsize(tmp)
        except OSError as exc:
            staged.problems.append(f"{shown}: could not read the upload ({exc.strerror})")
            continue
        if size > max_bytes:
            staged.problems.append(
                f"{shown}: {human_size(size)} is over the upload limit of {human_size(max_bytes)}"
                " (KUTIP_MAX_INPUT_BYTES)"
            )
            continue
        target = (root / shown).resolve()
        if target.parent != root:  # cannot happen after sanitizing; a second lock on the door
            staged.problems.append(f"{shown}: not a valid file name")
            continue
        shutil.copyfile(tmp, target)
        staged.paths.append(str(target))
    return staged


def split_urls(text: str | None) -> tuple[list[str], list[str]]:
    """Pasted text -> ``(http(s) URLs, one-line problems)``; one URL per line or space."""
    urls: list[str] = []
    problems: list[str] = []
    for token in (text or "").split():
        parts = urlsplit(token)
        if parts.scheme.lower() in ("http", "https") and parts.netloc:
            if token not in urls:
                urls.append(token)
        else:
            problems.append(f"{token[:80]}: not an http(s) URL (upload files with the file box)")
    return urls, problems


def upload_progress(progress: Callable[..., Any]) -> Callable[[int, int, str], None]:
    """The ingestor's ``(done, total, label)`` reports as Gradio progress with rate and time
    left: an upload of hundreds of articles runs for minutes, and "37/500" alone does not say
    whether that means coffee or lunch."""
    meter = Meter()

    def report(done: int, total: int, label: str) -> None:
        total = max(total, 1)
        text = meter.update(done, total).describe()
        name = os.path.basename(label) or label
        progress((done, total), desc=f"Stored {text} (last: {name[-40:]})")

    return report
