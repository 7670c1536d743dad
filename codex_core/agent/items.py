"""Turning user input into history items and into the events clients see."""

from __future__ import annotations

from typing import Any


def user_message_item(inputs: list[dict[str, Any]]) -> dict[str, Any]:
    """The response item the model sees for a user turn (images wrapped in <image> markers, as the reference)."""
    content: list[dict[str, Any]] = []
    for entry in inputs:
        kind = entry.get("type")
        if kind == "text":
            content.append({"type": "input_text", "text": entry.get("text", "")})
        elif kind == "image":
            content += [
                {"type": "input_text", "text": "<image>"},
                {"type": "input_image", "image_url": entry.get("url", "")},
                {"type": "input_text", "text": "</image>"},
            ]
        elif kind == "localImage":
            url = local_image_data_url(str(entry.get("path", "")))
            if url is None:
                content.append(
                    {"type": "input_text", "text": f"unable to read image at `{entry.get('path')}`"}
                )
            else:
                content += [
                    {"type": "input_text", "text": "<image>"},
                    {"type": "input_image", "image_url": url},
                    {"type": "input_text", "text": "</image>"},
                ]
        elif kind in ("skill", "mention"):
            content.append(
                {"type": "input_text", "text": f"[{kind}: {entry.get('name')} ({entry.get('path')})]"}
            )
    return {"type": "message", "role": "user", "content": content}


MAX_IMAGE_BYTES = 20 * 1024 * 1024


def local_image_data_url(path: str) -> str | None:
    import base64
    import mimetypes

    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_IMAGE_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_IMAGE_BYTES:
        return None
    mime = mimetypes.guess_type(path)[0] or "image/png"
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


def user_message_event(inputs: list[dict[str, Any]]) -> dict[str, Any]:
    """The legacy `user_message` event (also what the rollout keeps of a user turn)."""
    texts = [entry.get("text", "") for entry in inputs if entry.get("type") == "text"]
    elements: list[Any] = []
    for entry in inputs:
        if entry.get("type") == "text":
            elements.extend(entry.get("text_elements") or [])
    return {
        "type": "user_message",
        "message": "\n".join(texts),
        "images": [entry.get("url") for entry in inputs if entry.get("type") == "image"],
        "local_images": [entry.get("path") for entry in inputs if entry.get("type") == "localImage"],
        "text_elements": elements,
    }


def core_user_input(inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """UserInput as the core's TurnItem carries it (text items always have text_elements)."""
    result = []
    for entry in inputs:
        if entry.get("type") == "text":
            result.append(
                {
                    "type": "text",
                    "text": entry.get("text", ""),
                    "text_elements": list(entry.get("text_elements") or []),
                }
            )
        else:
            result.append(dict(entry))
    return result


def from_v1_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """v1 InputItem (`{type, data}`) -> v2 UserInput."""
    converted: list[dict[str, Any]] = []
    for item in items:
        data = item.get("data") or {}
        kind = item.get("type")
        if kind == "text":
            converted.append(
                {
                    "type": "text",
                    "text": data.get("text", ""),
                    "text_elements": data.get("text_elements") or [],
                }
            )
        elif kind == "image":
            converted.append({"type": "image", "url": data.get("image_url", "")})
        elif kind == "localImage":
            converted.append({"type": "localImage", "path": data.get("path", "")})
    return converted


def assistant_text(item: dict[str, Any]) -> str:
    return "".join(
        part.get("text", "")
        for part in item.get("content") or []
        if part.get("type") in ("output_text", "text")
    )


def reasoning_texts(item: dict[str, Any]) -> tuple[list[str], list[str]]:
    summary = [part.get("text", "") for part in item.get("summary") or [] if isinstance(part, dict)]
    content = [part.get("text", "") for part in item.get("content") or [] if isinstance(part, dict)]
    return summary, content


def web_search_query(action: dict[str, Any]) -> str:
    """The one-line summary of a web search action that UIs show as its query."""
    kind = action.get("type")
    if kind == "search":
        query = action.get("query")
        if isinstance(query, str) and query:
            return query
        queries = [q for q in action.get("queries") or [] if isinstance(q, str)]
        return ", ".join(queries)
    if kind == "open_page":
        return str(action.get("url") or "")
    if kind == "find_in_page":
        return f"'{action.get('pattern') or ''}' in {action.get('url') or ''}"
    return ""
