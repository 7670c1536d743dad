"""v2 server notifications."""

from ._base import I64, Opt, Usize, V2Model
from .account import RateLimitSnapshot
from .core import AuthMode
from .core_items import ResponseItem
from .items import ThreadItem, TurnPlanStep
from .skills_apps import AppInfo
from .threads import Thread, ThreadTokenUsage, Turn, TurnError
from .v2_common import TextRange


class AccountLoginCompletedNotification(V2Model):
    login_id: str | None = None
    success: bool
    error: str | None = None


class AccountRateLimitsUpdatedNotification(V2Model):
    rate_limits: RateLimitSnapshot


class AccountUpdatedNotification(V2Model):
    auth_mode: AuthMode | None = None


class AgentMessageDeltaNotification(V2Model):
    thread_id: str
    turn_id: str
    item_id: str
    delta: str


class AppListUpdatedNotification(V2Model):
    data: list[AppInfo]


class CommandExecutionOutputDeltaNotification(V2Model):
    thread_id: str
    turn_id: str
    item_id: str
    delta: str


class ConfigWarningNotification(V2Model):
    summary: str
    details: str | None = None
    path: Opt[str] = None
    range: Opt[TextRange] = None


class ContextCompactedNotification(V2Model):
    thread_id: str
    turn_id: str


class DeprecationNoticeNotification(V2Model):
    summary: str
    details: str | None = None


class ErrorNotification(V2Model):
    error: TurnError
    will_retry: bool
    thread_id: str
    turn_id: str


class FileChangeOutputDeltaNotification(V2Model):
    thread_id: str
    turn_id: str
    item_id: str
    delta: str


class ItemCompletedNotification(V2Model):
    item: ThreadItem
    thread_id: str
    turn_id: str


class ItemStartedNotification(V2Model):
    item: ThreadItem
    thread_id: str
    turn_id: str


class McpServerOauthLoginCompletedNotification(V2Model):
    name: str
    success: bool
    error: Opt[str] = None


class McpToolCallProgressNotification(V2Model):
    thread_id: str
    turn_id: str
    item_id: str
    message: str


class PlanDeltaNotification(V2Model):
    thread_id: str
    turn_id: str
    item_id: str
    delta: str


class RawResponseItemCompletedNotification(V2Model):
    thread_id: str
    turn_id: str
    item: ResponseItem


class ReasoningSummaryPartAddedNotification(V2Model):
    thread_id: str
    turn_id: str
    item_id: str
    summary_index: I64


class ReasoningSummaryTextDeltaNotification(V2Model):
    thread_id: str
    turn_id: str
    item_id: str
    delta: str
    summary_index: I64


class ReasoningTextDeltaNotification(V2Model):
    thread_id: str
    turn_id: str
    item_id: str
    delta: str
    content_index: I64


class TerminalInteractionNotification(V2Model):
    thread_id: str
    turn_id: str
    item_id: str
    process_id: str
    stdin: str


class ThreadNameUpdatedNotification(V2Model):
    thread_id: str
    thread_name: Opt[str] = None


class ThreadStartedNotification(V2Model):
    thread: Thread


class ThreadTokenUsageUpdatedNotification(V2Model):
    thread_id: str
    turn_id: str
    token_usage: ThreadTokenUsage


class TurnCompletedNotification(V2Model):
    thread_id: str
    turn: Turn


class TurnDiffUpdatedNotification(V2Model):
    thread_id: str
    turn_id: str
    diff: str


class TurnPlanUpdatedNotification(V2Model):
    thread_id: str
    turn_id: str
    explanation: str | None = None
    plan: list[TurnPlanStep]


class TurnStartedNotification(V2Model):
    thread_id: str
    turn: Turn


class WindowsWorldWritableWarningNotification(V2Model):
    sample_paths: list[str]
    extra_count: Usize
    failed_scan: bool
