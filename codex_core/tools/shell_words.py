"""Words for a POSIX shell the way the reference's Rust `shlex` crate writes and reads them.

`join_words()` is `shlex::try_join` (bare where possible, else runs of '…' or "…"), so commands
shown to clients (`parsed_cmd`, v2 `command`) read exactly as the reference shows them;
`shlex_split()` is `shlex::split`.
"""

from __future__ import annotations

import re

_BARE, _SINGLE, _DOUBLE = 1, 2, 4
_BARE_SAFE = frozenset("+-./:@]_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_NUL_PLACEHOLDER = "<command included NUL byte>"


def _styles_for(ch: str) -> int:
    """Which quoting styles can carry `ch` (non-ASCII always needs quotes)."""
    if ord(ch) >= 0x80:
        return _SINGLE | _DOUBLE
    styles = _BARE if ch in _BARE_SAFE else 0
    if ch not in "'^\\":
        styles |= _SINGLE
    if ch not in "`$!^":
        styles |= _DOUBLE
    return styles


def quote_word(word: str) -> str:
    """One word quoted for a POSIX shell: bare if possible, else in runs of '…' or "…"."""
    if not word:
        return "''"
    out: list[str] = []
    start = 0
    while start < len(word):
        # `^` may only open a single-quoted run (an old bash quirk the crate works around).
        styles, end = (_SINGLE, start + 1) if word[start] == "^" else (_BARE | _SINGLE | _DOUBLE, start)
        while end < len(word):
            narrowed = styles & _styles_for(word[end])
            if not narrowed:
                break
            styles, end = narrowed, end + 1
        run = word[start:end]
        if styles & _BARE:
            out.append(run)
        elif styles & _SINGLE:
            out.append(f"'{run}'")
        else:
            out.append('"' + re.sub(r'([$`"\\])', r"\\\1", run) + '"')
        start = end
    return "".join(out)


def join_words(words: list[str]) -> str:
    """`shlex::try_join` with the reference's fallback for words holding a NUL."""
    if any("\0" in word for word in words):
        return _NUL_PLACEHOLDER
    return " ".join(quote_word(word) for word in words)


def shlex_split(text: str) -> list[str] | None:
    """`shlex::split`: POSIX-ish words, `#` comments at word starts; None when a quote is open."""
    words: list[str] = []
    at, end = 0, len(text)
    while at < end:
        ch = text[at]
        if ch in " \t\n":
            at += 1
            continue
        if ch == "#":
            newline = text.find("\n", at)
            at = end if newline < 0 else newline + 1
            continue
        word: list[str] = []
        while at < end and text[at] not in " \t\n":
            ch = text[at]
            if ch == "'":
                close = text.find("'", at + 1)
                if close < 0:
                    return None
                word.append(text[at + 1 : close])
                at = close + 1
            elif ch == '"':
                at += 1
                while True:
                    if at >= end:
                        return None
                    inner = text[at]
                    if inner == '"':
                        at += 1
                        break
                    if inner == "\\":
                        if at + 1 >= end:
                            return None
                        escaped = text[at + 1]
                        if escaped in '$`"\\':
                            word.append(escaped)
                        elif escaped != "\n":
                            word.append("\\" + escaped)
                        at += 2
                    else:
                        word.append(inner)
                        at += 1
            elif ch == "\\":
                if at + 1 >= end:
                    return None
                if text[at + 1] != "\n":
                    word.append(text[at + 1])
                at += 2
            else:
                word.append(ch)
                at += 1
        words.append("".join(word))
        at += 1  # the blank that ended the word
    return words
