"""Every endpoint under /api/, in one list (mounted at /api/ by config.urls)."""

from django.urls import path, re_path

from . import views
from .v2 import api_router

urlpatterns = [
    path("website-data/", views.website_data, name="website_data"),
    path("update-redis/", views.update_redis, name="update_redis"),
    path("translation-status/", views.translation_status, name="translation_status"),
    path("publish-receipts/<int:receipt_id>/", views.publish_receipt, name="publish_receipt"),
    path("schema/", views.openapi_schema, name="openapi_schema"),
    path("v2/", api_router.urls),
    re_path(r"", views.api_not_found),  # JSON 404s, never a page lookup
]
