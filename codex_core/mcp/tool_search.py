"""`search_tool_bm25`: with the apps feature on, MCP tools are hidden from the model until it
searches for them.

As in the reference 0.100.0 (observed, see docs/app-server.md "Apps"):
- the feature `apps` adds the `codex_apps` MCP server to every thread, offers this search tool and
  two developer messages (how to discover tools, how apps are mentioned), and stops listing MCP
  tools (of every server) in the model request;
- a search ranks every MCP tool with BM25 over its metadata and selects the ones that match; the
  selected tools are offered (sorted by name, after the built-in tools) for the rest of the turn,
  and searches in one turn add up;
- the output is a JSON object: the query, how many tools there are, the turn's selection and the
  matches with their metadata and score.

The ranking is our own BM25 (k1 1.2, b 0.75) over words of letters, digits and underscores with a
short English stop-word list; scores can differ from the reference's in the last digits.
"""

from __future__ import annotations

import json
import math
import re
import struct
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex_core.config.loader import LoadedConfig
    from codex_core.mcp.manager import McpTool

TOOL_NAME = "search_tool_bm25"
DEFAULT_LIMIT = 8
SELECTED_KEY = "mcp_selected_tools"  # the turn-local list of tools chosen by searches

# The tool as the reference declares it (the wire contract of the request body).
SPEC: dict[str, Any] = {
    "type": "function",
    "name": TOOL_NAME,
    "description": "Searches MCP tool metadata with BM25 and exposes matching tools for the next model call.",
    "strict": False,
    "parameters": {
        "type": "object",
        "properties": {
            "limit": {"type": "number", "description": "Maximum number of tools to return (defaults to 8)."},
            "query": {"type": "string", "description": "Search query for MCP tools."},
        },
        "required": ["query"],
        "additionalProperties": False,
    },
}

DISCOVERY_INSTRUCTIONS = """\
# MCP tool discovery

MCP tools (named `mcp__<server>__<tool>`) are not listed up front while `search_tool_bm25` is \
available. To use one, search first:

1. Call `search_tool_bm25` with a `query` of a few words naming the capability you need (the \
service, the action, the kind of object). `limit` caps the matches (8 by default).
2. The answer lists the matching tools with their server, description and input fields, and \
`active_selected_tools`: the tools you can now call.
3. Selected tools stay available until this turn ends; further searches in the turn add to them. \
The next turn starts with none.

The search looks at each tool's name, server, title, description, app (connector) name and id, \
and the names of its inputs. The built-in tools need no search.

When the user asks about something that lives in an external service (tickets, documents, mail, \
calendars, chat, dashboards), search the MCP tools before reaching for the shell or the \
repository. Fall back to local commands only when no tool fits or the user asked for a local \
search; if several services could be meant, check the tools first and then ask."""

APPS_INSTRUCTIONS = """\
## Apps
An app is a connected service whose actions are MCP tools of the `codex_apps` server. The user \
mentions an app as `[$app-name](apps://{connector_id})`. For a mentioned app, its tools are \
either among the `codex_apps` tools or absent because the user has not installed it; don't call \
`list_mcp_resources` to look for it."""

_WORD = re.compile(r"\w+")
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "so",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
    ]
)
_K1 = 1.2
_B = 0.75


def apps_enabled(config: LoadedConfig) -> bool:
    from codex_core.features import is_enabled

    return is_enabled("apps", config.typed.features or {})


def tokenize(text: str) -> list[str]:
    """Lower-case words (letters, digits, underscores), stop words dropped, a plural `s` cut."""
    words = []
    for word in _WORD.findall(text.lower()):
        if word in _STOP_WORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return words


@dataclass(frozen=True)
class ToolDocument:
    """What a search knows of one MCP tool."""

    name: str  # the qualified name the model calls
    server: str
    tool_name: str
    title: str | None
    description: str | None
    connector_id: str | None
    connector_name: str | None
    input_keys: list[str]

    @classmethod
    def of(cls, tool: McpTool) -> ToolDocument:
        wire = tool.wire
        meta = _mapping(wire.get("_meta"))
        annotations = _mapping(wire.get("annotations"))
        properties = _mapping(_mapping(wire.get("inputSchema")).get("properties"))
        title = wire.get("title") or annotations.get("title")
        return cls(
            name=tool.qualified,
            server=tool.server,
            tool_name=tool.name,
            title=str(title) if title else None,
            description=str(wire["description"]) if wire.get("description") else None,
            connector_id=_text(meta.get("connector_id")),
            connector_name=_text(meta.get("connector_name")),
            input_keys=sorted(str(key) for key in properties),
        )

    def words(self) -> list[str]:
        fields = [self.name, self.tool_name, self.server, self.title, self.description]
        fields += [self.connector_name, self.connector_id, *self.input_keys]
        return tokenize(" ".join(field for field in fields if field))


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def rank(documents: Sequence[ToolDocument], query: str, limit: int) -> list[tuple[ToolDocument, float]]:
    """The best `limit` documents for `query` by BM25, best first (ties keep the tools' order);
    documents sharing no word with the query are left out."""
    bags = [Counter(document.words()) for document in documents]
    if not bags:
        return []
    # Single precision at every step, as the reference computes, so equal inputs give equal scores.
    f32 = _as_f32
    lengths = [sum(bag.values()) for bag in bags]
    average = f32(sum(lengths) / len(lengths)) or 1.0
    total = len(bags)
    k1, b = f32(_K1), f32(_B)
    terms = list(dict.fromkeys(tokenize(query)))
    # Per term, how rare it is among the tools (its idf); per document, its length's weight.
    idf: dict[str, float] = {}
    for term in terms:
        holding = sum(1 for bag in bags if term in bag)
        idf[term] = f32(math.log(f32(1 + f32(f32(total - holding + 0.5) / f32(holding + 0.5)))))
    scored: list[tuple[float, int]] = []
    for index, bag in enumerate(bags):
        norm = f32(k1 * f32(f32(1 - b) + f32(b * f32(lengths[index] / average))))
        score = 0.0
        for term in terms:
            frequency = bag.get(term, 0)
            if frequency:
                score = f32(
                    score + f32(idf[term] * f32(f32(frequency * f32(k1 + 1)) / f32(frequency + norm)))
                )
        if score > 0:
            scored.append((score, index))
    scored.sort(key=lambda entry: (-entry[0], entry[1]))
    return [(documents[index], score) for score, index in scored[: max(limit, 1)]]


def _as_f32(value: float) -> float:
    """The score at single precision, as the reference computes and prints it."""
    return float(struct.unpack("<f", struct.pack("<f", value))[0])


def parse_arguments(arguments: str) -> tuple[str, int]:
    """(query, limit) from the call's JSON arguments; ValueError in the words the model reads."""
    try:
        args = json.loads(arguments or "{}")
    except json.JSONDecodeError as exc:
        raise ValueError(f"failed to parse function arguments: {exc}") from None
    if not isinstance(args, dict):
        raise ValueError("failed to parse function arguments: expected a JSON object")
    query = args.get("query")
    if not isinstance(query, str):
        raise ValueError("failed to parse function arguments: missing field `query`")
    if not query.strip():
        raise ValueError("query must not be empty")
    limit = args.get("limit", DEFAULT_LIMIT)
    if limit is None:
        limit = DEFAULT_LIMIT
    if isinstance(limit, bool) or not isinstance(limit, int | float) or limit <= 0:
        raise ValueError("limit must be a positive number")
    return query, max(1, int(limit))


def search_output(query: str, limit: int, tools: Sequence[McpTool], selected: list[str]) -> str:
    """The tool's output text; `selected`, the turn's selection, gains this search's picks
    (earlier picks stay first)."""
    documents = [ToolDocument.of(tool) for tool in tools]
    matches = rank(documents, query, limit)
    for document, _score in matches:
        if document.name not in selected:
            selected.append(document.name)
    body = {
        "query": query,
        "total_tools": len(documents),
        "active_selected_tools": list(selected),
        "tools": [
            {
                "name": document.name,
                "server": document.server,
                "title": document.title,
                "description": document.description,
                "connector_id": document.connector_id,
                "connector_name": document.connector_name,
                "input_keys": document.input_keys,
                "score": score,
            }
            for document, score in matches
        ],
    }
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)
