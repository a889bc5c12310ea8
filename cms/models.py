"""The cms app's models, each kept in the package it belongs to."""

from .delivery.models import ContentGeneration
from .editorial.models import LocaleTeam, WebsiteCache
from .webhooks.models import (
    PublishReceipt,
    ReceiptItem,
    WebhookAttempt,
    WebhookEndpoint,
    WebhookEvent,
)

__all__ = [
    "ContentGeneration",
    "LocaleTeam",
    "PublishReceipt",
    "ReceiptItem",
    "WebhookAttempt",
    "WebhookEndpoint",
    "WebhookEvent",
    "WebsiteCache",
]
