"""Config `notify`: run a user program after every turn with the turn's summary as JSON.

The program gets one extra argument, e.g.
``{"type":"agent-turn-complete","thread-id":…,"turn-id":…,"cwd":…,"input-messages":[…],
"last-assistant-message":…}``. It is started detached (own session, no stdio) and never
waited for: a missing or failing program is logged and the turn goes on.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex_core.agent.session import Session, TurnState

log = logging.getLogger("codex.notify")


def turn_complete_payload(
    *,
    thread_id: str,
    turn_id: str,
    cwd: str,
    input_messages: Sequence[str],
    last_assistant_message: str | None,
) -> str:
    return json.dumps(
        {
            "type": "agent-turn-complete",
            "thread-id": thread_id,
            "turn-id": turn_id,
            "cwd": cwd,
            "input-messages": list(input_messages),
            "last-assistant-message": last_assistant_message,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def input_texts(inputs: Sequence[Any]) -> list[str]:
    return [
        str(item["text"])
        for item in inputs
        if isinstance(item, dict) and item.get("type") == "text" and isinstance(item.get("text"), str)
    ]


def notify_argv(config_effective: dict[str, Any]) -> list[str] | None:
    argv = config_effective.get("notify")
    if not isinstance(argv, list) or not argv or not all(isinstance(arg, str) for arg in argv):
        return None
    return list(argv)


def spawn_detached(argv: Sequence[str], payload: str, env: dict[str, str] | None = None) -> bool:
    """Start `argv + [payload]` without waiting; False (and a log line) when it cannot start."""
    try:
        process = subprocess.Popen(
            [*argv, payload],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
            env=env,
        )
    except (OSError, ValueError) as exc:
        log.warning("notify program %r could not be started: %s", argv[0], exc)
        return False
    _reap_later(process)
    return True


def _reap_later(process: subprocess.Popen[bytes]) -> None:
    # Collect the exit status off the event loop so no zombie is left behind.
    import threading

    threading.Thread(target=process.wait, name="notify-reaper", daemon=True).start()


def notify_turn_complete(session: Session, turn: TurnState) -> None:
    """Called by the turn loop once a regular turn has completed; never raises."""
    try:
        if turn.kind != "regular":
            return
        argv = notify_argv(turn.settings.config.effective)
        if argv is None:
            return
        payload = turn_complete_payload(
            thread_id=session.thread_id,
            turn_id=turn.id,
            cwd=str(turn.settings.cwd),
            input_messages=input_texts(turn.inputs),
            last_assistant_message=turn.last_agent_message,
        )
        env = getattr(session, "env", None)
        spawn_detached(argv, payload, dict(env) if isinstance(env, dict) else dict(os.environ))
    except Exception:  # a notification must never take the turn down
        log.exception("notify failed")
