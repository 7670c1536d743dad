from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from codex_core.model.sse_decoder import SseDecoder, is_event_stream

STREAM = (
    b": keep-alive\n"
    b"event: response.created\n"
    b'data: {"type":"response.created"}\n'
    b"\n"
    b"event: response.output_text.delta\r\n"
    b'data:{"delta":"a"}\r\n'
    b"\r\n"
    b"data: line one\n"
    b"data: line two\n"
    b"\n"
    b"event: only-event-no-data\n"
    b"\n"
    b"id: 7\n"
    b"retry: 100\n"
    b"data: \xc3\xa9t\xc3\xa9\n"
    b"\r"
    b"data: unterminated"
)
EXPECTED = [
    ("response.created", '{"type":"response.created"}'),
    ("response.output_text.delta", '{"delta":"a"}'),
    ("message", "line one\nline two"),
    ("message", "été"),
]


def test_whole_stream() -> None:
    assert SseDecoder().feed(STREAM) == EXPECTED


@given(st.lists(st.integers(min_value=0, max_value=len(STREAM)), max_size=12))
def test_any_chunking_gives_the_same_events(cuts: list[int]) -> None:
    decoder = SseDecoder()
    events = []
    bounds = [0, *sorted(cuts), len(STREAM)]
    for start, end in itertools.pairwise(bounds):
        events.extend(decoder.feed(STREAM[start:end]))
    assert events == EXPECTED


def test_crlf_split_across_chunks_is_one_line_end() -> None:
    decoder = SseDecoder()
    assert decoder.feed(b"data: x\r") == []
    assert decoder.feed(b"\n\r") == [("message", "x")]
    assert decoder.feed(b"\ndata: y\n\n") == [("message", "y")]


def test_content_type() -> None:
    assert is_event_stream("text/event-stream; charset=utf-8")
    assert not is_event_stream("application/json")
    assert not is_event_stream(None)
