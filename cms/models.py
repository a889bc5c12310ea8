"""The cms app's models, each kept in the package it belongs to."""

from .cache.models import ContentGeneration
from .delivery.models import PendingEdgePurge, UnfinishedPropagation
from .editorial.models import Approval, LocaleApprovalTask, LocaleTeam, WebsiteCache
from .images.models import PreparedImage
from .releases.models import Release, ReleaseItem
from .scheduling.models import SchedulerRun
from .webhooks.models import (
    PublishReceipt,
    ReceiptItem,
    WebhookAttempt,
    WebhookEndpoint,
    WebhookEvent,
)

__all__ = [
    "Approval",
    "ContentGeneration",
    "LocaleApprovalTask",
    "LocaleTeam",
    "PendingEdgePurge",
    "PreparedImage",
    "PublishReceipt",
    "ReceiptItem",
    "Release",
    "ReleaseItem",
    "SchedulerRun",
    "UnfinishedPropagation",
    "WebhookAttempt",
    "WebhookEndpoint",
    "WebhookEvent",
    "WebsiteCache",
]
