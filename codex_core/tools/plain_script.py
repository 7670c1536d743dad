"""Which `bash -lc` scripts are "plain": words joined by `&&`, `||`, `;`, `|` and newlines.

The reference parses a script with tree-sitter-bash and summarises it command by command only when
the tree holds nothing but commands made of words, numbers, '…' and "…" strings without
expansions. `plain_commands()` accepts the same scripts and yields the same words (quotes removed,
backslashes kept as written); anything else is None.
"""

from __future__ import annotations

import re

# --- Which scripts count as "plain words joined by && || ; | and newlines" ------------------------
#
# The reference parses the script with tree-sitter-bash and accepts it only when the tree holds
# nothing but commands made of words, numbers, '…' and "…" strings without expansions. This
# scanner accepts the same scripts and yields the same words: quotes are removed, but backslashes
# are kept as written.


class _NotPlain(Exception):
    """The script uses shell syntax beyond plain words and the simple connectors."""


# First words that tree-sitter-bash turns into something other than a plain command.
_NOT_A_COMMAND_NAME = frozenset(
    {
        "!", "[", "[[", "{", "if", "for", "while", "until", "case", "select", "function",
        "declare", "typeset", "export", "readonly", "local", "unset", "unsetenv",
    }
)  # fmt: skip
_ASSIGNMENT_PREFIX = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")
# Names tree-sitter-bash lexes as something odd (`a@`, `x#y`, `ab?c`): not plain commands either.
_ODD_COMMAND_NAME = re.compile(r"[A-Za-z0-9_]+(?:[#%@]|\?[^?*])")


class _PlainScanner:
    def __init__(self, script: str) -> None:
        self.src = script
        self.pos = 0
        self.commands: list[list[str]] = []
        self.current: list[str] | None = None
        # What came last: "start", "word", "newline", ";" or one of && || |.
        self.last = "start"

    def scan(self) -> list[list[str]]:
        src = self.src
        while self.pos < len(src):
            ch = src[self.pos]
            if ch in " \t\r":
                self.pos += 1
            elif ch == "\\" and src.startswith("\\\n", self.pos):
                self.pos += 2  # line continuation, which must not end the script
                if self.pos >= len(src):
                    raise _NotPlain
            elif ch == "\\" and src[self.pos + 1 : self.pos + 2] in (" ", "\t"):
                # tree-sitter-bash skips an escaped blank where a word would start ...
                self.pos += 2
                if not src[self.pos :].strip(" \t"):
                    raise _NotPlain  # ... but not one that ends the script
            elif ch == "\n":
                self.pos += 1
                if self.last not in ("&&", "||", "|"):
                    self._end_command("newline")
            elif ch in "&|;":
                self._operator()
            elif ch == "#":
                raise _NotPlain  # a comment
            else:
                self._word()
        if self.last in ("&&", "||", "|"):
            raise _NotPlain
        self._end_command("end")
        return self.commands

    def _end_command(self, how: str) -> None:
        if self.current is not None:
            self.commands.append(self.current)
            self.current = None
        self.last = how

    def _operator(self) -> None:
        src, at = self.src, self.pos
        two = src[at : at + 2]
        if two in ("&&", "||"):
            op = two
        elif src[at] == "|" and two != "|&":
            op = "|"
        elif src[at] == ";" and two not in (";;", ";&"):
            op = ";"
        else:
            raise _NotPlain  # background `&`, `|&`, case terminators
        if self.last != "word":
            raise _NotPlain  # an operator with no command before it
        self.pos += len(op)
        self._end_command(op)

    def _word(self) -> None:
        src = self.src
        text: list[str] = []
        parts = 0  # quoted strings and runs of bare text, for spotting empty concatenations
        in_bare = False
        quoted = False
        bracketed = False
        while self.pos < len(src):
            ch = src[self.pos]
            if ch in " \t\r\n&|;":
                break
            if ch in "<>()`$":
                raise _NotPlain  # redirection, subshell, substitution or expansion
            if ch == "\\":
                if src.startswith("\\\n", self.pos):
                    break
                if self.pos + 1 >= len(src):
                    raise _NotPlain
                parts += not in_bare
                in_bare = True
                text.append(src[self.pos : self.pos + 2])
                self.pos += 2
            elif ch in "'\"":
                if ch == "'":
                    close = src.find("'", self.pos + 1)
                    if close < 0:
                        raise _NotPlain
                    text.append(src[self.pos + 1 : close])
                    self.pos = close + 1
                else:
                    text.append(self._double_quoted())
                parts += 1
                in_bare, quoted = False, True
            else:
                parts += not in_bare
                in_bare = True
                bracketed = bracketed or ch in "[]{}"
                text.append(ch)
                self.pos += 1
        word = "".join(text)
        if parts > 1 and not word:
            raise _NotPlain  # an empty concatenation such as ""''
        if self.current is None:
            if quoted or (bracketed and word not in ("]", "}")) or word in _NOT_A_COMMAND_NAME:
                raise _NotPlain
            if word.isdigit() or _ODD_COMMAND_NAME.match(word):
                raise _NotPlain
            if _ASSIGNMENT_PREFIX.match(word):
                raise _NotPlain  # `NAME=value cmd`
            self.current = []
        self.current.append(word)
        self.last = "word"

    def _double_quoted(self) -> str:
        src = self.src
        at = self.pos + 1
        start = at
        while at < len(src):
            ch = src[at]
            if ch == '"':
                self.pos = at + 1
                return src[start:at]
            if ch in "$`":
                raise _NotPlain  # expansion inside the string
            at += 2 if ch == "\\" else 1
        raise _NotPlain  # unterminated


def plain_commands(script: str) -> list[list[str]] | None:
    """The words of each simple command of a plain script, None for anything more complex."""
    try:
        return _PlainScanner(script).scan()
    except _NotPlain:
        return None
