"""`codex login` / `codex login status` / `codex logout` run as a user runs them."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
from pathlib import Path

import httpx
import pytest
from mock_issuer import MockIssuer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "auth"


def codex(
    codex_bin: str, env: dict[str, str], *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [codex_bin, *args], input=stdin, capture_output=True, text=True, env=env, timeout=30, check=False
    )


def test_api_key_login_status_logout(codex_bin: str, env: dict[str, str]) -> None:
    auth_path = Path(env["CODEX_HOME"]) / "auth.json"
    status = codex(codex_bin, env, "login", "status")
    assert (status.returncode, status.stderr) == (1, "Not logged in\n")

    login = codex(codex_bin, env, "login", "--with-api-key", stdin="sk-test-123456789\n")
    assert login.returncode == 0, login.stderr
    assert login.stderr == "Reading API key from stdin...\nSuccessfully logged in\n"
    assert auth_path.read_bytes() == (FIXTURES / "apikey.auth.json").read_bytes()
    assert stat.S_IMODE(auth_path.stat().st_mode) == 0o600

    status = codex(codex_bin, env, "login", "status")
    assert (status.returncode, status.stderr) == (0, "Logged in using an API key - sk-test-***56789\n")
    assert "123456789" not in status.stdout + status.stderr.replace("sk-test-***56789", "")

    out = codex(codex_bin, env, "logout")
    assert (out.returncode, out.stderr) == (0, "Successfully logged out\n")
    assert not auth_path.exists()
    again = codex(codex_bin, env, "logout")
    assert (again.returncode, again.stderr) == (0, "Not logged in\n")


def test_empty_stdin_and_forced_method(codex_bin: str, env: dict[str, str]) -> None:
    empty = codex(codex_bin, env, "login", "--with-api-key", stdin="\n")
    assert (empty.returncode, empty.stderr) == (
        1,
        "Reading API key from stdin...\nNo API key provided via stdin.\n",
    )
    forced = codex(
        codex_bin, env, "login", "-c", 'forced_login_method="chatgpt"', "--with-api-key", stdin="sk-1\n"
    )
    assert forced.returncode == 1
    assert forced.stderr.endswith("API key login is disabled. Use ChatGPT login instead.\n")
    chatgpt = codex(codex_bin, env, "-c", 'forced_login_method="api"', "login")
    assert (chatgpt.returncode, chatgpt.stderr) == (
        1,
        "ChatGPT login is disabled. Use API key login instead.\n",
    )
    assert not (Path(env["CODEX_HOME"]) / "auth.json").exists()


def test_status_reads_reference_chatgpt_file(codex_bin: str, env: dict[str, str]) -> None:
    shutil.copy(FIXTURES / "chatgpt.auth.json", Path(env["CODEX_HOME"]) / "auth.json")
    status = codex(codex_bin, env, "login", "status")
    assert (status.returncode, status.stderr) == (0, "Logged in using ChatGPT\n")
    (Path(env["CODEX_HOME"]) / "auth.json").write_text("{broken")
    broken = codex(codex_bin, env, "login", "status")
    assert broken.returncode == 1 and broken.stderr.startswith("Error checking login status:")


def test_device_auth(codex_bin: str, env: dict[str, str], issuer: MockIssuer) -> None:
    issuer.auto_approve_devices = True
    run = codex(codex_bin, env, "login", "--device-auth")
    assert run.returncode == 0, run.stderr
    assert "ABCD-1234" in run.stdout and f"{issuer.base_url}/codex/device" in run.stdout
    assert run.stderr.endswith("Successfully logged in\n")
    stored = json.loads((Path(env["CODEX_HOME"]) / "auth.json").read_text())
    assert stored["auth_mode"] == "chatgpt"
    for secret in (stored["tokens"]["access_token"], stored["tokens"]["refresh_token"]):
        assert secret not in run.stdout + run.stderr


def test_browser_login(codex_bin: str, env: dict[str, str], issuer: MockIssuer) -> None:
    proc = subprocess.Popen(
        [codex_bin, "login"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stderr is not None
        lines: list[str] = []
        while not any(line.startswith(issuer.base_url) for line in lines):
            line = proc.stderr.readline()
            assert line, "".join(lines)
            lines.append(line)
        assert lines[0].startswith("Starting local login server on http://localhost:")
        url = lines[-1].strip()
        with httpx.Client(follow_redirects=True, timeout=10) as browser:
            assert "Signed in to Codex" in browser.get(url).text
        assert proc.wait(timeout=20) == 0
        assert proc.stderr.read().strip().endswith("Successfully logged in")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert json.loads((Path(env["CODEX_HOME"]) / "auth.json").read_text())["auth_mode"] == "chatgpt"


def _token(payload: str) -> str:
    import base64

    return "h." + base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=") + ".s"


@pytest.mark.parametrize(
    ("id_token", "expected"),
    [
        # The reference's words (codex 0.100.0), with serde's place in the file where it gives one.
        ("garbage", "invalid ID token format at line 4 column 25"),
        ("", "invalid ID token format at line 4 column 18"),
        ("a..c", "invalid ID token format at line 4 column 22"),
        ("a.b.c.d", "Invalid input length: 1 at line 4 column 25"),
        ("a.b+c.c", "Invalid symbol 43, offset 1. at line 4 column 25"),
        ("a.YR.c", "Invalid last symbol 82, offset 1. at line 4 column 24"),
        ("a.YWJj.c", "expected value at line 1 column 1"),
        (_token("null"), "invalid type: null, expected struct IdClaims at line 1 column 4"),
    ],
)
def test_status_with_a_malformed_id_token(
    codex_bin: str, isolated_env: dict[str, str], id_token: str, expected: str
) -> None:
    auth = (
        '{\n  "OPENAI_API_KEY": null,\n  "tokens": {\n'
        f'    "id_token": "{id_token}",\n'
        '    "access_token": "at",\n    "refresh_token": "rt",\n    "account_id": null\n  },\n'
        '  "last_refresh": "2025-01-01T00:00:00Z"\n}\n'
    )
    Path(isolated_env["CODEX_HOME"], "auth.json").write_text(auth)
    result = codex(codex_bin, isolated_env, "login", "status")
    assert (result.returncode, result.stderr) == (1, f"Error checking login status: {expected}\n")


def test_status_with_a_well_formed_id_token(codex_bin: str, isolated_env: dict[str, str]) -> None:
    auth = {
        "OPENAI_API_KEY": None,
        "tokens": {"id_token": _token("{}"), "access_token": "at", "refresh_token": "rt"},
    }
    Path(isolated_env["CODEX_HOME"], "auth.json").write_text(json.dumps(auth))
    result = codex(codex_bin, isolated_env, "login", "status")
    assert (result.returncode, result.stderr) == (0, "Logged in using ChatGPT\n")


def test_device_code_request_that_cannot_connect_names_the_url_and_cause(
    codex_bin: str, isolated_env: dict[str, str]
) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**isolated_env, "CODEX_AUTH_ISSUER": f"http://127.0.0.1:{port}"}
    result = codex(codex_bin, env, "login", "--device-auth")
    assert result.returncode == 1
    assert result.stderr == (
        "Error logging in with device code: error sending request for url "
        f"(http://127.0.0.1:{port}/api/accounts/deviceauth/usercode): Connection refused\n"
    )


def test_api_key_and_device_auth_together_is_a_usage_error(
    codex_bin: str, isolated_env: dict[str, str]
) -> None:
    result = codex(codex_bin, isolated_env, "login", "--with-api-key", "--device-auth", stdin="sk-1\n")
    assert result.returncode == 2
    assert result.stderr.startswith(
        "error: the argument '--with-api-key' cannot be used with '--device-auth'\n"
    )
    assert not Path(isolated_env["CODEX_HOME"], "auth.json").exists()
