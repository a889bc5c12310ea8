"""The cms app's models, each kept in the package it belongs to."""

from .delivery.models import ContentGeneration, PendingPurge
from .editorial.models import LocaleTeam, WebsiteCache

__all__ = ["ContentGeneration", "LocaleTeam", "PendingPurge", "WebsiteCache"]
