"""auth.json layout compatibility with the reference CLI, and the credential stores."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from login.storage import (
    AuthDotJson,
    AuthStorageError,
    AutoStore,
    FileStore,
    KeyringStore,
    TokenData,
    keyring_account,
    make_store,
    parse_timestamp,
)
from login.tokens import IdTokenInfo, mask_api_key, wire_plan_type

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "auth"


class FakeKeyring:
    def __init__(self, fail: bool = False) -> None:
        self.entries: dict[tuple[str, str], str] = {}
        self.fail = fail

    def get_password(self, service: str, username: str) -> str | None:
        if self.fail:
            raise RuntimeError("locked")
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.fail:
            raise RuntimeError("locked")
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.entries[(service, username)]


def test_reads_reference_chatgpt_fixture() -> None:
    auth = AuthDotJson.loads((FIXTURES / "chatgpt.auth.json").read_bytes())
    assert auth.resolved_mode == "chatgpt"
    assert auth.openai_api_key is None
    assert auth.tokens is not None and auth.tokens.account_id == "acct-fixture"
    assert auth.tokens.refresh_token == "rt-fixture-refresh"
    # chrono writes nanoseconds; we keep microseconds.
    assert auth.last_refresh == datetime(2099, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
    info = IdTokenInfo.parse(auth.tokens.id_token)
    assert (info.email, info.plan_type, info.account_id) == ("fixture@example.com", "pro", "acct-fixture")


def test_legacy_file_without_auth_mode_is_inferred() -> None:
    auth = AuthDotJson.loads((FIXTURES / "legacy_chatgpt.auth.json").read_bytes())
    assert auth.auth_mode is None and auth.resolved_mode == "chatgpt"
    assert AuthDotJson(openai_api_key="sk-x").resolved_mode == "apikey"


def test_written_files_match_reference_layout(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    store.save(AuthDotJson(auth_mode="apikey", openai_api_key="sk-test-123456789"))
    written = (tmp_path / "auth.json").read_bytes()
    assert written == (FIXTURES / "apikey.auth.json").read_bytes()
    assert stat.S_IMODE((tmp_path / "auth.json").stat().st_mode) == 0o600

    # A ChatGPT file round-trips with the same keys, in the same order, at every level.
    reference = json.loads((FIXTURES / "chatgpt.auth.json").read_text())
    store.save(AuthDotJson.loads((FIXTURES / "chatgpt.auth.json").read_bytes()))
    ours = json.loads((tmp_path / "auth.json").read_text())
    assert list(ours) == list(reference)
    assert list(ours["tokens"]) == list(reference["tokens"])
    assert ours["tokens"] == reference["tokens"]
    assert ours["last_refresh"] == "2099-01-02T03:04:05.123456Z"
    assert (
        (tmp_path / "auth.json")
        .read_text()
        .startswith('{\n  "auth_mode": "chatgpt",\n  "OPENAI_API_KEY": null,')
    )


def test_unknown_keys_survive_a_rewrite(tmp_path: Path) -> None:
    (tmp_path / "auth.json").write_text(
        json.dumps({"auth_mode": "apikey", "OPENAI_API_KEY": "k", "future": 1})
    )
    store = FileStore(tmp_path)
    loaded = store.load()
    assert loaded is not None
    store.save(loaded)
    assert json.loads((tmp_path / "auth.json").read_text())["future"] == 1


def test_file_store_delete_and_errors(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    assert store.load() is None
    assert store.delete() is False
    (tmp_path / "auth.json").write_text("{not json")
    with pytest.raises(AuthStorageError, match="not valid JSON"):
        store.load()
    assert store.delete() is True


def test_loose_permissions_are_tightened(tmp_path: Path) -> None:
    path = tmp_path / "auth.json"
    path.write_text("{}")
    path.chmod(0o644)
    FileStore(tmp_path).save(AuthDotJson(auth_mode="apikey", openai_api_key="k"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_keyring_store_roundtrip(tmp_path: Path) -> None:
    backend = FakeKeyring()
    (tmp_path / "auth.json").write_text("{}")
    store = KeyringStore(tmp_path, backend)
    auth = AuthDotJson(auth_mode="apikey", openai_api_key="sk-key")
    store.save(auth)
    assert not (tmp_path / "auth.json").exists()  # no stale file shadowing the keyring
    (((service, account), value),) = backend.entries.items()
    assert service == "Codex Auth" and account == keyring_account(tmp_path)
    assert account.startswith("cli|") and len(account) == 4 + 16
    assert json.loads(value) == {"auth_mode": "apikey", "OPENAI_API_KEY": "sk-key"}
    assert store.load() == auth
    assert store.delete() is True and store.load() is None


def test_keyring_mode_without_backend_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("login.storage.system_keyring", lambda: None)
    with pytest.raises(AuthStorageError, match="no OS keyring"):
        KeyringStore(tmp_path).load()


def test_auto_store_falls_back_to_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("login.storage.system_keyring", lambda: None)
    store = make_store("auto", tmp_path)
    store.save(AuthDotJson(auth_mode="apikey", openai_api_key="k"))
    assert (tmp_path / "auth.json").exists()

    failing = AutoStore(tmp_path, FakeKeyring(fail=True))
    failing.save(AuthDotJson(auth_mode="apikey", openai_api_key="k2"))
    assert failing.load() == AuthDotJson(auth_mode="apikey", openai_api_key="k2")

    working = AutoStore(tmp_path, FakeKeyring())
    working.save(AuthDotJson(auth_mode="apikey", openai_api_key="k3"))
    assert working.load() == AuthDotJson(auth_mode="apikey", openai_api_key="k3")
    assert working.delete() is True and working.load() is None


def test_token_data_requires_all_tokens() -> None:
    assert TokenData.from_json({"id_token": "a", "access_token": "b"}) is None


def test_helpers() -> None:
    assert mask_api_key("sk-test-123456789") == "sk-test-***56789"
    assert mask_api_key("sk-short") == "***"
    assert wire_plan_type("Pro") == "pro" and wire_plan_type("mystery") == "unknown"
    assert wire_plan_type(None) == "unknown"
    assert parse_timestamp("2025-08-06T20:41:36.232376123Z") == datetime(
        2025, 8, 6, 20, 41, 36, 232376, tzinfo=UTC
    )
    assert parse_timestamp("garbage") is None
    assert IdTokenInfo.parse("not-a-jwt").email is None
