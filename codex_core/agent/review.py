"""Review mode: a turn that reviews code changes with a history of its own.

The reviewer sees only the review request (not the thread's conversation), may use the tools to
inspect the repository, and answers with JSON findings. The parent thread then gets the review as
a message, so later turns can act on it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

from codex_core.agent import items as I
from codex_core.agent.prompt import environment_context, user_text_message

if TYPE_CHECKING:
    from codex_core.agent.session import Session, TurnState
    from codex_core.events import CoreEvent, EventSink

REVIEW_INSTRUCTIONS = """\
You are reviewing code changes made by someone else. Inspect the changes with the tools you have
(for example `git diff`, `git show`, reading files), then report the problems that matter: bugs,
security issues, data loss, broken edge cases, missing tests for risky logic. Skip style nits.

Answer with one JSON object and nothing else:
{"findings": [{"title": "<= 80 chars", "body": "why it is a problem and how to fix it",
  "confidence_score": 0.0-1.0, "priority": 0-3 (0 = most urgent),
  "code_location": {"absolute_file_path": "...", "line_range": {"start": N, "end": N}}}],
 "overall_correctness": "patch is correct" | "patch is incorrect",
 "overall_explanation": "one or two sentences", "overall_confidence_score": 0.0-1.0}
"""


def review_prompt(target: dict[str, Any]) -> tuple[str, str]:
    """The request for the reviewer and the short hint shown to the user."""
    kind = target.get("type")
    if kind == "baseBranch":
        branch = str(target.get("branch", ""))
        return (
            f"Review the changes on this branch against the base branch '{branch}'. Find the merge base "
            f"(`git merge-base HEAD {branch}`) and review the diff from it to the working tree.",
            f"changes against '{branch}'",
        )
    if kind == "commit":
        sha = str(target.get("sha", ""))
        title = target.get("title")
        label = f"commit {sha[:7]}" + (f": {title}" if title else "")
        return (f"Review the changes introduced by commit {sha} (`git show {sha}`).", label)
    if kind == "custom":
        instructions = str(target.get("instructions", ""))
        return instructions, instructions
    return (
        "Review the current code changes: staged, unstaged and untracked files (`git status`, `git diff`, `git diff --cached`).",
        "current changes",
    )


def parse_review_output(text: str) -> dict[str, Any]:
    """The reviewer's JSON; anything else becomes an explanation-only result."""
    start, end = text.find("{"), text.rfind("}")
    if start != -1 and end > start:
        try:
            data = json.loads(text[start : end + 1])
        except ValueError:
            data = None
        if isinstance(data, dict) and "findings" in data:
            return {
                "findings": [f for f in data.get("findings") or [] if isinstance(f, dict)],
                "overall_correctness": str(data.get("overall_correctness", "")),
                "overall_explanation": str(data.get("overall_explanation", "")),
                "overall_confidence_score": float(data.get("overall_confidence_score") or 0.0),
            }
    return {
        "findings": [],
        "overall_correctness": "",
        "overall_explanation": text.strip(),
        "overall_confidence_score": 0.0,
    }


def render_review(output: dict[str, Any]) -> str:
    lines = [output.get("overall_explanation") or "Review finished."]
    for finding in output.get("findings", []):
        location = finding.get("code_location") or {}
        path = location.get("absolute_file_path", "")
        span = location.get("line_range") or {}
        where = f" ({path}:{span.get('start')}-{span.get('end')})" if path else ""
        lines.append(
            f"- [P{finding.get('priority', '?')}] {finding.get('title', '')}{where}\n  {finding.get('body', '')}"
        )
    return "\n".join(lines)


# What the reviewer's own stream shows the client: its items start, but its text, reasoning and
# usage stay inside; the review's outcome is reported once, as the parent's message.
_REVIEWER_SILENT = frozenset(
    {
        "agent_message_content_delta",
        "agent_message_delta",
        "agent_message",
        "reasoning_content_delta",
        "reasoning_raw_content_delta",
        "agent_reasoning_delta",
        "agent_reasoning_raw_content_delta",
        "agent_reasoning_section_break",
        "agent_reasoning",
        "token_count",
    }
)
REVIEW_MESSAGE_ID = "review_rollout_assistant"


def reviewer_sink(parent: EventSink, event_id: str, thread_id: str, turn_id: str) -> EventSink:
    """The reviewer runs as a sub-agent of its own (thread and turn ids); its events reach the
    parent's listeners under the review turn's id, without the ones it keeps to itself."""

    def sink(_ignored: str, msg: CoreEvent) -> None:
        if msg["type"] in _REVIEWER_SILENT:
            return
        if msg["type"] == "item_completed" and msg["item"].get("type") in ("AgentMessage", "Reasoning"):
            return
        if "thread_id" in msg or "turn_id" in msg:
            # The same event under the reviewer's ids (each key keeps its place).
            renamed: dict[str, Any] = dict(msg)
            if "thread_id" in renamed:
                renamed["thread_id"] = thread_id
            if "turn_id" in renamed:
                renamed["turn_id"] = turn_id
            msg = cast("CoreEvent", renamed)
        parent(event_id, msg)

    return sink


async def run_review(session: Session, turn: TurnState) -> None:
    from codex_core.agent.sampling import sample
    from codex_core.uuid7 import uuid7_str

    target = turn.review_target or {"type": "uncommittedChanges"}
    request, hint = review_prompt(target)
    tid, uid = session.thread_id, turn.id
    session.emit(uid, {"type": "entered_review_mode", "target": target, "user_facing_hint": hint})

    sub_turn_id = uuid7_str()
    session.emit(
        uid,
        {
            "type": "task_started",
            "turn_id": sub_turn_id,
            "model_context_window": turn.settings.context_window,
            "collaboration_mode_kind": "default",
        },
    )
    parent_history, parent_rollout, parent_sink = session.history, session.rollout, session.sink
    review_settings = turn.settings.with_overrides(base_instructions=REVIEW_INSTRUCTIONS)
    parent_settings, turn.settings = turn.settings, review_settings
    session.sink = reviewer_sink(parent_sink, uid, uuid7_str(), sub_turn_id)
    try:
        inputs = [{"type": "text", "text": request, "text_elements": []}]
        user_item = {"type": "UserMessage", "id": uuid7_str(), "content": I.core_user_input(inputs)}
        session.emit(uid, {"type": "item_started", "thread_id": tid, "turn_id": uid, "item": user_item})
        session.emit(uid, {"type": "item_completed", "thread_id": tid, "turn_id": uid, "item": user_item})
        for _ in range(2):  # the reference announces (and keeps) the reviewer's request twice
            session.emit(uid, I.user_message_event(inputs))
        # The reviewer works on a history of its own; its steps are not part of the thread's file.
        session.history = [
            user_text_message(environment_context(review_settings.cwd)),
            user_text_message(request),
        ]
        session.rollout = None
        while True:
            if not await sample(session, turn):
                break
    finally:
        session.history, session.rollout, session.sink = parent_history, parent_rollout, parent_sink
        turn.settings = parent_settings
    output = parse_review_output(turn.last_agent_message or "")
    rendered = render_review(output)
    # The thread keeps what the review found: the outcome for the model, then the review's message.
    outcome = f"<user_action>\nA code review ({hint}) reported:\n{rendered}\n</user_action>"
    session.record([I.user_message_item([{"type": "text", "text": outcome}])])
    session.emit(uid, {"type": "exited_review_mode", "review_output": output})
    session.record(
        [{"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": rendered}]}]
    )
    message = {
        "type": "AgentMessage",
        "id": REVIEW_MESSAGE_ID,
        "content": [{"type": "Text", "text": rendered}],
    }
    session.emit(uid, {"type": "item_started", "thread_id": tid, "turn_id": uid, "item": message})
    session.emit(uid, {"type": "item_completed", "thread_id": tid, "turn_id": uid, "item": message})
    session.emit(uid, {"type": "agent_message", "message": rendered})
    # The review's outcome is the message above; the turn itself ends without a last message.
    turn.last_agent_message = None
