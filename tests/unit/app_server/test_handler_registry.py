"""The registry names every client request's handler, and the handlers agree with it.

A method's handler is `handler_name(method)` in `app_server/handlers/<module>.py`, the module
given by `registry.HANDLED_IN`; its `params` annotation is the registry's params model, so that
mypy checks every field a handler reads against the wire model the dispatcher validated, and it
returns the TypedDict of the registry's response model (`app_server/protocol/results.py`,
generated from the models), so that mypy checks the keys of the dict it answers with.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
from pathlib import Path
from typing import Any

import pytest

from app_server import handlers
from app_server.protocol import registry

REFERENCE_CLIENT_REQUEST = (
    Path(__file__).resolve().parents[2] / "fixtures" / "reference_schema" / "json" / "ClientRequest.json"
)


def _registered() -> dict[str, handlers.HandlerEntry]:
    handlers.lookup("initialize")  # imports every handler module
    return dict(handlers._HANDLERS)


def _reference_methods() -> list[str]:
    schema = json.loads(REFERENCE_CLIENT_REQUEST.read_text())
    return [method for variant in schema["oneOf"] for method in variant["properties"]["method"]["enum"]]


def _imported_names(module: Any) -> dict[str, tuple[str, str]]:
    """Every `from X import Y [as Z]` of a module, those under TYPE_CHECKING included: Z -> (X, Y)."""
    tree = ast.parse(Path(inspect.getfile(module)).read_text())
    names: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module, alias.name)
    return names


def _params_annotation(fn: Any, plain: bool = False) -> Any:
    """The object a handler's `params` annotation names (annotations are strings here). A handler
    that also takes plain params (`plain=True`) is annotated `<params model> | <plain params>`."""
    annotation = inspect.signature(fn).parameters["params"].annotation
    if not isinstance(annotation, str):
        return annotation
    if plain:
        annotation, _, plain_name = annotation.partition(" | ")
        assert plain_name.startswith("Plain"), f"{fn.__qualname__}: annotate params as `Model | Plain...`"
    if annotation == "None":
        return None
    module = importlib.import_module(fn.__module__)
    if hasattr(module, annotation):
        return getattr(module, annotation)
    imported = _imported_names(module).get(annotation)
    assert imported is not None, f"{fn.__qualname__}: cannot resolve params annotation {annotation!r}"
    source, name = imported
    return getattr(importlib.import_module(source), name)


def test_handler_name_rule() -> None:
    assert registry.handler_name("thread/start") == "thread_start"
    assert registry.handler_name("thread/name/set") == "thread_name_set"
    assert registry.handler_name("account/rateLimits/read") == "account_rate_limits_read"
    assert registry.handler_name("newConversation") == "new_conversation"
    assert registry.handler_name("loginChatGpt") == "login_chat_gpt"
    assert registry.handler_name("initialize") == "initialize"


def test_handled_in_names_each_client_request_once() -> None:
    listed = [method for methods in registry.HANDLED_IN.values() for method in methods]
    assert len(listed) == len(set(listed)), "a method listed under two handler modules"
    assert sorted(listed) == sorted(registry.CLIENT_REQUEST_METHODS)
    # The modules the dispatcher imports are exactly the ones the table names.
    assert sorted(handlers.HANDLER_MODULES) == sorted(f"app_server.handlers.{m}" for m in registry.HANDLED_IN)


def test_reference_client_requests_are_all_in_the_registry() -> None:
    reference = _reference_methods()
    assert len(reference) > 50
    missing = [method for method in reference if registry.client_request(method) is None]
    assert missing == []


@pytest.mark.parametrize("method", registry.CLIENT_REQUEST_METHODS)
def test_each_method_resolves_to_its_named_handler(method: str) -> None:
    spec = registry.client_request(method)
    assert spec is not None and spec.handler_module is not None
    entry = _registered().get(method)
    assert entry is not None, f"no @handler({method!r})"
    module = importlib.import_module(f"app_server.handlers.{spec.handler_module}")
    assert entry.fn.__name__ == spec.handler_name, (
        f"{method}: rename {entry.fn.__name__} to {spec.handler_name}"
    )
    assert getattr(module, spec.handler_name, None) is entry.fn, f"{method}: not in {module.__name__}"
    assert spec.handler_ref == f"{module.__name__}.{spec.handler_name}"
    assert list(inspect.signature(entry.fn).parameters) == ["ctx", "params"]
    plain = entry.plain_params is not None
    assert _params_annotation(entry.fn, plain) is spec.params, f"{method}: params is not {spec.params_ref}"
    assert plain == (method in handlers.PLAIN_PARAMS_MODULES)
    if plain:
        assert handlers.PLAIN_PARAMS_MODULES[method] == module.__name__
    assert spec.result_ref is not None
    result_name = spec.result_ref.rsplit(".", 1)[1]
    assert inspect.signature(entry.fn).return_annotation in (result_name, f"{result_name} | Deferred")
    assert _imported_names(module).get(result_name) == ("app_server.protocol.results", result_name)


def test_no_handler_without_a_registry_entry() -> None:
    registered = _registered()
    unknown = sorted(set(registered) - set(registry.CLIENT_REQUEST_METHODS))
    assert unknown == []
    functions = [entry.fn for entry in registered.values()]
    assert len({id(fn) for fn in functions}) == len(functions), "one function handles two methods"


def test_result_typed_dicts_are_current() -> None:
    """`python -m app_server.protocol.export.results_typed` rewrites them after a model changes."""
    from app_server.protocol.export.results_typed import TARGET, render

    assert TARGET.read_text() == render()


def test_reference_methods_resolve_to_a_handler() -> None:
    registered = _registered()
    assert [method for method in _reference_methods() if method not in registered] == []
