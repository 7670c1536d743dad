"""`codex completion SHELL`: a static completion script, as the reference prints one.

The script is generated from the Click tree, so it knows every subcommand and option. Each shell
gets the same small machine: walk the words typed so far (a subcommand name moves down the tree,
an option that takes a value skips the next word), then offer the names and options of the
command reached. An option's value falls back to the shell's file completion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SHELLS = ("bash", "elvish", "fish", "powershell", "zsh")


@dataclass
class _Node:
    path: str  # "codex mcp list"
    subcommands: list[tuple[str, str]] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)
    value_options: list[str] = field(default_factory=list)


def _summary(text: str | None) -> str:
    line = (text or "").strip().split("\n")[0].strip()
    return line.split(". ")[0].rstrip(".")


def _walk(command: Any, path: str, out: list[_Node]) -> None:
    """`command` is a command of the Click that Typer carries (duck-typed: Typer vendors it)."""
    node = _Node(path)
    out.append(node)
    for param in command.params:
        if param.param_type_name != "option" or param.hidden:
            continue
        for name in [*param.opts, *param.secondary_opts]:
            node.options.append((name, _summary(param.help)))
            if not param.is_flag and not param.count:
                node.value_options.append(name)
    node.options.append(("--help", "Print help"))
    subcommands = getattr(command, "commands", None) or {}
    if subcommands:
        ctx = command.context_class(command, info_name=path.rsplit(" ", 1)[-1])
        for name in command.list_commands(ctx):
            sub = subcommands[name]
            if sub.hidden:
                continue
            node.subcommands.append((name, _summary(sub.short_help or sub.help)))
            _walk(sub, f"{path} {name}", out)


def _tree(root: Any) -> list[_Node]:
    nodes: list[_Node] = []
    _walk(root, "codex", nodes)
    return nodes


def _sq(text: str) -> str:
    """Single-quoted for bash, zsh and fish ('' is not an escape there: close, escape, reopen)."""
    return "'" + text.replace("'", "'\\''") + "'"


def _transitions(nodes: list[_Node]) -> list[str]:
    return [f"{node.path} {name}" for node in nodes for name, _ in node.subcommands]


def _skips(nodes: list[_Node]) -> list[str]:
    return [f"{node.path} {name}" for node in nodes for name in node.value_options]


def _bash(nodes: list[_Node]) -> str:
    moves = "|".join(f'"{key}"' for key in _transitions(nodes))
    skips = "|".join(f'"{key}"' for key in _skips(nodes))
    cases = "\n".join(
        f'        "{node.path}") opts={_sq(" ".join([n for n, _ in node.subcommands] + [o for o, _ in node.options]))} ;;'
        for node in nodes
    )
    return f"""_codex() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" path="codex" w i skip=0 opts=""
    COMPREPLY=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        w="${{COMP_WORDS[i]}}"
        if ((skip)); then skip=0; continue; fi
        case "$path $w" in
            {moves}) path="$path $w" ;;
            {skips}) skip=1 ;;
        esac
    done
    ((skip)) && return 0
    case "$path" in
{cases}
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}}

if [[ "${{BASH_VERSINFO[0]}}" -eq 4 && "${{BASH_VERSINFO[1]}}" -ge 4 || "${{BASH_VERSINFO[0]}}" -gt 4 ]]; then
    complete -F _codex -o nosort -o bashdefault -o default codex
else
    complete -F _codex -o bashdefault -o default codex
fi
"""


def _zsh(nodes: list[_Node]) -> str:
    moves = "|".join(f'"{key}"' for key in _transitions(nodes))
    skips = "|".join(f'"{key}"' for key in _skips(nodes))

    def entry(word: str, desc: str) -> str:
        return _sq(f"{word}:{desc}" if desc else word)

    cases = "\n".join(
        f'        "{node.path}") cands=('
        + " ".join(entry(n, d) for n, d in [*node.subcommands, *node.options])
        + ") ;;"
        for node in nodes
    )
    return f"""#compdef codex

_codex() {{
    local p="codex" w i skip=0
    local -a cands
    for ((i = 2; i < CURRENT; i++)); do
        w="${{words[i]}}"
        if ((skip)); then skip=0; continue; fi
        case "$p $w" in
            {moves}) p="$p $w" ;;
            {skips}) skip=1 ;;
        esac
    done
    if ((skip)); then _files; return; fi
    case "$p" in
{cases}
    esac
    _describe -t commands 'codex' cands
}}

if [ "$funcstack[1]" = "_codex" ]; then
    _codex "$@"
else
    compdef _codex codex
fi
"""


def _fish(nodes: list[_Node]) -> str:
    moves = " ".join(_sq(key) for key in _transitions(nodes))
    skips = " ".join(_sq(key) for key in _skips(nodes))
    lines = [
        "function __codex_at",
        "    set -l p codex",
        "    set -l skip 0",
        "    for w in (commandline -opc)[2..-1]",
        "        if test $skip = 1",
        "            set skip 0",
        "            continue",
        "        end",
        '        switch "$p $w"',
        f"            case {moves}",
        '                set p "$p $w"',
        f"            case {skips}",
        "                set skip 1",
        "        end",
        "    end",
        '    test "$p" = "$argv[1]"',
        "end",
        "",
    ]
    for node in nodes:
        condition = f"-n \"__codex_at '{node.path}'\""
        for name, desc in node.subcommands:
            lines.append(f"complete -c codex {condition} -f -a {_sq(name)} -d {_sq(desc)}")
        for name, desc in node.options:
            flag = f"-l {name[2:]}" if name.startswith("--") else f"-s {name[1:]}"
            takes = " -r" if name in node.value_options else ""
            lines.append(f"complete -c codex {condition} {flag}{takes} -d {_sq(desc)}")
    return "\n".join(lines) + "\n"


def _ps(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _powershell(nodes: list[_Node]) -> str:
    moves = ", ".join(_ps(key) for key in _transitions(nodes))
    skips = ", ".join(_ps(key) for key in _skips(nodes))
    cases = []
    for node in nodes:
        results = [
            f"                [CompletionResult]::new({_ps(n)}, {_ps(n)}, [CompletionResultType]::{kind}, {_ps(d or n)})"
            for (n, d), kind in [
                *((s, "ParameterValue") for s in node.subcommands),
                *((o, "ParameterName") for o in node.options),
            ]
        ]
        cases.append(f"        {_ps(node.path)} {{\n" + "\n".join(results) + "\n            break\n        }")
    body = "\n".join(cases)
    return f"""using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'codex' -ScriptBlock {{
    param($wordToComplete, $commandAst, $cursorPosition)

    $moves = @({moves})
    $skips = @({skips})
    $path = 'codex'
    $skip = $false
    foreach ($element in ($commandAst.CommandElements | Select-Object -Skip 1)) {{
        if ($element.Extent.EndOffset -ge $cursorPosition) {{ break }}
        $w = $element.ToString()
        if ($skip) {{ $skip = $false; continue }}
        if ($moves -contains "$path $w") {{ $path = "$path $w" }}
        elseif ($skips -contains "$path $w") {{ $skip = $true }}
    }}
    if ($skip) {{ return }}

    $completions = @(switch ($path) {{
{body}
    }})

    $completions.Where{{ $_.CompletionText -like "$wordToComplete*" }} |
        Sort-Object -Property ListItemText
}}
"""


def _elvish(nodes: list[_Node]) -> str:
    def q(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    moves = " ".join(q(key) for key in _transitions(nodes))
    skips = " ".join(q(key) for key in _skips(nodes))
    cases = []
    for node in nodes:
        cands = "\n".join(f"            cand {q(n)} {q(d)}" for n, d in [*node.subcommands, *node.options])
        cases.append(f"        &{q(node.path)}= {{\n{cands}\n        }}")
    body = "\n".join(cases)
    return f"""set edit:completion:arg-completer[codex] = {{|@words|
    fn cand {{|text desc|
        edit:complex-candidate $text &display=$text' '$desc
    }}
    var moves = [{moves}]
    var skips = [{skips}]
    var path = codex
    var skip = $false
    for w $words[1..-1] {{
        if $skip {{
            set skip = $false
            continue
        }}
        var key = $path' '$w
        if (has-value $moves $key) {{
            set path = $key
        }} elif (has-value $skips $key) {{
            set skip = $true
        }}
    }}
    if $skip {{
        edit:complete-filename $words[-1]
        return
    }}
    var completions = [
{body}
    ]
    if (has-key $completions $path) {{
        $completions[$path]
    }}
}}
"""


_WRITERS = {"bash": _bash, "zsh": _zsh, "fish": _fish, "powershell": _powershell, "elvish": _elvish}


def completion_script(root: Any, shell: str) -> str:
    return _WRITERS[shell](_tree(root))
