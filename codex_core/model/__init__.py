"""Model client: talks to the Responses API (or Chat Completions) and yields normalized events.

Kept import-light on purpose: `httpx` is only imported when a client is actually built, so
start-up paths that merely reference these types stay fast.  Import the submodules directly:
``codex_core.model.client``, ``.request``, ``.events``, ``.errors``, ``.families``, ``.auth``.
"""

from __future__ import annotations

__all__: list[str] = []
