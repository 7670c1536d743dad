"""account/* and the v1 login methods over a real `codex app-server`, against the mock issuer."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest
from mock_issuer import MockIssuer, make_jwt
from mock_model.server import MockModelServer, http_error, message_response
from support.appserver import Message, StdioAppServer
from support.turns import start_thread

API_KEY = "sk-test-secret-987654321"


@pytest.fixture
def codex_home(env: dict[str, str]) -> Path:
    return Path(env["CODEX_HOME"])


def serve(codex_bin: str, env: dict[str, str], **capabilities: Any) -> StdioAppServer:
    server = StdioAppServer(codex_bin, env)
    server.initialize("pytest", **capabilities)
    return server


def index_of(server: StdioAppServer, predicate: Any) -> int:
    return next(i for i, raw in enumerate(server.raw_lines) if predicate(json.loads(raw)))


def assert_no_secrets(server: StdioAppServer, *secrets: str) -> None:
    server.close()
    stderr = "".join(server.stderr_lines)
    for secret in secrets:
        assert secret not in stderr


def test_api_key_login_read_status_logout(codex_bin: str, env: dict[str, str], codex_home: Path) -> None:
    with serve(codex_bin, env) as server:
        assert server.request("account/read", {})["result"] == {"account": None, "requiresOpenaiAuth": True}
        response = server.request("account/login/start", {"type": "apiKey", "apiKey": API_KEY})
        assert response["result"] == {"type": "apiKey"}
        completed = server.notification("account/login/completed")
        updated = server.notification("account/updated")
        assert completed["params"] == {"loginId": None, "success": True, "error": None}
        assert updated["params"] == {"authMode": "apikey"}
        # The notifications follow the response, as the reference sends them.
        answered = index_of(server, lambda m: m.get("id") == response["id"])
        assert answered < index_of(server, lambda m: m.get("method") == "account/login/completed")

        path = codex_home / "auth.json"
        assert path.read_text() == json.dumps({"auth_mode": "apikey", "OPENAI_API_KEY": API_KEY}, indent=2)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

        assert server.request("account/read", {"refreshToken": True})["result"] == {
            "account": {"type": "apiKey"},
            "requiresOpenaiAuth": True,
        }
        assert server.request("getAuthStatus", {"includeToken": True})["result"] == {
            "authMethod": "apikey",
            "authToken": API_KEY,
            "requiresOpenaiAuth": True,
        }
        assert server.request("getAuthStatus", {})["result"]["authToken"] is None
        limits = server.request("account/rateLimits/read")
        assert limits["error"] == {
            "code": -32600,
            "message": "codex account authentication required to read rate limits",
        }
        assert server.request("account/logout")["result"] == {}
        assert server.notification("account/updated")["params"] == {"authMode": None}
        assert not path.exists()
        assert server.request("account/read", {})["result"]["account"] is None
        assert_no_secrets(server, API_KEY)


def test_custom_provider_does_not_need_openai_auth(
    codex_bin: str, env: dict[str, str], codex_home: Path
) -> None:
    (codex_home / "config.toml").write_text(
        'model_provider = "mock"\n[model_providers.mock]\nname = "mock"\nbase_url = "http://127.0.0.1:9/v1"\n'
    )
    (codex_home / "auth.json").write_text(json.dumps({"auth_mode": "apikey", "OPENAI_API_KEY": API_KEY}))
    with serve(codex_bin, env) as server:
        assert server.request("account/read", {})["result"] == {"account": None, "requiresOpenaiAuth": False}
        assert server.request("getAuthStatus", {"includeToken": True})["result"] == {
            "authMethod": None,
            "authToken": None,
            "requiresOpenaiAuth": False,
        }


def test_forced_login_method_rejects_api_key(codex_bin: str, env: dict[str, str], codex_home: Path) -> None:
    (codex_home / "config.toml").write_text('forced_login_method = "chatgpt"\n')
    with serve(codex_bin, env) as server:
        response = server.request("account/login/start", {"type": "apiKey", "apiKey": API_KEY})
        assert response["error"]["code"] == -32600
        assert response["error"]["message"] == "API key login is disabled. Use ChatGPT login instead."
    assert not (codex_home / "auth.json").exists()


def play_browser(auth_url: str) -> httpx.Response:
    with httpx.Client(follow_redirects=True, timeout=10) as browser:
        return browser.get(auth_url)


def test_chatgpt_browser_login_account_and_rate_limits(
    codex_bin: str, env: dict[str, str], codex_home: Path, issuer: MockIssuer
) -> None:
    (codex_home / "config.toml").write_text(f'chatgpt_base_url = "{issuer.base_url}/backend-api/"\n')
    with serve(codex_bin, env) as server:
        result = server.request("account/login/start", {"type": "chatgpt"})["result"]
        assert result["type"] == "chatgpt" and result["loginId"]
        assert result["authUrl"].startswith(f"{issuer.base_url}/oauth/authorize?")
        assert "originator=pytest" in result["authUrl"]
        page = play_browser(result["authUrl"])
        assert page.status_code == 200
        completed = server.notification("account/login/completed")
        assert completed["params"] == {"loginId": result["loginId"], "success": True, "error": None}
        assert server.notification("account/updated")["params"] == {"authMode": "chatgpt"}

        assert server.request("account/read", {})["result"] == {
            "account": {"type": "chatgpt", "email": "user@example.com", "planType": "plus"},
            "requiresOpenaiAuth": True,
        }
        assert server.request("userInfo")["result"] == {"allegedUserEmail": "user@example.com"}
        assert server.request("getAuthStatus", {})["result"]["authMethod"] == "chatgpt"
        limits = server.request("account/rateLimits/read")["result"]
        assert limits["rateLimits"] == {
            "limitId": "codex",
            "limitName": None,
            "primary": {"usedPercent": 42, "windowDurationMins": 300, "resetsAt": 1_760_000_000},
            "secondary": {"usedPercent": 7, "windowDurationMins": 10080, "resetsAt": 1_760_500_000},
            "credits": {"hasCredits": True, "unlimited": False, "balance": "12.5"},
            "planType": "plus",
        }
        assert limits["rateLimitsByLimitId"] == {"codex": limits["rateLimits"]}
        # A forced refresh goes to the issuer and rotates the tokens.
        assert (
            server.request("account/read", {"refreshToken": True})["result"]["account"]["type"] == "chatgpt"
        )
        assert issuer.refresh_count == 1

        stored = json.loads((codex_home / "auth.json").read_text())
        assert stored["auth_mode"] == "chatgpt"
        tokens = stored["tokens"]
        assert_no_secrets(server, tokens["access_token"], tokens["refresh_token"], tokens["id_token"])


def test_chatgpt_login_cancel(codex_bin: str, env: dict[str, str]) -> None:
    with serve(codex_bin, env) as server:
        login_id = server.request("account/login/start", {"type": "chatgpt"})["result"]["loginId"]
        # As 0.100.0: an id that is not a UUID is refused, an unknown one is not found, and any
        # form of the right one (here upper case) cancels it.
        assert server.request("account/login/cancel", {"loginId": "nope"})["error"] == {
            "code": -32600,
            "message": "invalid login id: nope",
        }
        unknown = "00000000-0000-4000-8000-000000000000"
        assert server.request("account/login/cancel", {"loginId": unknown})["result"] == {
            "status": "notFound"
        }
        assert server.request("account/login/cancel", {"loginId": login_id.upper()})["result"] == {
            "status": "canceled"
        }
        assert server.notification("account/login/completed")["params"] == {
            "loginId": login_id,
            "success": False,
            "error": "Login server error: Login was not completed",
        }


def test_v1_login_methods(codex_bin: str, env: dict[str, str], codex_home: Path) -> None:
    with serve(codex_bin, env) as server:
        assert server.request("loginApiKey", {"apiKey": API_KEY})["result"] == {}
        assert server.notification("authStatusChange")["params"] == {"authMethod": "apikey"}
        assert server.request("getAuthStatus", {"includeToken": False})["result"] == {
            "authMethod": "apikey",
            "authToken": None,
            "requiresOpenaiAuth": True,
        }
        started = server.request("loginChatGpt")["result"]
        assert set(started) == {"loginId", "authUrl"}
        assert server.request("cancelLoginChatGpt", {"loginId": started["loginId"]})["result"] == {}
        done = server.notification("loginChatGptComplete")["params"]
        assert done == {
            "loginId": started["loginId"],
            "success": False,
            "error": "Login server error: Login was not completed",
        }
        assert server.request("logoutChatGpt")["result"] == {}
        assert server.notification("authStatusChange")["params"] == {"authMethod": None}
        assert not (codex_home / "auth.json").exists()


def write_openai_auth_provider(codex_home: Path, model_url: str) -> None:
    # A provider that uses OpenAI (ChatGPT) auth but points at the mock model.
    (codex_home / "config.toml").write_text(
        'model = "mock-model"\nmodel_provider = "chatgptmock"\napproval_policy = "never"\n'
        'sandbox_mode = "read-only"\n[model_providers.chatgptmock]\nname = "mock"\n'
        f'base_url = "{model_url}"\nrequires_openai_auth = true\nrequest_max_retries = 0\n'
    )


def answer_refresh(server: StdioAppServer, result: Any = None, error: Any = None) -> Message:
    request = server.wait_for(lambda m: m.get("method") == "account/chatgptAuthTokens/refresh" and "id" in m)
    reply: Message = {"id": request["id"]}
    if error is not None:
        reply["error"] = error
    else:
        reply["result"] = result
    server.send(reply)
    return request


def test_external_tokens_refreshed_by_the_client(
    codex_bin: str, env: dict[str, str], codex_home: Path
) -> None:
    first = make_jwt(
        {"email": "ext@example.com", "n": 1, "https://api.openai.com/auth": {"chatgpt_plan_type": "pro"}}
    )
    second = make_jwt({"email": "ext@example.com", "n": 2})
    with MockModelServer() as mock:
        write_openai_auth_provider(codex_home, mock.url)
        with serve(codex_bin, env) as plain:
            refused = plain.request(
                "account/login/start",
                {"type": "chatgptAuthTokens", "accessToken": first, "chatgptAccountId": "a"},
            )
            assert refused["error"]["code"] == -32600
        with serve(codex_bin, env, experimentalApi=True) as server:
            response = server.request(
                "account/login/start",
                {"type": "chatgptAuthTokens", "accessToken": first, "chatgptAccountId": "acct-ext"},
            )
            assert response["result"] == {"type": "chatgptAuthTokens"}
            assert server.notification("account/updated")["params"] == {"authMode": "chatgptAuthTokens"}
            assert not (codex_home / "auth.json").exists()  # memory only
            assert server.request("account/read", {})["result"]["account"] == {
                "type": "chatgpt",
                "email": "ext@example.com",
                "planType": "pro",
            }

            mock.enqueue(http_error(401), message_response("after refresh"))
            thread_id = start_thread(server)
            server.send(
                {
                    "id": 1,
                    "method": "turn/start",
                    "params": {
                        "threadId": thread_id,
                        "input": [{"type": "text", "text": "hi", "text_elements": []}],
                    },
                }
            )
            request = answer_refresh(
                server, {"accessToken": second, "chatgptAccountId": "acct-ext", "chatgptPlanType": None}
            )
            assert request["params"] == {"reason": "unauthorized", "previousAccountId": "acct-ext"}
            done = server.notification("turn/completed")
            assert done["params"]["turn"]["status"] == "completed"
            before, after = mock.requests
            assert before.headers["authorization"] == f"Bearer {first}"
            assert after.headers["authorization"] == f"Bearer {second}"
            assert after.headers["chatgpt-account-id"] == "acct-ext"

            # A client that cannot refresh fails the turn.
            mock.enqueue(http_error(401))
            _turn, events = run_turn_with_refresh_error(server, thread_id)
            assert events["params"]["turn"]["status"] == "failed"
            assert_no_secrets(server, first, second)


def run_turn_with_refresh_error(server: StdioAppServer, thread_id: str) -> tuple[str, Message]:
    server.send(
        {
            "id": 2,
            "method": "turn/start",
            "params": {
                "threadId": thread_id,
                "input": [{"type": "text", "text": "again", "text_elements": []}],
            },
        }
    )
    answer_refresh(server, error={"code": -32000, "message": "no tokens for you"})
    return "", server.notification("turn/completed")
