"""``webhooks`` (the endpoints and their delivery logs) and ``registerWebhook``,
``pauseWebhook``, ``resumeWebhook``, ``deleteWebhook``: for admins (``crm.api.access``).

An endpoint's secret is made by the server (``signing.new_secret``) or given by the admin in the
same form; it is shown once, in ``registerWebhook``'s answer, and never again."""

import binascii
import secrets
from enum import Enum
from typing import Any

import strawberry

from crm.api.context import Info
from crm.api.errors import ErrorCode, UserError
from crm.api.live.subscriptions import filter_names
from crm.api.mutations.common import Refused, change, mutation, refuse
from crm.api.scalars import DateTime
from crm.api.webhooks.addresses import PrivateAddress, check_url
from crm.api.webhooks.signing import SECRET_PREFIX, new_secret, secret_bytes
from crm.domain import Label
from crm.errors import InvalidInput
from crm.queries.webhooks import (
    NewWebhook,
    StoredWebhook,
    all_webhooks,
    create_webhook,
    delete_webhook,
    pause_webhook,
    resume_webhook,
)

SECRET_SIZES = (24, 64)
"""The fewest and most bytes a given secret may have (the specification's bounds)."""


@strawberry.enum(description="Where an endpoint's deliveries stand.")
class WebhookStatus(Enum):
    ACTIVE = strawberry.enum_value("active", description="Delivering; the last attempt worked.")
    RETRYING = strawberry.enum_value(
        "retrying", description="The next event failed; retried with growing pauses."
    )
    PAUSED = strawberry.enum_value(
        "paused", description="Nothing is delivered until it is resumed (`resumeWebhook`)."
    )


@strawberry.type(description="An endpoint's delivery log.")
class WebhookDelivery:
    status: WebhookStatus
    sequence: int = strawberry.field(
        description="The change log's sequence delivered (or passed over by the filter) last: "
        "deliveries go on after it."
    )
    delivered: int = strawberry.field(description="How many events were delivered.")
    attempts: int = strawberry.field(
        description="How many times the next event has failed (0 when the last attempt worked)."
    )
    failures: int = strawberry.field(description="How many attempts have failed in all.")
    last_attempt_at: DateTime | None
    last_status_code: int | None = strawberry.field(
        description="The HTTP status of the last attempt (null: no answer)."
    )
    last_error: str | None = strawberry.field(description="What the last failed attempt got.")
    last_delivered_at: DateTime | None
    paused_at: DateTime | None
    pause_reason: str | None


@strawberry.type(description="A URL the changes are delivered to, signed.")
class Webhook:
    id: strawberry.ID
    url: str
    labels: list[str] | None = strawberry.field(
        description="Only changes to records of these labels (null: every change)."
    )
    ids: list[strawberry.ID] | None = strawberry.field(
        description="Only changes naming these global ids (null: every change)."
    )
    created_at: DateTime
    delivery: WebhookDelivery

    @classmethod
    def of(cls, stored: StoredWebhook) -> "Webhook":
        if stored.paused_at is not None:
            status = WebhookStatus.PAUSED
        else:
            status = WebhookStatus.RETRYING if stored.attempts else WebhookStatus.ACTIVE
        return cls(
            id=strawberry.ID(stored.webhook_id),
            url=stored.url,
            labels=stored.labels,
            ids=None if stored.ids is None else [strawberry.ID(value) for value in stored.ids],
            created_at=DateTime(stored.created_at),
            delivery=WebhookDelivery(
                status=status,
                sequence=stored.cursor,
                delivered=stored.delivered,
                attempts=stored.attempts,
                failures=stored.failures,
                last_attempt_at=_moment(stored.last_attempt_at),
                last_status_code=stored.last_status,
                last_error=stored.last_error,
                last_delivered_at=_moment(stored.delivered_at),
                paused_at=_moment(stored.paused_at),
                pause_reason=stored.pause_reason,
            ),
        )


def _moment(value: str | None) -> DateTime | None:
    return None if value is None else DateTime(value)


@strawberry.type(description="The endpoint registered, with its secret (shown this once).")
class RegisterWebhookPayload:
    webhook: Webhook | None
    secret: str | None = strawberry.field(
        description="Verifies the deliveries' `webhook-signature`; keep it, it is not shown again."
    )
    errors: list[UserError]


@strawberry.type(description="The endpoint after the change, or why it was refused.")
class WebhookPayload:
    webhook: Webhook | None
    errors: list[UserError]


@strawberry.type(description="Whether the endpoint was deleted, or why it was refused.")
class DeleteWebhookPayload:
    removed: int
    errors: list[UserError]


async def resolve_webhooks(info: Info) -> list[Webhook]:
    return [Webhook.of(stored) for stored in await all_webhooks(info.context.store)]


async def _register(
    info: Info,
    url: str,
    labels: list[str] | None = None,
    ids: list[strawberry.ID] | None = None,
    secret: str | None = None,
) -> dict[str, Any]:
    try:
        wanted = filter_names(Label, labels, "labels")
    except InvalidInput as error:
        raise refuse(["labels"], ErrorCode.INVALID, str(error).removeprefix("labels: ")) from None
    try:
        checked = await check_url(url.strip(), info.context.settings.webhooks_allow_private)
    except PrivateAddress as error:
        raise refuse(["url"], ErrorCode.NOT_ALLOWED, str(error)) from None
    except InvalidInput as error:
        raise refuse(["url"], ErrorCode.INVALID, str(error)) from None
    chosen = _secret(secret) if secret is not None else new_secret()
    webhook = NewWebhook(
        webhook_id=secrets.token_hex(8),
        url=checked,
        secret=chosen,
        labels=None if wanted is None else sorted(label.value for label in wanted),
        ids=None if ids is None else [str(value) for value in ids],
    )
    stored = await create_webhook(info.context.store, webhook, change(info))
    return {"webhook": Webhook.of(stored), "secret": chosen}


def _secret(secret: str) -> str:
    least, most = SECRET_SIZES
    try:
        decoded = secret_bytes(secret)
    except (binascii.Error, ValueError):
        decoded = b""
    if not secret.startswith(SECRET_PREFIX) or not least <= len(decoded) <= most:
        raise refuse(
            ["secret"],
            ErrorCode.INVALID,
            f"a secret reads {SECRET_PREFIX} and {least} to {most} bytes in base64",
        )
    return secret


async def _pause(info: Info, id: strawberry.ID) -> dict[str, Any]:
    stored = await pause_webhook(info.context.store, str(id), "paused by an admin", change(info))
    if stored is None:
        raise _not_found(id)
    return {"webhook": Webhook.of(stored)}


async def _resume(info: Info, id: strawberry.ID) -> dict[str, Any]:
    stored = await resume_webhook(info.context.store, str(id), change(info))
    if stored is None:
        raise _not_found(id)
    return {"webhook": Webhook.of(stored)}


async def _delete(info: Info, id: strawberry.ID) -> dict[str, Any]:
    if not await delete_webhook(info.context.store, str(id), change(info)):
        raise _not_found(id)
    return {"removed": 1}


def _not_found(webhook_id: str) -> Refused:
    return refuse(["id"], ErrorCode.NOT_FOUND, f"no webhook with id {webhook_id!r}")


def webhook_query_fields() -> dict[str, Any]:
    return {
        "webhooks": strawberry.field(
            resolver=resolve_webhooks,
            description="The webhook endpoints, with their delivery logs (admins).",
        )
    }


def webhook_mutations() -> dict[str, Any]:
    return {
        "registerWebhook": mutation(
            _register,
            RegisterWebhookPayload,
            "Deliver the changes (those naming records of `labels`, or the `ids`; all without "
            "either) to `url`, signed with `secret` (made by the server when not given). "
            "Deliveries start after this change.",
        ),
        "pauseWebhook": mutation(_pause, WebhookPayload, "Stop delivering to an endpoint."),
        "resumeWebhook": mutation(
            _resume,
            WebhookPayload,
            "Deliver to an endpoint again, from the change after the last one delivered.",
        ),
        "deleteWebhook": mutation(_delete, DeleteWebhookPayload, "Forget an endpoint."),
    }
