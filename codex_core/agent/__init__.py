"""Sessions (threads) and turns: the one agent loop shared by app-server and mcp-server."""
