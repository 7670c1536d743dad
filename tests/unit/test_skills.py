from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from codex_core.skills import SkillParseError, SkillsCache, discover_skills, parse_skill_file


def _skill(root: Path, rel: str, text: str) -> Path:
    path = root / rel / "SKILL.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    home = tmp_path / "home"
    codex_home = home / ".codex"
    repo = tmp_path / "repo"
    (repo / "sub").mkdir(parents=True)
    (repo / ".git").mkdir()
    _skill(
        codex_home / "skills",
        "alpha",
        "---\nname: alpha\ndescription: |-\n  Alpha does\n  things\nmetadata:\n  short-description: short a\n---\nbody\n",
    )
    iface = codex_home / "skills" / "alpha" / "agents"
    iface.mkdir()
    (iface / "openai.yaml").write_text(
        'interface:\n  display_name: "Alpha UI"\n  icon_small: ./assets/s.svg\n  brand_color: "#fff"\n'
    )
    _skill(
        codex_home / "skills", "nested/deep/beta", '---\nname: "beta"\ndescription: >\n  folded desc\n---\n'
    )
    _skill(codex_home / "skills", "bad1", "no front matter\n")
    _skill(codex_home / "skills", "bad2", "---\nname: x\n---\n")
    _skill(codex_home / "skills", ".system/sys", "---\nname: sys\ndescription: system one\n---\n")
    _skill(codex_home / "skills", ".system/broken", "oops\n")
    _skill(home / ".agents" / "skills", "gamma", "---\nname: gamma\ndescription: home agents\n---\n")
    _skill(repo / ".codex" / "skills", "delta", "---\nname: delta\ndescription: repo\n---\n")
    _skill(repo / "sub" / ".agents" / "skills", "alpha", "---\nname: alpha\ndescription: sub\n---\n")
    return {"home": home, "codex_home": codex_home, "repo": repo}


def test_discovery_order_scopes_and_errors(layout: dict[str, Path]) -> None:
    entry = discover_skills(
        str(layout["repo"] / "sub"), layout["codex_home"], home=layout["home"], admin_root=None
    )
    names = [(s["name"], s["scope"]) for s in entry["skills"]]
    assert names == [
        ("alpha", "repo"),
        ("delta", "repo"),
        ("alpha", "user"),
        ("beta", "user"),
        ("gamma", "user"),
        ("sys", "system"),
    ]
    alpha = entry["skills"][2]
    assert alpha["description"] == "Alpha does things"
    assert alpha["shortDescription"] == "short a"
    assert alpha["interface"]["displayName"] == "Alpha UI"
    assert alpha["interface"]["brandColor"] is None
    assert alpha["interface"]["iconSmall"].endswith("alpha/assets/s.svg")
    assert "shortDescription" not in entry["skills"][3] and "interface" not in entry["skills"][3]
    assert entry["skills"][3]["description"] == "folded desc"
    messages = {Path(e["path"]).parent.name: e["message"] for e in entry["errors"]}
    assert messages == {
        "bad1": "missing YAML frontmatter delimited by ---",
        "bad2": "invalid YAML: missing field `description`",
    }


def test_outside_repo_only_cwd_and_user(layout: dict[str, Path], tmp_path: Path) -> None:
    entry = discover_skills(
        str(tmp_path / "nowhere"), layout["codex_home"], home=layout["home"], admin_root=None
    )
    assert {s["scope"] for s in entry["skills"]} == {"user", "system"}
    assert entry["cwd"] == str(tmp_path / "nowhere")


def test_parse_errors(tmp_path: Path) -> None:
    bad = _skill(tmp_path, "a", "---\nname: [x, y]\ndescription: d\n---\n")
    with pytest.raises(SkillParseError, match="name: invalid type: sequence"):
        parse_skill_file(bad, "user")
    long = _skill(tmp_path, "b", f"---\nname: {'n' * 65}\ndescription: d\n---\n")
    with pytest.raises(SkillParseError, match="invalid name: exceeds maximum length of 64"):
        parse_skill_file(long, "user")
    unclosed = _skill(tmp_path, "c", "---\nname: x\ndescription: y\n")
    with pytest.raises(SkillParseError, match="missing YAML frontmatter"):
        parse_skill_file(unclosed, "user")


async def test_cache_and_force_reload(layout: dict[str, Path]) -> None:
    cache = SkillsCache(str(layout["codex_home"]), home=str(layout["home"]), admin_root=None)
    cwd = str(layout["repo"])
    first = await cache.list([cwd])
    _skill(layout["codex_home"] / "skills", "late", "---\nname: late\ndescription: added later\n---\n")
    cached = await cache.list([cwd])
    assert cached == first
    reloaded = await cache.list([cwd], force_reload=True)
    assert "late" in {s["name"] for s in reloaded[0]["skills"]}
    beta_path = next(s["path"] for s in reloaded[0]["skills"] if s["name"] == "beta")
    disabled = await cache.list([cwd], disabled_paths=[beta_path])
    assert next(s for s in disabled[0]["skills"] if s["name"] == "beta")["enabled"] is False


def test_git_worktree_root_is_respected(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    subprocess.run(["git", "init", "-q", str(repo)], check=False, capture_output=True)
    (repo / ".git").mkdir(exist_ok=True)
    _skill(tmp_path / ".codex" / "skills", "above", "---\nname: above\ndescription: outside repo\n---\n")
    entry = discover_skills(str(repo), tmp_path / "ch", home=tmp_path / "h", admin_root=None)
    assert entry["skills"] == []
