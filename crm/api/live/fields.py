"""The ``Subscription`` root's fields."""

from typing import Any

import strawberry

from crm.api.live.stats import stats_changed_field
from crm.api.live.subscriptions import CHANGES_DESCRIPTION, changes
from crm.domain import Label


def subscription_fields(types: dict[Label, type]) -> dict[str, Any]:
    return {
        "changes": strawberry.subscription(resolver=changes, description=CHANGES_DESCRIPTION),
        "stats_changed": stats_changed_field(types),
    }
