"""Review mode: a turn that reviews code changes with a history of its own.

The reviewer sees only the review request (not the thread's conversation), may use the tools to
inspect the repository, and answers with JSON findings. The parent thread then gets the review as
a message, so later turns can act on it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from codex_core.agent import items as I
from codex_core.agent.prompt import environment_context, user_text_message

if TYPE_CHECKING:
    from codex_core.agent.session import Session, TurnState

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


async def run_review(session: Session, turn: TurnState) -> None:
    from codex_core.agent.turn import sample
    from codex_core.uuid7 import uuid7_str

    target = turn.review_target or {"type": "uncommittedChanges"}
    request, hint = review_prompt(target)
    tid, uid = session.thread_id, turn.id
    session.emit(uid, {"type": "entered_review_mode", "target": target, "user_facing_hint": hint})
    entered_id = uuid7_str()
    entered = {"type": "enteredReviewMode", "id": entered_id, "review": hint}
    session.emit(uid, {"type": "item_started", "thread_id": tid, "turn_id": uid, "item": entered})
    session.emit(uid, {"type": "item_completed", "thread_id": tid, "turn_id": uid, "item": entered})

    parent_history, parent_rollout = session.history, session.rollout
    review_settings = turn.settings.with_overrides(base_instructions=REVIEW_INSTRUCTIONS)
    turn.settings = review_settings
    # The reviewer works on a history of its own, and its steps are not part of the thread's file.
    session.history = [
        user_text_message(environment_context(review_settings.cwd)),
        user_text_message(request),
    ]
    session.rollout = None
    try:
        while True:
            calls = await sample(session, turn)
            if not calls:
                break
            from codex_core.agent.tools import ToolContext

            for call in calls:
                session.record([await session.tools.handle(call, ToolContext(session=session, turn=turn))])
    finally:
        session.history, session.rollout = parent_history, parent_rollout
    output = parse_review_output(turn.last_agent_message or "")
    rendered = render_review(output)
    session.emit(uid, {"type": "exited_review_mode", "review_output": output})
    exited = {"type": "exitedReviewMode", "id": uuid7_str(), "review": rendered}
    session.emit(uid, {"type": "item_started", "thread_id": tid, "turn_id": uid, "item": exited})
    session.emit(uid, {"type": "item_completed", "thread_id": tid, "turn_id": uid, "item": exited})
    session.record(
        [
            I.user_message_item(
                [
                    {
                        "type": "text",
                        "text": f"<user_action>\nA code review ({hint}) reported:\n{rendered}\n</user_action>",
                    }
                ]
            )
        ]
    )
    turn.last_agent_message = rendered
