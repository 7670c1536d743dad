"""v2 skills and apps listing/config types."""

from typing import Annotated, Literal

from ._base import U32, V2, Named, Opt, OptN, V2Model, W


class AppInfo(V2Model):
    id: str
    name: str
    description: str | None = None
    logo_url: str | None = None
    logo_url_dark: str | None = None
    distribution_channel: str | None = None
    install_url: str | None = None
    is_accessible: bool = False


class AppsListParams(V2Model):
    cursor: OptN[str] = None
    limit: OptN[U32] = None
    thread_id: OptN[str] = None
    force_refetch: Annotated[Opt[bool], W(json_nonnull=True)] = None


class AppsListResponse(V2Model):
    data: list[AppInfo]
    next_cursor: str | None = None


class RemoteSkillSummary(V2Model):
    id: str
    name: str
    description: str


class SkillDependencies(V2Model):
    tools: "list[SkillToolDependency]"


class SkillErrorInfo(V2Model):
    path: str
    message: str


class SkillInterface(V2Model):
    display_name: Opt[str] = None
    short_description: Opt[str] = None
    icon_small: Opt[str] = None
    icon_large: Opt[str] = None
    brand_color: Opt[str] = None
    default_prompt: Opt[str] = None


class SkillMetadata(V2Model):
    name: str
    description: str
    short_description: Opt[str] = None
    interface: Opt[SkillInterface] = None
    dependencies: Opt[SkillDependencies] = None
    path: str
    scope: "SkillScope"
    enabled: bool


class SkillToolDependency(V2Model):
    type: str
    value: str
    description: Opt[str] = None
    transport: Opt[str] = None
    command: Opt[str] = None
    url: Opt[str] = None


class SkillsListEntry(V2Model):
    cwd: str
    skills: list[SkillMetadata]
    errors: list[SkillErrorInfo]


class SkillsListExtraRootsForCwd(V2Model):
    cwd: str
    extra_user_roots: list[str]


class SkillsListParams(V2Model):
    cwds: Annotated[Opt[list[str]], W(json_nonnull=True)] = None
    force_reload: Annotated[Opt[bool], W(json_nonnull=True)] = None
    per_cwd_extra_user_roots: OptN[list[SkillsListExtraRootsForCwd]] = None


class SkillsListResponse(V2Model):
    data: list[SkillsListEntry]


class SkillsRemoteReadParams(V2Model):
    pass


class SkillsRemoteReadResponse(V2Model):
    data: list[RemoteSkillSummary]


class SkillsRemoteWriteParams(V2Model):
    hazelnut_id: str
    is_preload: bool


class SkillsRemoteWriteResponse(V2Model):
    id: str
    name: str
    path: str


SkillScope = Annotated[Literal["user", "repo", "system", "admin"], Named("SkillScope", V2)]
