"""`codex login` (browser, --device-auth, --with-api-key), `codex login status`, `codex logout`.

Messages and exit codes follow the reference: everything goes to stderr, 0 on success, 1 otherwise.
The login machinery, httpx and rich are imported inside the commands so `codex --help` stays light.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from codex_cli.errors import guarded
from codex_cli.help import OrderedGroup
from codex_cli.options import (
    ConfigOption,
    DisableOption,
    EnableOption,
    config_overrides,
    load_cli_config,
    remember_overrides,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from codex_core.config.loader import LoadedConfig
    from login.manager import AuthManager

LOGIN_PORT_ENV = "CODEX_LOGIN_SERVER_PORT"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _exit(code: int) -> NoReturn:
    raise typer.Exit(code)


def _load(
    ctx: typer.Context, config: list[str] | None, enable: list[str] | None, disable: list[str] | None
) -> LoadedConfig:
    from codex_core.config.errors import ConfigError

    try:
        return load_cli_config(ctx, config, enable, disable)
    except ConfigError as exc:
        _say(f"Error loading configuration: {exc}")
        _exit(1)


def _manager(loaded: LoadedConfig) -> AuthManager:
    from login.manager import AuthManager

    manager = AuthManager.for_home(loaded.codex_home)
    manager.configure_from(loaded.typed)
    return manager


def _interactive() -> bool:
    return sys.stderr.isatty() and sys.stdin.isatty()


async def _with_spinner(message: str, work: Awaitable[None]) -> None:
    """Await `work` under a Rich spinner on a terminal; plainly otherwise."""
    if not sys.stderr.isatty():
        await work
        return
    from rich.console import Console

    with Console(stderr=True).status(message, spinner="dots"):
        await work


def register(app: typer.Typer) -> None:
    login_app = typer.Typer(
        cls=OrderedGroup,
        help="Manage login: sign in with ChatGPT (browser or device code) or an API key.",
        invoke_without_command=True,
        rich_markup_mode=None,
        add_completion=False,
    )

    @login_app.callback()
    @guarded
    def login(
        ctx: typer.Context,
        with_api_key: Annotated[
            bool,
            typer.Option(
                "--with-api-key",
                help="Read the API key from stdin (e.g. `printenv OPENAI_API_KEY | codex login --with-api-key`).",
            ),
        ] = False,
        device_auth: Annotated[
            bool,
            typer.Option(
                "--device-auth", help="Sign in with a device code instead of a local browser callback."
            ),
        ] = False,
        api_key: Annotated[
            str | None, typer.Option("--api-key", hidden=True, help="(deprecated) use --with-api-key")
        ] = None,
        issuer: Annotated[str | None, typer.Option("--experimental_issuer", hidden=True)] = None,
        client_id: Annotated[str | None, typer.Option("--experimental_client-id", hidden=True)] = None,
        config: ConfigOption = None,
        enable: EnableOption = None,
        disable: DisableOption = None,
    ) -> None:
        remember_overrides(ctx, config, enable, disable)
        if ctx.invoked_subcommand is not None:
            return
        if api_key is not None:
            _say(
                "The --api-key flag is no longer supported. Pipe the key instead, e.g. "
                "`printenv OPENAI_API_KEY | codex login --with-api-key`."
            )
            _exit(1)
        if with_api_key and device_auth:
            _say(
                "error: the argument '--with-api-key' cannot be used with '--device-auth'\n\n"
                "Usage: codex login --with-api-key\n       codex login --device-auth\n\n"
                "For more information, try '--help'."
            )
            _exit(2)
        if with_api_key:
            key = _read_api_key()
            loaded = _load(ctx, None, None, None)
            _login_api_key(_manager(loaded), key)
        loaded = _load(ctx, None, None, None)
        manager = _manager(loaded)
        if manager.forced_login_method == "api":
            from login.manager import CHATGPT_LOGIN_DISABLED

            _say(CHATGPT_LOGIN_DISABLED)
            _exit(1)
        if device_auth:
            _device_login(manager, issuer, client_id)
        _browser_login(manager, issuer, client_id)

    @login_app.command("status", help="Show the login status.")
    @guarded
    def status(
        ctx: typer.Context,
        config: ConfigOption = None,
        enable: EnableOption = None,
        disable: DisableOption = None,
    ) -> None:
        from codex_cli.commands.login_status import login_status

        _exit(login_status(config_overrides(ctx, config, enable, disable)))

    app.add_typer(login_app, name="login")

    @app.command("logout", help="Remove stored authentication credentials.")
    @guarded
    def logout(
        ctx: typer.Context,
        config: ConfigOption = None,
        enable: EnableOption = None,
        disable: DisableOption = None,
    ) -> None:
        from login.storage import AuthStorageError

        manager = _manager(_load(ctx, config, enable, disable))
        try:
            removed = manager.logout()
        except AuthStorageError as exc:
            _say(f"Error logging out: {exc}")
            _exit(1)
        _say("Successfully logged out" if removed else "Not logged in")
        _exit(0)


def _read_api_key() -> str:
    if sys.stdin.isatty():
        # A person at a terminal: ask without echoing the key.
        from prompt_toolkit import prompt

        try:
            key = prompt("OpenAI API key: ", is_password=True).strip()
        except (EOFError, KeyboardInterrupt):
            _exit(1)
    else:
        _say("Reading API key from stdin...")
        try:
            key = sys.stdin.read().strip()
        except OSError as exc:
            _say(f"Failed to read API key from stdin: {exc.strerror}")
            _exit(1)
    if not key:
        _say("No API key provided via stdin.")
        _exit(1)
    return key


def _login_api_key(manager: AuthManager, key: str) -> NoReturn:
    from login.manager import LoginRestricted
    from login.storage import AuthStorageError

    try:
        manager.login_api_key(key)
    except LoginRestricted as exc:
        _say(str(exc))
        _exit(1)
    except AuthStorageError as exc:
        _say(f"Error logging in: {exc}")
        _exit(1)
    _say("Successfully logged in")
    _exit(0)


def _login_port() -> tuple[int, int | None]:
    from login.server import DEFAULT_PORT, FALLBACK_PORT

    text = os.environ.get(LOGIN_PORT_ENV, "").strip()
    if text.isdigit():
        return int(text), None
    return DEFAULT_PORT, FALLBACK_PORT


def _browser_login(manager: AuthManager, issuer: str | None, client_id: str | None) -> NoReturn:
    import asyncio

    from login.oauth import CLIENT_ID, issuer_url
    from login.server import LoginFailed, LoginOptions, start_login_server

    port, fallback = _login_port()
    options = LoginOptions(
        issuer=issuer_url(override=issuer),
        client_id=client_id or CLIENT_ID,
        port=port,
        fallback_port=fallback,
    )

    async def run() -> None:
        server = await start_login_server(manager, options)
        _say(
            f"Starting local login server on http://localhost:{server.actual_port}.\n"
            "If your browser did not open, navigate to this URL to authenticate:\n\n"
            f"{server.auth_url}\n"
        )
        if _interactive():
            import webbrowser

            webbrowser.open(server.auth_url)
        try:
            await _with_spinner("Waiting for sign-in in your browser...", server.wait())
        finally:
            server.cancel()

    try:
        asyncio.run(run())
    except LoginFailed as exc:
        _say(f"Error logging in: {exc}")
        _exit(1)
    except KeyboardInterrupt:
        _say("Error logging in: Login was not completed")
        _exit(1)
    _say("Successfully logged in")
    _exit(0)


def _device_login(manager: AuthManager, issuer: str | None, client_id: str | None) -> NoReturn:
    import asyncio

    from login.device import complete_device_login, request_device_code
    from login.manager import LoginRestricted
    from login.oauth import CLIENT_ID, OAuthError, issuer_url
    from login.storage import AuthStorageError

    base = issuer_url(override=issuer)
    client = client_id or CLIENT_ID

    async def run() -> None:
        code = await request_device_code(base, client)
        print(
            "\nFollow these steps to sign in with ChatGPT using device code authorization:\n\n"
            f"1. Open this link in your browser and sign in to your account\n   {code.verification_url}\n\n"
            f"2. Enter this one-time code (expires in 15 minutes)\n   {code.user_code}\n\n"
            "Device codes are a common phishing target. Never share this code.\n",
            flush=True,
        )
        await _with_spinner(
            "Waiting for you to approve the code...",
            complete_device_login(manager, base, code, client_id=client),
        )

    try:
        asyncio.run(run())
    except (OAuthError, LoginRestricted, AuthStorageError) as exc:
        _say(f"Error logging in with device code: {exc}")
        _exit(1)
    except KeyboardInterrupt:
        _exit(1)
    _say("Successfully logged in")
    _exit(0)
