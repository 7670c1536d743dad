"""MCP client support: start the configured `mcp_servers`, offer their tools to the model, call them.

Nothing here imports the `mcp` SDK at module level; it is loaded when a server is started.
"""
