"""Where MCP OAuth credentials are kept: keyring, `.credentials.json` (0600), or auto."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from codex_core.mcp.oauth import KEYRING_SERVICE, CredentialStore, OAuthError, StoredCredentials, store_key

URL = "https://mcp.example.com/mcp"


class FakeKeyring:
    def __init__(self, broken: bool = False) -> None:
        self.items: dict[tuple[str, str], str] = {}
        self.broken = broken

    def get_password(self, service: str, username: str) -> str | None:
        if self.broken:
            raise RuntimeError("locked")
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.broken:
            raise RuntimeError("locked")
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.items[(service, username)]


def test_store_key_depends_on_name_and_url() -> None:
    key = store_key("docs", URL)
    assert key.startswith("docs|") and len(key) == len("docs|") + 16
    assert key != store_key("docs", URL + "/other") and key != store_key("other", URL)


def test_file_store_is_private_and_keyed(tmp_path: Path) -> None:
    store = CredentialStore(tmp_path, "file", FakeKeyring())
    store.save("docs", URL, {"access_token": "a"})
    store.save("other", URL, {"access_token": "b"})
    path = tmp_path / ".credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert set(json.loads(path.read_text())) == {store_key("docs", URL), store_key("other", URL)}
    assert store.has_tokens("docs", URL) and not store.has_tokens("docs", "https://elsewhere/mcp")
    assert store.delete("docs", URL) and not store.delete("docs", URL)
    assert store.delete("other", URL) and not path.exists()


def test_keyring_and_auto_modes(tmp_path: Path) -> None:
    keyring = FakeKeyring()
    CredentialStore(tmp_path, "keyring", keyring).save("docs", URL, {"access_token": "k"})
    assert (KEYRING_SERVICE, store_key("docs", URL)) in keyring.items
    assert not (tmp_path / ".credentials.json").exists()
    assert CredentialStore(tmp_path, "auto", keyring).load("docs", URL) == {"access_token": "k"}
    # A keyring that fails: auto falls back to the file, keyring mode reports it.
    broken = FakeKeyring(broken=True)
    CredentialStore(tmp_path, "auto", broken).save("docs", URL, {"access_token": "f"})
    assert CredentialStore(tmp_path, "file").load("docs", URL) == {"access_token": "f"}
    with pytest.raises(OAuthError):
        CredentialStore(tmp_path, "keyring", broken).save("docs", URL, {"access_token": "x"})


async def test_token_storage_round_trip(tmp_path: Path) -> None:
    from mcp.shared.auth import OAuthClientInformationFull, OAuthToken

    store = CredentialStore(tmp_path, "file")
    storage = StoredCredentials(store, "docs", URL)
    assert await storage.get_tokens() is None
    await storage.set_client_info(
        OAuthClientInformationFull(client_id="cid", redirect_uris=["http://127.0.0.1:1/callback"])  # type: ignore[list-item]
    )
    await storage.set_tokens(OAuthToken(access_token="at", refresh_token="rt", expires_in=60, scope="a b"))
    again = StoredCredentials(store, "docs", URL)
    tokens = await again.get_tokens()
    assert tokens is not None and (tokens.access_token, tokens.refresh_token, tokens.scope) == (
        "at",
        "rt",
        "a b",
    )
    assert again.expires_at is not None
    info = await again.get_client_info()
    assert info is not None and info.client_id == "cid"
    entry = store.load("docs", URL)
    assert entry is not None and entry["client_id"] == "cid" and entry["scopes"] == ["a", "b"]
