"""The session history in the Django admin: read-only, newest first."""

import json

from django.contrib import admin
from django.utils.html import format_html

from .models import ExtractionSession


@admin.register(ExtractionSession)
class ExtractionSessionAdmin(admin.ModelAdmin):
    list_display = ("id", "status", "progress", "stage", "original_name", "format", "size", "created_at", "finished_at")
    list_filter = ("status", "format")
    search_fields = ("id", "original_name")
    ordering = ("-created_at",)
    date_hierarchy = "created_at"
    exclude = ("result", "owner_key")  # owner_key: a session-key hash, of no use to staff
    readonly_fields = (
        "id", "status", "progress", "stage", "status_message", "seq", "original_name", "size", "format",
        "mime_type", "sha256", "stored_path", "error_code", "error_message", "created_at", "updated_at",
        "started_at", "finished_at", "result_json",
    )

    @admin.display(description="result")
    def result_json(self, obj: ExtractionSession) -> str:
        if obj.result is None:
            return "-"
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", json.dumps(obj.result, indent=2, ensure_ascii=False))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
