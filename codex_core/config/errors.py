"""Config errors: each names the file, line and key it is about, so the CLI can print one line."""

from __future__ import annotations

from pathlib import Path


class ConfigError(Exception):
    """A config problem a user can fix; `str()` is the one-line message shown to them."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        column: int | None = None,
        key: str | None = None,
    ) -> None:
        self.detail = message
        self.path = path
        self.line = line
        self.column = column
        self.key = key
        super().__init__(self._render())

    def _render(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        key = f" (key `{self.key}`)" if self.key else ""
        return f"{where}{self.detail}{key}"


class CodexHomeError(ConfigError):
    """CODEX_HOME points somewhere unusable."""


class ConfigValidationError(ConfigError):
    """A known key has a value of the wrong type or outside its allowed set."""


class ConfigVersionConflict(ConfigError):
    """The file changed since the caller read it (optimistic concurrency)."""


class ConfigOverrideError(ConfigError):
    """A `-c key=value` override could not be understood."""
