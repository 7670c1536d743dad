"""User input in the app-server's wire forms: the core's UserInput back in v2 form, and v1
`InputItem`s as the v2 UserInput that turns take."""

from __future__ import annotations

from typing import Any


def v2_user_input(content: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The core's UserInput back in v2 form (`image_url` -> `url`, `local_image` -> `localImage`)."""
    result = []
    for entry in content:
        if entry.get("type") == "image" and "image_url" in entry:
            result.append({"type": "image", "url": entry["image_url"]})
        elif entry.get("type") == "local_image":
            result.append({"type": "localImage", "path": entry.get("path", "")})
        else:
            result.append(entry)
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
