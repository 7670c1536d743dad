"""The turn flows around the approval matrix: interrupts, command/exec, parsed commands, web
search, review, compaction, rollback, archive, and the error texts serde writes."""

from __future__ import annotations

import json
from typing import Any

from generate import handshake, v2_start, v2_turn

# A rollback or compaction reports the kept history's size estimated from the base instructions, which are our
# own text (deliberately not the reference's): those usage messages are left out of the comparison.
ESTIMATED_USAGE = ["codex/event/token_count", "thread/tokenUsage/updated"]
FULL = {"approval_policy": "never", "sandbox_mode": "danger-full-access"}


def _call(args: dict[str, Any], tool: str = "exec_command") -> str:
    return f"CALL {tool} {json.dumps(args)}"


def _turn_done(capture: str = "turn") -> dict[str, Any]:
    return {"wait": "turn/completed", "match": {"params.turn.id": "${" + capture + "}"}}


def _req(
    rid: int, method: str, params: dict[str, Any], capture: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    expect: dict[str, Any] = {"expect_response": rid}
    if capture:
        expect["capture"] = capture
    return [{"send": {"id": rid, "method": method, "params": params}}, expect]


def _restart(initialize_id: int) -> list[dict[str, Any]]:
    """The server restarted, and the client's handshake with the new process."""
    return [{"restart": True}, *handshake(initialize_id)]


def _v1_conversation(text: str) -> list[dict[str, Any]]:
    """A v1 conversation (`${conv}`, its rollout `${path}`) that has run one turn, listened to."""
    steps = handshake()
    steps += _req(2, "newConversation", {}, {"conv": "result.conversationId", "path": "result.rolloutPath"})
    steps += _req(3, "addConversationListener", {"conversationId": "${conv}"})
    message = {"conversationId": "${conv}", "items": [{"type": "text", "data": {"text": text}}]}
    steps += _req(4, "sendUserMessage", message)
    steps.append({"wait": "codex/event/task_complete"})
    return steps


def interrupt_running_command() -> dict[str, Any]:
    steps = handshake() + v2_start()
    steps += v2_turn(3, _call({"cmd": "echo started && sleep 30", "yield_time_ms": 20000}))
    steps.append({"wait": "item/started", "match": {"params.item.type": "commandExecution"}})
    steps += _req(4, "turn/interrupt", {"threadId": "${thread}", "turnId": "${turn}"})
    steps.append(_turn_done())
    return {"config": FULL, "steps": steps}


def interrupt_pending_approval() -> dict[str, Any]:
    steps = handshake() + v2_start()
    steps += v2_turn(3, _call({"cmd": "printf ok"}))
    steps.append({"wait": "codex/event/exec_approval_request"})
    steps += _req(4, "turn/interrupt", {"threadId": "${thread}", "turnId": "${turn}"})
    steps.append(_turn_done())
    return {"config": {"approval_policy": "untrusted", "sandbox_mode": "read-only"}, "steps": steps}


def parsed_commands() -> dict[str, Any]:
    commands = [
        "echo failing-out && exit 3",
        "cat notes.txt | grep TODO | wc -l",
        "cd sub && ls",
        "cat <<'EOF' > sub/heredoc.txt\nhello\nEOF",
        "rg -n needle sub",
        "sed -n 1,2p notes.txt",
        "git status",
        "find . -maxdepth 1 -name '*.txt'",
    ]
    text = "\n".join(_call({"cmd": c}) for c in commands)
    steps: list[dict[str, Any]] = [
        {"write_file": "notes.txt", "content": "TODO one\nTODO two\n"},
        {"write_file": "sub/needle.txt", "content": "needle\n"},
    ]
    steps += handshake() + v2_start() + v2_turn(3, text)
    steps.append(_turn_done())
    return {"config": FULL, "steps": steps}


def command_exec() -> dict[str, Any]:
    steps = handshake()
    steps += _req(2, "command/exec", {"command": ["sh", "-c", "echo out; echo err >&2; exit 4"]})
    steps += _req(3, "command/exec", {"command": ["sleep", "5"], "timeoutMs": 200})
    steps += _req(4, "command/exec", {"command": ["no-such-binary-for-codex"]})
    steps += _req(5, "command/exec", {"command": []})
    return {"config": FULL, "steps": steps}


def web_search() -> dict[str, Any]:
    steps = handshake() + v2_start() + v2_turn(3, "Look it up WEBSEARCH")
    steps.append(_turn_done())
    return {"steps": steps}


def review_custom() -> dict[str, Any]:
    steps = handshake() + v2_start()
    steps += _req(
        3,
        "review/start",
        {"threadId": "${thread}", "target": {"type": "custom", "instructions": "Check the MESSAGE handling"}},
        {"turn": "result.turn.id"},
    )
    steps.append(_turn_done())
    # Not compared: thread/read afterwards. Its preview is the history message the review leaves,
    # which is our own wording (docs/app-server.md, differences).
    return {"steps": steps}


def review_errors() -> dict[str, Any]:
    steps = handshake() + v2_start()
    steps += _req(
        3, "review/start", {"threadId": "${thread}", "target": {"type": "custom", "instructions": "  "}}
    )
    steps += _req(
        4, "review/start", {"threadId": "${thread}", "target": {"type": "baseBranch", "branch": ""}}
    )
    steps += _req(5, "review/start", {"threadId": "${thread}", "target": {"type": "commit", "sha": ""}})
    return {"steps": steps}


def compaction() -> dict[str, Any]:
    steps = handshake() + v2_start() + v2_turn(3, "First MESSAGE")
    steps.append(_turn_done())
    steps += _req(4, "thread/compact/start", {"threadId": "${thread}"})
    steps.append({"wait": "codex/event/context_compacted"})
    steps.append({"wait": "turn/completed"})
    steps += _req(5, "thread/read", {"threadId": "${thread}", "includeTurns": True})
    return {"steps": steps, "ignored": ESTIMATED_USAGE}


def rollback() -> dict[str, Any]:
    steps = handshake() + v2_start() + v2_turn(3, "First MESSAGE")
    steps.append(_turn_done())
    steps += v2_turn(4, "Second MESSAGE", "turn2")
    steps.append(_turn_done("turn2"))
    steps += _req(5, "thread/rollback", {"threadId": "${thread}", "numTurns": 0})
    steps += _req(6, "thread/rollback", {"threadId": "${thread}", "numTurns": 1})
    steps.append({"wait": "codex/event/thread_rolled_back"})
    steps += _req(7, "thread/read", {"threadId": "${thread}", "includeTurns": True})
    return {"steps": steps, "ignored": ESTIMATED_USAGE}


def archive_loaded_v2() -> dict[str, Any]:
    steps = handshake() + v2_start() + v2_turn(3, "Hello MESSAGE")
    steps.append(_turn_done())
    steps += _req(4, "thread/archive", {"threadId": "${thread}"})
    steps += _req(5, "thread/loaded/list", {})
    return {"steps": steps}


def archive_loaded_v1() -> dict[str, Any]:
    steps = _v1_conversation("Hi MESSAGE")
    steps += _req(5, "archiveConversation", {"conversationId": "${conv}", "rolloutPath": "${path}"})
    return {"steps": steps}


def serde_errors() -> dict[str, Any]:
    steps = handshake() + v2_start()
    steps += _req(3, "thread/list", {"limit": -1})
    steps += _req(4, "thread/list", {"limit": "ten"})
    steps += _req(
        5,
        "turn/steer",
        {"threadId": "${thread}", "input": [{"type": "text", "text": "x"}], "expectedTurnId": "nope"},
    )
    steps += _req(6, "addConversationListener", {"conversationId": "00000000-0000-4000-8000-000000000000"})
    steps += _req(7, "thread/rollback", {"threadId": "${thread}", "numTurns": 1})
    return {"steps": steps, "ignored": ESTIMATED_USAGE}


def steer_mismatch_running() -> dict[str, Any]:
    steps = handshake() + v2_start() + v2_turn(3, "Take your time SLOW")
    steps.append({"wait": "item/agentMessage/delta"})
    steps += _req(
        4,
        "turn/steer",
        {"threadId": "${thread}", "input": [{"type": "text", "text": "x"}], "expectedTurnId": "other"},
    )
    steps += _req(5, "turn/interrupt", {"threadId": "${thread}", "turnId": "${turn}"})
    steps.append(_turn_done())
    return {"steps": steps}


def flows() -> dict[str, dict[str, Any]]:
    return {
        "flow_interrupt_running_command": interrupt_running_command(),
        "flow_interrupt_pending_approval": interrupt_pending_approval(),
        "flow_parsed_commands": parsed_commands(),
        "flow_command_exec": command_exec(),
        "flow_web_search": web_search(),
        "flow_review_custom": review_custom(),
        "flow_review_errors": review_errors(),
        "flow_compaction": compaction(),
        "flow_rollback": rollback(),
        "flow_archive_loaded_v2": archive_loaded_v2(),
        "flow_archive_loaded_v1": archive_loaded_v1(),
        "flow_serde_errors": serde_errors(),
        "flow_steer_mismatch": steer_mismatch_running(),
        "flow_turn_overrides_untrusted_ro_accept": turn_overrides("untrusted", READ_ONLY, "accept"),
        "flow_turn_overrides_onreq_ro": turn_overrides("on-request", READ_ONLY, None),
        "flow_turn_overrides_onfail_ro_accept": turn_overrides("on-failure", READ_ONLY, "accept"),
        "flow_turn_overrides_untrusted_ww_decline": turn_overrides("untrusted", WORKSPACE_WRITE, "decline"),
        "flow_v1_send_user_turn_untrusted_ro": v1_send_user_turn("untrusted", V1_READ_ONLY, "approved"),
        "flow_v1_send_user_turn_never_ro": v1_send_user_turn("never", V1_READ_ONLY, None),
        "flow_plan_mode_request_user_input": plan_mode_user_input("plan"),
        "flow_default_mode_request_user_input": plan_mode_user_input("default"),
        "flow_dynamic_tool_call_success": dynamic_tool_call(True),
        "flow_dynamic_tool_call_failure": dynamic_tool_call(False),
        "flow_mcp_tool_call_echo": mcp_tool_call("echo", {"text": "hi"}),
        "flow_mcp_tool_call_error": mcp_tool_call("fail", {}),
        "flow_steer_running_turn": steer_running_turn(),
        "flow_v1_interrupt": v1_interrupt(),
        "flow_unarchive_round_trip": unarchive_round_trip(),
        # Not read back: a failed turn reads as failed here, as completed in the reference (on purpose).
        "flow_model_error": simple_turn("break FAIL", read_back=False),
        "flow_reasoning": simple_turn("think REASONING"),
        "flow_output_schema": simple_turn("answer MESSAGE", {"outputSchema": OUTPUT_SCHEMA}),
        "flow_surface_methods": surface_methods(),
        "flow_thread_start_overrides": thread_start_overrides(),
        "flow_fork_and_name": fork_and_name(),
        "flow_resume_loaded_thread": resume_loaded_thread(),
        "flow_config_writes": config_writes(),
        "flow_v1_fork_resume": v1_fork_resume(),
        "flow_model_list_pages": model_list_pages(),
        "flow_account_methods": account_methods(),
        "flow_v1_resume_from_disk": v1_resume_from_disk(),
        "flow_bad_ids": bad_ids(),
        "flow_v2_error_edges": v2_error_edges(),
        "flow_v1_error_edges": v1_error_edges(),
        "flow_busy_thread": busy_thread(),
        "flow_v1_login_api_key": v1_login_api_key(),
        "flow_start_param_edges": start_param_edges(),
        "flow_resume_fork_overrides": resume_fork_overrides(),
        "flow_loaded_list_pages": loaded_list_pages(),
        "flow_review_detached": review_detached(),
    }


def turn_overrides(approval: str, sandbox: dict[str, Any], decision: str | None) -> dict[str, Any]:
    """Per-turn approvalPolicy / sandboxPolicy (what SDKs send) over a config that says otherwise."""
    steps = handshake() + v2_start()
    steps += [
        {
            "send": {
                "id": 3,
                "method": "turn/start",
                "params": {
                    "threadId": "${thread}",
                    "input": [{"type": "text", "text": _call({"cmd": "touch made.txt && echo made"})}],
                    "approvalPolicy": approval,
                    "sandboxPolicy": sandbox,
                },
            }
        },
        {"expect_response": 3, "capture": {"turn": "result.turn.id"}},
    ]
    if decision is not None:
        steps.append({"answer": "item/commandExecution/requestApproval", "result": {"decision": decision}})
    steps.append(_turn_done())
    # The overrides stay for later turns of the thread.
    steps += v2_turn(4, _call({"cmd": "touch again.txt && echo again"}), "turn2")
    if decision is not None:
        steps.append({"answer": "item/commandExecution/requestApproval", "result": {"decision": decision}})
    steps.append(_turn_done("turn2"))
    return {"config": {"approval_policy": "never", "sandbox_mode": "danger-full-access"}, "steps": steps}


def v1_send_user_turn(approval: str, sandbox: dict[str, Any], decision: str | None) -> dict[str, Any]:
    steps = handshake()
    steps += _req(2, "newConversation", {}, {"conv": "result.conversationId"})
    steps += _req(3, "addConversationListener", {"conversationId": "${conv}"})
    steps += _req(
        4,
        "sendUserTurn",
        {
            "conversationId": "${conv}",
            "items": [{"type": "text", "data": {"text": _call({"cmd": "touch made.txt && echo made"})}}],
            "cwd": "${WORKSPACE}",
            "approvalPolicy": approval,
            "sandboxPolicy": sandbox,
            "model": "mock-model",
            "effort": None,
            "summary": "auto",
            "outputSchema": None,
        },
    )
    if decision is not None:
        steps.append({"answer": "execCommandApproval", "result": {"decision": decision}})
    steps.append({"wait": "codex/event/task_complete"})
    return {"config": {"approval_policy": "never", "sandbox_mode": "danger-full-access"}, "steps": steps}


READ_ONLY = {"type": "readOnly"}
WORKSPACE_WRITE = {"type": "workspaceWrite", "writableRoots": [], "networkAccess": False}
V1_READ_ONLY = {"type": "read-only"}


def _experimental_handshake() -> list[dict[str, Any]]:
    init = {"clientInfo": {"name": "diff", "version": "1.0"}, "capabilities": {"experimentalApi": True}}
    return [
        {"send": {"id": 1, "method": "initialize", "params": init}},
        {"expect_response": 1},
        {"send": {"method": "initialized"}},
    ]


QUESTION = {
    "questions": [
        {
            "id": "color",
            "header": "Color",
            "question": "Which color?",
            "options": [
                {"label": "Red (Recommended)", "description": "Warm"},
                {"label": "Blue", "description": "Cool"},
            ],
        }
    ]
}


def plan_mode_user_input(mode: str) -> dict[str, Any]:
    """request_user_input in Plan mode (asks the client) and in Default mode (refused to the model)."""
    steps = _experimental_handshake() + v2_start()
    collaboration = {
        "mode": mode,
        "settings": {"model": "mock-model", "reasoning_effort": None, "developer_instructions": None},
    }
    steps += [
        {
            "send": {
                "id": 3,
                "method": "turn/start",
                "params": {
                    "threadId": "${thread}",
                    "input": [{"type": "text", "text": _call(QUESTION, "request_user_input")}],
                    "collaborationMode": collaboration,
                },
            }
        },
        {"expect_response": 3, "capture": {"turn": "result.turn.id"}},
    ]
    if mode == "plan":
        steps.append(
            {"answer": "item/tool/requestUserInput", "result": {"answers": {"color": {"answers": ["Blue"]}}}}
        )
    steps.append(_turn_done())
    return {"steps": steps}


def dynamic_tool_call(success: bool) -> dict[str, Any]:
    tool = {
        "name": "lookup_ticket",
        "description": "Look a ticket up",
        "inputSchema": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
    }
    steps = _experimental_handshake()
    steps += _req(2, "thread/start", {"dynamicTools": [tool]}, {"thread": "result.thread.id"})
    steps += v2_turn(3, _call({"id": "T-1"}, "lookup_ticket"))
    content = [{"type": "inputText", "text": "ticket T-1 is open" if success else "no such ticket"}]
    steps.append({"answer": "item/tool/call", "result": {"contentItems": content, "success": success}})
    steps.append(_turn_done())
    return {"steps": steps}


# A tiny stdio MCP server (stdlib only) both implementations spawn from the workspace.
ECHO_MCP_SERVER = """\
import json, sys

TOOLS = [
    {"name": "echo", "description": "Echo the text back",
     "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}},
    {"name": "fail", "description": "Always fails",
     "inputSchema": {"type": "object", "properties": {}}},
]

for line in sys.stdin:
    msg = json.loads(line)
    if "id" not in msg:
        continue
    method, rid = msg.get("method"), msg["id"]
    if method == "initialize":
        result = {"protocolVersion": msg["params"]["protocolVersion"], "capabilities": {"tools": {}},
                  "serverInfo": {"name": "echo", "version": "1.0"}}
    elif method == "tools/list":
        result = {"tools": TOOLS}
    elif method == "tools/call":
        args = msg["params"].get("arguments") or {}
        if msg["params"]["name"] == "echo":
            result = {"content": [{"type": "text", "text": "echo: " + str(args.get("text"))}], "isError": False}
        else:
            result = {"content": [{"type": "text", "text": "it failed"}], "isError": True}
    elif method == "ping":
        result = {}
    else:
        print(json.dumps({"jsonrpc": "2.0", "id": rid, "error": {"code": -32601, "message": "no"}}), flush=True)
        continue
    print(json.dumps({"jsonrpc": "2.0", "id": rid, "result": result}), flush=True)
"""


def mcp_tool_call(tool: str, args: dict[str, Any]) -> dict[str, Any]:
    steps: list[dict[str, Any]] = [{"write_file": "echo_mcp.py", "content": ECHO_MCP_SERVER}]
    steps += handshake() + v2_start()
    steps.append({"wait": "codex/event/mcp_startup_update", "match": {"params.msg.status.state": "ready"}})
    steps += v2_turn(3, _call(args, f"mcp__echo__{tool}"))
    steps.append(_turn_done())
    config = {
        "approval_policy": "never",
        "sandbox_mode": "danger-full-access",
        "mcp_servers.echo.command": "python3",
        "mcp_servers.echo.args": ["echo_mcp.py"],
    }
    return {"config": config, "steps": steps}


def steer_running_turn() -> dict[str, Any]:
    """Input sent to a running turn joins it (turn/steer with the right turn id)."""
    steps = handshake() + v2_start() + v2_turn(3, "Take your time SLOW")
    steps.append({"wait": "item/agentMessage/delta"})
    steps += _req(
        4,
        "turn/steer",
        {
            "threadId": "${thread}",
            "input": [{"type": "text", "text": "also MESSAGE"}],
            "expectedTurnId": "${turn}",
        },
    )
    steps.append(_turn_done())
    return {"steps": steps}


def v1_interrupt() -> dict[str, Any]:
    steps = handshake()
    steps += _req(2, "newConversation", {}, {"conv": "result.conversationId"})
    steps += _req(3, "addConversationListener", {"conversationId": "${conv}"})
    steps += _req(
        4,
        "sendUserMessage",
        {"conversationId": "${conv}", "items": [{"type": "text", "data": {"text": "SLOW"}}]},
    )
    steps.append({"wait": "codex/event/agent_message_delta"})
    steps += _req(5, "interruptConversation", {"conversationId": "${conv}"})
    steps.append({"wait": "codex/event/turn_aborted"})
    return {"steps": steps}


def unarchive_round_trip() -> dict[str, Any]:
    steps = handshake() + v2_start() + v2_turn(3, "Hello MESSAGE")
    steps.append(_turn_done())
    steps += _req(4, "thread/archive", {"threadId": "${thread}"})
    steps += _req(5, "thread/list", {"archived": True})
    steps += _req(6, "thread/unarchive", {"threadId": "${thread}"})
    steps += _req(7, "thread/list", {})
    steps += _req(8, "thread/unarchive", {"threadId": "${thread}"})
    return {"steps": steps}


def simple_turn(text: str, extra: dict[str, Any] | None = None, read_back: bool = True) -> dict[str, Any]:
    steps = handshake() + v2_start()
    params: dict[str, Any] = {
        "threadId": "${thread}",
        "input": [{"type": "text", "text": text}],
        **(extra or {}),
    }
    steps += [
        {"send": {"id": 3, "method": "turn/start", "params": params}},
        {"expect_response": 3, "capture": {"turn": "result.turn.id"}},
        _turn_done(),
    ]
    if read_back:
        steps += _req(4, "thread/read", {"threadId": "${thread}", "includeTurns": True})
    return {"steps": steps}


OUTPUT_SCHEMA = {
    "type": "object",
    "properties": {"answer": {"type": "string"}},
    "required": ["answer"],
    "additionalProperties": False,
}


def surface_methods() -> dict[str, Any]:
    """Requests IDEs send around turns: file search, saved config, listings, features."""
    steps: list[dict[str, Any]] = [
        {"write_file": "src/alpha.py", "content": "print(1)\n"},
        {"write_file": "src/beta_alpha.txt", "content": "x\n"},
        {"write_file": "docs/readme.md", "content": "# r\n"},
    ]
    steps += handshake() + v2_start() + v2_turn(3, "Hello MESSAGE")
    steps.append(_turn_done())
    steps += _req(
        4, "fuzzyFileSearch", {"query": "alpha", "roots": ["${WORKSPACE}"], "cancellationToken": None}
    )
    # skills/list is left out: the reference lists the two system skills it installs into
    # CODEX_HOME, which we do not ship (docs/app-server.md, differences).
    steps += _req(6, "getUserSavedConfig", {})
    steps += _req(7, "listConversations", {"pageSize": 5})
    steps += _req(8, "experimentalFeature/list", {})
    return {"steps": steps}


def thread_start_overrides() -> dict[str, Any]:
    """thread/start with the settings SDKs pass, then a turn with an image and a cwd override."""
    steps: list[dict[str, Any]] = [{"write_file": "sub/keep.txt", "content": "x\n"}]
    steps += handshake()
    params = {
        "model": "gpt-5.2-codex",
        "approvalPolicy": "on-request",
        "sandbox": "workspace-write",
        "config": {"model_reasoning_effort": "high"},
    }
    steps += _req(2, "thread/start", params, {"thread": "result.thread.id"})
    turn = {
        "threadId": "${thread}",
        "input": [
            {"type": "text", "text": "Look MESSAGE"},
            {"type": "image", "url": "https://example.com/cat.png"},
            {"type": "localImage", "path": "${WORKSPACE}/sub/keep.txt"},
        ],
        "cwd": "${WORKSPACE}/sub",
    }
    steps += [
        {"send": {"id": 3, "method": "turn/start", "params": turn}},
        {"expect_response": 3, "capture": {"turn": "result.turn.id"}},
        _turn_done(),
    ]
    steps += _req(4, "thread/read", {"threadId": "${thread}", "includeTurns": True})
    return {"steps": steps}


def fork_and_name() -> dict[str, Any]:
    """A named thread forked and continued: the notifications, the fork's history and the lists."""
    steps = handshake() + v2_start() + v2_turn(3, "Hello MESSAGE")
    steps.append(_turn_done())
    steps += _req(4, "thread/name/set", {"threadId": "${thread}", "name": "First one"})
    steps += _req(5, "thread/fork", {"threadId": "${thread}"}, {"fork": "result.thread.id"})
    steps += [
        {
            "send": {
                "id": 6,
                "method": "turn/start",
                "params": {"threadId": "${fork}", "input": [{"type": "text", "text": "in the fork MESSAGE"}]},
            }
        },
        {"expect_response": 6, "capture": {"forkturn": "result.turn.id"}},
        _turn_done("forkturn"),
    ]
    steps += _req(7, "thread/read", {"threadId": "${fork}", "includeTurns": True})
    steps += _req(8, "thread/read", {"threadId": "${thread}", "includeTurns": False})
    steps += _req(9, "thread/list", {})
    steps += _req(10, "thread/loaded/list", {})
    steps += _req(11, "thread/name/set", {"threadId": "${thread}", "name": ""})
    steps += _req(12, "thread/name/set", {"threadId": "not-a-thread", "name": "x"})
    return {"steps": steps}


def resume_loaded_thread() -> dict[str, Any]:
    """thread/resume of a thread this server has loaded, then another turn on it."""
    steps = handshake() + v2_start() + v2_turn(3, "Hello MESSAGE")
    steps.append(_turn_done())
    steps += _req(4, "thread/resume", {"threadId": "${thread}"})
    steps += v2_turn(5, "again MESSAGE", "second")
    steps.append(_turn_done("second"))
    steps += _req(6, "thread/read", {"threadId": "${thread}", "includeTurns": True})
    steps += _req(7, "thread/resume", {"threadId": "00000000-0000-7000-8000-000000000000"})
    return {"steps": steps}


def config_writes() -> dict[str, Any]:
    """Writes through config/value/write and config/batchWrite, their errors, and what reads see."""
    steps = handshake()
    steps += _req(2, "config/value/write", {"keyPath": "model", "value": "o3", "mergeStrategy": "replace"})
    steps += _req(
        3,
        "config/batchWrite",
        {
            "edits": [
                {"keyPath": "model_reasoning_effort", "value": "high", "mergeStrategy": "replace"},
                {"keyPath": "tools.web_search", "value": True, "mergeStrategy": "upsert"},
            ]
        },
    )
    steps += _req(4, "config/read", {"includeLayers": False})
    steps += _req(
        5,
        "config/value/write",
        {"keyPath": "model", "value": "o4", "mergeStrategy": "replace", "expectedVersion": "sha256:nope"},
    )
    steps += _req(6, "config/value/write", {"keyPath": "", "value": 1, "mergeStrategy": "replace"})
    steps += _req(
        7, "config/value/write", {"keyPath": "approval_policy", "value": "bogus", "mergeStrategy": "replace"}
    )
    steps += _req(8, "setDefaultModel", {"model": "gpt-5.2-codex", "reasoningEffort": "low"})
    steps += _req(9, "getUserSavedConfig", {})
    steps += _req(10, "config/value/write", {"keyPath": "model", "value": None, "mergeStrategy": "replace"})
    steps += _req(11, "config/read", {"includeLayers": False})
    return {"steps": steps}


def v1_fork_resume() -> dict[str, Any]:
    """The legacy API around a conversation: fork it, resume it, list it, summarise it."""
    steps = _v1_conversation("Hello MESSAGE")
    steps += _req(5, "forkConversation", {"conversationId": "${conv}"}, {"fork": "result.conversationId"})
    steps += _req(6, "getConversationSummary", {"conversationId": "${fork}"})
    steps += _req(7, "resumeConversation", {"conversationId": "${conv}"})
    steps += _req(8, "listConversations", {"pageSize": 10})
    steps += _req(9, "getConversationSummary", {"rolloutPath": "${path}"})
    steps += _req(10, "resumeConversation", {"conversationId": "00000000-0000-7000-8000-000000000000"})
    return {"steps": steps}


def model_list_pages() -> dict[str, Any]:
    steps = handshake()
    steps += _req(2, "model/list", {"limit": 2}, {"cursor": "result.nextCursor"})
    steps += _req(3, "model/list", {"limit": 2, "cursor": "${cursor}"})
    steps += _req(4, "model/list", {"cursor": "bogus"})
    steps += _req(5, "model/list", {"limit": 0})
    return {"steps": steps}


def account_methods() -> dict[str, Any]:
    """What a client asks about the account with no login (the mock provider needs none)."""
    steps = handshake()
    steps += _req(2, "account/read", {})
    steps += _req(3, "account/read", {"refreshToken": True})
    steps += _req(4, "getAuthStatus", {"includeToken": True, "refreshToken": False})
    steps += _req(5, "account/rateLimits/read", {})
    steps += _req(6, "userInfo", {})
    steps += _req(7, "account/logout", {})
    steps += _req(8, "account/login/cancel", {"loginId": "nope"})
    steps += _req(9, "account/login/cancel", {"loginId": "00000000-0000-4000-8000-000000000000"})
    steps += _req(10, "cancelLoginChatGpt", {"loginId": "nope"})
    steps += _req(11, "cancelLoginChatGpt", {"loginId": "00000000-0000-4000-8000-000000000000"})
    return {"steps": steps}


def v1_resume_from_disk() -> dict[str, Any]:
    """The legacy resume and fork of a conversation no server has loaded: by path, by id, from
    history; then a turn on the resumed one."""
    steps = _v1_conversation("Hello MESSAGE")
    steps += _restart(10)
    steps += _req(11, "forkConversation", {"path": "${path}"}, {"fork": "result.conversationId"})
    steps += _req(12, "resumeConversation", {"path": "${path}", "overrides": {"model": "o3"}})
    steps += _req(13, "resumeConversation", {"conversationId": "${conv}"})
    history = [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "earlier"}]}]
    steps += _req(14, "resumeConversation", {"history": history}, {"fromhistory": "result.conversationId"})
    steps += _req(15, "addConversationListener", {"conversationId": "${conv}"})
    steps += _req(
        16,
        "sendUserMessage",
        {"conversationId": "${conv}", "items": [{"type": "text", "data": {"text": "again MESSAGE"}}]},
    )
    steps.append({"wait": "codex/event/task_complete"})
    return {"steps": steps}


# Ids that are not UUIDs, each failing a different check of the parser (character, simple length,
# group count, a group's length, the last group's length, braces and URN prefixes).
BAD_IDS = [
    "nope",
    "0123456789abcdef",
    "01234567-89ab-cdef",
    "0123456-789ab-cdef-0123-456789abcdef",
    "01234567-89ab-cdef-0123-456789abcdef0",
    "{01234567-89ab-cdef-0123-456789abcdeg}",
    "urn:uuid:01234567-89ab-cdef-0123-45678",
    "01234567-89ab-cdef-0123-45678\u00e99abcd",
    "",
    "urn:uuid:0123456g-89ab-cdef-0123-456789abcdef",
    "{0123456g-89ab-cdef-0123-456789abcdef}",
    "{abc}",
    "urn:uuid:abc",
    "{0123-4567}",
    "{0123456-789ab-cdef-0123-456789abcdef}",
    "{01234567-89ab-cdef-0123-456789abcdef}",
    "0123456789ABCDEF0123456789ABCDEF",
]


def bad_ids() -> dict[str, Any]:
    """Malformed ids in the v1 and v2 requests that take one: the parser's own error texts."""
    steps = handshake()
    rid = 2
    for bad in BAD_IDS:
        for method, params in (
            ("cancelLoginChatGpt", {"loginId": bad}),
            ("account/login/cancel", {"loginId": bad}),
            ("getConversationSummary", {"conversationId": bad}),
            ("resumeConversation", {"conversationId": bad}),
            ("sendUserMessage", {"conversationId": bad, "items": []}),
            ("thread/read", {"threadId": bad}),
            ("thread/resume", {"threadId": bad}),
            ("turn/interrupt", {"threadId": bad, "turnId": "t"}),
            ("removeConversationListener", {"subscriptionId": bad}),
            ("archiveConversation", {"conversationId": bad, "rolloutPath": "/nowhere.jsonl"}),
        ):
            steps += _req(rid, method, params)
            rid += 1
    return {"steps": steps}


UNKNOWN_THREAD = "00000000-0000-7000-8000-000000000000"


def v2_error_edges() -> dict[str, Any]:
    """What each v2 method answers off its happy path: unknown threads, empty or odd input,
    a busy thread, rollbacks and compactions that cannot be, paging edges."""
    steps: list[dict[str, Any]] = [{"write_file": "notes.txt", "content": "x\n"}]
    steps += handshake() + v2_start()
    rid = 3
    for method, params in (
        # (empty turn input is left out: refusing it is a documented difference)
        ("turn/start", {"threadId": UNKNOWN_THREAD, "input": [{"type": "text", "text": "hi"}]}),
        (
            "turn/steer",
            {"threadId": "${thread}", "input": [{"type": "text", "text": "x"}], "expectedTurnId": "t"},
        ),
        # (turn/interrupt of an idle thread is left out: 0.100.0 never answers it)
        ("thread/rollback", {"threadId": "${thread}", "numTurns": 0}),
        ("thread/rollback", {"threadId": "${thread}", "numTurns": 3}),
        ("thread/compact/start", {"threadId": UNKNOWN_THREAD}),
        ("thread/read", {"threadId": UNKNOWN_THREAD, "includeTurns": True}),
        ("thread/fork", {"threadId": UNKNOWN_THREAD}),
        ("thread/archive", {"threadId": UNKNOWN_THREAD}),
        ("thread/unarchive", {"threadId": UNKNOWN_THREAD}),
        ("thread/name/set", {"threadId": UNKNOWN_THREAD, "name": "x"}),
        ("thread/list", {"limit": 0}),
        ("thread/list", {"cursor": "garbage"}),
        ("thread/list", {"sortKey": "bogus"}),
        ("thread/loaded/list", {"limit": 0}),
        ("thread/loaded/list", {"cursor": "garbage"}),
        ("review/start", {"threadId": UNKNOWN_THREAD, "target": {"type": "uncommittedChanges"}}),
        ("review/start", {"threadId": "${thread}", "target": {"type": "custom", "instructions": ""}}),
        # (sandboxed commands are left out: under a CODEX_HOME in /tmp 0.100.0 cannot set up its
        # sandbox helper and fails every one; flow_command_exec runs them unsandboxed)
        ("command/exec", {"command": []}),
        ("config/read", {"includeLayers": True, "cwd": "/nonexistent/dir"}),
        ("config/value/write", {"keyPath": "model", "value": "o3", "mergeStrategy": "bogus"}),
        ("config/batchWrite", {"edits": []}),
        ("fuzzyFileSearch", {"query": "", "roots": ["${WORKSPACE}"], "cancellationToken": None}),
        ("fuzzyFileSearch", {"query": "notes", "roots": ["/nonexistent/dir"], "cancellationToken": None}),
        ("gitDiffToRemote", {"cwd": "${WORKSPACE}"}),
        ("mcpServerStatus/list", {}),
        ("config/mcpServer/reload", {}),
        ("skills/config/write", {"path": "/nonexistent/SKILL.md", "enabled": False}),
    ):
        steps += _req(rid, method, params)
        rid += 1
    return {"steps": steps, "ignored": ESTIMATED_USAGE}


def busy_thread() -> dict[str, Any]:
    """Requests that meet a running turn: rollback, then interrupt."""
    steps = handshake() + v2_start() + v2_turn(3, "go SLOW", "slow")
    steps.append({"wait": "item/agentMessage/delta"})
    steps += _req(4, "thread/rollback", {"threadId": "${thread}", "numTurns": 1})
    steps += _req(5, "turn/interrupt", {"threadId": "${thread}", "turnId": "${slow}"})
    steps.append(_turn_done("slow"))
    return {"steps": steps}


def v1_error_edges() -> dict[str, Any]:
    """The legacy API off its happy path."""
    steps = handshake()
    steps += _req(2, "newConversation", {}, {"conv": "result.conversationId"})
    rid = 3
    for method, params in (
        (
            "sendUserMessage",
            {"conversationId": UNKNOWN_THREAD, "items": [{"type": "text", "data": {"text": "x"}}]},
        ),
        # (empty input is left out: refusing it is a documented difference)
        ("interruptConversation", {"conversationId": UNKNOWN_THREAD}),
        ("addConversationListener", {"conversationId": UNKNOWN_THREAD}),
        ("removeConversationListener", {"subscriptionId": UNKNOWN_THREAD}),
        ("archiveConversation", {"conversationId": "${conv}", "rolloutPath": "relative/nowhere.jsonl"}),
        ("getConversationSummary", {"rolloutPath": "sessions/nowhere.jsonl"}),
        ("getConversationSummary", {"rolloutPath": ""}),
        ("listConversations", {"pageSize": 0}),
        ("listConversations", {"cursor": "garbage"}),
        ("resumeConversation", {}),
        ("forkConversation", {}),
        ("resumeConversation", {"path": ""}),
        ("resumeConversation", {"path": "sessions/nope.jsonl"}),
        ("forkConversation", {"path": "sessions/nope.jsonl"}),
        ("forkConversation", {"path": ""}),
        ("archiveConversation", {"conversationId": "${conv}", "rolloutPath": ""}),
        ("execOneOffCommand", {"command": []}),
        ("setDefaultModel", {}),
        ("gitDiffToRemote", {"cwd": "/nonexistent/dir"}),
    ):
        steps += _req(rid, method, params)
        rid += 1
    return {"steps": steps}


def v1_login_api_key() -> dict[str, Any]:
    """loginApiKey with a key and with an empty one, and what the account methods say after."""
    steps = handshake()
    steps += _req(2, "loginApiKey", {"apiKey": "sk-test-key-1234567890"})
    steps += _req(3, "getAuthStatus", {"includeToken": False})
    steps += _req(4, "account/read", {})
    steps += _req(5, "loginApiKey", {"apiKey": ""})
    steps += _req(6, "getAuthStatus", {"includeToken": False})
    steps += _req(7, "logoutChatGpt", {})
    steps += _req(8, "getAuthStatus", {})
    return {"steps": steps}


def start_param_edges() -> dict[str, Any]:
    """thread/start, turn/start and newConversation with settings that cannot be used."""
    steps = handshake()
    rid = 2
    for method, params in (
        ("thread/start", {"sandbox": "bogus"}),
        ("thread/start", {"approvalPolicy": "sometimes"}),
        ("thread/start", {"cwd": "/nonexistent/dir"}),
        ("thread/start", {"cwd": "relative/dir"}),
        ("thread/start", {"modelProvider": "nope"}),
        ("thread/start", {"config": {"model_reasoning_effort": "extreme"}}),
        # an enum given a non-string (the TOML deserializer's texts), or a table naming a variant
        ("thread/start", {"config": {"sandbox_mode": 5}}),
        ("thread/start", {"config": {"sandbox_mode": True}}),
        ("thread/start", {"config": {"sandbox_mode": [1]}}),
        ("thread/start", {"config": {"sandbox_mode": {"a": 1}}}),
        ("thread/start", {"config": {"model": 5}}),
        ("thread/start", {"config": {"hide_agent_reasoning": "yes"}}),
        ("thread/start", {"config": {"not.a.known.key": 1}}),
        ("newConversation", {"sandbox": "bogus"}),
        ("newConversation", {"cwd": "/nonexistent/dir"}),
        ("newConversation", {"modelProvider": "nope"}),
        ("newConversation", {"config": {"approval_policy": "sometimes"}}),
    ):
        steps += _req(rid, method, params)
        rid += 1
    steps += _req(rid, "thread/start", {}, {"thread": "result.thread.id"})
    rid += 1
    text = [{"type": "text", "text": "hi MESSAGE"}]
    for params in (
        {"effort": "extreme"},
        {"summary": "sometimes"},
        {"approvalPolicy": "sometimes"},
        {"sandboxPolicy": {"type": "bogus"}},
        {"sandboxPolicy": {"type": "workspaceWrite", "writableRoots": ["relative/root"]}},
        {"input": [{"type": "bogus"}]},
        {"input": [{"type": "image"}]},
    ):
        steps += _req(rid, "turn/start", {"threadId": "${thread}", "input": text, **params})
        rid += 1
    # One turn that starts: a relative cwd and an output schema that is not one are both taken.
    # (A second turn/start while it runs is left out: it is a documented difference.)
    params = {"threadId": "${thread}", "input": text, "cwd": "relative/dir", "outputSchema": "not a schema"}
    steps += [
        {"send": {"id": rid, "method": "turn/start", "params": params}},
        {"expect_response": rid, "capture": {"turn": "result.turn.id"}},
        _turn_done(),
    ]
    return {"steps": steps}


def resume_fork_overrides() -> dict[str, Any]:
    """thread/resume and thread/fork with the settings SDKs pass, after a restart."""
    steps = handshake() + v2_start() + v2_turn(3, "Hello MESSAGE")
    steps.append(_turn_done())
    steps += _restart(10)
    overrides = {
        "model": "o3",
        "approvalPolicy": "never",
        "sandbox": "workspace-write",
        "cwd": "${WORKSPACE}",
    }
    steps += _req(11, "thread/fork", {"threadId": "${thread}", **overrides}, {"fork": "result.thread.id"})
    steps += _req(
        12,
        "thread/resume",
        {"threadId": "${thread}", **overrides, "config": {"model_reasoning_effort": "low"}},
    )
    steps += _req(13, "thread/resume", {"threadId": "${thread}", "model": "gpt-5.2-codex"})
    steps += _req(14, "thread/loaded/list", {})
    return {"steps": steps}


def loaded_list_pages() -> dict[str, Any]:
    """thread/loaded/list after threads were loaded out of order: id order, id cursors."""
    steps = handshake()
    names = ["a", "b", "c", "d"]
    for i, name in enumerate(names):
        steps += _req(2 + i * 2, "thread/start", {}, {name: "result.thread.id"})
        turn = {"threadId": "${" + name + "}", "input": [{"type": "text", "text": "hi MESSAGE"}]}
        steps += [
            {"send": {"id": 3 + i * 2, "method": "turn/start", "params": turn}},
            {"expect_response": 3 + i * 2, "capture": {"t" + name: "result.turn.id"}},
            _turn_done("t" + name),
        ]
    steps += _restart(20)
    for i, name in enumerate(["d", "b", "a", "c"]):
        steps += _req(21 + i, "thread/resume", {"threadId": "${" + name + "}"})
    steps += _req(30, "thread/loaded/list", {})
    steps += _req(31, "thread/loaded/list", {"limit": 2}, {"cursor": "result.nextCursor"})
    steps += _req(32, "thread/loaded/list", {"limit": 2, "cursor": "${cursor}"})
    steps += _req(33, "thread/loaded/list", {"cursor": UNKNOWN_THREAD})
    steps += _req(34, "thread/loaded/list", {"cursor": "7"})
    return {"steps": steps}


def review_detached() -> dict[str, Any]:
    """A review delivered on a thread of its own: refused before the thread has a rollout, then
    run after a turn."""
    steps = handshake() + v2_start()
    target = {"type": "custom", "instructions": "Check the MESSAGE handling"}
    steps += _req(3, "review/start", {"threadId": "${thread}", "target": target, "delivery": "detached"})
    steps += v2_turn(4, "Hello MESSAGE")
    steps.append(_turn_done())
    steps += _req(
        5,
        "review/start",
        {"threadId": "${thread}", "target": target, "delivery": "detached"},
        {"review": "result.turn.id"},
    )
    steps.append(_turn_done("review"))
    return {"steps": steps}
