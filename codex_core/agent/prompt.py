"""Prompt assembly: the permissions note, AGENTS.md and skills, and the environment context (the base
instructions live in base_instructions.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex_core.agent.settings import SessionSettings
    from codex_core.config.loader import LoadedConfig

DEFAULT_PROJECT_DOC_MAX_BYTES = 32 * 1024
PROJECT_DOC_SEPARATOR = "\n\n--- project-doc ---\n\n"


_SANDBOX_TEXT = {
    "read-only": "The sandbox is read-only: you can read files anywhere, but writes and network access are blocked.",
    "workspace-write": (
        "The sandbox allows writing inside the workspace (the working directory and any extra writable roots) "
        "and temporary directories; everything else is read-only."
    ),
    "danger-full-access": "There is no sandbox: commands run with the user's full permissions.",
    "external-sandbox": "Commands run inside a sandbox managed outside this harness.",
}
_APPROVAL_TEXT = {
    "untrusted": "Commands that are not known to be safe are shown to the user for approval before they run.",
    "on-failure": "Commands run in the sandbox; if the sandbox blocks one, the user is asked whether to retry it without.",
    "on-request": (
        "Commands run in the sandbox. When a command genuinely needs more (writing outside the workspace, "
        "network access), request escalated permissions with a short justification and the user decides."
    ),
    "never": "The user will not be asked for approvals: work within the sandbox and report what you could not do.",
}


def permissions_message(settings: SessionSettings) -> dict[str, Any]:
    """The developer message describing sandbox and approvals (the reference's `<permissions instructions>` slot)."""
    policy = settings.sandbox_policy
    kind = str(policy.get("type", "read-only"))
    lines = [_SANDBOX_TEXT.get(kind, _SANDBOX_TEXT["read-only"])]
    if kind == "workspace-write":
        network = "enabled" if policy.get("network_access") else "disabled"
        lines.append(f"Network access is {network}.")
        roots = policy.get("writable_roots") or []
        if roots:
            lines.append("Extra writable roots: " + ", ".join(str(r) for r in roots) + ".")
    lines.append(f"`sandbox_mode` is `{kind}`; `approval_policy` is `{settings.approval_policy}`.")
    lines.append(_APPROVAL_TEXT.get(settings.approval_policy, ""))
    text = (
        "<permissions instructions>\n"
        + "\n".join(line for line in lines if line)
        + "\n</permissions instructions>"
    )
    return {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": text}]}


def developer_message(text: str) -> dict[str, Any]:
    return {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": text}]}


def user_text_message(text: str) -> dict[str, Any]:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


def environment_context(cwd: Path, shell: str = "bash") -> str:
    return f"<environment_context>\n  <cwd>{cwd}</cwd>\n  <shell>{shell}</shell>\n</environment_context>"


def agents_md_message(cwd: Path, instructions: str) -> str:
    return f"# AGENTS.md instructions for {cwd}\n\n<INSTRUCTIONS>\n{instructions}\n</INSTRUCTIONS>"


def initial_context(settings: SessionSettings) -> list[dict[str, Any]]:
    """The items that open a thread's history, in the reference's order."""
    items = [permissions_message(settings)]
    if settings.developer_instructions:
        items.append(developer_message(settings.developer_instructions))
    from codex_core.mcp.tool_search import APPS_INSTRUCTIONS, DISCOVERY_INSTRUCTIONS, apps_enabled

    if apps_enabled(settings.config):
        items.append(developer_message(DISCOVERY_INSTRUCTIONS))
        items.append(developer_message(APPS_INSTRUCTIONS))
    if settings.user_instructions:
        items.append(user_text_message(agents_md_message(settings.cwd, settings.user_instructions)))
    items.append(user_text_message(environment_context(settings.cwd)))
    return items


MODEL_SWITCH_NOTE = (
    "The conversation now continues on a different model. From here on, follow these instructions:"
)


def context_update_items(before: SessionSettings, after: SessionSettings) -> list[dict[str, Any]]:
    """The messages telling the model what a turn changed in its settings (none when nothing did)."""
    items: list[dict[str, Any]] = []
    if after.cwd != before.cwd:
        items.append(user_text_message(environment_context(after.cwd)))
    if after.approval_policy != before.approval_policy or after.sandbox_policy != before.sandbox_policy:
        items.append(permissions_message(after))
    if after.model != before.model:
        switch = f"<model_switch>\n{MODEL_SWITCH_NOTE}\n\n{after.base_instructions}\n</model_switch>"
        items.append(developer_message(switch))
    return items


# -- AGENTS.md ---------------------------------------------------------------------------------


def _read_limited(path: Path, budget: int) -> str | None:
    try:
        with path.open("rb") as handle:
            data = handle.read(max(budget, 0))
    except OSError:
        return None
    text = data.decode("utf-8", errors="replace").strip()
    return text or None


def _git_root(cwd: Path) -> Path | None:
    for directory in (cwd, *cwd.parents):
        if (directory / ".git").exists():
            return directory
    return None


def project_doc_paths(cwd: Path, names: list[str]) -> list[Path]:
    """AGENTS.md files from the git root (or cwd outside a repo) down to cwd; one per folder, first name found."""
    root = _git_root(cwd) or cwd
    chain = [d for d in (cwd, *cwd.parents) if d == root or root in d.parents]
    found: list[Path] = []
    for directory in reversed(chain):
        for name in names:
            candidate = directory / name
            if candidate.is_file():
                found.append(candidate)
                break
    return found


def load_user_instructions(codex_home: Path, cwd: Path, config: LoadedConfig | None = None) -> str | None:
    """Global AGENTS.md from CODEX_HOME plus the project docs, within `project_doc_max_bytes`."""
    typed = config.typed if config is not None else None
    budget = (
        typed.project_doc_max_bytes
        if typed and typed.project_doc_max_bytes is not None
        else DEFAULT_PROJECT_DOC_MAX_BYTES
    )
    fallbacks = list(typed.project_doc_fallback_filenames or []) if typed else []
    global_text = None
    for name in ("AGENTS.override.md", "AGENTS.md"):
        global_text = _read_limited(codex_home / name, DEFAULT_PROJECT_DOC_MAX_BYTES)
        if global_text:
            break
    project_parts: list[str] = []
    remaining = budget
    for path in project_doc_paths(cwd, ["AGENTS.override.md", "AGENTS.md", *fallbacks]):
        if remaining <= 0:
            break
        text = _read_limited(path, remaining)
        if text:
            project_parts.append(text)
            remaining -= len(text.encode("utf-8"))
    project_text = "\n\n".join(project_parts) or None
    if global_text and project_text:
        return global_text + PROJECT_DOC_SEPARATOR + project_text
    return global_text or project_text
