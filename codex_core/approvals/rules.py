"""Exec-policy rules in `$CODEX_HOME/rules/*.rules`: Starlark `prefix_rule(...)` calls.

The files are read with Python's parser (Starlark's syntax is a subset of it for what rules use)
and a small evaluator that only knows literals, earlier assignments and the policy builtins, so
nothing in a rules file can run code. A file with any mistake is reported with its position and
none of the custom rules apply, as the reference does: half a policy is worse than none.
"""

from __future__ import annotations

import ast
import json
import logging
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("codex.approvals")

_STRENGTH = {"allow": 0, "prompt": 1, "forbidden": 2}
DEFAULT_RULES_FILE = "default.rules"
_PREFIX_RULE_ARGS = ("pattern", "decision", "match", "not_match", "justification")
_NETWORK_RULE_ARGS = ("host", "protocol", "decision", "justification")


@dataclass(frozen=True)
class PrefixRule:
    pattern: tuple[tuple[str, ...], ...]  # each position: accepted alternatives
    decision: str
    justification: str | None = None

    def matches(self, words: list[str]) -> bool:
        if len(words) < len(self.pattern):
            return False
        return all(word in options for word, options in zip(words, self.pattern, strict=False))


class RulesParseError(Exception):
    """A rules file that cannot be applied; 1-based positions, the end just past the culprit."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        column: int | None = None,
        end_line: int | None = None,
        end_column: int | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.end_line = end_line if end_line is not None else line
        self.end_column = end_column if end_column is not None else column
        super().__init__(self._render())

    def _render(self) -> str:
        where = ""
        if self.path is not None:
            where = f" {self.path}"
        position = ""
        if self.path is not None and self.line is not None:
            position = f" (at {self.path}:{self.line}:{self.column or 1})"
        return f"failed to parse rules file{where}: {self.message}{position}"


@dataclass
class ExecRules:
    rules: list[PrefixRule] = field(default_factory=list)

    @classmethod
    def load(cls, codex_home: Path) -> ExecRules:
        """Every rule under `codex_home/rules`, or none when any file is broken (logged)."""
        try:
            return cls(load_rules(codex_home))
        except RulesParseError as exc:
            log.error("Error parsing rules; custom rules not applied. %s", exc)
            return cls([])

    def decision_for(self, words: list[str]) -> str | None:
        """The strictest decision among the rules matching one simple command."""
        best: str | None = None
        for rule in self.rules:
            if rule.matches(words) and (best is None or _STRENGTH[rule.decision] > _STRENGTH[best]):
                best = rule.decision
        return best


def rules_files(codex_home: Path) -> list[Path]:
    directory = codex_home / "rules"
    return sorted(directory.glob("*.rules")) if directory.is_dir() else []


def load_rules(codex_home: Path) -> list[PrefixRule]:
    """All rules, raising RulesParseError for the first file that cannot be read or parsed."""
    found: list[PrefixRule] = []
    for path in rules_files(codex_home):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RulesParseError(f"cannot read it: {exc}", path=path) from None
        found.extend(parse_rules(text, path))
    return found


def check_rules(codex_home: Path) -> RulesParseError | None:
    """The problem with the rules files, if any (for start-up warnings)."""
    try:
        load_rules(codex_home)
    except RulesParseError as exc:
        return exc
    return None


def parse_rules(text: str, path: Path | None = None) -> list[PrefixRule]:
    try:
        module = ast.parse(text, filename=str(path or "<rules>"), mode="exec")
    except SyntaxError as exc:
        raise RulesParseError(
            f"syntax error: {exc.msg}",
            path=path,
            line=exc.lineno,
            column=exc.offset,
            end_line=exc.end_lineno,
            end_column=exc.end_offset,
        ) from None
    return _Evaluator(path).run(module)


class _Evaluator:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.names: dict[str, Any] = {"True": True, "False": False, "None": None}
        self.rules: list[PrefixRule] = []

    def error(self, node: ast.AST, message: str) -> RulesParseError:
        line = getattr(node, "lineno", None)
        column = getattr(node, "col_offset", None)
        end_column = getattr(node, "end_col_offset", None)
        return RulesParseError(
            message,
            path=self.path,
            line=line,
            column=column + 1 if column is not None else None,
            end_line=getattr(node, "end_lineno", None),
            end_column=end_column + 1 if end_column is not None else None,
        )

    def run(self, module: ast.Module) -> list[PrefixRule]:
        for statement in module.body:
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                self.call(statement.value)
            elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                continue  # a docstring-like string literal
            elif isinstance(statement, ast.Assign) and all(
                isinstance(t, ast.Name) for t in statement.targets
            ):
                value = self.value(statement.value)
                for target in statement.targets:
                    assert isinstance(target, ast.Name)
                    self.names[target.id] = value
            elif isinstance(statement, ast.Pass):
                continue
            else:
                raise self.error(statement, "only prefix_rule(...) calls and simple assignments are allowed")
        return self.rules

    def value(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float | bool | type(None)):
            return node.value
        if isinstance(node, ast.List | ast.Tuple):
            return [self.value(element) for element in node.elts]
        if isinstance(node, ast.Dict):
            return {self.value(k): self.value(v) for k, v in zip(node.keys, node.values, strict=True) if k}
        if isinstance(node, ast.Name):
            if node.id not in self.names:
                raise self.error(node, f"variable `{node.id}` not found")
            return self.names[node.id]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.value(node.left), self.value(node.right)
            if type(left) is not type(right) or not isinstance(left, str | list):
                raise self.error(node, "`+` only joins two strings or two lists")
            return left + right
        if isinstance(node, ast.Call):
            raise self.error(node, "function calls are only allowed as statements")
        raise self.error(node, "unsupported expression in a rules file")

    def call(self, node: ast.Call) -> None:
        if not isinstance(node.func, ast.Name):
            raise self.error(node.func, "only prefix_rule(...) may be called")
        name = node.func.id
        if name == "prefix_rule":
            self.prefix_rule(node, self.arguments(node, _PREFIX_RULE_ARGS))
        elif name == "network_rule":
            self.arguments(node, _NETWORK_RULE_ARGS)  # understood, but network access has no rules here
        elif name in self.names:
            raise self.error(node.func, f"`{name}` is not callable")
        else:
            raise self.error(node.func, f"variable `{name}` not found")

    def arguments(self, node: ast.Call, allowed: tuple[str, ...]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for position, argument in enumerate(node.args):
            if isinstance(argument, ast.Starred) or position >= len(allowed):
                raise self.error(argument, "too many positional arguments")
            values[allowed[position]] = self.value(argument)
        for keyword in node.keywords:
            if keyword.arg is None or keyword.arg not in allowed:
                raise self.error(keyword, f"unexpected parameter `{keyword.arg}`")
            if keyword.arg in values:
                raise self.error(keyword, f"parameter `{keyword.arg}` given twice")
            values[keyword.arg] = self.value(keyword.value)
        return values

    def prefix_rule(self, node: ast.Call, args: dict[str, Any]) -> None:
        if "pattern" not in args:
            raise self.error(node, "missing parameter `pattern`")
        decision = args.get("decision", "allow")
        if decision not in _STRENGTH:
            raise self.error(node, f"invalid decision {decision!r}: expected allow, prompt or forbidden")
        justification = args.get("justification")
        if justification is not None and (not isinstance(justification, str) or not justification.strip()):
            raise self.error(node, "justification must be a non-empty string")
        rule = PrefixRule(self.pattern(node, args["pattern"]), decision, justification)
        for example in self.examples(node, args.get("match")):
            if not rule.matches(example):
                raise self.error(node, f"rule does not match its `match` example {shlex.join(example)!r}")
        for example in self.examples(node, args.get("not_match")):
            if rule.matches(example):
                raise self.error(node, f"rule matches its `not_match` example {shlex.join(example)!r}")
        self.rules.append(rule)

    def pattern(self, node: ast.Call, raw: Any) -> tuple[tuple[str, ...], ...]:
        if not isinstance(raw, list) or not raw:
            raise self.error(node, "pattern must be a non-empty list")
        elements: list[tuple[str, ...]] = []
        for element in raw:
            if isinstance(element, str):
                elements.append((element,))
            elif isinstance(element, list) and element and all(isinstance(o, str) for o in element):
                elements.append(tuple(element))
            else:
                raise self.error(node, "pattern elements must be strings or non-empty lists of strings")
        return tuple(elements)

    def examples(self, node: ast.Call, raw: Any) -> list[list[str]]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            raise self.error(node, "examples must be a list")
        examples: list[list[str]] = []
        for example in raw:
            if isinstance(example, str):
                try:
                    words = shlex.split(example)
                except ValueError:
                    raise self.error(node, f"example {example!r} has invalid shell syntax") from None
            elif isinstance(example, list) and all(isinstance(w, str) for w in example):
                words = list(example)
            else:
                raise self.error(node, "examples must be strings or lists of strings")
            if not words:
                raise self.error(node, "an example cannot be empty")
            examples.append(words)
        return examples


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
