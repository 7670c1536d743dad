"""Exec-policy prefix rules in `$CODEX_HOME/rules/*.rules` (Starlark-like `prefix_rule(...)` calls).

Only the subset the CLI writes and users commonly hand-write is understood:
`prefix_rule(pattern=[...], decision="allow"|"prompt"|"forbidden")`, where a pattern element
may be a string or a list of alternatives.
"""

from __future__ import annotations

import ast
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("codex.approvals")

_CALL = re.compile(r"prefix_rule\s*\((?P<body>.*?)\)\s*$", re.S | re.M)
_PATTERN = re.compile(r"pattern\s*=\s*(\[.*?\])\s*(?:,|$)", re.S)
_DECISION = re.compile(r"decision\s*=\s*\"(\w+)\"")
_STRENGTH = {"allow": 0, "prompt": 1, "forbidden": 2}
DEFAULT_RULES_FILE = "default.rules"


@dataclass(frozen=True)
class PrefixRule:
    pattern: tuple[tuple[str, ...], ...]  # each position: accepted alternatives
    decision: str

    def matches(self, words: list[str]) -> bool:
        if len(words) < len(self.pattern):
            return False
        return all(word in options for word, options in zip(words, self.pattern, strict=False))


@dataclass
class ExecRules:
    rules: list[PrefixRule] = field(default_factory=list)

    @classmethod
    def load(cls, codex_home: Path) -> ExecRules:
        found: list[PrefixRule] = []
        directory = codex_home / "rules"
        if not directory.is_dir():
            return cls(found)
        for path in sorted(directory.glob("*.rules")):
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                log.warning("cannot read %s: %s", path, exc)
                continue
            found.extend(parse_rules(text))
        return cls(found)

    def decision_for(self, words: list[str]) -> str | None:
        """The strictest decision among the rules matching one simple command."""
        best: str | None = None
        for rule in self.rules:
            if rule.matches(words) and (best is None or _STRENGTH[rule.decision] > _STRENGTH[best]):
                best = rule.decision
        return best


def parse_rules(text: str) -> list[PrefixRule]:
    rules = []
    for match in _CALL.finditer(text):
        body = match.group("body")
        pattern_match = _PATTERN.search(body)
        if pattern_match is None:
            continue
        try:
            raw = ast.literal_eval(pattern_match.group(1))
        except (ValueError, SyntaxError):
            continue
        decision_match = _DECISION.search(body)
        decision = decision_match.group(1) if decision_match else "allow"
        if decision not in _STRENGTH or not isinstance(raw, list) or not raw:
            continue
        pattern = tuple(
            tuple(str(option) for option in element) if isinstance(element, list) else (str(element),)
            for element in raw
        )
        rules.append(PrefixRule(pattern, decision))
    return rules


def append_allow_rule(codex_home: Path, prefix: list[str]) -> None:
    """Append `prefix_rule(pattern=[...], decision="allow")` to the default rules file."""
    directory = codex_home / "rules"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / DEFAULT_RULES_FILE
    line = f'prefix_rule(pattern={json.dumps(list(prefix))}, decision="allow")\n'
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if line in existing:
        return
    with path.open("a", encoding="utf-8") as handle:
        if existing and not existing.endswith("\n"):
            handle.write("\n")
        handle.write(line)
