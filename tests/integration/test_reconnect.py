"""Reconnect extension end to end (docs/app-server.md "Reconnecting"): a websocket client that
opted in drops its TCP connection, reconnects with its token and the last `_seq` it saw, and ends
up with the same ordered event stream as a client that never dropped, running the same turn."""

from __future__ import annotations

import itertools
import json
import re
import socket
from pathlib import Path
from typing import Any

from mock_model.server import MockModelServer, function_call_response, message_response, stall
from support.appserver import DEFAULT_TIMEOUT, WebsocketAppServer
from support.turns import model_env, write_mock_config

Message = dict[str, Any]
DELTAS = 1500
TEXT = "".join(f"w{i:04d} " for i in range(DELTAS))  # one piece per delta
CMD = "touch marker.txt && echo made"
DELTA_METHODS = {
    "item/agentMessage/delta",
    "codex/event/agent_message_delta",
    "codex/event/agent_message_content_delta",
}


class Client:
    """An opted-in websocket client that can drop its TCP connection without a closing handshake."""

    def __init__(self, url: str) -> None:
        from websockets.sync.client import connect

        self.ws = connect(url, compression=None, open_timeout=DEFAULT_TIMEOUT, max_size=None, legacy=True)
        self.next_id = 0
        self.seen: list[Message] = []  # every message with a `method`, in the order read

    def send(self, message: Message) -> None:
        self.ws.send(json.dumps(message))

    def recv(self) -> Message:
        message: Message = json.loads(self.ws.recv(timeout=DEFAULT_TIMEOUT))
        if "method" in message:
            self.seen.append(message)
        return message

    def request(self, method: str, params: Any) -> Message:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.recv()
            if message.get("id") == self.next_id and "method" not in message:
                return message

    def initialize(self, **reconnect: Any) -> Message:
        capabilities = {"experimentalApi": True, "reconnect": {"version": 1, **reconnect}}
        return self.request(
            "initialize", {"clientInfo": {"name": "pytest", "version": "1"}, "capabilities": capabilities}
        )

    def until(self, predicate: Any) -> Message:
        while True:
            message = self.recv()
            if predicate(message):
                return message

    def drop(self) -> None:
        """Cut the TCP connection: whatever the server sent and we did not read is lost."""
        self.ws.socket.shutdown(socket.SHUT_RDWR)
        self.ws.socket.close()


def thread_events(messages: list[Message]) -> list[Message]:
    return [m for m in messages if "_seq" in m]


def last_seq(messages: list[Message]) -> int:
    return int(max(m["_seq"]["seq"] for m in thread_events(messages)))


def assembled(before: list[Message], after: list[Message]) -> list[Message]:
    """What a client keeps: everything read before the drop, then what came after the resume,
    skipping numbers already seen (a pending request is sent again with its own number)."""
    kept = thread_events(before)
    newest = last_seq(before)
    for message in thread_events(after):
        if message["_seq"]["seq"] > newest:
            kept.append(message)
            newest = message["_seq"]["seq"]
    return kept


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def normalized(messages: list[Message]) -> list[Any]:
    """Ids renamed by first appearance; each run of deltas between two other events becomes the
    text of each delta stream (a slow reader may be sent merged deltas); seqs kept elsewhere."""
    names: dict[str, str] = {}

    def rename(text: str) -> str:
        return _UUID.sub(lambda m: names.setdefault(m.group(0), f"<id{len(names)}>"), text)

    out: list[Any] = []
    run: dict[str, str] = {}
    for message in messages:
        method = message["method"]
        body = {k: v for k, v in message.items() if k != "_seq"}
        if method in DELTA_METHODS:
            params = body["params"]
            holder = params["msg"] if method.startswith("codex/event/") else params
            run[method] = run.get(method, "") + holder["delta"]
            continue
        if run:
            out.append(run)
            run = {}
        if "id" in body:
            body["id"] = "<request>"
        out.append(_timeless(json.loads(rename(json.dumps(body, sort_keys=True)))))
    if run:
        out.append(run)
    return out


_VOLATILE = {"duration", "durationMs", "wall_time_seconds", "process_id", "processId"}  # differ run to run


def _timeless(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: 0 if k in _VOLATILE else _timeless(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


def non_delta_seqs(messages: list[Message]) -> list[int]:
    return [m["_seq"]["seq"] for m in messages if m["method"] not in DELTA_METHODS]


def strictly_increasing(messages: list[Message]) -> bool:
    seqs = [m["_seq"]["seq"] for m in messages]
    return all(a < b for a, b in itertools.pairwise(seqs))


def start_turn(client: Client, workspace: Path, text: str = "go", **thread: Any) -> tuple[str, str]:
    started = client.request("thread/start", {"cwd": str(workspace), **thread})
    assert "result" in started, started
    thread_id = started["result"]["thread"]["id"]
    response = client.request(
        "turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": text, "text_elements": []}]}
    )
    assert "result" in response, response
    return thread_id, response["result"]["turn"]["id"]


def is_turn_completed(message: Message) -> bool:
    return message.get("method") == "turn/completed"


def serve(codex_bin: str, env: dict[str, str], mock: MockModelServer, **settings: str) -> WebsocketAppServer:
    write_mock_config(
        Path(env["CODEX_HOME"]), mock.url, extra="[sandbox_workspace_write]\nexclude_slash_tmp = true"
    )
    extra = {f"CODEX_APP_SERVER_RECONNECT_{k.upper()}": v for k, v in settings.items()}
    return WebsocketAppServer(codex_bin, {**model_env(env), "CODEX_LOG": "codex_app_server=info", **extra})


def uninterrupted(
    server: WebsocketAppServer, workspace: Path, answer: str | None = None, **thread: Any
) -> list[Message]:
    client = Client(server.url)
    client.initialize()
    start_turn(client, workspace, **thread)
    if answer is not None:
        request = client.until(lambda m: m.get("method") == "item/commandExecution/requestApproval")
        client.send({"id": request["id"], "result": {"decision": answer}})
    client.until(is_turn_completed)
    client.ws.close()
    return thread_events(client.seen)


def test_drop_mid_stream_and_reconnect(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    mock.enqueue(message_response(TEXT, deltas=DELTAS), message_response(TEXT, deltas=DELTAS))
    with serve(codex_bin, isolated_env, mock) as server:
        first = Client(server.url)
        token = first.initialize()["result"]["reconnect"]["resumeToken"]
        thread_id, _ = start_turn(first, workspace)
        # Mid-stream: a hundred deltas read, hundreds more on their way or still to come.
        read = 0
        while read < 100:
            message = first.recv()
            assert not is_turn_completed(message), message
            read += message.get("method") == "item/agentMessage/delta"
        first.drop()
        before = list(first.seen)
        assert not any(is_turn_completed(m) for m in before)

        second = Client(server.url)
        answer = second.initialize(resumeToken=token, lastSeq={thread_id: last_seq(before)})
        info = answer["result"]["reconnect"]
        assert info["resumeToken"] == token and info["version"] == 1
        second.until(is_turn_completed)
        stream = assembled(before, second.seen)
        # Nothing sent twice: the replay starts right after the last number the client saw.
        assert thread_events(second.seen)[0]["_seq"]["seq"] == last_seq(before) + 1
        assert strictly_increasing(stream)
        text = "".join(m["params"]["delta"] for m in stream if m["method"] == "item/agentMessage/delta")
        assert text == TEXT

        reference = uninterrupted(server, workspace)
    assert normalized(stream) == normalized(reference)
    assert non_delta_seqs(stream) == non_delta_seqs(reference)


def test_drop_while_an_approval_is_pending(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    call = function_call_response("exec_command", {"cmd": CMD}, call_id="call_1")
    mock.enqueue(call, message_response("after"), call, message_response("after"))
    thread = {"approvalPolicy": "untrusted", "sandbox": "workspace-write"}
    with serve(codex_bin, isolated_env, mock) as server:
        first = Client(server.url)
        token = first.initialize()["result"]["reconnect"]["resumeToken"]
        thread_id, _ = start_turn(first, workspace, **thread)
        asked = first.until(lambda m: m.get("method") == "item/commandExecution/requestApproval")
        first.drop()
        before = list(first.seen)
        assert not (workspace / "marker.txt").exists()

        second = Client(server.url)
        second.initialize(resumeToken=token, lastSeq={thread_id: last_seq(before)})
        # The pending request comes again, same id and number, and this answer decides it.
        again = second.until(lambda m: m.get("method") == "item/commandExecution/requestApproval")
        assert again == asked
        second.send({"id": again["id"], "result": {"decision": "accept"}})
        second.until(is_turn_completed)
        stream = assembled(before, second.seen)
        assert strictly_increasing(stream)
        assert (workspace / "marker.txt").exists()
        (workspace / "marker.txt").unlink()
        completed = [
            m["params"]["item"]
            for m in stream
            if m["method"] == "item/completed" and m["params"]["item"]["type"] == "commandExecution"
        ]
        assert completed[0]["status"] == "completed" and completed[0]["aggregatedOutput"] == "made\n"

        reference = uninterrupted(server, workspace, answer="accept", **thread)
    assert normalized(stream) == normalized(reference)
    assert non_delta_seqs(stream) == non_delta_seqs(reference)


def test_window_expires_then_thread_resume(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    mock.enqueue(message_response(TEXT, deltas=DELTAS))
    with serve(codex_bin, isolated_env, mock, window_seconds="0.5") as server:
        first = Client(server.url)
        info = first.initialize()["result"]["reconnect"]
        assert info["retentionSeconds"] == 0  # whole seconds, rounded down
        thread_id, turn_id = start_turn(first, workspace)
        first.until(lambda m: m.get("method") == "item/agentMessage/delta")
        first.drop()
        before = list(first.seen)
        # The server says when it gives the session up.
        wait_for_line(server, "expired: nobody reconnected")

        second = Client(server.url)
        refused = second.initialize(resumeToken=info["resumeToken"], lastSeq={thread_id: last_seq(before)})
        error = refused["error"]
        assert error["code"] == -32002 and error["data"] == {"reason": "expired"}
        assert "thread/resume" in error["message"]
        # The connection is still uninitialized: initialize again, without resuming, and fall back.
        assert second.initialize()["result"]["reconnect"]["resumeToken"] != info["resumeToken"]
        resumed = second.request("thread/resume", {"threadId": thread_id})
        thread = resumed["result"]["thread"]
        turn = thread["turns"][-1]
        if turn["status"] == "inProgress":  # the turn may still be running: its end comes live
            second.until(is_turn_completed)
            thread = second.request("thread/read", {"threadId": thread_id, "includeTurns": True})["result"][
                "thread"
            ]
            turn = thread["turns"][-1]
        assert turn["id"] == turn_id and turn["status"] == "completed"
        texts = [item["text"] for item in turn["items"] if item["type"] == "agentMessage"]
        assert texts == [TEXT]

        unknown = Client(server.url)
        refused = unknown.initialize(resumeToken="no-such-token", lastSeq={})
        assert refused["error"]["code"] == -32002 and refused["error"]["data"] == {"reason": "unknownToken"}


def wait_for_line(server: WebsocketAppServer, text: str) -> None:
    import time

    deadline = time.monotonic() + DEFAULT_TIMEOUT
    while not any(text in line for line in server.stderr_lines):
        assert time.monotonic() < deadline, "".join(server.stderr_lines[-20:])
        time.sleep(0.02)


def test_clients_that_do_not_opt_in_see_nothing_new(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    # Held open before `response.completed` until the second client has joined: otherwise the
    # turn could end before its thread/resume, and it would wait for a turn/completed in vain.
    events = message_response("hello there", deltas=5)
    held = stall(after_events=events[:-1], then=events[-1:])
    mock.enqueue(held)
    with serve(codex_bin, isolated_env, mock) as server:
        opted = Client(server.url)
        opted.initialize()
        plain = Client(server.url)
        answer = plain.request("initialize", {"clientInfo": {"name": "plain", "version": "1"}})
        assert answer["result"] == {"userAgent": answer["result"]["userAgent"]}
        thread_id, _ = start_turn(opted, workspace)
        assert "result" in plain.request("thread/resume", {"threadId": thread_id})
        held.release.set()
        opted.until(is_turn_completed)
        plain.until(is_turn_completed)
        # Every message of the thread is numbered for the client that opted in (only messages
        # not tied to a thread, such as thread/started and account/*, are not).
        unnumbered = {m["method"] for m in opted.seen if "_seq" not in m}
        assert unnumbered <= {"thread/started", "account/rateLimits/updated", "configWarning"}
        assert len(thread_events(opted.seen)) > 10
        assert not any("_seq" in m for m in plain.seen)
    # stdio: the capability is ignored
    from support.appserver import StdioAppServer

    with StdioAppServer(codex_bin, isolated_env) as stdio:
        result = stdio.initialize(experimentalApi=True, reconnect={"version": 1})["result"]
        assert set(result) == {"userAgent"}


def test_unusable_setting_stops_the_server(codex_bin: str, isolated_env: dict[str, str]) -> None:
    import subprocess

    env = {**isolated_env, "CODEX_APP_SERVER_RECONNECT_WINDOW_SECONDS": "soon"}
    done = subprocess.run(
        [codex_bin, "app-server", "--listen", "ws://127.0.0.1:0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=DEFAULT_TIMEOUT,
        check=False,
    )
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == "Error: CODEX_APP_SERVER_RECONNECT_WINDOW_SECONDS='soon' is not a number of seconds"
    )


def test_a_paused_client_that_drops_is_noticed(codex_bin: str, isolated_env: dict[str, str]) -> None:
    """A client that sent while not reading (its input paused for backpressure) and then vanished
    is seen as dropped, so that its session starts its window."""
    from integration.test_websocket_backpressure import CURSOR, RawWs

    with WebsocketAppServer(codex_bin, {**isolated_env, "CODEX_LOG": "codex_app_server=info"}) as server:
        stalled = RawWs(server.url)
        capabilities = {"experimentalApi": True, "reconnect": {"version": 1}}
        stalled.send(
            {
                "id": 0,
                "method": "initialize",
                "params": {"clientInfo": {"name": "a", "version": "1"}, "capabilities": capabilities},
            }
        )
        stalled.sock.settimeout(2)
        sent = 0
        while sent < 20_000:
            try:
                stalled.send({"id": sent + 1, "method": "model/list", "params": {"cursor": CURSOR}})
            except TimeoutError:
                break  # the server stopped reading this connection
            sent += 1
        stalled.sock.close()  # unread answers in our buffer: the kernel resets the connection
        wait_for_line(server, "reconnect session 1: connection dropped")


def test_approval_declined_when_nobody_answers_in_time(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    call = function_call_response("exec_command", {"cmd": CMD}, call_id="call_1")
    mock.enqueue(call, message_response("after"))
    thread = {"approvalPolicy": "untrusted", "sandbox": "workspace-write"}
    with serve(codex_bin, isolated_env, mock, approval_timeout_seconds="0.3") as server:
        first = Client(server.url)
        token = first.initialize()["result"]["reconnect"]["resumeToken"]
        thread_id, _ = start_turn(first, workspace, **thread)
        first.until(lambda m: m.get("method") == "item/commandExecution/requestApproval")
        first.drop()
        before = list(first.seen)
        wait_for_line(server, "nobody reconnected to answer it within 0.3 s")
        # The session itself is still kept: the reconnected client sees the decline and the end.
        second = Client(server.url)
        second.initialize(resumeToken=token, lastSeq={thread_id: last_seq(before)})
        second.until(is_turn_completed)
        stream = assembled(before, second.seen)
        assert strictly_increasing(stream)
        assert not any(m.get("method") == "item/commandExecution/requestApproval" for m in second.seen)
        declined = [
            m["params"]["item"]
            for m in stream
            if m["method"] == "item/completed" and m["params"]["item"]["type"] == "commandExecution"
        ]
        assert [item["status"] for item in declined] == ["declined"]
        assert not (workspace / "marker.txt").exists()
        outputs = [
            item["output"]
            for item in mock.requests[-1].body["input"]
            if item.get("type") == "function_call_output"
        ]
        assert len(outputs) == 1 and "rejected by user" in outputs[0]
