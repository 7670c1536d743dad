"""The OS keyring, for the stores that may keep secrets there (login tokens, MCP OAuth tokens)."""

from __future__ import annotations

from typing import Protocol


class KeyringBackend(Protocol):
    def get_password(self, service: str, username: str) -> str | None: ...

    def set_password(self, service: str, username: str, password: str) -> None: ...

    def delete_password(self, service: str, username: str) -> None: ...


def system_keyring() -> KeyringBackend | None:
    """The OS keyring when a real backend is available (none on headless CI)."""
    try:
        import keyring
        from keyring.backends import chainer, fail
    except Exception:  # not installed or broken install: behave as "no keyring"
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    if isinstance(backend, fail.Keyring):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend
