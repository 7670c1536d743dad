"""Linux sandbox for commands the agent runs: Landlock (filesystem writes), seccomp (network),
a private mount namespace (read-only `.git` inside writable roots), and the command environment.

The restrictions are applied in the forked child right before `exec`, never in the server.
"""

from codex_core.sandbox.policy import SandboxPlan, SandboxUnavailable, plan_for_policy

__all__ = ["SandboxPlan", "SandboxUnavailable", "plan_for_policy"]
