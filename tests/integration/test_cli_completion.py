"""`codex completion [SHELL]` prints a completion script, as the reference does."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def run(codex_bin: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([codex_bin, *args], capture_output=True, text=True, env=env, timeout=60)


_MARKERS = {
    "bash": "complete -F _codex",
    "zsh": "#compdef codex",
    "fish": "complete -c codex",
    "powershell": "Register-ArgumentCompleter -Native -CommandName 'codex'",
    "elvish": "set edit:completion:arg-completer[codex]",
}


@pytest.mark.parametrize("shell", sorted(_MARKERS))
def test_every_shell_gets_a_script(codex_bin: str, isolated_env: dict[str, str], shell: str) -> None:
    result = run(codex_bin, "completion", shell, env=isolated_env)
    assert result.returncode == 0, result.stderr
    assert _MARKERS[shell] in result.stdout
    for word in (
        "mcp-server",
        "app-server",
        "generate-json-schema",
        "bearer-token-env-var",
        "device-auth",
    ):
        assert word in result.stdout, (shell, word)
    assert "experimental_issuer" not in result.stdout  # hidden options stay hidden


def test_bash_is_the_default(codex_bin: str, isolated_env: dict[str, str]) -> None:
    assert (
        run(codex_bin, "completion", env=isolated_env).stdout
        == run(codex_bin, "completion", "bash", env=isolated_env).stdout
    )


def test_unknown_shell_is_a_usage_error(codex_bin: str, isolated_env: dict[str, str]) -> None:
    result = run(codex_bin, "completion", "nosh", env=isolated_env)
    assert result.returncode == 2 and "nosh" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_script_completes(codex_bin: str, isolated_env: dict[str, str], tmp_path: Path) -> None:
    script = tmp_path / "codex.bash"
    script.write_text(run(codex_bin, "completion", "bash", env=isolated_env).stdout)
    probe = f"""
source {script}
t() {{ COMP_WORDS=("$@"); COMP_CWORD=$((${{#COMP_WORDS[@]}}-1)); _codex; echo "${{COMPREPLY[*]}}"; }}
t codex mc
t codex mcp ""
t codex -c model=x mcp a
t codex mcp add --url ""
t codex mcp add --url http://x --b
t codex app-server g
t codex login s
"""
    lines = subprocess.run(
        ["bash", "-c", probe], capture_output=True, text=True, timeout=60
    ).stdout.splitlines()
    assert sorted(lines[0].split()) == ["mcp", "mcp-server"]
    assert lines[1].split()[:6] == ["list", "get", "add", "remove", "login", "logout"]
    assert lines[2] == "add"
    assert lines[3] == ""  # the value of --url: the shell's own (file) completion
    assert lines[4] == "--bearer-token-env-var"
    assert lines[5].split() == ["generate-ts", "generate-json-schema"]
    assert lines[6] == "status"
