"""`codex app-server`: JSON-RPC-lite server over stdio or websocket."""
