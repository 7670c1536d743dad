"""`python -m mcp_server`: the MCP server without the CLI in front (no config check before
serving, no `-c` options); benchmarks/mcp_startup.py uses it to show the server's own share of
start-up."""

from __future__ import annotations

import sys

from mcp_server.server import McpServerArgs, run

if __name__ == "__main__":
    sys.exit(run(McpServerArgs()))
