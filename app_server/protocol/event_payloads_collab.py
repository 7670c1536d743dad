"""Payload structs of the multi-agent (collab) EventMsg variants."""

from typing import Annotated, Literal

from ._base import CoreModel, Named
from .core import ThreadId


class AgentStatusCompleted(CoreModel):
    wire_inline = True
    wire_additional = False
    completed: str | None


class AgentStatusErrored(CoreModel):
    wire_inline = True
    wire_additional = False
    errored: str


class CollabAgentInteractionBeginEvent(CoreModel):
    call_id: str
    sender_thread_id: ThreadId
    receiver_thread_id: ThreadId
    prompt: str


class CollabAgentInteractionEndEvent(CoreModel):
    call_id: str
    sender_thread_id: ThreadId
    receiver_thread_id: ThreadId
    prompt: str
    status: "AgentStatus"


class CollabAgentSpawnBeginEvent(CoreModel):
    call_id: str
    sender_thread_id: ThreadId
    prompt: str


class CollabAgentSpawnEndEvent(CoreModel):
    call_id: str
    sender_thread_id: ThreadId
    new_thread_id: ThreadId | None = None
    prompt: str
    status: "AgentStatus"


class CollabCloseBeginEvent(CoreModel):
    call_id: str
    sender_thread_id: ThreadId
    receiver_thread_id: ThreadId


class CollabCloseEndEvent(CoreModel):
    call_id: str
    sender_thread_id: ThreadId
    receiver_thread_id: ThreadId
    status: "AgentStatus"


class CollabResumeBeginEvent(CoreModel):
    call_id: str
    sender_thread_id: ThreadId
    receiver_thread_id: ThreadId


class CollabResumeEndEvent(CoreModel):
    call_id: str
    sender_thread_id: ThreadId
    receiver_thread_id: ThreadId
    status: "AgentStatus"


class CollabWaitingBeginEvent(CoreModel):
    sender_thread_id: ThreadId
    receiver_thread_ids: list[ThreadId]
    call_id: str


class CollabWaitingEndEvent(CoreModel):
    sender_thread_id: ThreadId
    call_id: str
    statuses: "dict[ThreadId, AgentStatus]"


AgentStatus = Annotated[
    Literal["pending_init"]
    | Literal["running"]
    | AgentStatusCompleted
    | AgentStatusErrored
    | Literal["shutdown"]
    | Literal["not_found"],
    Named("AgentStatus"),
]
