"""JSON and JSON Lines records: ``{id?, title, text, url?, published?, source?, lang?}``.

Records are how scraped or exported articles arrive in bulk, so one bad record must not cost the
others: each gets its own error naming it (``path#record 3``, ``path#line 7``). Dates are lenient
on purpose: an unparseable ``published`` keeps the article with no date, because losing a whole
article over a date format is worse than losing its date filter; a date of the wrong JSON type
(a number, a list) is an error, since that means the export itself is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kutip.errors import InputError
from kutip.schema import SourceDocument

from .common import Item, Problem, normalize_lang, parse_date

_JSON_TYPES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true/false",
    type(None): "null",
}


def load_json(text: str, *, path: Path, display: str) -> Iterator[Item]:
    """A record, a list of records, or ``{"articles": [...]}``; records are numbered from 1."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield InputError(
            display, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        )
        return
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        records: list[Any] = data["articles"]
    elif isinstance(data, dict):
        records = [data]
    elif isinstance(data, list):
        records = data
    else:
        yield InputError(
            display,
            'expected a JSON object, a list of objects or {"articles": [...]}, '
            f"got {_kind(data)}",
        )
        return
    if not records:
        yield InputError(display, "no records in the file")
        return
    yield from _documents(((n, f"record {n}", r) for n, r in enumerate(records, 1)), path, display)


def load_jsonl(text: str, *, path: Path, display: str) -> Iterator[Item]:
    """One record per line; blank lines are skipped and records are named by line number."""

    def parsed() -> Iterator[tuple[int, str, Any]]:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                yield number, f"line {number}", json.loads(line)
            except json.JSONDecodeError as exc:
                yield (
                    number,
                    f"line {number}",
                    Problem(f"invalid JSON at column {exc.colno}: {exc.msg}"),
                )

    yield from _documents(parsed(), path, display, empty="no records in the file")


def _documents(
    records: Iterator[tuple[int, str, Any]],
    path: Path,
    display: str,
    empty: str | None = None,
) -> Iterator[Item]:
    seen: dict[str, str] = {}
    count = 0
    for number, label, record in records:
        count += 1
        name = f"{display}#{label}"
        try:
            if isinstance(record, Problem):
                raise record
            doc = record_document(record, fallback_key=f"{path}#{number}", source=path.name)
            if doc.key in seen:
                raise Problem(f"duplicate key {doc.key!r} (same url or id as {seen[doc.key]})")
        except Problem as problem:
            yield InputError(name, str(problem))
            continue
        seen[doc.key] = label
        yield doc
    if count == 0 and empty:
        yield InputError(display, empty)


def record_document(record: Any, *, fallback_key: str, source: str | None) -> SourceDocument:
    """Validate one record; the key is its url, else ``path#id``, else ``fallback_key``."""
    if not isinstance(record, dict):
        raise Problem(f"expected a JSON object, got {_kind(record)}")
    title = _required_text(record, "title")
    text = _required_text(record, "text")
    record_id = record.get("id")
    if record_id is not None and (
        isinstance(record_id, bool) or not isinstance(record_id, str | int)
    ):
        raise Problem(f"'id' must be a string or a number, got {_kind(record_id)}")
    url = _optional_text(record, "url")
    published_text = _optional_text(record, "published", hint=" such as 2024-02-03")
    base = fallback_key.rsplit("#", 1)[0]
    key = url or (f"{base}#{record_id}" if record_id not in (None, "") else fallback_key)
    return SourceDocument(
        key=key,
        title=" ".join(title.split()),
        text=text,
        source=_optional_text(record, "source") or source,
        url=url,
        published=parse_date(published_text),
        lang=normalize_lang(_optional_text(record, "lang")),
    )


def _required_text(record: dict[str, Any], field: str) -> str:
    if field not in record or record[field] is None:
        raise Problem(f"missing '{field}'")
    value = record[field]
    if not isinstance(value, str):
        raise Problem(f"'{field}' must be a string, got {_kind(value)}")
    if not value.strip():
        raise Problem(f"'{field}' is empty")
    return value


def _optional_text(record: dict[str, Any], field: str, hint: str = "") -> str | None:
    value = record.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Problem(f"'{field}' must be a string{hint}, got {_kind(value)}")
    return value.strip() or None


def _kind(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)
