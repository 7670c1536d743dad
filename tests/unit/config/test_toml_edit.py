"""The toml_edit model: untouched text survives parsing and printing; new values are spelled as
the reference spells them (the expected spellings below are what codex 0.100.0 wrote)."""

from __future__ import annotations

from pathlib import Path

import pytest

from codex_core.config.toml_edit import (
    Document,
    float_repr,
    item_from_value,
    parse_document,
    set_path,
    string_repr,
)

ROUND_TRIP = [
    "",
    "# only a comment\n",
    "\n\n# comments\n\n",
    'model = "m" # c\n\n[a]\nx = 1\n',
    "a.b = 1\nq = 1\n[tui]\nx.y = 1\nw = 2\n",
    "[ a . b ] # h\n  k  =  'v'  # c\n\n[[x]]\n[[x]]\ny = { a = 1 , b.c = [1,\n 2] }\n# end",
    'k = """\na\n# not a comment\n"""\nd = 1979-05-27 07:32:00Z\ne = {}\nf = { }\n',
    "[a.b.c]\n[a]\nx=1\n[a.b]\ny=2\n",
    "arr = [\n  1, # one\n  2,\n]\n\"quoted key\" = '''lit'''\n",
    "\ufeffmodel = 1\n",
]


@pytest.mark.parametrize("text", ROUND_TRIP)
def test_untouched_text_prints_back_as_read(text: str) -> None:
    expected = text.removeprefix("\ufeff")
    assert parse_document(text).render() == expected


def test_realistic_config_prints_back_as_read() -> None:
    text = (Path(__file__).resolve().parents[2] / "fixtures" / "config" / "realistic.toml").read_text()
    assert parse_document(text).render() == text


def test_a_value_line_always_ends_with_a_newline() -> None:
    # toml_edit ends every key/value line with "\n" (a last line without one gets it, CRLF is LF).
    assert parse_document("a = 1").render() == "a = 1\n"
    assert parse_document("a = 1 # c\r\nb = 2\r\n").render() == "a = 1 # c\nb = 2\n"


@pytest.mark.parametrize(
    ("value", "spelled"),
    [
        ("plain", '"plain"'),
        ("a\\b", "'a\\b'"),
        ("it's", '"it\'s"'),
        ('q"q', "'q\"q'"),
        ("a\nb", '"""\na\nb"""'),
        ("\n", '"""\n\n"""'),
        ("tab\there", '"tab\\there"'),
        ("ctrl\x01", '"ctrl\\u0001"'),
        ("del\x7f", '"del\\u007F"'),
        ("x'''y\\z", "\"x'''y\\\\z\""),
        ("ends'\\", "'''ends'\\'''"),
        ("a\\b\nc", "'''\na\\b\nc'''"),
        ("it's\\", "'''it's\\'''"),
        ("a\"b'c\\", "'''a\"b'c\\'''"),
        ("a\rb", '"a\\rb"'),
        ("a\\b'c'd", "'''a\\b'c'd'''"),
        ("'''", "\"'''\""),
        ("unicode é", '"unicode é"'),
    ],
)
def test_strings_are_spelled_as_the_reference_spells_them(value: str, spelled: str) -> None:
    assert string_repr(value) == spelled


@pytest.mark.parametrize(
    ("value", "spelled"),
    [
        (1.0, "1.0"),
        (0.1, "0.1"),
        (1e20, "100000000000000000000.0"),
        (1.5e-7, "0.00000015"),
        (123456789.125, "123456789.125"),
        (-0.0, "-0.0"),
        (2.5e-5, "0.000025"),
        (0.30000000000000004, "0.30000000000000004"),
        (5e-324, "0." + "0" * 323 + "5"),
        (float("inf"), "inf"),
        (float("nan"), "nan"),
    ],
)
def test_floats_are_spelled_in_full(value: float, spelled: str) -> None:
    assert float_repr(value) == spelled


def _set(document: Document, path: str, value: object) -> str:
    set_path(document, path.split("."), item_from_value(value))
    return document.render()


def test_new_tables_follow_their_parent_and_precede_the_closing_comment() -> None:
    document = parse_document('[mcp_servers.docs]\ncommand = "c"\n\n# other\n[tui]\na = 1\n\n# end\n')
    text = _set(document, "mcp_servers.docs.env.A", "1")
    text = _set(document, "zz.k", True)
    assert text == (
        '[mcp_servers.docs]\ncommand = "c"\n\n[mcp_servers.docs.env]\nA = "1"\n\n'
        "# other\n[tui]\na = 1\n\n[zz]\nk = true\n\n# end\n"
    )


def test_a_table_value_is_sorted_and_its_inner_tables_are_sections() -> None:
    text = _set(parse_document(""), "x", {"z": 1, "a": [{"b": 1, "a": "x"}], "m": {"y": 1, "b": {}}})
    assert text == '[x]\na = [{ a = "x", b = 1 }]\nz = 1\n\n[x.m]\ny = 1\n\n[x.m.b]\n'
