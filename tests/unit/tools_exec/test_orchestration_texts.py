"""What the model reads when the orchestration stops a command (texts recorded from 0.100.0)."""

from __future__ import annotations

from codex_core.tools.exec_common import SandboxDenied, escalation_refused, freeform_output, wall_time_text


def test_escalation_is_refused_outside_on_request() -> None:
    assert escalation_refused("on-request") is None
    assert escalation_refused("untrusted") == (
        "approval policy is UnlessTrusted; reject command — you cannot ask for escalated permissions "
        "if the approval policy is UnlessTrusted"
    )
    assert escalation_refused("on-failure") is not None and "OnFailure" in str(
        escalation_refused("on-failure")
    )
    assert "is Never;" in str(escalation_refused("never"))


def test_sandbox_denial_reads_like_the_reference() -> None:
    denied = SandboxDenied(1, "touch: cannot touch 'made.txt': Permission denied\n")
    assert denied.model_text("exec_command") == (
        'exec_command failed: CreateProcess { message: "Codex(Sandbox(Denied { output: ExecToolCallOutput '
        '{ exit_code: 1, stdout: StreamOutput { text: \\"\\", truncated_after_lines: None }, stderr: '
        "StreamOutput { text: \\\"touch: cannot touch 'made.txt': Permission denied\\\\n\\\", "
        'truncated_after_lines: None }, aggregated_output: StreamOutput { text: \\"touch: cannot touch '
        "'made.txt': Permission denied\\\\n\\\", truncated_after_lines: None }, duration: 0ns, "
        'timed_out: false } }))" }'
    )


def test_wall_time_is_printed_as_rust_prints_an_f32() -> None:
    assert [wall_time_text(s) for s in (0.0, 0.04, 0.06, 1.0, 12.34, -1)] == [
        "0",
        "0",
        "0.1",
        "1",
        "12.3",
        "0",
    ]
    assert freeform_output(0, 0.01, "ok\n") == "Exit code: 0\nWall time: 0 seconds\nOutput:\nok\n"
