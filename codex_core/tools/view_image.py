"""view_image: show the model a local image file.

As in the reference, the tool's own output is a short text and the image itself reaches the
model as a user message (`<image>` marker, the picture, `</image>`) recorded right after the
tool outputs of the same step. Clients see `view_image_tool_call` (v2: an `imageView` item).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex_core.tools.base import ToolCall, ToolContext

_DESCRIPTION = "Look at an image file on the local filesystem (give its path) so you can see its contents."


def spec(context: ToolContext) -> dict[str, Any]:
    return {
        "type": "function",
        "name": "view_image",
        "description": _DESCRIPTION,
        "strict": False,
        "parameters": {
            "type": "object",
            "properties": {"path": {"type": "string", "description": "Path to the image file."}},
            "required": ["path"],
            "additionalProperties": False,
        },
    }


def _pending(context: ToolContext) -> list[dict[str, Any]]:
    pending: list[dict[str, Any]] | None = context.turn_local("view_image", list)
    assert pending is not None
    return pending


async def handle(call: ToolCall, context: ToolContext) -> dict[str, Any]:
    from codex_core.agent.items import MAX_IMAGE_BYTES, user_message_item
    from codex_core.tools.apply_patch.apply import io_message

    try:
        args = json.loads(call.arguments)
        raw = args["path"]
        if not isinstance(raw, str):
            raise TypeError("`path` must be a string")
    except (ValueError, KeyError, TypeError) as exc:
        return call.output(f"failed to parse function arguments: {exc}")
    path = context.cwd / Path(raw).expanduser()
    try:
        info = path.stat()
    except OSError as exc:
        return call.output(f"unable to locate image at `{path}`: {io_message(exc)}")
    if not path.is_file():
        return call.output(f"image path `{path}` is not a file")
    if info.st_size > MAX_IMAGE_BYTES:
        return call.output(
            f"image at `{path}` is too large to attach ({info.st_size} bytes, limit {MAX_IMAGE_BYTES})"
        )
    message = user_message_item([{"type": "localImage", "path": str(path)}])
    if not any(part.get("type") == "input_image" for part in message["content"]):
        return call.output(f"unable to read image at `{path}`")
    _pending(context).append(message)
    context.emit({"type": "view_image_tool_call", "call_id": call.call_id, "path": str(path)})
    return call.output("attached local image path")


def flush_images(context: ToolContext) -> None:
    """Record the images viewed during this step (after the step's tool outputs)."""
    pending = context.turn_local("view_image")
    if isinstance(pending, list) and pending:
        context.record(list(pending))
        pending.clear()
