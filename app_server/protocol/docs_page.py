"""docs/app-server-methods.md, the user's page of every method and notification, generated.

The list, order, direction, version and experimental status come from the registry; the one-line
summary and the example of each method from `examples.jsonl` next to this file (one JSON object
a line: `method`, `summary`, `params` unless the method takes none, `result` for a request's
answer). `check_examples()` validates every example against the protocol models, and rendering
refuses a registry that has a method without an example, so the page cannot drift:
tests/unit/protocol/test_docs_page.py compares the committed page with `render()`.

Regenerate with `python -m app_server.protocol.docs_page [docs/app-server-methods.md]`; `--check`
only says whether the page is current (exit 1 when not).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .registry import METHODS, Direction, MethodSpec

EXAMPLES = Path(__file__).with_name("examples.jsonl")
DEFAULT_PAGE = Path("docs/app-server-methods.md")
_NO_PARAMS = object()

_SECTIONS = [
    (
        Direction.CLIENT_REQUEST,
        "Requests a client sends",
        "The server answers each with a `result` or an `error`; the second line, where there is one, is a `result`.",
    ),
    (
        Direction.SERVER_REQUEST,
        "Requests the server sends",
        "The client must answer each, with the `id` the server chose; the second line is such an answer.",
    ),
    (Direction.SERVER_NOTIFICATION, "Notifications the server sends", "No answer expected."),
    (Direction.CLIENT_NOTIFICATION, "Notifications a client sends", "No answer expected."),
]


@dataclass(frozen=True, slots=True)
class Example:
    method: str
    summary: str
    params: Any  # _NO_PARAMS when the message has no params member
    result: Any  # _NO_PARAMS when no answer is shown

    @property
    def has_params(self) -> bool:
        return self.params is not _NO_PARAMS

    @property
    def has_result(self) -> bool:
        return self.result is not _NO_PARAMS


def load_examples(path: Path = EXAMPLES) -> dict[str, Example]:
    examples: dict[str, Example] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        raw = json.loads(line)
        method = raw["method"]
        if method in examples:
            raise ValueError(f"{path.name}:{number}: a second example of {method}")
        examples[method] = Example(
            method, raw["summary"], raw.get("params", _NO_PARAMS), raw.get("result", _NO_PARAMS)
        )
    return examples


def check_examples(examples: dict[str, Example]) -> list[str]:
    """Problems with the examples: a method without one or unknown to the registry, params or a
    result the models refuse, and fields the models would drop (a typo) or write otherwise.
    What the server sends must be exactly what it would write; what a client sends may leave
    optional fields out."""
    from .serialize import jsonable
    from .validation import MISSING, ParamsError, parse_params, parse_result

    problems: list[str] = []
    known = {spec.method for spec in METHODS}
    problems += [f"{m}: not in the registry" for m in sorted(set(examples) - known)]
    for spec in METHODS:
        example = examples.get(spec.method)
        if example is None:
            problems.append(f"{spec.method}: no example in {EXAMPLES.name}")
            continue
        server_sends_params = spec.direction in (Direction.SERVER_REQUEST, Direction.SERVER_NOTIFICATION)
        parsed = parse_params(spec, example.params if example.has_params else MISSING)
        if isinstance(parsed, ParamsError):
            problems.append(f"{spec.method}: params: {parsed.dotted_path} {parsed.message}")
        elif example.has_params and parsed is not None:
            problems += _compare(spec.method, "params", example.params, jsonable(parsed), server_sends_params)
        is_request = spec.direction in (Direction.CLIENT_REQUEST, Direction.SERVER_REQUEST)
        if spec.direction == Direction.SERVER_REQUEST and not example.has_result:
            problems.append(f"{spec.method}: a server request needs the client's answer as `result`")
        if example.has_result:
            if not is_request:
                problems.append(f"{spec.method}: a notification has no result")
                continue
            answer = parse_result(spec, example.result)
            if isinstance(answer, ParamsError):
                problems.append(f"{spec.method}: result: {answer.dotted_path} {answer.message}")
            else:
                problems += _compare(
                    spec.method, "result", example.result, jsonable(answer), not server_sends_params
                )
    return problems


def _compare(method: str, what: str, given: Any, dumped: Any, exact: bool) -> list[str]:
    if exact:
        return (
            []
            if given == dumped
            else [f"{method}: {what} is not what the server writes: {json.dumps(dumped)}"]
        )
    missing = _dropped(given, dumped, what)
    return [] if missing is None else [f"{method}: {missing}"]


def _dropped(given: Any, dumped: Any, path: str) -> str | None:
    """Where `given` has something the parsed-and-dumped value lost or changed."""
    if isinstance(given, dict):
        if not isinstance(dumped, dict):
            return f"{path}: not an object"
        for key, value in given.items():
            if key not in dumped:
                return f"{path}.{key}: unknown field"
            found = _dropped(value, dumped[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(given, list):
        if not isinstance(dumped, list) or len(given) != len(dumped):
            return f"{path}: list changed"
        for index, (a, b) in enumerate(zip(given, dumped, strict=True)):
            found = _dropped(a, b, f"{path}[{index}]")
            if found:
                return found
        return None
    return None if given == dumped else f"{path}: {given!r} became {dumped!r}"


def _line(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False)


def _entry(spec: MethodSpec, example: Example, number: int) -> Iterator[str]:
    from .export.json_schema import type_name

    # Compact on purpose (no blank lines): a hundred entries stay one page of a readable length.
    yield f"### `{spec.method}`"
    tags = [spec.version]
    if spec.experimental:
        tags.append("experimental")
    elif spec.experimental_fields:
        fields = ", ".join(f"`{name}`" for name in sorted(spec.experimental_fields))
        tags.append(f"experimental: {fields}")
    types = [f"params `{type_name(spec.params)}`" if spec.params is not None else "no params"]
    if spec.result is not None:
        types.append(f"result `{type_name(spec.result)}`")
    yield f"{example.summary} ({'; '.join(tags)}; {', '.join(types)})"
    message: dict[str, Any] = {}
    if spec.direction in (Direction.CLIENT_REQUEST, Direction.SERVER_REQUEST):
        message["id"] = number
    message["method"] = spec.method
    if example.has_params:
        message["params"] = example.params
    yield "```json"
    yield _line(message)
    if example.has_result:
        yield _line({"id": number, "result": example.result})
    yield "```"


def render(examples: dict[str, Example] | None = None) -> str:
    examples = load_examples() if examples is None else examples
    problems = check_examples(examples)
    if problems:
        raise ValueError("examples.jsonl:\n  " + "\n  ".join(problems))
    out = [
        "# App-server methods and notifications",
        "",
        "<!-- Generated by `python -m app_server.protocol.docs_page` from app_server/protocol/registry.py",
        "     and app_server/protocol/examples.jsonl; edit those, not this page. -->",
        "",
        "Every message `codex app-server` understands or sends, with one example each, as the JSON",
        'lines on the wire (no `"jsonrpc"` member; over websocket, one message per text frame). Start',
        "with [getting-started.md](getting-started.md) for a whole session; the wire conventions and",
        "the types are in [protocol.md](protocol.md), and `codex app-server generate-json-schema` /",
        "`generate-ts` write every type named below.",
        "",
        "A client sends `initialize` first, then `initialized`. Methods and fields marked experimental",
        'need `"capabilities": {"experimentalApi": true}` in `initialize`. `v1` marks the legacy',
        "conversation API, kept for older clients; new clients use the v2 methods.",
        "",
    ]
    for direction, title, _ in _SECTIONS:
        count = sum(1 for spec in METHODS if spec.direction == direction)
        anchor = title.lower().replace(" ", "-")
        out.append(f"- [{title}](#{anchor}) ({count})")
    out.append("")
    for direction, title, note in _SECTIONS:
        out += [f"## {title}", "", note, ""]
        specs = [spec for spec in METHODS if spec.direction == direction]
        for number, spec in enumerate(specs, start=1):
            out += list(_entry(spec, examples[spec.method], number))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [arg for arg in argv if arg != "--check"]
    target = Path(paths[0]) if paths else DEFAULT_PAGE
    try:
        page = render()
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    if target.exists() and target.read_text(encoding="utf-8") == page:
        print("up to date", target)
        return 0
    if check:
        print(f"{target} is out of date: run python -m app_server.protocol.docs_page", file=sys.stderr)
        return 1
    target.write_text(page, encoding="utf-8")
    print("updated", target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
