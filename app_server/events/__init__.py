"""Core events -> v2 notifications and the legacy `codex/event/*` stream."""
