"""The conversation as files a browser can download: Markdown with footnotes, and JSON.

The text comes from :mod:`qa.export` (the same serializer as ``kutip ask --format``); this
module only decides where the files live. Each session writes into its own folder, named by a
hash of the session id (the browser controls that id, so it never becomes a path itself), under
the system temp folder, where Gradio is allowed to serve files from.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from qa import export
from qa.types import Answer
from ui.uploads import session_folder

STEM = "kutip-conversation"


def default_export_dir() -> Path:
    return Path(tempfile.gettempdir()) / "kutip-exports"


def write_conversation(
    answers: Sequence[Answer], root: Path, session_id: str | None
) -> tuple[Path, Path]:
    """Write ``answers`` as ``kutip-conversation.md`` and ``.json`` in the session's folder."""
    folder = session_folder(root, session_id)
    folder.mkdir(parents=True, exist_ok=True)
    markdown = folder / f"{STEM}.md"
    markdown.write_text(export.conversation_markdown(answers), encoding="utf-8")
    data = folder / f"{STEM}.json"
    data.write_text(export.conversation_json(answers) + "\n", encoding="utf-8")
    return markdown, data
