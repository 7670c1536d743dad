"""A local stand-in for the ChatGPT backend (remote skills, apps directory, the apps MCP server)
and a feedback collector.

Threaded HTTP server on 127.0.0.1 with an ephemeral port. Every backend route checks the
bearer token and `chatgpt-account-id` header and answers 401 otherwise, so a client that
forgets its credentials fails loudly. `fail[path] = status` makes a route answer an error;
`hold[path] = threading.Event()` makes requests to it wait until the test sets the event (to
order concurrent loads without sleeping).

`/backend-api/wham/apps` is a minimal streamable-HTTP MCP server (JSON responses, no session id,
so the client opens no GET stream): `initialize`, `notifications/*` (202), `ping` and
`tools/list`, which returns `apps_tools` -- connector tools carrying `_meta.connector_id` /
`connector_name` as the real "codex_apps" server does.
"""

from __future__ import annotations

import io
import json
import threading
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ACCESS_TOKEN = "backend-access-token-0123456789"
ACCOUNT_ID = "acct-123"


# The files of a remote skill the catalogue lists; the archive holds one more, which is not unpacked.
SKILL_FILES = ("SKILL.md", "scripts/run.sh")


def skill_zip(folder: str, name: str, description: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            f"{folder}/SKILL.md", f"---\nname: {name}\ndescription: {description}\n---\n\nBody.\n"
        )
        archive.writestr(f"{folder}/scripts/run.sh", "#!/bin/sh\necho hi\n")
        archive.writestr(f"{folder}/not-listed.txt", "left out\n")
    return buffer.getvalue()


def connector_tool(name: str, connector_id: str, connector_name: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"connector_id": connector_id}
    if connector_name is not None:
        meta["connector_name"] = connector_name
    return {
        "name": name,
        "description": f"{name} test tool",
        "inputSchema": {"type": "object", "additionalProperties": False},
        "annotations": {"readOnlyHint": True},
        "_meta": meta,
    }


APPS_MCP_PATH = "/backend-api/wham/apps"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class BackendState:
    skills: list[dict[str, str]] = field(
        default_factory=lambda: [
            {"id": "hz_1", "name": "pdf-tools", "description": "Work with PDFs"},
            {"id": "hz_2", "name": "sheets", "description": "Spreadsheets"},
        ]
    )
    # Directory pages, served in order through `nextToken`.
    directory_pages: list[list[dict[str, Any]]] = field(
        default_factory=lambda: [
            [
                {"id": "beta", "name": "Beta App", "description": "Second", "logoUrl": "https://x/b.png"},
                {"id": "hidden", "name": "Hidden", "visibility": "HIDDEN"},
            ],
            [{"id": "alpha", "name": " Alpha ", "distribution_channel": "ecosystem"}],
        ]
    )
    workspace_apps: list[dict[str, Any]] = field(
        default_factory=lambda: [{"id": "alpha", "name": "", "description": "Alpha from workspace"}]
    )
    # Tools of the apps MCP server: two for the directory's `beta`, one for `gamma` (not in the
    # directory), one for a connector that is never listed, one without connector metadata.
    apps_tools: list[dict[str, Any]] = field(
        default_factory=lambda: [
            connector_tool("beta_search", "beta", "Beta Connector"),
            connector_tool("beta_fetch", "beta", "Beta Connector"),
            connector_tool("gamma_send", "gamma", " Gamma  Mail "),
            connector_tool("openai_internal", "connector_openai_internal", "Internal"),
            {"name": "plain_tool", "inputSchema": {"type": "object"}},
        ]
    )
    fail: dict[str, int] = field(default_factory=dict)
    hold: dict[str, threading.Event] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)


class MockBackend:
    def __init__(self) -> None:
        self.state = BackendState()
        state = self.state

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: bytes, content_type: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _json(self, status: int, value: Any) -> None:
                self._reply(status, json.dumps(value).encode())

            def _record(self, body: bytes = b"") -> tuple[str, dict[str, list[str]]]:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                headers = {k.lower(): v for k, v in self.headers.items()}
                state.requests.append(Recorded(self.command, parts.path, query, headers, body))
                return parts.path, query

            def _authorized(self) -> bool:
                return (
                    self.headers.get("authorization") == f"Bearer {ACCESS_TOKEN}"
                    and self.headers.get("chatgpt-account-id") == ACCOUNT_ID
                )

            def _wait_if_held(self, path: str) -> None:
                gate = state.hold.get(path)
                if gate is not None:
                    gate.wait(timeout=60)

            def _mcp(self, body: bytes) -> None:
                """One JSON-RPC message of the streamable-HTTP transport, answered as plain JSON."""
                if not self._authorized():
                    self._json(401, {"detail": "missing or wrong credentials"})
                    return
                try:
                    message = json.loads(body)
                except ValueError:
                    self._json(400, {"detail": "not JSON"})
                    return
                if not isinstance(message, dict) or "id" not in message:
                    self._reply(202, b"")  # notifications and responses: accepted, no body
                    return
                method = message.get("method")
                params = message.get("params") or {}
                if method == "initialize":
                    result: dict[str, Any] = {
                        "protocolVersion": params.get("protocolVersion"),
                        "capabilities": {"tools": {"listChanged": False}},
                        "serverInfo": {"name": "mock-codex-apps", "version": "0.0.1"},
                    }
                elif method == "tools/list":
                    result = {"tools": state.apps_tools}
                elif method == "ping":
                    result = {}
                else:
                    error = {"code": -32601, "message": f"method not found: {method}"}
                    self._json(200, {"jsonrpc": "2.0", "id": message["id"], "error": error})
                    return
                self._json(200, {"jsonrpc": "2.0", "id": message["id"], "result": result})

            def do_GET(self) -> None:
                path, query = self._record()
                self._wait_if_held(path)
                if path == APPS_MCP_PATH:
                    self._json(405, {"detail": "no server-initiated stream"})
                    return
                if path in state.fail:
                    self._json(state.fail[path], {"detail": "backend says no"})
                    return
                # The remote skills catalogue is public: no credentials.
                if path == "/public-api/hazelnuts/":
                    files = {name: {"start": 0, "length": 1} for name in SKILL_FILES}
                    listed = [{**skill, "base_sediment_id": "sed", "files": files} for skill in state.skills]
                    self._json(200, {"hazelnuts": listed})
                    return
                if path.startswith("/public-api/hazelnuts/") and path.endswith("/export"):
                    skill_id = path.split("/")[3]
                    match = [s for s in state.skills if s["id"] == skill_id]
                    if not match:
                        self._json(404, {"detail": "no such skill"})
                        return
                    skill = match[0]
                    # The archive wraps the files in a folder named after the skill.
                    payload = skill_zip(skill["name"], skill["name"], skill["description"])
                    self._reply(200, payload, "application/zip")
                    return
                if not self._authorized():
                    self._json(401, {"detail": "missing or wrong credentials"})
                    return
                if path == "/backend-api/connectors/directory/list":
                    index = int(query.get("token", ["page-0"])[0].removeprefix("page-"))
                    page = state.directory_pages[index]
                    more = index + 1 < len(state.directory_pages)
                    self._json(200, {"apps": page, "nextToken": f"page-{index + 1}" if more else None})
                elif path == "/backend-api/connectors/directory/list_workspace":
                    self._json(200, {"apps": state.workspace_apps})
                else:
                    self._json(404, {"detail": "not found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                path, _ = self._record(body)
                self._wait_if_held(path)
                if path in state.fail:
                    self._json(state.fail[path], {"detail": "collector says no"})
                elif path == APPS_MCP_PATH:
                    self._mcp(body)
                elif path == "/feedback":
                    self._json(200, {"ok": True})
                else:
                    self._json(404, {"detail": "not found"})

            def do_DELETE(self) -> None:
                self._record()
                self._json(405, {"detail": "no sessions"})

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def chatgpt_base_url(self) -> str:
        return f"{self.base_url}/backend-api"

    def requests_to(self, path: str) -> list[Recorded]:
        return [r for r in self.state.requests if r.path == path]

    def mcp_methods(self) -> list[str]:
        """The JSON-RPC methods posted to the apps MCP server, in order."""
        methods: list[str] = []
        for request in self.requests_to(APPS_MCP_PATH):
            if request.method == "POST" and request.body:
                message = json.loads(request.body)
                methods.append(str(message.get("method", "<response>")))
        return methods

    def __enter__(self) -> MockBackend:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for gate in self.state.hold.values():
            gate.set()  # nothing stays parked in a handler
        self._server.shutdown()
        self._server.server_close()
