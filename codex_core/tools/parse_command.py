"""`parsed_cmd`: a best-effort summary of what a shell command does, for UIs.

`parse_command()` mirrors the reference CLI: a `bash -lc` script made only of plain words joined
by `&&`, `||`, `;`, `|` and newlines is split into simple commands; formatting helpers (`wc`,
`head -n 5`, `sed -n 1p` without a file, ...) are dropped, `cd` becomes context for the paths of
later reads, and each remaining command becomes `read` / `list_files` / `search` / `unknown`.
Anything else (redirections, substitutions, expansions, subshells, comments, assignments) is one
`unknown` entry carrying the script verbatim. Words are re-quoted the way Rust's `shlex::try_join`
does, so `sed -n 1,2p f` is shown as `sed -n '1,2p' f`.

The approval code's simpler view of a script (`command_words()`) is in command_words.py.
"""

from __future__ import annotations

import itertools
import posixpath
from typing import Any

from codex_core.tools.plain_script import plain_commands
from codex_core.tools.shell_words import join_words, shlex_split

# --- Summarising one simple command ------------------------------------------------------------

ParsedCommand = dict[str, Any]
_LINK_TOKENS = ("|", "&&", "||", ";")
# Directory names too generic to describe a path on their own.
_GENERIC_DIRS = frozenset({"build", "dist", "node_modules", "src"})


def _read(words: list[str], path: str) -> ParsedCommand:
    return {"type": "read", "cmd": join_words(words), "name": short_display_path(path), "path": path}


def _list_files(words: list[str], path: str | None) -> ParsedCommand:
    return {"type": "list_files", "cmd": join_words(words), "path": path}


def _search(words: list[str], query: str | None, path: str | None) -> ParsedCommand:
    return {"type": "search", "cmd": join_words(words), "query": query, "path": path}


def _unknown(cmd: str) -> ParsedCommand:
    return {"type": "unknown", "cmd": cmd}


def short_display_path(path: str) -> str:
    """The most telling component of a path: `webview/src` -> `webview`, `a/b.txt` -> `b.txt`."""
    trimmed = path.replace("\\", "/").rstrip("/")
    for part in reversed(trimmed.split("/")):
        if part and part not in _GENERIC_DIRS:
            return part
    return trimmed


def _short(path: str | None) -> str | None:
    return None if path is None else short_display_path(path)


def _before_link(args: list[str]) -> list[str]:
    """The arguments up to the first word that is literally a connector (`|`, `&&`, ...)."""
    for index, arg in enumerate(args):
        if arg in _LINK_TOKENS:
            return args[:index]
    return args


def _split_options(args: list[str], value_flags: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(words before `--` minus the values `value_flags` consume and every `--flag=value`,
    everything after `--`)."""
    kept: list[str] = []
    items = iter(enumerate(args))
    for index, arg in items:
        if arg == "--":
            return kept, args[index + 1 :]
        if arg.startswith("--") and "=" in arg:
            continue
        if arg in value_flags:
            next(items, None)  # its value
            continue
        kept.append(arg)
    return kept, []


def _without_option_values(args: list[str], value_flags: tuple[str, ...]) -> list[str]:
    """Drop the values that `value_flags` consume and every `--flag=value`; `--` ends options."""
    before, after = _split_options(args, value_flags)
    return before + after


def _operands(args: list[str], value_flags: tuple[str, ...] = ()) -> list[str]:
    """Positional operands: not flags, not flag values, everything after `--`."""
    before, after = _split_options(args, value_flags)
    return [arg for arg in before if not arg.startswith("-")] + after


def _sole_operand(args: list[str], value_flags: tuple[str, ...] = ()) -> str | None:
    found = _operands(args, value_flags)
    return found[0] if len(found) == 1 else None


def _non_flags(args: list[str], value_flags: tuple[str, ...]) -> list[str]:
    return [arg for arg in _without_option_values(args, value_flags) if not arg.startswith("-")]


def _digits(text: str) -> bool:
    """All ASCII digits (vacuously true for an empty string, as in the reference)."""
    return all("0" <= ch <= "9" for ch in text)


def _is_line_range(arg: str | None) -> bool:
    """A `sed -n` script that only prints lines: `12p` or `12,40p`."""
    if arg is None or not arg.endswith("p"):
        return False
    bounds = arg[:-1].split(",")
    return len(bounds) <= 2 and all(bound and _digits(bound) for bound in bounds)


def _sed_read_path(args: list[str]) -> str | None:
    """The file `sed -n <range> <file>` prints from, else None."""
    args = _before_link(args)
    if "-n" not in args:
        return None
    has_range = False
    index = 0
    while index < len(args):
        if args[index] in ("-e", "--expression"):
            has_range = has_range or _is_line_range(args[index + 1] if index + 1 < len(args) else None)
            index += 2
        elif args[index] in ("-f", "--file"):
            index += 2
        else:
            index += 1
    if not has_range:
        has_range = any(not arg.startswith("-") and _is_line_range(arg) for arg in args)
    if not has_range:
        return None
    operands = _non_flags(args, ("-e", "-f", "--expression", "--file"))
    if not operands:
        return None
    if _is_line_range(operands[0]):
        return operands[1] if len(operands) > 1 else None
    return operands[0]


def _awk_data_file(args: list[str]) -> str | None:
    """The input file of `awk [options] 'program' file` (or `awk -f prog file`)."""
    args = _before_link(args)
    if not args:
        return None
    operands = _non_flags(args, ("-F", "-v", "-f", "--field-separator", "--assign", "--file"))
    if "-f" in args or "--file" in args:
        return operands[0] if operands else None
    return operands[1] if len(operands) >= 2 else None


def _xargs_mutates(words: list[str]) -> bool:
    """`xargs perl -pi …`, `xargs sed -i …`, `xargs rg --replace …`: edits files, not formatting."""
    index = 1
    command: list[str] = []
    while index < len(words):
        word = words[index]
        if word == "--":
            command = words[index + 1 :]
            break
        if not word.startswith("-"):
            command = words[index:]
            break
        index += 2 if word in ("-E", "-e", "-I", "-L", "-n", "-P", "-s") else 1
    if not command:
        return False
    name, rest = command[0], command[1:]
    in_place = any(word.startswith("-i") or word.startswith("-pi") for word in rest)
    if name in ("perl", "ruby"):
        return in_place
    if name == "sed":
        return in_place or "--in-place" in rest
    if name == "rg":
        return "--replace" in rest
    return False


def is_formatting_helper(words: list[str]) -> bool:
    """A pipeline helper that only reshapes output (`wc -l`, `head -n 5`, `sed -n 1,9p`, ...)."""
    if not words:
        return False
    name, rest = words[0], words[1:]
    if name in ("wc", "tr", "cut", "sort", "uniq", "tee", "column", "yes", "printf"):
        return True
    if name == "xargs":
        return not _xargs_mutates(words)
    if name == "awk":
        return _awk_data_file(rest) is None
    if name == "sed":
        return _sed_read_path(rest) is None
    if name in ("head", "tail"):
        if len(rest) == 0:
            return True
        if len(rest) == 1:
            return rest[0].startswith("-")
        if len(rest) == 2 and rest[0] in ("-n", "-c"):
            count = rest[1]
            if name == "tail" and count.startswith("+"):
                count = count[1:]
            return _digits(count)
    return False


def _grep_like(words: list[str], args: list[str]) -> ParsedCommand:
    """grep / egrep / fgrep / git grep: the pattern (`-e`/`-f` or first operand) and a path."""
    operands: list[str] = []
    pattern: str | None = None
    items = iter(_before_link(args))
    for arg in items:
        if arg == "--":
            operands.extend(items)
            break
        if arg in ("-e", "--regexp", "-f", "--file"):
            value = next(items, None)
            if pattern is None:
                pattern = value
            continue
        if arg in ("-m", "--max-count", "-C", "--context", "-A", "--after-context", "-B", "--before-context"):
            next(items, None)
            continue
        if not arg.startswith("-"):
            operands.append(arg)
    if pattern is not None:
        return _search(words, pattern, _short(operands[0] if operands else None))
    query = operands[0] if operands else None
    return _search(words, query, _short(operands[1] if len(operands) > 1 else None))


def _looks_like_path(text: str) -> bool:
    return text in (".", "..") or text.startswith(("./", "../")) or "/" in text or "\\" in text


def _count_ok(count: str, allow_plus: bool) -> bool:
    """A line count: digits, or for `tail` optionally `+digits` (never empty)."""
    if allow_plus:
        count = count.removeprefix("+")
        return bool(count) and _digits(count)
    return _digits(count)


def _head_or_tail(words: list[str], args: list[str], allow_plus: bool) -> ParsedCommand:
    """`head -n 50 file`, `tail -n+10 file`, `head file`: a read; anything else is unknown."""
    rest: list[str] | None = None
    if args and args[0] == "-n":
        if len(args) > 1 and _count_ok(args[1], allow_plus):
            rest = args[2:]
    elif args and args[0].startswith("-n") and _count_ok(args[0][2:], allow_plus):
        rest = args
    if rest is not None:
        target = next((arg for arg in rest if not arg.startswith("-")), None)
        if target is not None:
            return _read(words, target)
    if len(args) == 1 and not args[0].startswith("-"):
        return _read(words, args[0])
    return _unknown(join_words(words))


_PYTHON_FILE_WALKS = (
    "os.walk",
    "os.listdir",
    "os.scandir",
    "glob.glob",
    "glob.iglob",
    "pathlib.Path",
    ".rglob(",
)


def _python_lists_files(args: list[str]) -> bool:
    items = iter(_before_link(args))
    for arg in items:
        if arg == "-c":
            script = next(items, None)
            if script is not None:
                return any(marker in script for marker in _PYTHON_FILE_WALKS)
    return False


def _is_python(name: str) -> bool:
    return name in ("python", "python2", "python3") or name.startswith(("python2.", "python3."))


_LS_VALUE_FLAGS = ("-I", "-w", "--block-size", "--format", "--time-style", "--color", "--quoting-style")
_EZA_VALUE_FLAGS = ("-I", "--ignore-glob", "--color", "--sort", "--time-style", "--time")
_TREE_VALUE_FLAGS = ("-L", "-P", "-I", "--charset", "--filelimit", "--sort")
_DU_VALUE_FLAGS = ("-d", "--max-depth", "-B", "--block-size", "--exclude", "--time-style")
_RG_VALUE_FLAGS = (
    "-g", "--glob", "--iglob", "-t", "--type", "--type-add", "--type-not", "-m", "--max-count",
    "-A", "-B", "-C", "--context", "--max-depth",
)  # fmt: skip
_FD_VALUE_FLAGS = ("-t", "--type", "-e", "--extension", "-E", "--exclude", "--search-path")
_AG_VALUE_FLAGS = ("-G", "-g", "--file-search-regex", "--ignore-dir", "--ignore-file", "--path-to-ignore")
_BAT_VALUE_FLAGS = (
    "--theme", "--language", "--style", "--terminal-width", "--tabs", "--line-range", "--map-syntax",
)  # fmt: skip
_LESS_VALUE_FLAGS = (
    "-p", "-P", "-x", "-y", "-z", "-j", "--pattern", "--prompt", "--tabs", "--shift", "--jump-target",
)  # fmt: skip
_NL_VALUE_FLAGS = ("-s", "-w", "-v", "-i", "-b")


def summarize(words: list[str]) -> ParsedCommand:
    """What one simple command does, judged by its first word and arguments."""
    if not words:
        return _unknown(join_words(words))
    name, args = words[0], words[1:]
    if name in ("ls", "eza", "exa"):
        flags = _LS_VALUE_FLAGS if name == "ls" else _EZA_VALUE_FLAGS
        found = _operands(args, flags)
        return _list_files(words, _short(found[0] if found else None))
    if name in ("tree", "du"):
        found = _operands(args, _TREE_VALUE_FLAGS if name == "tree" else _DU_VALUE_FLAGS)
        return _list_files(words, _short(found[0] if found else None))
    if name in ("rg", "rga", "ripgrep-all"):
        trimmed = _before_link(args)
        operands = _non_flags(trimmed, _RG_VALUE_FLAGS)
        if "--files" in trimmed:
            return _list_files(words, _short(operands[0] if operands else None))
        return _search(
            words, operands[0] if operands else None, _short(operands[1] if len(operands) > 1 else None)
        )
    if name == "git":
        if args and args[0] == "grep":
            return _grep_like(words, args[1:])
        if args and args[0] == "ls-files":
            found = _operands(args[1:], ("--exclude", "--exclude-from", "--pathspec-from-file"))
            return _list_files(words, _short(found[0] if found else None))
        return _unknown(join_words(words))
    if name == "fd":
        operands = _non_flags(_before_link(args), _FD_VALUE_FLAGS)
        query: str | None = None
        path: str | None = None
        if len(operands) == 1:
            if _looks_like_path(operands[0]):
                path = short_display_path(operands[0])
            else:
                query = operands[0]
        elif len(operands) >= 2:
            query, path = operands[0], short_display_path(operands[1])
        return _search(words, query, path) if query is not None else _list_files(words, path)
    if name == "find":
        trimmed = _before_link(args)
        root = next((a for a in trimmed if not a.startswith("-") and a not in ("!", "(", ")")), None)
        query = None
        for index, arg in enumerate(trimmed):
            if arg in ("-name", "-iname", "-path", "-regex"):
                query = trimmed[index + 1] if index + 1 < len(trimmed) else None
                break
        path = _short(root)
        return _search(words, query, path) if query is not None else _list_files(words, path)
    if name in ("grep", "egrep", "fgrep"):
        return _grep_like(words, args)
    if name in ("ag", "ack", "pt"):
        operands = _non_flags(_before_link(args), _AG_VALUE_FLAGS)
        return _search(
            words, operands[0] if operands else None, _short(operands[1] if len(operands) > 1 else None)
        )
    sole_operand_flags = {
        "cat": (),
        "more": (),
        "bat": _BAT_VALUE_FLAGS,
        "batcat": _BAT_VALUE_FLAGS,
        "less": _LESS_VALUE_FLAGS,
    }
    if name in sole_operand_flags:
        target = _sole_operand(args, sole_operand_flags[name])
        return _read(words, target) if target is not None else _unknown(join_words(words))
    if name in ("head", "tail"):
        return _head_or_tail(words, args, allow_plus=name == "tail")
    if name == "awk":
        target = _awk_data_file(args)
        return _read(words, target) if target is not None else _unknown(join_words(words))
    if name == "nl":
        target = next(
            (a for a in _without_option_values(args, _NL_VALUE_FLAGS) if not a.startswith("-")), None
        )
        return _read(words, target) if target is not None else _unknown(join_words(words))
    if name == "sed":
        target = _sed_read_path(args)
        return _read(words, target) if target is not None else _unknown(join_words(words))
    if _is_python(name) and _python_lists_files(args):
        return _list_files(words, None)
    return _unknown(join_words(words))


# --- Whole commands --------------------------------------------------------------------------


def _cd_target(args: list[str]) -> str | None:
    """The directory `cd [-L|-P] [--] dir` moves to (the last operand)."""
    target: str | None = None
    for index, arg in enumerate(args):
        if arg == "--":
            return args[index + 1] if index + 1 < len(args) else None
        if not arg.startswith("-"):
            target = arg
    return target


def _join_path(base: str, relative: str) -> str:
    if not base or _is_absolute(relative):
        return relative
    return posixpath.join(base, relative)


def _is_absolute(path: str) -> bool:
    if path.startswith("/") or path.startswith("\\\\"):
        return True
    return len(path) >= 3 and path[0].isascii() and path[0].isalpha() and path[1:3] == ":\\"


def _summarize_all(commands: list[list[str]]) -> list[ParsedCommand]:
    """Summaries in order; `cd` is not shown but prefixes the paths of later reads."""
    summaries: list[ParsedCommand] = []
    cwd: str | None = None
    for words in commands:
        if words and words[0] == "cd":
            target = _cd_target(words[1:])
            if target is not None:
                cwd = target if cwd is None else _join_path(cwd, target)
            continue
        summary = summarize(words)
        if summary["type"] == "read" and cwd is not None:
            summary["path"] = _join_path(cwd, summary["path"])
        summaries.append(summary)
    return summaries


def _first_word(summary: ParsedCommand) -> str | None:
    if summary["type"] != "unknown":
        return None
    words = shlex_split(summary["cmd"])
    return words[0] if words else None


def _drop_noise(summaries: list[ParsedCommand]) -> list[ParsedCommand]:
    """Repeatedly drop a leading `echo`, a `cd` followed by more, `true`, and bare `nl -flags`."""
    while len(summaries) > 1:
        if _first_word(summaries[0]) == "echo":
            summaries = summaries[1:]
            continue
        drop: int | None = None
        for index, summary in enumerate(summaries[:-1]):
            if _first_word(summary) == "cd":
                drop = index
                break
        if drop is None:
            drop = next((i for i, s in enumerate(summaries) if s == _unknown("true")), None)
        if drop is None:
            for index, summary in enumerate(summaries):
                words = shlex_split(summary["cmd"]) if summary["type"] == "unknown" else None
                if words and words[0] == "nl" and all(w.startswith("-") for w in words[1:]):
                    drop = index
                    break
        if drop is None:
            break
        summaries = summaries[:drop] + summaries[drop + 1 :]
    return summaries


def _split_links(words: list[str]) -> list[list[str]]:
    """An argv split at connector words (`|`, `&&`, `||`, `;`), dropping empty pieces."""
    pieces: list[list[str]] = [[]]
    for word in words:
        if word in _LINK_TOKENS:
            pieces.append([])
        else:
            pieces[-1].append(word)
    return [piece for piece in pieces if piece]


def _parse_argv(argv: list[str]) -> list[ParsedCommand]:
    """A direct argv (no recognised shell wrapper)."""
    words = list(argv)
    if len(words) >= 2 and words[0] in ("yes", "y", "no", "n") and words[1] == "|":
        words = words[2:]
    elif len(words) == 3 and words[0] in ("bash", "zsh") and words[1] in ("-c", "-lc"):
        split = shlex_split(words[2])
        if split is not None:
            words = split
    pieces = _split_links(words) if any(word in _LINK_TOKENS for word in words) else [words]
    return _drop_noise(_summarize_all(pieces))


def _parse_script(script: str) -> list[ParsedCommand]:
    """A `bash -lc` / `zsh -lc` script."""
    commands = plain_commands(script)
    if not commands:
        return [_unknown(script)]
    tokens = shlex_split(script)
    if tokens is None:
        tokens = [script]
    several = len(commands) > 1
    kept = [words for words in commands if not is_formatting_helper(words)]
    if not kept:
        return [_unknown(script)]
    summaries = _summarize_all(kept)
    if len(summaries) > 1:
        summaries = _drop_noise([s for s in summaries if s != _unknown("true")])
    if len(summaries) == 1:
        only = summaries[0]
        linked = several or any(token in _LINK_TOKENS for token in tokens)
        if only["type"] == "read":
            if not linked:
                only["cmd"] = join_words(tokens)
            elif "|" in tokens and ("sed", "-n") in itertools.pairwise(tokens):
                only["cmd"] = script
        elif only["type"] in ("list_files", "search") and not linked:
            only["cmd"] = join_words(tokens)
    return summaries


_SHELLS = frozenset({"bash", "zsh", "sh"})
_POWERSHELLS = frozenset({"pwsh", "powershell"})


def _shell_name(program: str) -> str:
    base = program.replace("\\", "/").rsplit("/", 1)[-1]
    return base[:-4].lower() if base.lower().endswith(".exe") else base


def _powershell_script(argv: list[str]) -> str | None:
    """The script of `pwsh [-NoProfile|-NoLogo]... -Command|-c <script>`."""
    if len(argv) < 3 or _shell_name(argv[0]).lower() not in _POWERSHELLS:
        return None
    index = 1
    while index < len(argv) - 1 and argv[index].lower() in ("-noprofile", "-nologo"):
        index += 1
    if index == len(argv) - 2 and argv[index].lower() in ("-command", "-c"):
        return argv[index + 1]
    return None


def parse_command(argv: list[str]) -> list[dict[str, Any]]:
    """The reference's `parsed_cmd` for an argv: summaries in run order, consecutive repeats merged."""
    if len(argv) == 3 and argv[1] in ("-c", "-lc") and _shell_name(argv[0]) in _SHELLS:
        summaries = _parse_script(argv[2])
    else:
        script = _powershell_script(argv)
        summaries = [_unknown(script)] if script is not None else _parse_argv(argv)
    merged: list[dict[str, Any]] = []
    for summary in summaries:
        if not merged or merged[-1] != summary:
            merged.append(summary)
    return merged
