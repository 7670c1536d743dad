"""No import cycle of more than two modules in our packages.

Every import counts, lazy ones inside functions too (they are cycles that only bite later);
imports under `if TYPE_CHECKING:` do not. A cycle is a strongly connected component of the module
import graph; two modules that import each other are tolerated, a loop through three or more is a
sign that code sits in the wrong module.
"""

from __future__ import annotations

import grimp

PACKAGES = ("codex_core", "login", "app_server", "mcp_server", "codex_cli")


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the graph has over a thousand modules)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            advanced = False
            for target in targets:
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph.get(target, ())))))
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(sorted(component))
    return found


def test_strongly_connected_finds_loops() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"e"}, "e": {"d"}, "f": {"a"}}
    assert sorted(strongly_connected(graph)) == [["a", "b", "c"], ["d", "e"], ["f"]]


def test_no_import_cycle_of_more_than_two_modules() -> None:
    imports = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True, cache_dir=None)
    # The real packages, not test folders of the same name that happen to be on sys.path.
    assert {"codex_core.agent.turn", "login.manager", "app_server.dispatcher", "mcp_server.runner"} <= set(
        imports.modules
    )
    graph = {module: set(imports.find_modules_directly_imported_by(module)) for module in imports.modules}
    cycles = [component for component in strongly_connected(graph) if len(component) > 2]
    assert cycles == []
