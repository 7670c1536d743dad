"""What a thread runs with: model, provider, cwd, policies, instructions; resolved from config + overrides."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex_core.config.loader import LoadedConfig
    from codex_core.config.providers import ModelProvider
    from codex_core.model.families import ModelFamily

DEFAULT_MODEL = "gpt-5.2-codex"
DEFAULT_APPROVAL_POLICY = "on-request"
DEFAULT_SANDBOX_MODE = "read-only"
DEFAULT_REASONING_SUMMARY = "auto"


def sandbox_policy_for_mode(mode: str, config: LoadedConfig | None = None) -> dict[str, Any]:
    """The core (kebab-case) sandbox policy of a `sandbox_mode`, as turn_context records it."""
    if mode == "danger-full-access":
        return {"type": "danger-full-access"}
    if mode == "workspace-write":
        table = config.typed.sandbox_workspace_write if config is not None else None
        policy: dict[str, Any] = {"type": "workspace-write"}
        roots = list(table.writable_roots) if table is not None else []
        if roots:
            policy["writable_roots"] = roots
        policy["network_access"] = bool(table.network_access) if table is not None else False
        policy["exclude_tmpdir_env_var"] = bool(table.exclude_tmpdir_env_var) if table is not None else False
        policy["exclude_slash_tmp"] = bool(table.exclude_slash_tmp) if table is not None else False
        return policy
    return {"type": "read-only"}


def sandbox_mode_of(policy: dict[str, Any]) -> str:
    kind = str(policy.get("type", "read-only"))
    return kind if kind in ("read-only", "workspace-write", "danger-full-access") else "read-only"


@dataclass(frozen=True)
class SessionSettings:
    model: str
    provider: ModelProvider
    family: ModelFamily
    cwd: Path
    approval_policy: str
    sandbox_policy: dict[str, Any]
    reasoning_effort: str | None  # as configured (None: the model's default), as the wire reports it
    reasoning_summary: str
    verbosity: str | None
    personality: str | None
    base_instructions: str
    developer_instructions: str | None
    user_instructions: str | None
    config: LoadedConfig = field(repr=False)
    output_schema: Any = None
    show_raw_agent_reasoning: bool = False
    # "default" or "plan" (turn/start collaborationMode); its developer instructions, None for the
    # mode's built-in ones.
    collaboration_mode: str = "default"
    collaboration_instructions: str | None = None

    @property
    def context_window(self) -> int:
        configured = self.config.typed.model_context_window
        return int(configured) if configured else self.family.context_window

    @property
    def auto_compact_limit(self) -> int:
        configured = self.config.typed.model_auto_compact_token_limit
        if configured:
            return int(configured)
        if self.family.auto_compact_token_limit:
            return int(self.family.auto_compact_token_limit)
        return int(self.context_window * 9 // 10)

    @property
    def request_effort(self) -> str | None:
        """The effort a request asks for: the configured one, else the model's default."""
        if self.reasoning_effort is not None:
            return self.reasoning_effort
        return self.family.default_reasoning_effort if self.family.supports_reasoning else None

    def with_overrides(self, **changes: Any) -> SessionSettings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _user_instructions(config: LoadedConfig, cwd: Path) -> str | None:
    """AGENTS.md instructions, then the skills section, as the thread's user instructions."""
    from codex_core.agent.prompt import load_user_instructions
    from codex_core.skills import disabled_skill_paths, discover_skills, skills_section
    from codex_core.system_skills import ensure_system_skills

    docs = load_user_instructions(config.codex_home, cwd, config)
    try:
        ensure_system_skills(config.codex_home)
        found = discover_skills(cwd, config.codex_home, disabled_paths=disabled_skill_paths(config.effective))
        skills = skills_section(found["skills"])
    except OSError:
        skills = None
    parts = [part for part in (docs, skills) if part]
    return "\n\n".join(parts) if parts else None


def resolve_settings(
    config: LoadedConfig,
    *,
    cwd: Path,
    base_instructions: str | None = None,
    developer_instructions: str | None = None,
    env: dict[str, str] | None = None,
) -> SessionSettings:
    """Settings for a new thread from an already loaded config (which carries request overrides)."""
    from codex_core.agent.base_instructions import BASE_INSTRUCTIONS
    from codex_core.config.providers import resolve_provider
    from codex_core.model.families import model_family

    typed = config.typed
    model = typed.model or DEFAULT_MODEL
    family = model_family(model)
    mode = typed.sandbox_mode or DEFAULT_SANDBOX_MODE
    # Left unset when not configured: thread/start, sessionConfigured and turn_context report
    # null then (observed on the reference), while requests use the model's default.
    effort = typed.model_reasoning_effort
    return SessionSettings(
        model=model,
        provider=resolve_provider(typed, env),
        family=family,
        cwd=cwd,
        approval_policy=typed.approval_policy or DEFAULT_APPROVAL_POLICY,
        sandbox_policy=sandbox_policy_for_mode(mode, config),
        reasoning_effort=effort,
        reasoning_summary=typed.model_reasoning_summary or DEFAULT_REASONING_SUMMARY,
        verbosity=typed.model_verbosity,
        personality=typed.personality,
        base_instructions=base_instructions or typed.instructions or BASE_INSTRUCTIONS,
        developer_instructions=developer_instructions or typed.developer_instructions,
        user_instructions=_user_instructions(config, cwd),
        config=config,
        show_raw_agent_reasoning=bool(typed.show_raw_agent_reasoning),
    )
