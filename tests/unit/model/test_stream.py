"""Streaming, retries, idle timeout and cancellation against the mock server."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest
from mock_model import (
    MockModelServer,
    function_call_response,
    http_error,
    message_response,
    reasoning_then_message,
    response_failed,
    slow,
    sse,
    stall,
)
from support.telemetry import Capture

from codex_core.model.errors import (
    ConnectionFailed,
    ContextWindowExceeded,
    InternalServerError,
    QuotaExceeded,
    RetryLimitExceeded,
    StreamDisconnected,
    Unauthorized,
    UsageLimitExceeded,
)
from codex_core.model.events import (
    Completed,
    Created,
    OutputItemAdded,
    OutputItemDone,
    OutputTextDelta,
    RateLimits,
    ReasoningContentDelta,
    ReasoningSummaryDelta,
    ReasoningSummaryPartAdded,
    Retrying,
    TokenUsage,
)
from unit.model.helpers import FakeSleep, collect, make_client, simple_prompt


async def test_text_deltas_and_usage(server: MockModelServer) -> None:
    usage = {
        "input_tokens": 100,
        "input_tokens_details": {"cached_tokens": 40},
        "output_tokens": 20,
        "output_tokens_details": {"reasoning_tokens": 5},
        "total_tokens": 120,
    }
    server.enqueue(message_response("Hello from the mock model.", item_id="msg_9", usage=usage))
    events = await collect(make_client(server.url))
    assert isinstance(events[0], RateLimits)
    assert events[1] == Created("resp_1")
    assert isinstance(events[2], OutputItemAdded) and events[2].item["id"] == "msg_9"
    deltas = [e for e in events if isinstance(e, OutputTextDelta)]
    assert len(deltas) == 5
    assert {d.item_id for d in deltas} == {"msg_9"}
    assert "".join(d.delta for d in deltas) == "Hello from the mock model."
    done = [e for e in events if isinstance(e, OutputItemDone)]
    assert done[0].item["content"][0]["text"] == "Hello from the mock model."
    assert events[-1] == Completed("resp_1", TokenUsage(100, 40, 20, 5, 120))


async def test_reasoning_summary_and_raw_content(server: MockModelServer) -> None:
    server.enqueue(reasoning_then_message("Thinking about it.", "ok", raw_content="raw"))
    events = await collect(make_client(server.url))
    assert ReasoningSummaryPartAdded("rs_1", 0) in events
    summary = [e for e in events if isinstance(e, ReasoningSummaryDelta)]
    assert "".join(e.delta for e in summary) == "Thinking about it."
    assert all(e.summary_index == 0 and e.item_id == "rs_1" for e in summary)
    assert ReasoningContentDelta("rs_1", "raw", 0) in events
    reasoning_done = next(
        e for e in events if isinstance(e, OutputItemDone) and e.item["type"] == "reasoning"
    )
    assert reasoning_done.item["encrypted_content"] == "enc-mock"


async def test_function_call_item(server: MockModelServer) -> None:
    server.enqueue(function_call_response("exec_command", {"cmd": "ls"}, "call_7"))
    events = await collect(make_client(server.url))
    (done,) = [e for e in events if isinstance(e, OutputItemDone)]
    assert done.item["type"] == "function_call"
    assert done.item["call_id"] == "call_7"
    assert done.item["arguments"] == '{"cmd": "ls"}'


async def test_rate_limit_headers(server: MockModelServer) -> None:
    headers = {
        "x-codex-primary-used-percent": "12.5",
        "x-codex-primary-window-minutes": "300",
        "x-codex-primary-reset-at": "1704069000",
        "x-codex-credits-has-credits": "true",
        "x-codex-credits-unlimited": "false",
        "x-codex-credits-balance": "4.50",
    }
    server.enqueue(sse(message_response(), headers=headers))
    events = await collect(make_client(server.url))
    assert events[0] == RateLimits(
        {
            "limit_id": "codex",
            "limit_name": None,
            "primary": {"used_percent": 12.5, "window_minutes": 300, "resets_at": 1704069000},
            "secondary": None,
            "credits": {"has_credits": True, "unlimited": False, "balance": "4.50"},
            "plan_type": None,
        }
    )


async def test_retry_on_500_then_success(server: MockModelServer, fake_sleep: FakeSleep) -> None:
    server.enqueue(http_error(500), message_response("ok"))
    events = await collect(make_client(server.url, sleep=fake_sleep, request_max_retries=4))
    retries = [e for e in events if isinstance(e, Retrying)]
    assert len(retries) == 1
    assert (retries[0].attempt, retries[0].max_attempts) == (1, 4)
    assert retries[0].message == "Reconnecting... 1/4"
    assert isinstance(retries[0].error, InternalServerError)
    assert retries[0].delay_s == pytest.approx(0.2)
    assert fake_sleep.delays == [retries[0].delay_s]
    # The Retrying event comes before anything from the successful attempt.
    assert events.index(retries[0]) == 0
    assert isinstance(events[-1], Completed)
    assert len(server.requests) == 2
    assert server.requests[0].body == server.requests[1].body


async def test_backoff_grows_exponentially(server: MockModelServer, fake_sleep: FakeSleep) -> None:
    server.enqueue(http_error(502), http_error(502), http_error(502), message_response())
    await collect(make_client(server.url, sleep=fake_sleep, request_max_retries=3))
    assert fake_sleep.delays == pytest.approx([0.2, 0.4, 0.8])


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({"Retry-After": "7"}, 7.0), ({"retry-after-ms": "1500"}, 1.5)],
)
async def test_429_honours_retry_after(
    server: MockModelServer, fake_sleep: FakeSleep, headers: dict[str, str], expected: float
) -> None:
    body = {"error": {"type": "rate_limit_exceeded", "message": "slow down"}}
    server.enqueue(http_error(429, body, headers), message_response())
    events = await collect(make_client(server.url, sleep=fake_sleep, request_max_retries=2))
    assert fake_sleep.delays == [expected]
    (retry,) = [e for e in events if isinstance(e, Retrying)]
    assert retry.delay_s == expected
    assert len(server.requests) == 2


async def test_no_retry_past_request_max_retries(server: MockModelServer, fake_sleep: FakeSleep) -> None:
    server.enqueue(*[http_error(429, headers={"Retry-After": "0"}) for _ in range(3)])
    client = make_client(server.url, sleep=fake_sleep, request_max_retries=2)
    seen: list[object] = []
    with pytest.raises(RetryLimitExceeded) as info:
        async for event in client.stream(simple_prompt(), session_id="t"):
            seen.append(event)
    assert str(info.value) == "exceeded retry limit, last status: 429 Too Many Requests"
    assert info.value.codex_error_info_json() == {"responseTooManyFailedAttempts": {"httpStatusCode": 429}}
    assert len(server.requests) == 3
    assert [e.attempt for e in seen if isinstance(e, Retrying)] == [1, 2]


@pytest.mark.parametrize(
    ("status", "body", "error_type"),
    [
        (400, {"error": {"code": "context_length_exceeded", "message": "too long"}}, ContextWindowExceeded),
        (429, {"error": {"type": "usage_limit_reached", "plan_type": "pro"}}, UsageLimitExceeded),
        (429, {"error": {"code": "insufficient_quota", "message": "no"}}, QuotaExceeded),
    ],
)
async def test_fatal_http_errors_are_not_retried(
    server: MockModelServer, fake_sleep: FakeSleep, status: int, body: dict[str, object], error_type: type
) -> None:
    server.enqueue(http_error(status, body))
    with pytest.raises(error_type):
        await collect(make_client(server.url, sleep=fake_sleep, request_max_retries=3, stream_max_retries=3))
    assert len(server.requests) == 1
    assert fake_sleep.delays == []


async def test_context_window_in_stream_not_retried(server: MockModelServer, fake_sleep: FakeSleep) -> None:
    server.enqueue(response_failed("context_length_exceeded", "too long"))
    with pytest.raises(ContextWindowExceeded) as info:
        await collect(make_client(server.url, sleep=fake_sleep, stream_max_retries=5))
    assert str(info.value) == (
        "Codex ran out of room in the model's context window. "
        "Start a new thread or clear earlier history before retrying."
    )
    assert info.value.codex_error_info == "contextWindowExceeded"
    assert len(server.requests) == 1


async def test_response_failed_generic_is_retried_as_stream_error(
    server: MockModelServer, fake_sleep: FakeSleep
) -> None:
    server.enqueue(
        response_failed("rate_limit_exceeded", "Rate limit reached. Please try again in 1.5s."),
        message_response(),
    )
    events = await collect(make_client(server.url, sleep=fake_sleep, stream_max_retries=1))
    (retry,) = [e for e in events if isinstance(e, Retrying)]
    assert retry.delay_s == 1.5
    assert isinstance(events[-1], Completed)


async def test_stream_idle_timeout_retried_then_error(server: MockModelServer, fake_sleep: FakeSleep) -> None:
    first = message_response()[:2]
    server.enqueue(stall(first), stall(first), stall(first))
    client = make_client(server.url, sleep=fake_sleep, stream_idle_timeout_ms=150, stream_max_retries=2)
    seen: list[object] = []
    with pytest.raises(StreamDisconnected) as info:
        async for event in client.stream(simple_prompt(), session_id="t"):
            seen.append(event)
    assert "idle timeout waiting for SSE" in str(info.value)
    assert info.value.codex_error_info_json() == {"responseStreamDisconnected": {"httpStatusCode": None}}
    retries = [e for e in seen if isinstance(e, Retrying)]
    assert [(r.attempt, r.max_attempts) for r in retries] == [(1, 2), (2, 2)]
    assert len(server.requests) == 3
    assert await asyncio.to_thread(server.wait_for_disconnects, 3, 5.0)


async def test_idle_timeout_counts_only_time_waiting_for_the_server(server: MockModelServer) -> None:
    # Each event arrives well within the window, and the consumer is slower than the window:
    # neither is idleness of the stream.
    server.enqueue(slow(message_response(deltas=6), 0.05))
    client = make_client(server.url, stream_idle_timeout_ms=200)
    events = []
    async for event in client.stream(simple_prompt(), session_id="t"):
        events.append(event)
        if isinstance(event, OutputTextDelta):
            await asyncio.sleep(0.3)
    assert isinstance(events[-1], Completed)
    assert sum(isinstance(e, OutputTextDelta) for e in events) == 6


async def test_interrupt_while_waiting_is_not_mistaken_for_idleness(server: MockModelServer) -> None:
    server.enqueue(stall(message_response()[:3]))
    client = make_client(server.url, stream_idle_timeout_ms=100)

    async def consume() -> None:
        async for _ in client.stream(simple_prompt(), session_id="t"):
            pass

    task = asyncio.create_task(consume())
    await asyncio.to_thread(server.wait_for_requests, 1)
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert task.cancelled()


async def test_stream_failures_are_reported_to_telemetry(server: MockModelServer) -> None:
    server.enqueue(stall(message_response()[:2]), response_failed("server_error", "boom"))
    client = make_client(server.url, stream_idle_timeout_ms=100)
    client.telemetry = capture = Capture()
    with pytest.raises(StreamDisconnected):
        await collect(client)
    idle = [a for name, a in capture.events if name == "codex.sse_event" and "error.message" in a]
    assert idle == [{"duration_ms": idle[0]["duration_ms"], "error.message": "idle timeout waiting for SSE"}]

    capture.events.clear()
    with pytest.raises(Exception, match="boom"):
        await collect(client)
    failed = [a for name, a in capture.events if name == "codex.sse_event" and "error.message" in a]
    assert len(failed) == 1 and failed[0]["event.kind"] == "response.failed"
    assert "boom" in failed[0]["error.message"]


async def test_telemetry_attempts_restart_with_each_stream_retry(
    server: MockModelServer, fake_sleep: FakeSleep
) -> None:
    server.enqueue(http_error(500), sse(message_response()[:-1]), http_error(500), message_response())
    client = make_client(server.url, sleep=fake_sleep, request_max_retries=2, stream_max_retries=1)
    client.telemetry = capture = Capture()
    events = await collect(client)
    assert isinstance(events[-1], Completed)
    attempts = [a["attempt"] for name, a in capture.events if name == "codex.api_request"]
    assert attempts == [0, 1, 0, 1]  # request retries count up; the stream retry starts again


async def test_stream_closed_before_completed_is_retried(
    server: MockModelServer, fake_sleep: FakeSleep
) -> None:
    server.enqueue(sse(message_response()[:-1]), message_response())
    events = await collect(make_client(server.url, sleep=fake_sleep, stream_max_retries=1))
    (retry,) = [e for e in events if isinstance(e, Retrying)]
    assert "stream closed before response.completed" in str(retry.error)
    assert isinstance(events[-1], Completed)


async def test_connection_refused_retried_then_connection_failed(fake_sleep: FakeSleep) -> None:
    with MockModelServer() as srv:
        url = srv.url  # a port that is free again once the server is gone
    client = make_client(url, sleep=fake_sleep, request_max_retries=2)
    with pytest.raises(ConnectionFailed) as info:
        await collect(client)
    assert info.value.codex_error_info == "httpConnectionFailed"
    assert len(fake_sleep.delays) == 2


async def test_unauthorized_refreshes_once(server: MockModelServer) -> None:
    class Refreshing:
        chatgpt_mode = False

        def __init__(self) -> None:
            self.token = "old"
            self.refreshes = 0

        async def headers(self) -> dict[str, str]:
            return {"authorization": f"Bearer {self.token}"}

        async def on_unauthorized(self) -> bool:
            self.refreshes += 1
            self.token = "new"
            return True

    auth = Refreshing()
    server.enqueue(http_error(401, {"error": {"message": "expired"}}), message_response())
    events = await collect(make_client(server.url, auth=auth))
    assert isinstance(events[-1], Completed)
    assert [r.headers["authorization"] for r in server.requests] == ["Bearer old", "Bearer new"]
    assert not any(isinstance(e, Retrying) for e in events)

    server.enqueue(http_error(401), http_error(401))
    with pytest.raises(Unauthorized):
        await collect(make_client(server.url, auth=auth))
    assert auth.refreshes == 2  # one refresh per stream, never a loop


async def test_cancellation_closes_the_connection(server: MockModelServer) -> None:
    reply = stall(message_response()[:3])
    server.enqueue(reply)
    client = make_client(server.url)
    got_delta = asyncio.Event()

    async def consume() -> None:
        async for event in client.stream(simple_prompt(), session_id="t"):
            if isinstance(event, OutputTextDelta):
                got_delta.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(got_delta.wait(), 5)
    started = time.monotonic()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert time.monotonic() - started < 1.0
    assert await asyncio.to_thread(server.wait_for_disconnects, 1, 5.0)
    assert not reply.release.is_set()


async def test_early_close_closes_the_connection(server: MockModelServer) -> None:
    server.enqueue(stall(message_response()[:3]))
    client = make_client(server.url)
    async with contextlib.aclosing(client.stream(simple_prompt(), session_id="t")) as events:
        async for event in events:
            if isinstance(event, OutputTextDelta):
                break
    assert await asyncio.to_thread(server.wait_for_disconnects, 1, 5.0)


async def test_connection_is_reused(server: MockModelServer) -> None:
    server.enqueue(message_response(), message_response())
    client = make_client(server.url)
    await collect(client)
    await collect(client)
    assert len(server.requests) == 2
    assert server.disconnects == 0
