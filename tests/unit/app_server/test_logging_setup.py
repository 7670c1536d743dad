from __future__ import annotations

import logging

from app_server.logging_setup import DEFAULT_LEVEL, TRACE, level_from_env, parse_filter, rust_target


def test_our_loggers_read_as_the_reference_crates() -> None:
    assert rust_target("codex.app_server") == "codex_app_server"
    assert rust_target("codex.app_server.thread_list") == "codex_app_server::thread_list"
    assert rust_target("codex.rollout.index") == "codex_core::rollout::index"
    assert rust_target("codex.agent") == "codex_core::agent"
    assert rust_target("codex.login") == "codex_login"
    assert rust_target("codex.mcp_server") == "codex_mcp_server"
    assert rust_target("codex.mcp.oauth") == "codex_core::mcp::oauth"
    assert rust_target("codex_core.otel.telemetry") == "codex_otel::telemetry"
    assert rust_target("httpx") == "httpx"


def test_a_bare_level_is_the_default_for_ours_only() -> None:
    rules = parse_filter("debug")
    assert rules.level_for("codex.app_server") == logging.DEBUG
    assert rules.level_for("codex_core.otel") == logging.DEBUG
    assert rules.level_for("httpx") == DEFAULT_LEVEL  # a library's dumps only when named
    assert parse_filter(None).level_for("codex.app_server") == logging.WARNING
    assert parse_filter("").level_for("codex.agent") == logging.WARNING


def test_targets_match_by_prefix_and_the_longest_wins() -> None:
    rules = parse_filter("warn,codex_core=info,codex_core::rollout=trace,codex_app_server=debug")
    assert rules.level_for("codex.app_server") == logging.DEBUG
    assert rules.level_for("codex.agent") == logging.INFO
    assert rules.level_for("codex.rollout.index") == TRACE
    assert rules.level_for("codex.login") == logging.WARNING
    # `codex` is a prefix of every crate of ours, as tracing's EnvFilter matches targets.
    assert parse_filter("codex=debug").level_for("codex.login") == logging.DEBUG
    # Our own logger names work too.
    assert parse_filter("codex.app_server=info").level_for("codex.app_server") == logging.INFO
    assert parse_filter("httpx=debug").level_for("httpx") == logging.DEBUG


def test_odd_directives_are_tolerated() -> None:
    rules = parse_filter("codex_app_server[request{id=1}]=debug, bogus=loud ,codex_core/abc=error,,=info")
    assert rules.level_for("codex.app_server") == logging.DEBUG
    assert rules.level_for("codex.agent") == logging.ERROR
    assert rules.default == logging.INFO
    assert parse_filter("codex_login").level_for("codex.login") == TRACE  # a bare target: everything
    assert parse_filter("OFF").level_for("codex.app_server") > logging.CRITICAL
    assert level_from_env("codex_app_server=debug,warn") == logging.DEBUG
    assert level_from_env("error") == logging.ERROR
