"""`codex mcp-server`: Codex as an MCP server (tools `codex` and `codex-reply`) over stdio."""
