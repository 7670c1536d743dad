"""v2 MCP server status and OAuth types."""

from typing import Annotated, Literal

from ._base import U32, V2, I64Big, Named, OptN, V2Model
from .core import Resource, ResourceTemplate, Tool


class ListMcpServerStatusParams(V2Model):
    cursor: OptN[str] = None
    limit: OptN[U32] = None


class ListMcpServerStatusResponse(V2Model):
    data: "list[McpServerStatus]"
    next_cursor: str | None = None


class McpServerOauthLoginParams(V2Model):
    name: str
    scopes: OptN[list[str]] = None
    timeout_secs: OptN[I64Big] = None


class McpServerOauthLoginResponse(V2Model):
    authorization_url: str


class McpServerRefreshResponse(V2Model):
    pass


class McpServerStatus(V2Model):
    name: str
    tools: dict[str, Tool]
    resources: list[Resource]
    resource_templates: list[ResourceTemplate]
    auth_status: "McpAuthStatus"


McpAuthStatus = Annotated[
    Literal["unsupported", "notLoggedIn", "bearerToken", "oAuth"], Named("McpAuthStatus", V2)
]
