"""Chat Completions wire (``wire_api = "chat"``): request conversion and stream parsing.

The Responses-style prompt is converted to ``/chat/completions`` messages, and the streamed
chunks are mapped onto the same normalized events the Responses parser produces, so the
agent loop does not care which wire a provider speaks.  Retries are the client's (shared).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import orjson

from codex_core.model.errors import StreamDisconnected, error_from_failed_event
from codex_core.model.events import (
    Completed,
    Created,
    ModelEvent,
    OutputItemAdded,
    OutputItemDone,
    OutputTextDelta,
    TokenUsage,
)
from codex_core.model.request import Prompt

__all__ = ["ChatStreamParser", "build_chat_body", "chat_messages", "chat_tools"]


def _content_parts(content: Any) -> tuple[str, list[dict[str, Any]], bool]:
    """(joined text, chat content parts, has_image) for a Responses message's content."""
    if isinstance(content, str):
        return content, [{"type": "text", "text": content}], False
    texts: list[str] = []
    parts: list[dict[str, Any]] = []
    has_image = False
    for part in content or []:
        if not isinstance(part, dict):
            continue
        kind = part.get("type")
        if kind in ("input_text", "output_text", "text") and isinstance(part.get("text"), str):
            texts.append(part["text"])
            parts.append({"type": "text", "text": part["text"]})
        elif kind == "input_image" and part.get("image_url"):
            has_image = True
            parts.append({"type": "image_url", "image_url": {"url": part["image_url"]}})
    return "".join(texts), parts, has_image


def _output_text(output: Any) -> str:
    if isinstance(output, str):
        return output
    if isinstance(output, dict):  # {"content": ..., "success": ...} shapes
        return _output_text(output.get("content") if "content" in output else json.dumps(output))
    if isinstance(output, list):
        return "".join(p.get("text", "") for p in output if isinstance(p, dict))
    return json.dumps(output)


def chat_messages(instructions: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Responses ``input`` items → chat messages (reasoning and unknown items are dropped)."""
    messages: list[dict[str, Any]] = []
    if instructions:
        messages.append({"role": "system", "content": instructions})
    for item in items:
        kind = item.get("type", "message")
        if kind == "message":
            role = item.get("role", "user")
            text, parts, has_image = _content_parts(item.get("content"))
            if role == "assistant":
                messages.append({"role": "assistant", "content": text})
            else:
                # Chat has no developer role everywhere; system carries the same weight.
                chat_role = "system" if role == "developer" else role
                messages.append({"role": chat_role, "content": parts if has_image else text})
        elif kind in ("function_call", "custom_tool_call"):
            arguments = item.get("arguments") if kind == "function_call" else item.get("input")
            call = {
                "id": item.get("call_id"),
                "type": "function",
                "function": {"name": item.get("name"), "arguments": arguments or ""},
            }
            last = messages[-1] if messages else None
            # Parallel calls share one assistant message, as the API produced them.
            if last and last["role"] == "assistant" and last.get("tool_calls") and not last.get("content"):
                last["tool_calls"].append(call)
            else:
                messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
        elif kind in ("function_call_output", "custom_tool_call_output"):
            messages.append(
                {
                    "role": "tool",
                    "tool_call_id": item.get("call_id"),
                    "content": _output_text(item.get("output")),
                }
            )
    return messages


def chat_tools(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Function tools only; custom/web_search tools have no chat equivalent."""
    result = []
    for tool in tools:
        if tool.get("type") != "function":
            continue
        function = {k: tool[k] for k in ("name", "description", "parameters", "strict") if k in tool}
        result.append({"type": "function", "function": function})
    return result


def build_chat_body(prompt: Prompt) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": prompt.model,
        "messages": chat_messages(prompt.instructions, prompt.input),
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    tools = chat_tools(prompt.tools)
    if tools:  # Some servers reject an empty tools array.
        body["tools"] = tools
    return body


def _usage(raw: Any) -> TokenUsage | None:
    if not isinstance(raw, dict):
        return None

    def num(value: Any) -> int:
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    prompt_details = raw.get("prompt_tokens_details") or {}
    completion_details = raw.get("completion_tokens_details") or {}
    return TokenUsage(
        input_tokens=num(raw.get("prompt_tokens")),
        cached_input_tokens=num(
            prompt_details.get("cached_tokens") if isinstance(prompt_details, dict) else 0
        ),
        output_tokens=num(raw.get("completion_tokens")),
        reasoning_output_tokens=num(
            completion_details.get("reasoning_tokens") if isinstance(completion_details, dict) else 0
        ),
        total_tokens=num(raw.get("total_tokens")),
    )


class ChatStreamParser:
    """Accumulates chat chunks; items are emitted when the choice finishes."""

    def __init__(self) -> None:
        self.completed = False
        self._response_id: str | None = None
        self._created = False
        self._message_id: str | None = None
        self._text: list[str] = []
        self._calls: dict[int, dict[str, Any]] = {}
        self._usage: TokenUsage | None = None
        self._flushed = False

    def feed(self, event: str, data: str) -> list[ModelEvent]:
        if data.strip() == "[DONE]":
            return self._complete()
        try:
            chunk = orjson.loads(data)
        except ValueError:
            return []
        if not isinstance(chunk, dict):
            return []
        if isinstance(chunk.get("error"), dict):
            raise error_from_failed_event(chunk["error"])
        out: list[ModelEvent] = []
        if not self._created:
            self._created = True
            self._response_id = chunk.get("id") if isinstance(chunk.get("id"), str) else None
            out.append(Created(self._response_id))
        if chunk.get("usage") is not None:
            self._usage = _usage(chunk.get("usage"))
        for choice in chunk.get("choices") or []:
            if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                continue
            delta = choice.get("delta") or {}
            content = delta.get("content") if isinstance(delta, dict) else None
            if isinstance(content, str) and content:
                if self._message_id is None:
                    # Stable for the whole response so added/delta/done refer to one item.
                    self._message_id = f"msg_{self._response_id or uuid.uuid4().hex}"
                    out.append(OutputItemAdded(self._message_item("in_progress")))
                self._text.append(content)
                out.append(OutputTextDelta(self._message_id, content))
            for call in (delta.get("tool_calls") or []) if isinstance(delta, dict) else []:
                self._accumulate_call(call)
            if choice.get("finish_reason"):
                out.extend(self._flush_items())
        return out

    def _accumulate_call(self, call: Any) -> None:
        if not isinstance(call, dict):
            return
        index = call.get("index", len(self._calls))
        slot = self._calls.setdefault(index, {"call_id": None, "name": "", "arguments": ""})
        if call.get("id"):
            slot["call_id"] = call["id"]
        function = call.get("function") or {}
        if isinstance(function.get("name"), str):
            slot["name"] += function["name"]
        if isinstance(function.get("arguments"), str):
            slot["arguments"] += function["arguments"]

    def _message_item(self, status: str) -> dict[str, Any]:
        content = [{"type": "output_text", "text": "".join(self._text)}] if status == "completed" else []
        return {
            "type": "message",
            "id": self._message_id,
            "role": "assistant",
            "status": status,
            "content": content,
        }

    def _flush_items(self) -> list[ModelEvent]:
        if self._flushed:
            return []
        self._flushed = True
        out: list[ModelEvent] = []
        if self._message_id is not None:
            out.append(OutputItemDone(self._message_item("completed")))
        for index in sorted(self._calls):
            call = self._calls[index]
            call_id = call["call_id"] or f"call_{uuid.uuid4().hex[:24]}"
            out.append(
                OutputItemDone(
                    {
                        "type": "function_call",
                        "id": f"fc_{call_id}",
                        "name": call["name"],
                        "arguments": call["arguments"],
                        "call_id": call_id,
                    }
                )
            )
        return out

    def _complete(self) -> list[ModelEvent]:
        if self.completed:
            return []
        out = self._flush_items()
        self.completed = True
        out.append(Completed(self._response_id, self._usage))
        return out

    def finish(self) -> list[ModelEvent]:
        # Some servers end the body without `[DONE]`; a finished choice is still a whole answer.
        if self._flushed:
            return self._complete()
        raise StreamDisconnected("stream disconnected before completion: stream closed before [DONE]")
