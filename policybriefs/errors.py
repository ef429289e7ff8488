"""Errors that name the file (and line or byte) a person must fix."""

from __future__ import annotations


class ContentError(Exception):
    """A problem with one input file; the build reports it and goes on with the others."""

    def __init__(
        self, source: str, message: str, *, line: int | None = None, byte: int | None = None
    ):
        self.source = source
        self.line = line
        self.byte = byte
        self.message = message
        where = source
        if line is not None:
            where += f":{line}"
        if byte is not None:
            where += f" (byte {byte})"
        super().__init__(f"{where}: {message}")


class ConfigError(Exception):
    """A bad site configuration: names the file and the key."""
