"""A small MCP server for tests: `python server.py stdio | http | crash-on-start`.

`http` serves streamable HTTP on 127.0.0.1 at an ephemeral port and prints `PORT <n>` once
it is listening. Tools return text, an image, structured content and errors; `slow` sleeps,
`crash` kills the process mid-call.
"""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import sys

from mcp.server.mcpserver import Context, Image, MCPServer
from mcp.server.mcpserver.exceptions import ToolError

# A 1x1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)

server = MCPServer("test-server", log_level="CRITICAL")


@server.tool(description="Echo the text back.")
def echo(text: str) -> str:
    return f"echo: {text}"


@server.tool(description="Return a tiny PNG image.")
def image() -> Image:
    return Image(data=PNG, format="png")


@server.tool(description="Add two numbers, with structured output.")
def add(a: int, b: int) -> dict[str, int]:
    return {"sum": a + b}


@server.tool(description="Always fails.")
def fail() -> str:
    raise ToolError("this tool always fails")


@server.tool(description="Sleep for the given number of seconds.")
async def slow(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "done sleeping"


@server.tool(description="Report progress, then answer.")
async def progress(ctx: Context) -> str:
    await ctx.report_progress(1, 2, "halfway there")
    return "progress done"


@server.tool(description="Kill the server process.")
def crash() -> str:
    os._exit(3)


@server.tool(description="Show an environment variable.")
def env(name: str) -> str:
    return os.environ.get(name, "<unset>")


@server.resource("note://hello", name="hello", description="A greeting", mime_type="text/plain")
def hello_note() -> str:
    return "hello note"


@server.resource("note://{name}", name="note", description="Any note by name", mime_type="text/plain")
def named_note(name: str) -> str:
    return f"note {name}"


def serve_http() -> None:
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = server.streamable_http_app()
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    uv = uvicorn.Server(config)

    async def main() -> None:
        async def announce() -> None:
            while not uv.started:
                await asyncio.sleep(0.01)
            print(f"PORT {port}", flush=True)

        announcer = asyncio.create_task(announce())
        await uv.serve(sockets=[sock])
        announcer.cancel()

    asyncio.run(main())


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "stdio"
    if mode == "crash-on-start":
        print("test server refusing to start", file=sys.stderr)
        sys.exit(2)
    if mode == "http":
        serve_http()
    else:
        server.run("stdio")
