"""Errors that name the file (and line or byte) a person must fix."""

from __future__ import annotations


class ContentError(Exception):
    """A problem with one input file; the build reports it and goes on with the others."""

    def __init__(
        self,
        source: str,
        message: str,
        *,
        line: int | None = None,
        byte: int | None = None,
        key: str | None = None,
    ):
        """``key``: the (dotted) metadata key at fault, for a caller that has the
        file's text to find its line (``at_line``)."""
        self.source = source
        self.line = line
        self.byte = byte
        self.key = key
        self.message = message
        where = source
        if line is not None:
            where += f":{line}"
        if byte is not None:
            where += f" (byte {byte})"
        super().__init__(f"{where}: {message}")

    def at_line(self, line: int | None) -> ContentError:
        """This error placed at ``line`` (unchanged when it has a line, or none is given)."""
        if line is None or self.line is not None:
            return self
        return ContentError(self.source, self.message, line=line, byte=self.byte, key=self.key)


class ConfigError(Exception):
    """A bad site configuration: names the file and the key."""
