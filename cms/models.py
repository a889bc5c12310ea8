"""The cms app's models, each kept in the package it belongs to."""

from .delivery.models import PendingPurge
from .editorial.models import LocaleTeam, WebsiteCache

__all__ = ["LocaleTeam", "PendingPurge", "WebsiteCache"]
