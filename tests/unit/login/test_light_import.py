"""`codex login status` reads the stored login through the AuthManager without the modules that
made it slow (dataclasses with inspect, logging, threading), and the plain value classes that
replaced the dataclasses compare, hash and print as those did."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from login.manager import CodexAuth, ExternalTokens
from login.oauth import ExchangedTokens, Pkce
from login.storage import AuthDotJson, TokenData
from login.tokens import IdTokenInfo

PROBE = """
import sys
from pathlib import Path
from login.manager import AuthManager
from login.tokens import check_id_token, mask_api_key
auth = AuthManager(Path(sys.argv[1]), store_mode="file").current()
if auth is not None and auth.tokens is not None:
    check_id_token(auth.tokens.id_token)
print(auth.mode if auth else None, mask_api_key(auth.api_key) if auth and auth.api_key else "-")
heavy = ("dataclasses", "inspect", "logging", "threading", "asyncio", "httpx", "keyring")
print(",".join(m for m in heavy if m in sys.modules))
"""


def _probe(codex_home: Path) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(codex_home)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=True,
    )
    return proc.stdout.splitlines()


def test_reading_the_login_imports_nothing_heavy(tmp_path: Path) -> None:
    assert _probe(tmp_path) == ["None -", ""]
    (tmp_path / "auth.json").write_bytes(
        AuthDotJson(auth_mode="apikey", openai_api_key="sk-test-123456789").dumps()
    )
    assert _probe(tmp_path) == ["apikey sk-test-***56789", ""]
    token = "h.eyJlbWFpbCI6ImFAYi5jIn0.s"  # {"email":"a@b.c"}
    tokens = TokenData(token, "at", "rt", "acct")
    (tmp_path / "auth.json").write_bytes(AuthDotJson(tokens=tokens, last_refresh=datetime.now(UTC)).dumps())
    assert _probe(tmp_path) == ["chatgpt -", ""]


def test_values_compare_hash_and_print_by_their_fields() -> None:
    tokens = TokenData("id", "at", "rt")
    assert tokens == TokenData("id", "at", "rt", None) and hash(tokens) == hash(TokenData("id", "at", "rt"))
    assert tokens != TokenData("id", "at", "rt", "acct") and tokens != ("id", "at", "rt", None)
    assert repr(tokens) == "TokenData(id_token='id', access_token='at', refresh_token='rt', account_id=None)"
    # `extra` is carried, shown, and left out of equality, as the dataclass field(compare=False) was.
    auth = AuthDotJson("apikey", "k", extra={"future": 1})
    assert auth == AuthDotJson("apikey", "k") and hash(auth) == hash(AuthDotJson("apikey", "k"))
    assert repr(auth).endswith("last_refresh=None, extra={'future': 1})")
    moment = datetime(2025, 1, 1, tzinfo=UTC)
    refreshed = auth.with_tokens(tokens, moment)
    assert (refreshed.tokens, refreshed.last_refresh, refreshed.extra) == (tokens, moment, {"future": 1})
    assert auth.tokens is None  # with_tokens made a new value
    assert CodexAuth("apikey", "k", None, None) == CodexAuth("apikey", "k", None, None, None)
    assert ExternalTokens("a", "b") != ExternalTokens("a", "b", "pro")
    assert ExchangedTokens("i", "a", "r") == ExchangedTokens("i", "a", "r")
    assert Pkce("v", "c") != Pkce("c", "v")
    assert IdTokenInfo.parse("not-a-jwt") == IdTokenInfo(None, None, None, None, None)
    assert len({tokens, TokenData("id", "at", "rt")}) == 1
