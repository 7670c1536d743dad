"""A streamable-HTTP MCP test server behind a tiny OAuth 2.1 authorization server, on 127.0.0.1.

`python tests/mcp_oauth_server.py` prints `PORT <n>` once listening. One origin serves:

* `/mcp`: the tools of tests/mcp_servers/server.py; a request without a live bearer token gets
  401 with `WWW-Authenticate: Bearer resource_metadata=...`.
* RFC 9728 protected-resource metadata and RFC 8414 authorization-server metadata.
* `/register` (dynamic client registration), `/authorize` (auto-approves: redirects straight
  back with a code), `/token` (authorization_code with PKCE S256, refresh_token with rotation).
* `/admin/stats` (counters as JSON) and `POST /admin/expire` (invalidates every access token).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import socket
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).parent))

from mcp_servers.server import server as mcp_server
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

ACCESS_TTL = 3600


class AuthServer:
    def __init__(self, base: str) -> None:
        self.base = base
        self.clients: dict[str, dict[str, Any]] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.access: set[str] = set()
        self.refresh: dict[str, dict[str, Any]] = {}
        self.stats: dict[str, Any] = {
            "registrations": 0,
            "authorizations": 0,
            "code_grants": 0,
            "refreshes": 0,
            "unauthorized": 0,
        }

    def issue(self, client_id: str, scope: str | None) -> dict[str, Any]:
        access, refresh = "at-" + secrets.token_urlsafe(16), "rt-" + secrets.token_urlsafe(16)
        self.access.add(access)
        self.refresh[refresh] = {"client_id": client_id, "scope": scope}
        body: dict[str, Any] = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": ACCESS_TTL,
            "refresh_token": refresh,
        }
        if scope:
            body["scope"] = scope
        return body

    async def handle(self, request: Request) -> Response | None:
        path = request.url.path
        if path.startswith("/.well-known/oauth-protected-resource"):
            return JSONResponse(
                {
                    "resource": f"{self.base}/mcp",
                    "authorization_servers": [self.base],
                    "scopes_supported": ["read"],
                }
            )
        if path.startswith("/.well-known/oauth-authorization-server"):
            return JSONResponse(
                {
                    "issuer": self.base,
                    "authorization_endpoint": f"{self.base}/authorize",
                    "token_endpoint": f"{self.base}/token",
                    "registration_endpoint": f"{self.base}/register",
                    "response_types_supported": ["code"],
                    "grant_types_supported": ["authorization_code", "refresh_token"],
                    "code_challenge_methods_supported": ["S256"],
                    "token_endpoint_auth_methods_supported": ["none"],
                }
            )
        if path == "/register" and request.method == "POST":
            metadata = await request.json()
            client_id = "client-" + secrets.token_urlsafe(8)
            self.clients[client_id] = metadata
            self.stats["registrations"] += 1
            return JSONResponse(
                {**metadata, "client_id": client_id, "token_endpoint_auth_method": "none"}, 201
            )
        if path == "/authorize":
            return self.authorize(request)
        if path == "/token" and request.method == "POST":
            return await self.token(request)
        if path == "/admin/stats":
            return JSONResponse({**self.stats, "last_scope": self.stats.get("last_scope")})
        if path == "/admin/expire" and request.method == "POST":
            self.access.clear()
            return JSONResponse({})
        return None

    def authorize(self, request: Request) -> Response:
        q = request.query_params
        client = self.clients.get(q.get("client_id", ""))
        redirect = q.get("redirect_uri", "")
        if client is None or redirect not in client.get("redirect_uris", []):
            return JSONResponse({"error": "invalid_client"}, 400)
        if q.get("response_type") != "code" or q.get("code_challenge_method") != "S256":
            return JSONResponse({"error": "invalid_request"}, 400)
        code = "code-" + secrets.token_urlsafe(8)
        self.codes[code] = {
            "client_id": q["client_id"],
            "redirect_uri": redirect,
            "challenge": q.get("code_challenge", ""),
            "scope": q.get("scope"),
        }
        self.stats["authorizations"] += 1
        self.stats["last_scope"] = q.get("scope")
        return RedirectResponse(f"{redirect}?{urlencode({'code': code, 'state': q.get('state', '')})}", 302)

    async def token(self, request: Request) -> Response:
        form = await request.form()
        grant = form.get("grant_type")
        if grant == "authorization_code":
            entry = self.codes.pop(str(form.get("code", "")), None)
            verifier = str(form.get("code_verifier", ""))
            digest = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            )
            if (
                entry is None
                or entry["client_id"] != form.get("client_id")
                or entry["redirect_uri"] != form.get("redirect_uri")
                or entry["challenge"] != digest
            ):
                return JSONResponse({"error": "invalid_grant"}, 400)
            self.stats["code_grants"] += 1
            return JSONResponse(self.issue(entry["client_id"], entry["scope"]))
        if grant == "refresh_token":
            entry = self.refresh.pop(str(form.get("refresh_token", "")), None)
            if entry is None or entry["client_id"] != form.get("client_id"):
                return JSONResponse({"error": "invalid_grant"}, 400)
            self.stats["refreshes"] += 1
            return JSONResponse(self.issue(entry["client_id"], entry["scope"]))
        return JSONResponse({"error": "unsupported_grant_type"}, 400)


def build_app(port: int) -> Any:
    base = f"http://127.0.0.1:{port}"
    auth = AuthServer(base)
    inner = mcp_server.streamable_http_app()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await inner(scope, receive, send)
            return
        request = Request(scope, receive)
        response = await auth.handle(request)
        if response is None and scope["path"].startswith("/mcp"):
            header = request.headers.get("authorization", "")
            token = header[7:] if header.lower().startswith("bearer ") else ""
            if token not in auth.access:
                auth.stats["unauthorized"] += 1
                response = JSONResponse(
                    {"error": "invalid_token"},
                    401,
                    headers={
                        "WWW-Authenticate": f'Bearer resource_metadata="{base}/.well-known/oauth-protected-resource/mcp"'
                    },
                )
        if response is None:
            await inner(scope, receive, send)
        else:
            await response(scope, receive, send)

    return app


def main() -> None:
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(build_app(port), log_level="warning", lifespan="on"))

    async def run() -> None:
        async def announce() -> None:
            while not uv.started:
                await asyncio.sleep(0.01)
            print(f"PORT {port}", flush=True)

        announcer = asyncio.create_task(announce())
        await uv.serve(sockets=[sock])
        announcer.cancel()

    asyncio.run(run())


if __name__ == "__main__":
    main()
