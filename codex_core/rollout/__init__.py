"""Rollout files: the on-disk conversation history of each thread (CODEX_HOME/sessions).

Modules (import what you need; this package itself imports nothing):
- `paths`: file naming/locations, `resolve_inside` for client-supplied paths.
- `timefmt`: envelope / RFC3339-nanos / file-name timestamps.
- `policy`: which response items and events are persisted, and their stored shape.
- `writer`: `RolloutWriter`, the only code that writes rollout files (lazy, background thread).
- `reader`: streaming `iter_records`, `read_head` for listing.
- `history`: v2 turns (`build_turns`) and resume state (`model_history`).
- `session_index`: thread names in `session_index.jsonl`.
"""
