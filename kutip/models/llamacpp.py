"""``ChatLlamaCpp``: a LangChain chat model running a local GGUF in-process with ``xllamacpp``.

Why in-process and why ``xllamacpp``: it is a prebuilt wheel (``llama-cpp-python`` compiles for
7 to 13 minutes here) and it embeds llama.cpp's own server engine, so chat templates, prompt
caching and OpenAI-shaped responses come from upstream instead of being re-implemented here.

Design points, each driven by a 2-core CPU box:

* Loading is lazy (first call or :meth:`ChatLlamaCpp.warm_up`) and shared: every instance with
  the same load parameters uses one engine from a process-wide registry guarded by a lock, so
  LangChain code that builds a new model object per request (or per test) does not load 1.1 GB
  of weights again. llama.cpp's task queue serialises concurrent requests on the single slot.
* Time to first token is dominated by prompt processing (about 60 tokens/s), so the slot keeps
  its KV cache between calls (``cache_prompt``): a request that repeats the previous prompt's
  prefix (same system prompt) only evaluates the new tail.
* Streaming is real: xllamacpp calls a callback per server-sent chunk while it blocks the caller,
  so a worker thread runs the request and a queue hands chunks to the generator; closing the
  generator early makes the next callback return ``True``, which cancels the generation.
* OpenMP threads sleep instead of spinning while they wait (``OMP_WAIT_POLICY=PASSIVE``),
  because spinning collapses throughput as soon as another process wants a core.
* The embedded server also listens on a loopback port (xllamacpp cannot switch that off); it is
  locked with a random API key so no other local process can use the model through it.
"""

from __future__ import annotations

import atexit
import importlib
import logging
import os
import queue
import secrets
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LangSmithParams
from langchain_core.language_models.chat_models import generate_from_stream
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.messages.ai import InputTokenDetails, UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from kutip.errors import KutipError, MissingExtraError, ModelAssetError

__all__ = ["ChatLlamaCpp", "LlamaCppError", "loaded_engines", "unload_all"]

log = logging.getLogger(__name__)

# The xllamacpp wheel's CPU backend synchronises its threads with OpenMP barriers, and libgomp's
# default is to spin-wait at each one. On a 2-core box that runs anything else at the same time
# (the embedder, an eval, a browser) the spinning thread holds the core its partner needs: we
# measured generation falling from ~20 to 0.6-0.8 tokens/s, and 8-10 tokens/s with sleeping
# waits. libgomp reads this once, when xllamacpp is first imported, so it is set here, before
# that import; a value already in the environment wins. (It also applies to other libgomp users
# loaded later in this process.)
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class LlamaCppError(KutipError):
    """The local model refused a request (for example a prompt longer than the context)."""


@dataclass(frozen=True)
class _LoadKey:
    """Everything that needs a separate copy of the weights; sampling settings are per request."""

    path: str
    n_ctx: int
    n_threads: int
    flash_attn: bool | None
    cache_ram_mib: int
    llama_log: bool


@dataclass
class _Engine:
    server: Any  # xllamacpp.Server (the extension ships no type information)
    load_seconds: float


_ENGINES: dict[_LoadKey, _Engine] = {}
_ENGINES_LOCK = threading.Lock()
_DONE = object()


def loaded_engines() -> int:
    """How many models are loaded in this process (for diagnostics and tests)."""
    with _ENGINES_LOCK:
        return len(_ENGINES)


def unload_all() -> None:
    """Free every loaded model (their memory returns to the OS once no call is running)."""
    with _ENGINES_LOCK:
        engines = list(_ENGINES.values())
        _ENGINES.clear()
    del engines  # the C++ destructor stops the engine's loop thread and frees the weights


# Stop the engines' C++ threads while the interpreter is still intact, not during teardown.
atexit.register(unload_all)


def _load_engine(key: _LoadKey) -> _Engine:
    try:
        xllamacpp = importlib.import_module("xllamacpp")  # untyped extension: keep it Any
    except ImportError as exc:
        raise MissingExtraError("the local model (llamacpp)", "llm", "xllamacpp") from exc

    path = Path(key.path)
    if not path.is_file():
        raise ModelAssetError(f"{path}: model file not found")
    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.n_ctx = key.n_ctx
    params.n_parallel = 1  # one slot: requests queue up and keep one warm prompt cache
    params.cpuparams.n_threads = key.n_threads
    params.cpuparams_batch.n_threads = key.n_threads
    params.cache_prompt = True
    params.cache_ram_mib = key.cache_ram_mib  # upstream default is 8 GiB of saved prompt states
    params.fit_params = False  # skips a dry-run load that only matters for GPU offload (-1 s)
    params.verbosity = 3 if key.llama_log else -1  # -1 silences llama.cpp's stderr chatter
    params.api_keys = [secrets.token_urlsafe(32)]  # nobody else may use the loopback listener
    params.ui = False
    params.n_threads_http = 1
    if key.flash_attn is not None:
        params.flash_attn_type = 1 if key.flash_attn else 0
    started = time.perf_counter()
    try:
        server = xllamacpp.Server(params)
    except Exception as exc:  # llama.cpp only says "Failed to init server"
        raise ModelAssetError(
            f"{path}: llama.cpp could not load this model (not a GGUF file, or corrupt); "
            "set KUTIP_LLAMA_LOG=1 to see llama.cpp's log"
        ) from exc
    seconds = time.perf_counter() - started
    log.info("loaded %s in %.1f s", path.name, seconds)
    return _Engine(server=server, load_seconds=seconds)


class ChatLlamaCpp(BaseChatModel):
    """Chat model over a local GGUF file, run in this process by llama.cpp (``xllamacpp``).

    Constructing it is cheap and never touches the weights; the first call (or
    :meth:`warm_up`) loads them. Defaults suit a small instruct model answering from evidence:
    greedy decoding, and a repeat penalty because without it the 1.5B model loops.
    """

    model_path: Path
    """The ``.gguf`` file (see :func:`kutip.models.gguf.ensure_model`)."""
    n_ctx: int = 2048
    """Context window in tokens: prompt plus answer must fit."""
    n_threads: int = 2
    """CPU threads for prompt processing and generation (more than the cores only hurts)."""
    temperature: float = 0.0
    repeat_penalty: float = 1.15
    max_tokens: int | None = None
    """Cap on generated tokens; ``None`` lets the model stop by itself or at ``n_ctx``."""
    stop: list[str] | None = None
    seed: int | None = None
    """Sampling seed, only relevant with ``temperature > 0``."""
    cache_prompt: bool = True
    """Reuse the KV cache of the previous prompt's common prefix (the main TTFT lever)."""
    cache_ram_mib: int = 256
    """RAM for prompt states saved when the slot switches prompts (llama.cpp default 8 GiB)."""
    flash_attn: bool | None = None
    """``None`` lets llama.cpp decide."""
    streaming: bool = False
    """Route ``invoke`` through the streaming path (LangChain's convention)."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Extra fields for llama.cpp's chat-completions request (``top_k``, ``min_p``, ...)."""
    llama_log: bool = Field(default_factory=lambda: os.environ.get("KUTIP_LLAMA_LOG") == "1")
    """Let llama.cpp log to stderr (off: it prints hundreds of lines per load)."""

    # -- LangChain plumbing ---------------------------------------------------------------

    @property
    def _llm_type(self) -> str:
        return "llamacpp"

    @property
    def model_name(self) -> str:
        """The file name without ``.gguf``: what traces and ``response_metadata`` report."""
        return Path(self.model_path).stem

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {
            "model_path": str(self.model_path),
            "n_ctx": self.n_ctx,
            "n_threads": self.n_threads,
            "temperature": self.temperature,
            "repeat_penalty": self.repeat_penalty,
            "max_tokens": self.max_tokens,
            "stop": self.stop,
            "seed": self.seed,
        }

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = LangSmithParams(
            ls_provider="llamacpp",
            ls_model_name=kwargs.get("model", self.model_name),
            ls_model_type="chat",
            ls_temperature=kwargs.get("temperature", self.temperature),
        )
        max_tokens = kwargs.get("max_tokens", self.max_tokens)
        if max_tokens is not None:
            params["ls_max_tokens"] = max_tokens
        stop = stop if stop is not None else self.stop
        if stop:
            params["ls_stop"] = stop
        return params

    # -- loading --------------------------------------------------------------------------

    def _load_key(self) -> _LoadKey:
        return _LoadKey(
            path=os.path.realpath(self.model_path),
            n_ctx=self.n_ctx,
            n_threads=self.n_threads,
            flash_attn=self.flash_attn,
            cache_ram_mib=self.cache_ram_mib,
            llama_log=self.llama_log,
        )

    def _get_engine(self) -> _Engine:
        """The shared engine for this configuration, loaded under the registry lock if needed.

        Looked up on every call rather than cached on the instance, so :func:`unload_all` and
        :meth:`release` really free the weights (once running calls finish).
        """
        key = self._load_key()
        engine = _ENGINES.get(key)
        if engine is None:
            with _ENGINES_LOCK:
                engine = _ENGINES.get(key)
                if engine is None:
                    engine = _ENGINES[key] = _load_engine(key)
        return engine

    def _server(self) -> Any:
        return self._get_engine().server

    @property
    def is_loaded(self) -> bool:
        """Whether the weights for this configuration are in memory (constructing never loads)."""
        return self._load_key() in _ENGINES

    def warm_up(self, prefix: Sequence[BaseMessage] = ()) -> float:
        """Load the model now instead of on the first question; returns the load time in seconds.

        Given ``prefix`` (typically the fixed system prompt), it is also evaluated once, so the
        first real request that starts with the same messages only pays for its own tail.
        """
        engine = self._get_engine()
        if prefix:
            self._request(list(prefix), None, {"max_tokens": 1})
        return engine.load_seconds

    def release(self) -> None:
        """Unload the engine for this configuration, for every instance that shares it.

        The memory returns once calls still running on it finish; the next call loads again.
        """
        with _ENGINES_LOCK:
            _ENGINES.pop(self._load_key(), None)

    # -- requests -------------------------------------------------------------------------

    def _payload(
        self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "messages": [_to_openai(m) for m in messages],
            "temperature": self.temperature,
            "repeat_penalty": self.repeat_penalty,
            "cache_prompt": self.cache_prompt,
        }
        if self.max_tokens is not None:
            payload["max_tokens"] = self.max_tokens
        if self.seed is not None:
            payload["seed"] = self.seed
        stop = stop if stop is not None else self.stop
        if stop:
            payload["stop"] = list(stop)
        payload.update(self.model_kwargs)
        payload.update({k: v for k, v in kwargs.items() if k not in ("stream", "model")})
        return payload

    def _request(
        self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        server = self._server()
        payload = self._payload(messages, stop, kwargs)
        payload["stream"] = False
        response: dict[str, Any] = server.handle_chat_completions(payload)
        _raise_for_error(response)
        return response

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if self.streaming and kwargs.get("stream", True):
            return generate_from_stream(self._stream(messages, stop, run_manager, **kwargs))
        response = self._request(messages, stop, kwargs)
        choice = response["choices"][0]
        metadata = self._response_metadata(choice.get("finish_reason"), response)
        if choice.get("logprobs"):
            # Asked for with ``logprobs=True, top_logprobs=k``; where ChatOpenAI puts them.
            metadata["logprobs"] = choice["logprobs"]
        message = AIMessage(
            content=choice["message"].get("content") or "",
            response_metadata=metadata,
            usage_metadata=_usage(response.get("usage")),
            id=response.get("id"),
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        server = self._server()
        payload = self._payload(messages, stop, kwargs)
        payload["stream"] = True
        payload["stream_options"] = {"include_usage": True}

        chunks: queue.SimpleQueue[Any] = queue.SimpleQueue()
        cancelled = threading.Event()

        def on_chunk(data: dict[str, Any]) -> bool:
            chunks.put(data)
            return cancelled.is_set()  # True tells llama.cpp to stop generating

        def worker() -> None:
            try:
                server.handle_chat_completions(payload, on_chunk)
            except BaseException as exc:  # handed over and re-raised in the consumer thread
                chunks.put(exc)
            finally:
                chunks.put(_DONE)

        thread = threading.Thread(target=worker, name="kutip-llamacpp-stream", daemon=True)
        thread.start()
        finish_reason: str | None = None
        usage: UsageMetadata | None = None
        last: dict[str, Any] = {}
        try:
            while (item := chunks.get()) is not _DONE:
                if isinstance(item, BaseException):
                    raise item
                _raise_for_error(item)
                last = item
                if item.get("usage"):
                    usage = _usage(item["usage"])
                for choice in item.get("choices") or ():
                    finish_reason = choice.get("finish_reason") or finish_reason
                    text = (choice.get("delta") or {}).get("content")
                    if text:
                        chunk = ChatGenerationChunk(
                            message=AIMessageChunk(content=text, id=item.get("id"))
                        )
                        if run_manager is not None:
                            run_manager.on_llm_new_token(text, chunk=chunk)
                        yield chunk
        finally:
            cancelled.set()  # also reached when the consumer stops iterating early
        # One closing chunk carries the metadata: LangChain concatenates string fields of
        # response_metadata across chunks, so they must appear exactly once.
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                id=last.get("id"),
                usage_metadata=usage,
                response_metadata=self._response_metadata(finish_reason, last),
                chunk_position="last",
            ),
            generation_info={"finish_reason": finish_reason},
        )

    def _response_metadata(
        self, finish_reason: str | None, response: dict[str, Any]
    ) -> dict[str, Any]:
        metadata: dict[str, Any] = {"model_name": self.model_name, "finish_reason": finish_reason}
        if response.get("timings"):
            metadata["timings"] = response["timings"]
        return metadata


_ROLES: dict[type[BaseMessage], str] = {
    SystemMessage: "system",
    HumanMessage: "user",
    AIMessage: "assistant",
    AIMessageChunk: "assistant",
    ToolMessage: "tool",
}


def _to_openai(message: BaseMessage) -> dict[str, Any]:
    """One LangChain message as an OpenAI chat message with plain-text content.

    The model is text-only, so media blocks in a user turn are an error rather than being
    dropped silently; non-text blocks of earlier assistant turns (reasoning, tool-call
    bookkeeping) carry nothing the model can use and are skipped.
    """
    if isinstance(message, ChatMessage):
        role = message.role
    else:
        role = next((r for cls, r in _ROLES.items() if isinstance(message, cls)), "")
        if not role:
            raise ValueError(f"ChatLlamaCpp cannot send a {type(message).__name__}")
    content = message.content
    if isinstance(content, str):
        text = content
    else:
        parts: list[str] = []
        for block in content:
            if isinstance(block, str):
                parts.append(block)
            elif block.get("type") == "text":
                parts.append(str(block.get("text", "")))
            elif role in ("user", "system"):
                raise ValueError(
                    f"ChatLlamaCpp is text-only; cannot send a {block.get('type')!r} block"
                )
        text = "".join(parts)
    out: dict[str, Any] = {"role": role, "content": text}
    if isinstance(message, ToolMessage):
        out["tool_call_id"] = message.tool_call_id
    return out


def _raise_for_error(response: dict[str, Any]) -> None:
    error = response.get("error")
    if error is None and "code" in response and "message" in response and "choices" not in response:
        error = response  # xllamacpp's own wrapper reports JSON failures in this flat shape
    if error is not None:
        message = error.get("message", error) if isinstance(error, dict) else error
        raise LlamaCppError(f"local model: {message}")


def _usage(raw: dict[str, Any] | None) -> UsageMetadata | None:
    if not raw:
        return None
    prompt = int(raw.get("prompt_tokens", 0))
    completion = int(raw.get("completion_tokens", 0))
    usage = UsageMetadata(
        input_tokens=prompt,
        output_tokens=completion,
        total_tokens=int(raw.get("total_tokens", prompt + completion)),
    )
    cached = (raw.get("prompt_tokens_details") or {}).get("cached_tokens")
    if cached is not None:
        usage["input_token_details"] = InputTokenDetails(cache_read=int(cached))
    return usage
