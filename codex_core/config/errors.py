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
        end_column: int | None = None,
    ) -> None:
        self.detail = message
        self.path = path
        self.line = line
        self.column = column
        self.end_column = end_column if end_column is not None else column
        self.key = key
        super().__init__(self._render())

    def _render(self) -> str:
        key = f" (key `{self.key}`)" if self.key else ""
        return f"{self.located()}{key}"

    def located(self) -> str:
        """`path:line:column: detail`, the form serde-based tools print (no key suffix)."""
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return f"{where}{self.detail}"


class CodexHomeError(ConfigError):
    """CODEX_HOME points somewhere unusable."""


class ConfigSyntaxError(ConfigError):
    """A config file that cannot be read as TOML at all."""


class ConfigValidationError(ConfigError):
    """A known key has a value of the wrong type or outside its allowed set."""


class ConfigVersionConflict(ConfigError):
    """The file changed since the caller read it (optimistic concurrency)."""


class ConfigOverrideError(ConfigError):
    """A `-c key=value` override could not be understood."""


class ConfigPathNotFound(ConfigError):
    """A write clears a key below a table that is not there (the reference's `configPathNotFound`)."""


class ConfigValueError(ConfigError):
    """A write's value TOML cannot hold, or a key below something that is not a table."""
