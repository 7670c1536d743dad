from __future__ import annotations

from pathlib import Path

import pytest

from codex_core.approvals.policy import assess_command, is_known_safe_command, proposed_amendment
from codex_core.approvals.rules import ExecRules, RulesParseError, append_allow_rule, check_rules, parse_rules

READ_ONLY = {"type": "read-only"}
FULL = {"type": "danger-full-access"}


def bash(script: str) -> list[str]:
    return ["/bin/bash", "-lc", script]


@pytest.mark.parametrize(
    "script", ["ls -la", "cat a | wc -l", "git status", "sed -n 1,5p f", "rg foo", "find . -name x"]
)
def test_known_safe(script: str) -> None:
    assert is_known_safe_command(bash(script))


@pytest.mark.parametrize(
    "script", ["touch x", "rm -rf x", "find . -delete", "git push", "echo hi > f", "rg --pre sh x"]
)
def test_not_known_safe(script: str) -> None:
    assert not is_known_safe_command(bash(script))


@pytest.mark.parametrize(
    ("policy", "sandbox", "escalated", "action", "bypass"),
    [
        ("untrusted", FULL, False, "ask", False),
        ("on-request", READ_ONLY, False, "run", False),
        ("on-request", READ_ONLY, True, "ask", True),
        ("on-request", FULL, True, "run", True),
        ("on-failure", READ_ONLY, False, "run", False),
        ("never", READ_ONLY, False, "run", False),
        ("never", READ_ONLY, True, "forbid", False),
    ],
)
def test_policy_table(
    policy: str, sandbox: dict[str, object], escalated: bool, action: str, bypass: bool
) -> None:
    result = assess_command(
        bash("touch shell-marker.txt && echo ok"),
        approval_policy=policy,
        sandbox_policy=sandbox,
        escalated=escalated,
        rules=ExecRules(),
    )
    assert (result.action, result.bypass_sandbox) == (action, bypass)


def test_safe_commands_never_ask_under_untrusted() -> None:
    result = assess_command(
        bash("ls"), approval_policy="untrusted", sandbox_policy=FULL, escalated=False, rules=ExecRules()
    )
    assert result.action == "run"


def test_rules_roundtrip_and_decisions(tmp_path: Path) -> None:
    append_allow_rule(tmp_path, ["touch", "shell-marker.txt"])
    append_allow_rule(tmp_path, ["touch", "shell-marker.txt"])  # idempotent
    text = (tmp_path / "rules" / "default.rules").read_text()
    assert text == 'prefix_rule(pattern=["touch", "shell-marker.txt"], decision="allow")\n'
    rules = ExecRules.load(tmp_path)
    allowed = assess_command(
        bash("touch shell-marker.txt && echo ok"),
        approval_policy="untrusted",
        sandbox_policy=FULL,
        escalated=False,
        rules=rules,
    )
    assert allowed.action == "run"
    forbidden = parse_rules('prefix_rule(pattern=["rm", ["-rf", "-fr"]], decision="forbidden")')
    result = assess_command(
        bash("rm -fr /"),
        approval_policy="never",
        sandbox_policy=FULL,
        escalated=False,
        rules=ExecRules(forbidden),
    )
    assert result.action == "forbid"


def test_amendment_proposal() -> None:
    assert proposed_amendment(bash("touch shell-marker.txt && echo shell-ok")) == [
        "touch",
        "shell-marker.txt",
    ]
    assert proposed_amendment(bash("x"), ["npm", "test"]) == ["npm", "test"]
    assert proposed_amendment(bash("echo $(id)")) is None


def test_rules_files_are_starlark_with_examples_and_variables() -> None:
    text = (
        "# comment\n"
        'GIT = ["git"]\n'
        'prefix_rule(pattern=GIT + [["push", "fetch"]], decision="prompt", justification="network",\n'
        '            match=["git push origin", ["git", "fetch"]], not_match=["git status"])\n'
        'prefix_rule(["ls"])\n'
    )
    rules = parse_rules(text)
    assert [(r.pattern, r.decision) for r in rules] == [
        ((("git",), ("push", "fetch")), "prompt"),
        ((("ls",),), "allow"),
    ]
    assert rules[0].justification == "network"


@pytest.mark.parametrize(
    ("text", "needle", "position"),
    [
        ('prefix_rule(pattern=, decision="allow")\n', "syntax error", (1, 21)),
        ('prefix_rule(pattern=["a"])\nfoo(1)\n', "variable `foo` not found", (2, 1)),
        ('prefix_rule(pattern=["a"], decision="maybe")\n', "invalid decision", (1, 1)),
        ("prefix_rule(pattern=[])\n", "non-empty list", (1, 1)),
        ('prefix_rule(pattern=["a"], colour="red")\n', "unexpected parameter `colour`", (1, 28)),
        ('prefix_rule(pattern=["git", "push"], match=["git pull"])\n', "does not match", (1, 1)),
        ('prefix_rule(pattern=["git"], not_match=["git pull"])\n', "matches its `not_match`", (1, 1)),
        ("import os\n", "only prefix_rule", (1, 1)),
        ('x = __import__("os")\n', "function calls", (1, 5)),
    ],
)
def test_broken_rules_are_located(text: str, needle: str, position: tuple[int, int]) -> None:
    path = Path("/rules/default.rules")
    with pytest.raises(RulesParseError) as info:
        parse_rules(text, path)
    assert needle in str(info.value)
    assert (info.value.line, info.value.column) == position
    assert str(info.value).startswith(f"failed to parse rules file {path}: ")


def test_a_broken_file_means_no_custom_rules_apply(tmp_path: Path) -> None:
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "a.rules").write_text('prefix_rule(pattern=["rm"], decision="forbidden")\n')
    (rules_dir / "b.rules").write_text("prefix_rule(pattern=\n")
    assert ExecRules.load(tmp_path).rules == []
    assert check_rules(tmp_path) is not None
    (rules_dir / "b.rules").unlink()
    assert ExecRules.load(tmp_path).decision_for(["rm", "-rf"]) == "forbidden"
    assert check_rules(tmp_path) is None
