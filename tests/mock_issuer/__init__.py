"""A local stand-in for auth.openai.com (and the ChatGPT usage endpoint) for login tests.

Runs a threaded HTTP server on 127.0.0.1 with an ephemeral port. It plays the issuer honestly
enough to catch real mistakes: PKCE verifiers are checked against the challenge sent to
/oauth/authorize, codes are single use, refresh tokens rotate and a reused one is refused.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_jwt(claims: dict[str, Any]) -> str:
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims).encode())
    return f"{header}.{payload}.{b64url(b'signature')}"


@dataclass
class Account:
    email: str = "user@example.com"
    plan: str = "plus"
    account_id: str = "acct-123"
    user_id: str = "user-1"


@dataclass
class _Pending:
    challenge: str
    redirect_uri: str


@dataclass
class _Device:
    user_code: str
    approved: bool = False
    verifier: str = field(default_factory=lambda: b64url(secrets.token_bytes(32)))


class MockIssuer:
    def __init__(self) -> None:
        self.account = Account()
        self.access_ttl_s = 3600
        self.lock = threading.Lock()
        self.codes: dict[str, _Pending] = {}
        self.devices: dict[str, _Device] = {}
        self.live_refresh_tokens: set[str] = set()
        self.refresh_count = 0
        self.refresh_delay_s = 0.0
        self.refresh_error: str | None = None  # e.g. "refresh_token_expired"
        self.device_status_override: int | None = None  # e.g. 410: the code expired
        self.device_enabled = True
        self.auto_approve_devices = False  # for a CLI run where the test cannot step in
        self.issued_access_tokens: list[str] = []
        self.requests: list[tuple[str, str]] = []
        self.usage_payload: dict[str, Any] = {
            "plan_type": "plus",
            "rate_limit": {
                "allowed": True,
                "limit_reached": False,
                "primary_window": {
                    "used_percent": 42,
                    "limit_window_seconds": 18000,
                    "reset_at": 1_760_000_000,
                },
                "secondary_window": {
                    "used_percent": 7,
                    "limit_window_seconds": 604800,
                    "reset_at": 1_760_500_000,
                },
            },
            "credits": {"has_credits": True, "unlimited": False, "balance": "12.5"},
        }
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    def __enter__(self) -> MockIssuer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- tokens ------------------------------------------------------------------------------------
    def id_token(self) -> str:
        a = self.account
        return make_jwt(
            {
                "email": a.email,
                "exp": int(time.time()) + 3600,
                "https://api.openai.com/auth": {
                    "chatgpt_plan_type": a.plan,
                    "chatgpt_account_id": a.account_id,
                    "chatgpt_user_id": a.user_id,
                },
            }
        )

    def access_token(self) -> str:
        token = make_jwt(
            {
                "exp": int(time.time()) + self.access_ttl_s,
                "jti": secrets.token_hex(8),
                "https://api.openai.com/auth": {"chatgpt_account_id": self.account.account_id},
            }
        )
        self.issued_access_tokens.append(token)
        return token

    def new_refresh_token(self) -> str:
        token = "rt-" + secrets.token_hex(12)
        self.live_refresh_tokens.add(token)
        return token

    def token_set(self) -> dict[str, str]:
        return {
            "id_token": self.id_token(),
            "access_token": self.access_token(),
            "refresh_token": self.new_refresh_token(),
        }

    def approve_device(self) -> None:
        with self.lock:
            for device in self.devices.values():
                device.approved = True

    # -- HTTP --------------------------------------------------------------------------------------
    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                issuer.requests.append(("GET", url.path))
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/oauth/authorize":
                    self._authorize(query)
                elif url.path == "/backend-api/wham/usage":
                    if not (self.headers.get("Authorization") or "").startswith("Bearer "):
                        self._send(401, {"error": "unauthorized"})
                        return
                    self._send(200, issuer.usage_payload)
                else:
                    self._send(404, {"error": "not_found"})

            def _authorize(self, query: dict[str, str]) -> None:
                # The "user" signs in at once: redirect back with a fresh code.
                if query.get("client_id") != CLIENT_ID or query.get("code_challenge_method") != "S256":
                    self._send(400, {"error": "invalid_request"})
                    return
                code = "code-" + secrets.token_hex(8)
                with issuer.lock:
                    issuer.codes[code] = _Pending(query["code_challenge"], query["redirect_uri"])
                target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
                self._send(302, None, {"Location": target})

            def do_POST(self) -> None:
                url = urlsplit(self.path)
                issuer.requests.append(("POST", url.path))
                raw = self._body()
                if url.path == "/oauth/token":
                    if self.headers.get("Content-Type", "").startswith("application/json"):
                        self._refresh(json.loads(raw))
                    else:
                        self._token({k: v[0] for k, v in parse_qs(raw.decode()).items()})
                elif url.path == "/api/accounts/deviceauth/usercode":
                    if not issuer.device_enabled:
                        self._send(404, {"error": "not_found"})
                        return
                    device_id = "dev-" + secrets.token_hex(6)
                    with issuer.lock:
                        issuer.devices[device_id] = _Device("ABCD-1234", approved=issuer.auto_approve_devices)
                    self._send(200, {"device_auth_id": device_id, "user_code": "ABCD-1234", "interval": "0"})
                elif url.path == "/api/accounts/deviceauth/token":
                    self._device_poll(json.loads(raw))
                else:
                    self._send(404, {"error": "not_found"})

            def _token(self, form: dict[str, str]) -> None:
                grant = form.get("grant_type")
                if grant == "urn:ietf:params:oauth:grant-type:token-exchange":
                    self._send(200, {"access_token": "sk-exchanged-" + secrets.token_hex(6)})
                    return
                if grant != "authorization_code":
                    self._send(400, {"error": "unsupported_grant_type"})
                    return
                with issuer.lock:
                    pending = issuer.codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                challenge = b64url(hashlib.sha256(verifier.encode()).digest())
                if (
                    pending is None
                    or pending.challenge != challenge
                    or pending.redirect_uri != form.get("redirect_uri")
                    or form.get("client_id") != CLIENT_ID
                ):
                    self._send(400, {"error": "invalid_grant", "error_description": "bad code or verifier"})
                    return
                self._send(200, issuer.token_set())

            def _refresh(self, body: dict[str, Any]) -> None:
                if issuer.refresh_delay_s:
                    time.sleep(issuer.refresh_delay_s)  # widens the window for concurrent callers
                with issuer.lock:
                    issuer.refresh_count += 1
                    token = body.get("refresh_token")
                    ok = (
                        body.get("grant_type") == "refresh_token"
                        and body.get("client_id") == CLIENT_ID
                        and token in issuer.live_refresh_tokens
                    )
                    if ok:
                        issuer.live_refresh_tokens.discard(token)
                if issuer.refresh_error:
                    self._send(401, {"error": {"code": issuer.refresh_error, "message": "nope"}})
                    return
                if not ok:
                    self._send(401, {"error": {"code": "refresh_token_reused"}})
                    return
                self._send(200, issuer.token_set())

            def _device_poll(self, body: dict[str, Any]) -> None:
                if issuer.device_status_override is not None:
                    self._send(issuer.device_status_override, {"error": "expired"})
                    return
                with issuer.lock:
                    device = issuer.devices.get(body.get("device_auth_id", ""))
                if device is None or device.user_code != body.get("user_code"):
                    self._send(400, {"error": "invalid"})
                    return
                if not device.approved:
                    self._send(403, {"error": "authorization_pending"})
                    return
                code = "code-" + secrets.token_hex(8)
                challenge = b64url(hashlib.sha256(device.verifier.encode()).digest())
                with issuer.lock:
                    issuer.codes[code] = _Pending(challenge, f"{issuer.base_url}/deviceauth/callback")
                self._send(
                    200,
                    {
                        "authorization_code": code,
                        "code_verifier": device.verifier,
                        "code_challenge": challenge,
                    },
                )

        return Handler

    def seed_refresh_token(self, token: str) -> None:
        """Make a token written into a test's auth.json acceptable to /oauth/token."""
        with self.lock:
            self.live_refresh_tokens.add(token)
