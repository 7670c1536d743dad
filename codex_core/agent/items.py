"""Turning user input into history items and into the events clients see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex_core.events import UserMessageEvent


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
            if isinstance(url, LocalImageError):
                content.append({"type": "input_text", "text": str(url)})
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


_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def _sniff_image(data: bytes) -> str | None:
    """The image type of a file without a telling extension, from its first bytes."""
    for magic, mime in _IMAGE_MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


class LocalImageError(str):
    """What the model reads in place of a local image that cannot be attached (the reference's words)."""


def local_image_data_url(path: str) -> str | LocalImageError:
    """The image at `path` as a data URL, or the reason it cannot be attached."""
    import base64
    import mimetypes

    def refused(reason: str) -> LocalImageError:
        return LocalImageError(f"Codex could not read the local image at `{path}`: {reason}")

    guessed = mimetypes.guess_type(path)[0]
    if guessed is not None and not guessed.startswith("image/"):
        return refused(f"unsupported MIME type `{guessed}`")
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_IMAGE_BYTES + 1)
    except OSError as exc:
        from codex_core.serde_text import io_error_text

        return refused(io_error_text(exc))
    mime = guessed or _sniff_image(data)
    if mime is None:
        return refused("unsupported MIME type `application/octet-stream`")
    if len(data) > MAX_IMAGE_BYTES:
        return refused(f"the image is larger than {MAX_IMAGE_BYTES} bytes")
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


def user_message_event(inputs: list[dict[str, Any]]) -> UserMessageEvent:
    """The legacy `user_message` event (also what the rollout keeps of a user turn)."""
    texts = [entry.get("text", "") for entry in inputs if entry.get("type") == "text"]
    elements: list[Any] = []
    for entry in inputs:
        if entry.get("type") == "text":
            elements.extend(entry.get("text_elements") or [])
    return {
        "type": "user_message",
        "message": "\n".join(texts),
        "images": [entry.get("url", "") for entry in inputs if entry.get("type") == "image"],
        "local_images": [entry.get("path", "") for entry in inputs if entry.get("type") == "localImage"],
        "text_elements": elements,
    }


def core_user_input(inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """UserInput as the core's TurnItem carries it: text items always have text_elements, images
    are `{image_url}` and local images `local_image` (v2 says `url` and `localImage`)."""
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
        elif entry.get("type") == "image":
            result.append({"type": "image", "image_url": entry.get("url", "")})
        elif entry.get("type") == "localImage":
            result.append({"type": "local_image", "path": entry.get("path", "")})
        else:
            result.append(dict(entry))
    return result


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
