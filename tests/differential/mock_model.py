"""The marker-driven mock model the differential scenarios are recorded and replayed with.

The newest user message picks the behaviour. It has the interface of the conformance kit's mock
(``MockModel(log_path=...)``, ``.start()``, ``.base_url``, ``.port``, ``.stop()``), so the kit's
runner takes it with ``--mock tests/differential/mock_model.py`` when recording from the reference.

Markers (the first one found in the newest user message wins):

``CALL <tool> <json>`` (one per line, any number of lines)
    The calls, one per model request, in order: a ``function_call`` with the JSON object as its
    arguments, or a ``custom_tool_call`` whose input is the JSON string when the request offers the
    tool as a custom (freeform) tool. Once every call has its output, a final message saying what
    each output looked like (``exit N``, ``sandbox denied``, ``rejected``, ``aborted``, ``output``), so the transcript
    shows what the model was told.
``WEBSEARCH``  a ``web_search_call`` item (added in progress, done with a search action), then a message.
``REASONING``  reasoning summary deltas, then a message.
``SLOW``       ten deltas half a second apart (for interrupts).
``FAIL``       HTTP 500.
``SHELL`` / ``PATCH`` / ``PLAN``
    What the conformance kit's mock does for them, so the public scenarios replay with this mock.
anything else  a message in five deltas.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import threading
from pathlib import Path
from typing import Any


def _load_mock_server() -> Any:
    """tests/mock_model/server.py by path: the conformance runner has a `mock_model` module of its own."""
    path = Path(__file__).resolve().parents[1] / "mock_model" / "server.py"
    spec = importlib.util.spec_from_file_location("differential_mock_server", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


_server = _load_mock_server()
DEFAULT_USAGE = _server.DEFAULT_USAGE
MockModelServer = _server.MockModelServer
custom_tool_call_response = _server.custom_tool_call_response
function_call_response = _server.function_call_response
http_error = _server.http_error
message_response = _server.message_response
reasoning_then_message = _server.reasoning_then_message
slow = _server.slow
sse = _server.sse
Reply = Any
RecordedRequest = Any

OUTPUT_TYPES = ("function_call_output", "custom_tool_call_output")
SHELL_COMMAND = "touch shell-marker.txt && echo shell-ok"
PATCH_TEXT = "*** Begin Patch\n*** Add File: patched.txt\n+patched by mock\n*** End Patch\n"
PLAN_ARGS = {
    "explanation": "Mock plan",
    "plan": [
        {"step": "Read the code", "status": "completed"},
        {"step": "Write the fix", "status": "in_progress"},
        {"step": "Run the tests", "status": "pending"},
    ],
}
_CALL_LINE = re.compile(r"^CALL (\S+) (.+)$", re.MULTILINE)
_EXIT = re.compile(r"(?:Process exited with code|Exit code:) (-?\d+)")


def _text_of(item: dict[str, Any]) -> str:
    content = item.get("content")
    if isinstance(content, str):
        return content
    return " ".join(part.get("text", "") for part in content or [] if isinstance(part, dict))


# User-role messages the agent writes itself (context, instructions, tool warnings), not the user's turn.
_INJECTED_PREFIXES = ("<", "Warning:", "# AGENTS.md")


def _is_user_turn_message(item: dict[str, Any]) -> bool:
    if item.get("type", "message") != "message" or item.get("role") != "user":
        return False
    return not _text_of(item).lstrip().startswith(_INJECTED_PREFIXES)


def _offered_tools(body: dict[str, Any]) -> dict[str, str]:
    tools: dict[str, str] = {}
    for tool in body.get("tools") or []:
        name = tool.get("name") or (tool.get("function") or {}).get("name")
        if name:
            tools[name] = tool.get("type", "function")
    return tools


def _describe_output(item: dict[str, Any]) -> str:
    output = item.get("output")
    if isinstance(output, dict):
        output = output.get("content") or json.dumps(output)
    if isinstance(output, list):
        output = " ".join(p.get("text", "") for p in output if isinstance(p, dict))
    text = str(output or "")
    if "Sandbox(Denied" in text:
        return "sandbox denied"
    if "rejected" in text.lower():
        return "rejected"
    if "aborted" in text.lower():
        return "aborted"
    found = _EXIT.search(text)
    return f"exit {found.group(1)}" if found else "output"


def _shell_call(tools: dict[str, str], command: str) -> tuple[str, dict[str, Any]]:
    if "exec_command" in tools:
        return "exec_command", {"cmd": command}
    if "shell_command" in tools:
        return "shell_command", {"command": command}
    return "shell", {"command": ["bash", "-lc", command]}


def _web_search(n: int) -> list[dict[str, Any]]:
    item_id = f"ws_mock_{n}"
    added = {"type": "web_search_call", "id": item_id, "status": "in_progress"}
    done = {
        "type": "web_search_call",
        "id": item_id,
        "status": "completed",
        "action": {"type": "search", "query": "weather in Paris"},
    }
    message = message_response("Searched.", item_id=f"msg_mock_{n}", deltas=1, response_id=f"resp_mock_{n}")
    return [
        message[0],
        {"type": "response.output_item.added", "output_index": 0, "item": added},
        {"type": "response.output_item.done", "output_index": 0, "item": done},
        *[dict(e, output_index=1) if "output_index" in e else e for e in message[1:-1]],
        message[-1],
    ]


class MockModel:
    """A ``MockModelServer`` whose replies come from the markers; ``base_url`` ends in ``/v1``."""

    def __init__(self, port: int = 0, log_path: str | None = None) -> None:
        self.log_path = log_path
        self._lock = threading.Lock()
        self._count = 0
        self._calls = 0
        self._server = MockModelServer(port=port, responder=self._respond)
        self.port = self._server.port
        self.base_url = self._server.url

    def start(self) -> MockModel:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def _log(self, entry: dict[str, Any]) -> None:
        if self.log_path:
            with self._lock, open(self.log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")

    def _respond(self, request: RecordedRequest) -> Reply | None:
        body = request.body if isinstance(request.body, dict) else {}
        if not request.path.split("?")[0].endswith("/responses"):
            return None
        self._count += 1
        n = self._count
        behaviour, reply = self._choose(body, n)
        self._log({"method": "POST", "path": request.path, "behaviour": behaviour, "n": n, "body": body})
        return reply

    def _choose(self, body: dict[str, Any], n: int) -> tuple[str, Reply]:
        items = [it for it in body.get("input") or [] if isinstance(it, dict)]
        users = [i for i, it in enumerate(items) if _is_user_turn_message(it)]
        last_user = users[-1] if users else -1
        text = _text_of(items[last_user]) if last_user >= 0 else ""
        outputs = [it for it in items[last_user + 1 :] if it.get("type") in OUTPUT_TYPES]
        tools = _offered_tools(body)
        rid, mid = f"resp_mock_{n}", f"msg_mock_{n}"
        calls = _CALL_LINE.findall(text)
        if not calls:
            legacy = self._legacy_call(text, tools)
            calls = [legacy] if legacy else []
        if calls:
            if len(outputs) >= len(calls):
                summary = ", ".join(_describe_output(o) for o in outputs)
                return "FOLLOW_UP", sse(
                    message_response(f"Done: {summary}.", item_id=mid, deltas=1, response_id=rid)
                )
            name, raw_args = calls[len(outputs)]
            return "CALL", sse(self._call(name, raw_args, tools, rid))
        if "WEBSEARCH" in text:
            return "WEBSEARCH", sse(_web_search(n))
        if "REASONING" in text:
            return "REASONING", sse(
                reasoning_then_message(reasoning_id=f"rs_mock_{n}", item_id=mid, response_id=rid)
            )
        if "FAIL" in text:
            return "FAIL", http_error(500, {"error": {"message": "mock failure", "type": "server_error"}})
        if "SLOW" in text:
            deltas = [f"slow{i} " for i in range(10)]
            return "SLOW", slow(
                message_response("".join(deltas), item_id=mid, deltas=10, response_id=rid), 0.5
            )
        return "MESSAGE", sse(message_response(item_id=mid, response_id=rid, usage=DEFAULT_USAGE))

    @staticmethod
    def _legacy_call(text: str, tools: dict[str, str]) -> tuple[str, str] | None:
        """The conformance kit's SHELL / PATCH / PLAN markers as CALL lines."""
        if "SHELL" in text:
            name, args = _shell_call(tools, SHELL_COMMAND)
            return name, json.dumps(args)
        if "PATCH" in text:
            if "apply_patch" in tools:
                return "apply_patch", json.dumps(
                    PATCH_TEXT if tools["apply_patch"] == "custom" else {"input": PATCH_TEXT}
                )
            name, args = _shell_call(tools, f"apply_patch <<'EOF'\n{PATCH_TEXT}EOF\n")
            return name, json.dumps(args)
        if "PLAN" in text:
            return "update_plan", json.dumps(PLAN_ARGS)
        return None

    def _call(
        self, name: str, raw_args: str, tools: dict[str, str], response_id: str
    ) -> list[dict[str, Any]]:
        with self._lock:
            self._calls += 1
            call_id = f"call_mock_{self._calls}"
        args = json.loads(raw_args)
        if tools.get(name) == "custom":
            text = args if isinstance(args, str) else json.dumps(args)
            return custom_tool_call_response(
                name, text, call_id, item_id=f"ctc_mock_{self._calls}", response_id=response_id
            )
        if isinstance(args, str) and name == "apply_patch":
            args = {"input": args}
        return function_call_response(
            name, args, call_id, item_id=f"fc_mock_{self._calls}", response_id=response_id
        )
