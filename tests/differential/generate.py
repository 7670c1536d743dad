"""Writes the differential scenarios (scenario.json files) under scenarios/.

    python tests/differential/generate.py            # (re)write every scenario.json
    python ../shared/conformance/run.py --server "codex app-server" \\
        --mock tests/differential/mock_model.py --record tests/differential/scenarios/<name>

Goldens are recorded from the reference 0.100.0 only, then replayed against it three times
before they are committed. The approval matrix is data here: which cells ask how many questions
is what the reference was seen to do (recorded, not assumed), and the recordings hold us to it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "scenarios"

POLICIES = ("untrusted", "on-request", "on-failure", "never")
SANDBOXES = ("read-only", "workspace-write", "danger-full-access")
SHORT = {
    "untrusted": "untr",
    "on-request": "onreq",
    "on-failure": "onfail",
    "never": "never",
    "read-only": "ro",
    "workspace-write": "ww",
    "danger-full-access": "full",
}
# /tmp and $TMPDIR are writable roots by default; the scenario's HOME lives under /tmp, so
# excluding them gives a deterministic "outside the workspace" for workspace-write.
NO_TMP = {
    "sandbox_workspace_write.exclude_slash_tmp": True,
    "sandbox_workspace_write.exclude_tmpdir_env_var": True,
}
PATCH_INSIDE = "*** Begin Patch\n*** Add File: patched.txt\n+patched\n*** End Patch\n"
PATCH_OUTSIDE = "*** Begin Patch\n*** Add File: ../home/outside.txt\n+patched\n*** End Patch\n"


def _heredoc(patch: str) -> str:
    return f"apply_patch <<'EOF'\n{patch}EOF\n"


# The commands of the matrix: what the model asks for, and the workspace file it leaves on success.
COMMANDS: dict[str, tuple[dict[str, Any], str | None]] = {
    "plain": ({"cmd": "printf ok"}, None),
    "write": ({"cmd": "touch made.txt && echo made"}, "made.txt"),
    "outside": ({"cmd": "touch ${HOME}/outside.txt && echo outside"}, None),
    "escalate": (
        {
            "cmd": "touch made.txt && echo made",
            "sandbox_permissions": "require_escalated",
            "justification": "Write made.txt?",
            "prefix_rule": ["touch"],
        },
        "made.txt",
    ),
    "patch": ({"cmd": _heredoc(PATCH_INSIDE)}, "patched.txt"),
    "patch_out": ({"cmd": _heredoc(PATCH_OUTSIDE)}, None),
}
# The freeform apply_patch tool, which models that know it (gpt-5.2-codex) are offered: the same
# patches as a custom tool call instead of a shell heredoc.
CUSTOM_PATCHES: dict[str, tuple[str, str | None]] = {
    "cpatch": (PATCH_INSIDE, "patched.txt"),
    "cpatch_out": (PATCH_OUTSIDE, None),
}
PATCH_MODEL = "gpt-5.2-codex"


def _sandbox_denies(kind: str, sandbox: str) -> bool:
    if sandbox == "danger-full-access" or kind == "plain":
        return False
    if kind in ("outside", "patch_out"):
        return True
    return sandbox == "read-only"


def questions(kind: str, policy: str, sandbox: str) -> list[str]:
    """The approval reasons the reference asks, in order, when every question is accepted."""
    if kind == "escalate":
        if policy != "on-request" or sandbox == "danger-full-access":
            return []
        return ["justification"]
    if kind.startswith("patch"):
        asks_first = policy == "untrusted" or (
            policy == "on-request" and _sandbox_denies(kind, sandbox) and sandbox != "danger-full-access"
        )
        if asks_first:
            return ["first"]
        if policy == "on-failure" and _sandbox_denies(kind, sandbox):
            return ["retry"]
        return []
    if policy == "untrusted":
        return ["first"]
    if policy == "on-failure" and _sandbox_denies(kind, sandbox):
        return ["retry"]
    return []


def _call_text(args: dict[str, Any]) -> str:
    return "CALL exec_command " + json.dumps(args)


def handshake(request_id: int = 1) -> list[dict[str, Any]]:
    return [
        {
            "send": {
                "id": request_id,
                "method": "initialize",
                "params": {"clientInfo": {"name": "diff", "version": "1.0"}},
            }
        },
        {"expect_response": request_id},
        {"send": {"method": "initialized"}},
    ]


def v2_start(params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return [
        {"send": {"id": 2, "method": "thread/start", "params": params or {}}},
        {"expect_response": 2, "capture": {"thread": "result.thread.id"}},
    ]


def v2_turn(rid: int, text: str, capture: str = "turn") -> list[dict[str, Any]]:
    return [
        {
            "send": {
                "id": rid,
                "method": "turn/start",
                "params": {"threadId": "${thread}", "input": [{"type": "text", "text": text}]},
            }
        },
        {"expect_response": rid, "capture": {capture: "result.turn.id"}},
    ]


V2_APPROVAL = {"exec": "item/commandExecution/requestApproval", "patch": "item/fileChange/requestApproval"}
V1_APPROVAL = {"exec": "execCommandApproval", "patch": "applyPatchApproval"}
V1_DECISION = {
    "accept": "approved",
    "acceptForSession": "approved_for_session",
    "decline": "denied",
    "cancel": "abort",
}


def _answers(kind: str, asked: list[str], decision: str, v1: bool) -> list[dict[str, Any]]:
    surface = "patch" if kind.startswith("patch") else "exec"
    steps = []
    for _ in asked:
        # A patch's retry question (run it without the sandbox?) is a file-change question too.
        method = (V1_APPROVAL if v1 else V2_APPROVAL)[surface]
        answer = V1_DECISION[decision] if v1 else decision
        steps.append({"answer": method, "result": {"decision": answer}})
        if decision != "accept" and decision != "acceptForSession":
            break
    return steps


def matrix_scenario(kind: str, policy: str, sandbox: str, decision: str, v1: bool = False) -> dict[str, Any]:
    config: dict[str, Any] = {"approval_policy": policy, "sandbox_mode": sandbox, **NO_TMP}
    if kind in CUSTOM_PATCHES:
        patch, made = CUSTOM_PATCHES[kind]
        text = "CALL apply_patch " + json.dumps(patch)
        config["model"] = PATCH_MODEL
        kind = kind[1:]  # the same approvals as the heredoc patch
    else:
        args, made = COMMANDS[kind]
        text = _call_text(args)
    asked = questions(kind, policy, sandbox)
    steps = handshake()
    answers = _answers(kind, asked, decision, v1)
    if v1:
        steps += [
            {"send": {"id": 2, "method": "newConversation", "params": {}}},
            {"expect_response": 2, "capture": {"conv": "result.conversationId"}},
            {"send": {"id": 3, "method": "addConversationListener", "params": {"conversationId": "${conv}"}}},
            {"expect_response": 3},
            {
                "send": {
                    "id": 4,
                    "method": "sendUserMessage",
                    "params": {
                        "conversationId": "${conv}",
                        "items": [{"type": "text", "data": {"text": text}}],
                    },
                }
            },
            {"expect_response": 4},
            *answers,
            {
                "wait": "codex/event/turn_aborted"
                if decision == "cancel" and answers
                else "codex/event/task_complete"
            },
        ]
    else:
        steps += v2_start()
        steps += v2_turn(3, text)
        steps += answers
        steps.append({"wait": "turn/completed"})
        if decision == "acceptForSession" and answers:
            # Remembered for the session: the same command again asks nothing.
            steps += v2_turn(4, text, "turn2")
            steps.append({"wait": "turn/completed", "match": {"params.turn.id": "${turn2}"}})
    ran = (bool(asked) and decision in ("accept", "acceptForSession")) or not asked
    if made is not None:
        denied_no_retry = _sandbox_denies(kind, sandbox) and not asked
        blocked = kind == "escalate" and (policy != "on-request")
        steps.append({"check_file": made, "exists": ran and not denied_no_retry and not blocked})
    return {"config": config, "steps": steps}


# Cells played with all four decisions (the rest: accept and decline).
EVERY_DECISION = {
    ("plain", "untrusted", "read-only"),
    ("write", "on-failure", "read-only"),
    ("escalate", "on-request", "read-only"),
    ("patch", "untrusted", "workspace-write"),
    ("patch_out", "on-request", "workspace-write"),
}


def matrix() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for kind in COMMANDS:
        for policy in POLICIES:
            for sandbox in SANDBOXES:
                base = f"{kind}_{SHORT[policy]}_{SHORT[sandbox]}"
                asked = questions(kind, policy, sandbox)
                if not asked:
                    out[base] = matrix_scenario(kind, policy, sandbox, "accept")
                    continue
                decisions = ["accept", "decline"]
                if (kind, policy, sandbox) in EVERY_DECISION:
                    decisions.append("acceptForSession")
                    # The reference races a cancelled patch's end against turn_aborted (seen about 1
                    # run in 4): cancel is played for commands only, not compared loosely for patches.
                    if not kind.startswith("patch"):
                        decisions.append("cancel")
                for decision in decisions:
                    out[f"{base}_{decision}"] = matrix_scenario(kind, policy, sandbox, decision)
    for kind in CUSTOM_PATCHES:
        for policy in POLICIES:
            for sandbox in ("read-only", "workspace-write"):
                base = f"{kind}_{SHORT[policy]}_{SHORT[sandbox]}"
                if not questions(kind[1:], policy, sandbox):
                    out[base] = matrix_scenario(kind, policy, sandbox, "accept")
                    continue
                for decision in ("accept", "decline"):
                    out[f"{base}_{decision}"] = matrix_scenario(kind, policy, sandbox, decision)
    # v1 (execCommandApproval / applyPatchApproval) over the cells that ask.
    for kind, policy, sandbox in (
        ("write", "untrusted", "read-only"),
        ("write", "on-failure", "read-only"),
        ("escalate", "on-request", "workspace-write"),
        ("patch", "untrusted", "workspace-write"),
        ("patch", "on-failure", "read-only"),
        ("plain", "untrusted", "danger-full-access"),
        ("outside", "on-failure", "workspace-write"),
        ("escalate", "on-request", "read-only"),
        ("patch", "on-request", "read-only"),
        ("patch_out", "on-request", "workspace-write"),
        ("write", "never", "read-only"),
        ("outside", "on-request", "read-only"),
        ("escalate", "untrusted", "workspace-write"),
        ("patch", "never", "read-only"),
    ):
        if not questions(kind, policy, sandbox):
            out[f"v1_{kind}_{SHORT[policy]}_{SHORT[sandbox]}"] = matrix_scenario(
                kind, policy, sandbox, "accept", v1=True
            )
            continue
        decisions = ["accept", "decline"]
        if (kind, policy, sandbox) == ("write", "untrusted", "read-only"):
            decisions += ["acceptForSession", "cancel"]
        for decision in decisions:
            name = f"v1_{kind}_{SHORT[policy]}_{SHORT[sandbox]}_{decision}"
            out[name] = matrix_scenario(kind, policy, sandbox, decision, v1=True)
    return out


def write_all(scenarios: dict[str, dict[str, Any]], only: set[str] | None = None) -> None:
    for name, spec in scenarios.items():
        if only and name not in only:
            continue
        folder = SCENARIOS / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "scenario.json").write_text(json.dumps(spec, indent=1) + "\n")


if __name__ == "__main__":
    from flows import flows

    write_all({**matrix(), **flows()}, set(sys.argv[1:]) or None)
