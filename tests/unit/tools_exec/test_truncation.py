from __future__ import annotations

from codex_core.tools.exec_runner import HeadTailBuffer, approx_tokens, formatted_truncate, truncate_middle


def test_short_text_untouched() -> None:
    assert truncate_middle("hello", 100) == "hello"
    assert formatted_truncate("hello\n", 100) == "hello\n"


def test_middle_is_cut_with_marker() -> None:
    text = "A" * 500 + "B" * 1000 + "C" * 500
    cut = truncate_middle(text, 1000)
    assert cut.startswith("A" * 500) and cut.endswith("C" * 500)
    assert "…250 tokens truncated…" in cut


def test_chars_unit_and_line_header() -> None:
    text = "\n".join(f"line {i}" for i in range(1000)) + "\n"
    out = formatted_truncate(text, 200, unit="chars")
    assert out.startswith("Total output lines: 1000\n\nline 0\n")
    assert "chars truncated…" in out and out.endswith("line 999\n")


def test_multibyte_is_not_split() -> None:
    text = "é" * 1000
    cut = truncate_middle(text, 101)
    assert "\ufffd" not in cut


def test_head_tail_buffer_keeps_both_ends() -> None:
    buffer = HeadTailBuffer(limit=10)
    for chunk in (b"01234", b"56789", b"abcdef"):
        buffer.push(chunk)
    assert buffer.to_bytes() == b"01234bcdef"
    assert buffer.total == 16


def test_token_estimate() -> None:
    assert approx_tokens("shell-ok\n") == 3
    assert approx_tokens("") == 0
