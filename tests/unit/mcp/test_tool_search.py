"""The BM25 tool search behind `search_tool_bm25` (scores as the reference 0.100.0 printed them for
the same tools)."""

from __future__ import annotations

import json

import pytest

from codex_core.mcp.manager import McpTool
from codex_core.mcp.tool_search import parse_arguments, rank, search_output, tokenize


def _connector(name: str, connector_id: str, connector_name: str) -> McpTool:
    wire = {
        "name": name,
        "description": f"{name} test tool",
        "inputSchema": {"type": "object"},
        "_meta": {"connector_id": connector_id, "connector_name": connector_name},
    }
    return McpTool("codex_apps", name, f"mcp__codex_apps__{name}", wire)


def _plain(name: str, description: str, inputs: tuple[str, ...] = ()) -> McpTool:
    schema = {"type": "object", "properties": {key: {"type": "string"} for key in inputs}}
    return McpTool(
        "tst", name, f"mcp__tst__{name}", {"name": name, "description": description, "inputSchema": schema}
    )


TOOLS = [
    _plain("echo", "Echo the text back.", ("text",)),
    _plain("image", "Return a tiny PNG image."),
    _plain("add", "Add two numbers, with structured output.", ("a", "b")),
    _plain("fail", "Always fails."),
    _plain("slow", "Sleep for the given number of seconds.", ("seconds",)),
    _plain("progress", "Report progress, then answer."),
    _plain("crash", "Kill the server process."),
    _plain("env", "Show an environment variable.", ("name",)),
    _connector("beta_search", "beta", "Beta Connector"),
    _connector("beta_fetch", "beta", "Beta Connector"),
    _connector("gamma_send", "gamma", " Gamma  Mail "),
    _connector("openai_internal", "connector_openai_internal", "Internal"),
    McpTool("codex_apps", "plain_tool", "mcp__codex_apps__plain_tool", {"name": "plain_tool"}),
]


def test_words_keep_underscores_and_drop_stop_words() -> None:
    assert tokenize("mcp__tst__echo Echo the text back.") == ["mcp__tst__echo", "echo", "text", "back"]
    assert tokenize("numbers seconds class") == ["number", "second", "class"]


def test_scores_match_the_reference() -> None:
    selected: list[str] = []
    text = search_output("beta search", 3, TOOLS, selected)
    body = json.loads(text)
    assert body["total_tools"] == 13
    assert [(tool["name"], tool["score"]) for tool in body["tools"]] == [
        ("mcp__codex_apps__beta_search", 2.2085092067718506),
        ("mcp__codex_apps__beta_fetch", 2.2085092067718506),
    ]
    assert selected == body["active_selected_tools"]
    echo = json.loads(search_output("echo text", 8, TOOLS, []))["tools"]
    assert [(tool["name"], tool["score"]) for tool in echo] == [("mcp__tst__echo", 6.179757118225098)]
    gamma = json.loads(search_output("Gamma Mail send", 8, TOOLS, []))["tools"]
    assert gamma[0]["connector_name"] == "Gamma  Mail" and gamma[0]["score"] == 4.883669376373291


def test_searches_add_up_and_nothing_matching_selects_nothing() -> None:
    selected = ["mcp__tst__echo"]
    search_output("gamma", 8, TOOLS, selected)
    assert selected == ["mcp__tst__echo", "mcp__codex_apps__gamma_send"]
    assert json.loads(search_output("zebra", 8, TOOLS, []))["tools"] == []
    assert rank([], "anything", 8) == []


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ("{}", "failed to parse function arguments: missing field `query`"),
        ("not json", "failed to parse function arguments"),
        ('{"query": "  "}', "query must not be empty"),
        ('{"query": "x", "limit": 0}', "limit must be a positive number"),
    ],
)
def test_bad_arguments_are_explained(arguments: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse_arguments(arguments)


def test_limit_defaults_to_eight() -> None:
    assert parse_arguments('{"query": "x"}') == ("x", 8)
    assert parse_arguments('{"query": "x", "limit": 2.0}') == ("x", 2)
