"""Error types whose message is the one line a user sees.

Every user-facing failure names the input and the problem in a single line, so the CLI and the
UI can print ``str(error)`` as is, without tracebacks.
"""

from __future__ import annotations


class KutipError(Exception):
    """Base class: the message is meant for the user, one line."""


class InputError(KutipError):
    """An input (file, URL, feed entry, record) that cannot be ingested."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class ConfigError(KutipError):
    """A setting that does not make sense (unknown backend, bad URL, mismatched store)."""


class MissingExtraError(KutipError):
    """An optional dependency is missing; the message names the extra to install."""

    def __init__(self, feature: str, extra: str, module: str) -> None:
        super().__init__(
            f"{feature} needs the Python module '{module}': pip install 'kutip[{extra}]'"
        )


class ModelAssetError(KutipError):
    """A model file is missing or does not match its checksum."""
