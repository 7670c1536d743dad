"""Real MCP servers built on the official SDK, used by the MCP client tests."""
