"""A local stand-in for the ChatGPT backend (remote skills, apps directory) and a feedback collector.

Threaded HTTP server on 127.0.0.1 with an ephemeral port. Every backend route checks the
bearer token and `chatgpt-account-id` header and answers 401 otherwise, so a client that
forgets its credentials fails loudly. `fail[path] = status` makes a route answer an error.
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


def skill_zip(skill_id: str, name: str, description: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            f"{skill_id}/SKILL.md", f"---\nname: {name}\ndescription: {description}\n---\n\nBody.\n"
        )
        archive.writestr(f"{skill_id}/scripts/run.sh", "#!/bin/sh\necho hi\n")
    return buffer.getvalue()


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
    fail: dict[str, int] = field(default_factory=dict)
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

            def do_GET(self) -> None:
                path, query = self._record()
                if path in state.fail:
                    self._json(state.fail[path], {"detail": "backend says no"})
                    return
                if not self._authorized():
                    self._json(401, {"detail": "missing or wrong credentials"})
                    return
                if path == "/backend-api/hazelnuts":
                    self._json(200, {"hazelnuts": state.skills})
                elif path.startswith("/backend-api/hazelnuts/") and path.endswith("/export"):
                    skill_id = path.split("/")[3]
                    match = [s for s in state.skills if s["id"] == skill_id]
                    if not match:
                        self._json(404, {"detail": "no such skill"})
                        return
                    skill = match[0]
                    self._reply(
                        200, skill_zip(skill_id, skill["name"], skill["description"]), "application/zip"
                    )
                elif path == "/backend-api/connectors/directory/list":
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
                path, _ = self._record(self.rfile.read(length))
                if path in state.fail:
                    self._json(state.fail[path], {"detail": "collector says no"})
                elif path == "/feedback":
                    self._json(200, {"ok": True})
                else:
                    self._json(404, {"detail": "not found"})

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

    def __enter__(self) -> MockBackend:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
