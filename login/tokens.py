"""JWT claim reading (no signature check: the tokens come from our own store or the issuer over TLS)."""

from __future__ import annotations

from typing import Any, Final

from login.values import Value

AUTH_CLAIMS_KEY = "https://api.openai.com/auth"
PROFILE_CLAIMS_KEY = "https://api.openai.com/profile"

# Plan names account/read reports; anything else the backend invents is reported as "unknown".
KNOWN_PLANS = frozenset({"free", "go", "plus", "pro", "team", "business", "enterprise", "edu"})


def jwt_payload(token: str) -> dict[str, Any]:
    """The decoded payload of a JWT, or {} when the token is not one."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1]:
        return {}
    segment = parts[1]
    import base64  # here and below: a logged-out `codex login status` reads no token
    import json

    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def auth_claims(token: str) -> dict[str, Any]:
    claims = jwt_payload(token).get(AUTH_CLAIMS_KEY)
    return claims if isinstance(claims, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


class IdTokenInfo(Value):
    """What Codex needs from an id token (or an access token, for external auth)."""

    _fields = ("email", "plan_type", "account_id", "user_id", "expires_at")
    __slots__ = _fields
    email: Final[str | None]
    plan_type: Final[str | None]  # raw claim value
    account_id: Final[str | None]
    user_id: Final[str | None]
    expires_at: Final[int | None]  # unix seconds

    def __init__(
        self,
        email: str | None,
        plan_type: str | None,
        account_id: str | None,
        user_id: str | None,
        expires_at: int | None,
    ) -> None:
        self.email = email
        self.plan_type = plan_type
        self.account_id = account_id
        self.user_id = user_id
        self.expires_at = expires_at

    @classmethod
    def parse(cls, token: str) -> IdTokenInfo:
        payload = jwt_payload(token)
        claims = payload.get(AUTH_CLAIMS_KEY)
        auth = claims if isinstance(claims, dict) else {}
        email = _str(payload.get("email"))
        if email is None:
            profile = payload.get(PROFILE_CLAIMS_KEY)
            if isinstance(profile, dict):
                email = _str(profile.get("email"))
        exp = payload.get("exp")
        return cls(
            email=email,
            plan_type=_str(auth.get("chatgpt_plan_type")),
            account_id=_str(auth.get("chatgpt_account_id")),
            user_id=_str(auth.get("chatgpt_user_id")) or _str(auth.get("user_id")),
            expires_at=int(exp) if isinstance(exp, int | float) and not isinstance(exp, bool) else None,
        )


def wire_plan_type(raw: str | None) -> str:
    """The account/read `planType` for a claim value."""
    if raw is None:
        return "unknown"
    lowered = raw.lower()
    return lowered if lowered in KNOWN_PLANS else "unknown"


def mask_api_key(key: str) -> str:
    """`sk-test-***56789`: first 8 and last 5 characters; short keys are fully hidden."""
    if len(key) <= 13:
        return "***"
    return f"{key[:8]}***{key[-5:]}"


# -- the reference's id-token check (`codex login status`) -------------------------------------------

_B64_URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_JSON_KIND = {type(None): "null", bool: "boolean", int: "integer", float: "floating point", str: "string"}


class IdTokenFormatError(ValueError):
    """An id token the reference refuses to load. `positioned` is False when the message already
    names a place (a JSON error inside the payload), True when the caller should add where in the
    store the token sits."""

    def __init__(self, message: str, *, positioned: bool) -> None:
        super().__init__(message)
        self.positioned = positioned


def _b64_problem(segment: str) -> str | None:
    """The base64 crate's (URL_SAFE_NO_PAD) words for a payload it cannot decode."""
    for offset, char in enumerate(segment):
        if char not in _B64_URL:
            return f"Invalid symbol {ord(char)}, offset {offset}."
    if len(segment) % 4 == 1:
        return f"Invalid input length: {len(segment)}"
    if segment:
        last = segment[-1]
        value = (
            ord(last) - 65
            if last.isupper()
            else ord(last) - 71
            if last.islower()
            else ord(last) + 4
            if last.isdigit()
            else 62
            if last == "-"
            else 63
        )
        unused_bits = {2: 0b1111, 3: 0b11}.get(len(segment) % 4, 0)
        if value & unused_bits:
            return f"Invalid last symbol {ord(last)}, offset {len(segment) - 1}."
    return None


def _kind(value: Any) -> str:
    kind = _JSON_KIND.get(type(value))
    if kind is None:
        return "sequence" if isinstance(value, list) else "map"
    return kind if value is None or isinstance(value, bool) else f"{kind} `{value}`"


def check_id_token(token: str) -> None:
    """Raise IdTokenFormatError where the reference's `parse_id_token` fails: three non-empty
    dot-separated parts, a base64url payload, and a JSON payload of the expected shape."""
    parts = token.split(".")
    if len(parts) < 3 or not all(parts[:3]):
        raise IdTokenFormatError("invalid ID token format", positioned=True)
    problem = _b64_problem(parts[1])
    if problem is not None:
        raise IdTokenFormatError(problem, positioned=True)
    import base64
    import json

    raw = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
    try:
        payload = json.loads(raw)
    except UnicodeDecodeError:
        raise IdTokenFormatError("invalid unicode code point at line 1 column 1", positioned=False) from None
    except json.JSONDecodeError as exc:
        detail = exc.msg.replace("Expecting", "expected", 1).replace("Extra data", "trailing characters", 1)
        raise IdTokenFormatError(
            f"{detail} at line {exc.lineno} column {exc.colno}", positioned=False
        ) from None
    if isinstance(payload, list):
        return  # serde reads a struct from a sequence too; all the fields are optional
    if not isinstance(payload, dict):
        text = raw.decode()
        lines = text.rstrip().splitlines() or [""]
        raise IdTokenFormatError(
            f"invalid type: {_kind(payload)}, expected struct IdClaims "
            f"at line {len(lines)} column {len(lines[-1])}",
            positioned=False,
        )
    _expect_optional_str(payload, "email")
    for key, fields in (
        (PROFILE_CLAIMS_KEY, ("email",)),
        (AUTH_CLAIMS_KEY, ("chatgpt_user_id", "user_id", "chatgpt_account_id")),
    ):
        table = payload.get(key)
        if table is None or isinstance(table, list):
            continue
        if not isinstance(table, dict):
            raise IdTokenFormatError(f"invalid type: {_kind(table)}, expected a map", positioned=False)
        for name in fields:
            _expect_optional_str(table, name)
    auth = payload.get(AUTH_CLAIMS_KEY)
    if isinstance(auth, dict) and not isinstance(auth.get("chatgpt_plan_type"), str | None):
        raise IdTokenFormatError("data did not match any variant of untagged enum PlanType", positioned=False)


def _expect_optional_str(table: dict[str, Any], name: str) -> None:
    value = table.get(name)
    if value is not None and not isinstance(value, str):
        raise IdTokenFormatError(f"invalid type: {_kind(value)}, expected a string", positioned=False)


def id_token_position(text: str) -> tuple[int, int] | None:
    """Line and column (1-based) of the closing quote of `tokens.id_token` in an auth.json text,
    where serde reports an id token it could not read; None when it cannot be found."""
    start = text.find('"tokens"')
    key = text.find('"id_token"', start if start >= 0 else 0)
    if key < 0:
        return None
    colon = text.find(":", key + len('"id_token"'))
    quote = text.find('"', colon + 1) if colon >= 0 else -1
    if quote < 0 or text[colon + 1 : quote].strip():
        return None
    import json

    try:
        _, end = json.decoder.scanstring(text, quote + 1)  # type: ignore[attr-defined]
    except ValueError:
        return None
    closing = end - 1
    line = text.count("\n", 0, closing) + 1
    column = closing - (text.rfind("\n", 0, closing) + 1) + 1
    return line, column
