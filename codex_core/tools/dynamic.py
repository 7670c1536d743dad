"""Tools answered by the client instead of the server.

* Dynamic tools: a client registers function tools when it starts a thread (experimental
  `dynamicTools`); calls to them go to the client (`item/tool/call`) and its answer (content
  items + success) goes back to the model.
* request_user_input: in Plan mode the model may ask the user short multiple-choice
  questions (`item/tool/requestUserInput`); the answers go back to the model as JSON.

The core only knows the `ClientTools` protocol below; a transport installs an implementation
on the session with `install_client_tools` (the app-server's is `app_server.client_tools`).
Without one, calls fail with a message to the model instead of hanging.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from codex_core.tools.base import ToolCall, ToolContext, ToolRouter


class ClientTools(Protocol):
    async def call_tool(self, turn_id: str, call_id: str, tool: str, arguments: Any) -> dict[str, Any] | None:
        """A dynamic tool's result `{contentItems: [...], success: bool}`, or None if nobody answered."""
        ...

    async def request_user_input(
        self, turn_id: str, call_id: str, questions: list[dict[str, Any]]
    ) -> dict[str, Any] | None:
        """The user's answers `{answers: {<question id>: {answers: [str]}}}`, or None if nobody answered."""
        ...


class ClientToolsHost(Protocol):
    """What installing client tools needs of a thread (the agent's Session provides it)."""

    @property
    def stores(self) -> dict[str, Any]: ...
    @property
    def tools(self) -> ToolRouter: ...


def install_client_tools(
    session: ClientToolsHost, client: ClientTools, dynamic_tools: list[dict[str, Any]] | None = None
) -> None:
    """Route client-answered calls of `session` to `client`; register its dynamic tools
    (`{name, description, inputSchema}` as given to thread/start) on the session's router."""
    session.stores["client_tools"] = client
    for entry in dynamic_tools or []:
        register_dynamic_tool(session.tools, entry)


def _no_client() -> ClientTools | None:
    return None


def client_for(context: ToolContext) -> ClientTools | None:
    """Who answers the thread's client-side calls (installed with the thread), if anyone."""
    return context.thread_store("client_tools", _no_client)


# ---- dynamic tools -----------------------------------------------------------------------------

CANCELLED = "dynamic tool call was cancelled before receiving a response"


def register_dynamic_tool(router: ToolRouter, entry: dict[str, Any]) -> None:
    from codex_core.tools.base import Tool

    name = str(entry["name"])
    spec = {
        "type": "function",
        "name": name,
        "description": str(entry.get("description", "")),
        "strict": False,
        "parameters": entry.get("inputSchema") or entry.get("input_schema") or {"type": "object"},
    }

    async def handle(call: ToolCall, context: ToolContext) -> dict[str, Any]:
        try:
            arguments = json.loads(call.arguments) if call.arguments.strip() else {}
        except ValueError as exc:
            return call.output(f"failed to parse function arguments: {exc}")
        context.emit(
            {
                # camelCase on the wire, as the reference's DynamicToolCallRequest is.
                "type": "dynamic_tool_call_request",
                "callId": call.call_id,
                "turnId": context.turn_id,
                "tool": name,
                "arguments": arguments,
            },
        )
        client = client_for(context)
        response = await client.call_tool(context.turn_id, call.call_id, name, arguments) if client else None
        if response is None:
            return call.output(CANCELLED)
        return {
            "type": "function_call_output",
            "call_id": call.call_id,
            "output": [_content_item(item) for item in response.get("contentItems") or []],
        }

    router.register(Tool(name, lambda _context: spec, handle))


def _content_item(item: dict[str, Any]) -> dict[str, Any]:
    if item.get("type") == "inputImage":
        return {"type": "input_image", "image_url": item.get("imageUrl", "")}
    return {"type": "input_text", "text": item.get("text", "")}


# ---- request_user_input ------------------------------------------------------------------------

_RUI_DESCRIPTION = (
    "Ask the user one to three short multiple-choice questions and wait for the answers. "
    "Only available in Plan mode."
)


def request_user_input_spec(context: ToolContext) -> dict[str, Any]:
    option = {
        "type": "object",
        "properties": {
            "label": {"type": "string", "description": "A short answer (1-5 words)."},
            "description": {"type": "string", "description": "What choosing this answer means."},
        },
        "required": ["label", "description"],
        "additionalProperties": False,
    }
    question = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "description": "A stable snake_case id for the answer."},
            "header": {"type": "string", "description": "A very short label shown above the question."},
            "question": {"type": "string", "description": "The question, in one sentence."},
            "options": {
                "type": "array",
                "description": "Two or three answers to pick from.",
                "items": option,
            },
        },
        "required": ["id", "header", "question", "options"],
        "additionalProperties": False,
    }
    return {
        "type": "function",
        "name": "request_user_input",
        "description": _RUI_DESCRIPTION,
        "strict": False,
        "parameters": {
            "type": "object",
            "properties": {
                "questions": {"type": "array", "description": "The questions.", "items": question}
            },
            "required": ["questions"],
            "additionalProperties": False,
        },
    }


def collaboration_mode(context: ToolContext) -> str:
    # Plan mode is chosen per turn (turn/start collaborationMode); settings without it are default.
    return str(getattr(context.settings, "collaboration_mode", None) or "default")


async def handle_request_user_input(call: ToolCall, context: ToolContext) -> dict[str, Any]:
    mode = collaboration_mode(context)
    if mode != "plan":
        return call.output(f"request_user_input is unavailable in {mode.capitalize()} mode")
    try:
        args = json.loads(call.arguments)
        questions = [
            {
                "id": str(q["id"]),
                "header": str(q["header"]),
                "question": str(q["question"]),
                "isOther": True,
                "isSecret": False,
                "options": [
                    {"label": str(o["label"]), "description": str(o["description"])}
                    for o in q["options"] or []
                ],
            }
            for q in args["questions"]
        ]
    except (ValueError, KeyError, TypeError) as exc:
        return call.output(f"failed to parse function arguments: {exc}")
    if any(not q["options"] for q in questions):
        return call.output("request_user_input requires non-empty options for every question")
    context.emit(
        {
            "type": "request_user_input",
            "call_id": call.call_id,
            "turn_id": context.turn_id,
            "questions": questions,
        },
    )
    client = client_for(context)
    response = await client.request_user_input(context.turn_id, call.call_id, questions) if client else None
    if response is None:
        return call.output("request_user_input was cancelled before receiving a response")
    answers = {
        str(qid): {"answers": [str(a) for a in (entry or {}).get("answers", [])]}
        for qid, entry in (response.get("answers") or {}).items()
    }
    return call.output(json.dumps({"answers": answers}, separators=(",", ":"), ensure_ascii=False))
