"""Evaluation sets in three formats, loaded into one shape the runner understands.

- SQuAD v2 JSON: each ``context`` is one article; answer spans locate the evidence sentence;
  ``answers_en`` (the cross-lingual sets) are accepted answers in another language.
- BEIR folders: ``corpus.jsonl``, ``queries.jsonl``, ``qrels/<split>.tsv``; passage relevance
  only (no answers, no evidence sentences), so answer metrics stay null for them.
- The user JSONL: ``{"question", "evidence": substring of the supporting sentence | null,
  "answers": [...]}``, over articles the user ingests (``--articles``) or already has
  (``--collection``). Optional fields: ``"id"``, ``"article"`` (the key or id of the article the
  evidence is in), ``"impossible"``.

Everything is converted once into frozen records so the runner never branches on the format.
Identical passages (the same context under two titles) become one passage: ingest stores
articles by content hash, so two keys with one text would otherwise point at one article and
leave the other key unresolvable.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kutip.errors import InputError


@dataclass(frozen=True)
class Passage:
    """One article of the dataset; ``key`` becomes the ``SourceDocument`` key at ingest."""

    key: str
    title: str
    text: str


@dataclass(frozen=True)
class Question:
    """One question with everything needed to judge retrieval, evidence and answers.

    ``answers`` are spans of the passage (``answer_starts[i]`` is the offset of ``answers[i]``,
    ``-1`` when unknown; empty when the answers are not spans, as in the user JSONL);
    ``answers_alt`` are accepted answers in another language. ``evidence`` are substrings of the
    supporting sentence (user JSONL). ``relevant`` holds graded passage relevance when there is
    more than one relevant passage (BEIR).
    """

    id: str
    text: str
    passage_key: str | None
    answers: tuple[str, ...] = ()
    answers_alt: tuple[str, ...] = ()
    answer_starts: tuple[int, ...] = ()
    evidence: tuple[str, ...] = ()
    impossible: bool = False
    relevant: tuple[tuple[str, int], ...] = ()

    @property
    def qrels(self) -> dict[str, int]:
        """Passage key -> relevance grade (empty when no passage is known)."""
        if self.relevant:
            return dict(self.relevant)
        return {self.passage_key: 1} if self.passage_key else {}

    @property
    def gold_answers(self) -> tuple[str, ...]:
        """Every accepted answer, spans first."""
        return self.answers + self.answers_alt


@dataclass
class EvalSet:
    """A loaded dataset: its articles (may be empty for JSONL) and its questions."""

    name: str
    kind: str  # "squad" | "beir" | "jsonl"
    path: Path
    passages: list[Passage] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)

    @property
    def answerable(self) -> list[Question]:
        return [q for q in self.questions if not q.impossible]

    @property
    def unanswerable(self) -> list[Question]:
        return [q for q in self.questions if q.impossible]


def dataset_name(path: Path) -> str:
    """``xling-en-id.dev`` for ``.../xling-en-id.dev.json``; the folder name for BEIR."""
    path = Path(path)
    return path.name if path.is_dir() else path.name.rsplit(".", 1)[0]


def load_dataset(
    path: str | Path,
    name: str | None = None,
    split: str | None = None,
    require_questions: bool = True,
) -> EvalSet:
    """Load any supported format, chosen by what ``path`` is (folder, ``.jsonl``, ``.json``).

    ``require_questions=False`` accepts a SQuAD file of bare paragraphs (distractor passages).
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise InputError(str(path), "no such file or folder")
    name = name or dataset_name(path)
    if path.is_dir():
        return load_beir(path, name=name, split=split)
    if path.suffix.lower() == ".jsonl":
        return load_jsonl(path, name=name)
    return load_squad(path, name=name, require_questions=require_questions)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(str(path), f"not readable JSON ({exc})") from exc


def _iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"not readable ({exc})") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}", f"not a JSON object ({exc.msg})") from exc
        if not isinstance(record, dict):
            raise InputError(f"{path}:{number}", "expected a JSON object")
        yield number, record


def load_squad(
    path: str | Path, name: str | None = None, require_questions: bool = True
) -> EvalSet:
    """SQuAD v2 JSON (``data[].paragraphs[].context/qas``), plus ``answers_en`` where present."""
    path = Path(path)
    name = name or dataset_name(path)
    data = _read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise InputError(str(path), "not SQuAD JSON: expected a top-level 'data' list")
    keys_by_text: dict[str, str] = {}
    passages: list[Passage] = []
    questions: list[Question] = []
    for article in data["data"]:
        # SQuAD titles are Wikipedia page names ("European_Union_law"): shown to the answer
        # model as they are, the 1.5B model answered with the underscored title itself.
        title = str(article.get("title") or "").replace("_", " ").strip()
        for paragraph in article.get("paragraphs", []):
            context = paragraph.get("context")
            if not isinstance(context, str) or not context.strip():
                raise InputError(str(path), f"a paragraph of {title!r} has no 'context' text")
            key = keys_by_text.get(context)
            if key is None:
                key = keys_by_text[context] = f"{name}#{len(passages)}"
                passages.append(Passage(key=key, title=title, text=context))
            for qa in paragraph.get("qas", []):
                questions.append(_squad_question(path, qa, key, len(questions)))
    if not questions and require_questions:
        raise InputError(str(path), "no questions found")
    return EvalSet(name=name, kind="squad", path=path, passages=passages, questions=questions)


def _squad_question(path: Path, qa: dict[str, Any], key: str, index: int) -> Question:
    text = qa.get("question")
    if not isinstance(text, str) or not text.strip():
        raise InputError(str(path), f"question #{index + 1} has no 'question' text")
    spans = list(
        dict.fromkeys(
            (str(a["text"]), int(a.get("answer_start", -1)))
            for a in qa.get("answers", [])
            if str(a.get("text", "")).strip()
        )
    )
    alt = [str(a) for a in qa.get("answers_en", []) if str(a).strip()]
    impossible = bool(qa.get("is_impossible", not spans and not alt))
    return Question(
        id=str(qa.get("id") or f"q{index}"),
        text=text.strip(),
        passage_key=key,
        answers=tuple(t for t, _ in spans),
        answers_alt=tuple(dict.fromkeys(alt)),
        answer_starts=tuple(s for _, s in spans),
        impossible=impossible,
    )


_BEIR_SPLITS = ("dev", "validation", "valid", "test", "train")


def load_beir(folder: str | Path, name: str | None = None, split: str | None = None) -> EvalSet:
    """A BEIR folder; ``split`` names ``qrels/<split>.tsv`` (default: dev, else the first found).

    Only queries that have a relevant passage in the split are kept, as BEIR's own evaluation
    does; relevance 0 rows mean "judged not relevant" and are dropped.
    """
    folder = Path(folder)
    name = name or dataset_name(folder)
    corpus_path, queries_path = folder / "corpus.jsonl", folder / "queries.jsonl"
    for needed in (corpus_path, queries_path):
        if not needed.is_file():
            raise InputError(str(folder), f"not a BEIR folder: {needed.name} is missing")
    qrels_path = _beir_qrels_path(folder, split)
    passages = [
        Passage(f"{name}#{rec['_id']}", str(rec.get("title") or ""), str(rec["text"]))
        for _, rec in _iter_jsonl(corpus_path)
        if "_id" in rec and str(rec.get("text") or "").strip()
    ]
    texts = {str(rec["_id"]): str(rec.get("text", "")) for _, rec in _iter_jsonl(queries_path)}
    relevant: dict[str, dict[str, int]] = {}
    with qrels_path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if len(row) < 3 or row[0] in ("query-id", "query_id", "qid"):
                continue
            try:
                grade = int(float(row[2]))
            except ValueError as exc:
                raise InputError(str(qrels_path), f"bad relevance value {row[2]!r}") from exc
            if grade > 0:
                relevant.setdefault(row[0], {})[f"{name}#{row[1]}"] = grade
    questions = []
    for qid, grades in relevant.items():
        if qid not in texts:
            continue
        best = max(grades, key=lambda k: grades[k])
        questions.append(
            Question(id=qid, text=texts[qid], passage_key=best, relevant=tuple(grades.items()))
        )
    if not questions:
        raise InputError(str(qrels_path), "no query with a relevant passage")
    return EvalSet(name=name, kind="beir", path=folder, passages=passages, questions=questions)


def _beir_qrels_path(folder: Path, split: str | None) -> Path:
    qrels = folder / "qrels"
    if split:
        path = qrels / f"{split}.tsv"
        if not path.is_file():
            raise InputError(str(folder), f"no qrels/{split}.tsv")
        return path
    for candidate in _BEIR_SPLITS:
        if (qrels / f"{candidate}.tsv").is_file():
            return qrels / f"{candidate}.tsv"
    raise InputError(str(folder), "not a BEIR folder: no qrels/*.tsv")


def load_jsonl(path: str | Path, name: str | None = None) -> EvalSet:
    """The user format: questions over articles that come from ``--articles`` or ``--collection``.

    A record with neither evidence nor answers is a question the articles cannot answer (unless
    ``"impossible": false`` says otherwise).
    """
    path = Path(path)
    name = name or dataset_name(path)
    questions = []
    for number, rec in _iter_jsonl(path):
        where = f"{path}:{number}"
        text = rec.get("question")
        if not isinstance(text, str) or not text.strip():
            raise InputError(where, "missing 'question'")
        evidence = rec.get("evidence")
        if evidence is not None and (not isinstance(evidence, str) or not evidence.strip()):
            raise InputError(where, "'evidence' must be a non-empty string or null")
        answers = rec.get("answers") or []
        if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
            raise InputError(where, "'answers' must be a list of strings")
        answers = [a for a in answers if a.strip()]
        impossible = rec.get("impossible")
        if impossible is None:
            impossible = evidence is None and not answers
        article = rec.get("article")
        questions.append(
            Question(
                id=str(rec.get("id") or f"{name}-{number}"),
                text=text.strip(),
                passage_key=str(article) if article else None,
                answers=tuple(answers),
                evidence=(evidence.strip(),) if evidence else (),
                impossible=bool(impossible),
            )
        )
    if not questions:
        raise InputError(str(path), "no questions found")
    return EvalSet(name=name, kind="jsonl", path=path, questions=questions)
