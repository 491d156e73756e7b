"""The session history in the Django admin, for support: read-only, newest first, what went wrong on top."""

import json
from datetime import timedelta

from django.contrib import admin
from django.db.models import DurationField, ExpressionWrapper, F, QuerySet
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from .access import session_token
from .models import ExtractionSession
from .previews import preview_shown

GPS_KEY = "GPSLatitude"  # the summary key the pipeline sets only for a position on the globe


class HasGpsFilter(admin.SimpleListFilter):
    """Sessions whose result records where the photo was taken (the summary's GPS position)."""

    title = "has GPS"
    parameter_name = "has_gps"

    def lookups(self, request, model_admin):
        return (("yes", "Yes"), ("no", "No"))

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        with_gps = {"result__summary__has_key": GPS_KEY}
        if self.value() == "yes":
            return queryset.filter(**with_gps)
        if self.value() == "no":
            return queryset.exclude(**with_gps)
        return queryset


def human_duration(delta: timedelta | None) -> str:
    if delta is None:
        return "-"
    seconds = delta.total_seconds()
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def finding_codes(session: ExtractionSession) -> list[str]:
    findings = (session.result or {}).get("findings") or []
    return [finding["code"] for finding in findings if isinstance(finding, dict) and finding.get("code")]


@admin.register(ExtractionSession)
class ExtractionSessionAdmin(admin.ModelAdmin):
    list_display = ("id", "status", "stage", "original_name", "format", "file_size", "duration", "error_code",
                    "findings", "created_at")
    list_filter = ("status", "format", HasGpsFilter)
    search_fields = ("id", "original_name", "error_code", "sha256")
    ordering = ("-created_at",)
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("id", "status", "stage", "progress", "status_message", "original_name", "file_size",
                           "format", "mime_type", "sha256", "created_at", "started_at", "finished_at", "duration")}),
        ("What went wrong", {"fields": ("error_code", "error_message")}),
        ("Result", {"fields": ("preview", "findings", "result_json")}),
        ("Stored files", {"fields": ("stored_path", "clean_path", "clean_expires_at", "preview_path")}),
        # Internals of the worker lease, for the rare session stuck between workers: last, folded.
        ("Lease internals", {"classes": ("collapse",),
                             "fields": ("lease_owner", "lease_expires_at", "attempts", "seq", "updated_at")}),
    )
    readonly_fields = tuple(name for _, options in fieldsets for name in options["fields"])

    def get_queryset(self, request):
        took = ExpressionWrapper(F("finished_at") - F("created_at"), output_field=DurationField())
        return super().get_queryset(request).annotate(took=took)

    @admin.display(description="size", ordering="size")
    def file_size(self, obj: ExtractionSession) -> str:
        return filesizeformat(obj.size)

    @admin.display(description="duration", ordering="took")
    def duration(self, obj: ExtractionSession) -> str:
        """Upload stored to finished; for a session not finished yet, how long it has been going."""
        if obj.finished_at is None:
            return f"{human_duration(timezone.now() - obj.created_at)} so far" if obj.created_at else "-"
        return human_duration(obj.finished_at - obj.created_at)

    @admin.display(description="findings")
    def findings(self, obj: ExtractionSession) -> str:
        return ", ".join(finding_codes(obj)) or "-"

    @admin.display(description="preview")
    def preview(self, obj: ExtractionSession) -> str:
        url = self.preview_url(obj)
        if url is None:
            return "No preview stored for this session."
        return format_html('<img src="{}" alt="Preview of {}" style="max-width: 480px; max-height: 480px">',
                           url, obj.original_name)

    def preview_url(self, obj: ExtractionSession) -> str | None:
        """Where the session's preview is served (with its token: staff are not its uploader); None without one."""
        if not preview_shown(obj):
            return None
        return f"{reverse('extraction:session-preview', kwargs={'session_id': obj.pk})}?token={session_token(obj.pk)}"

    @admin.display(description="result")
    def result_json(self, obj: ExtractionSession) -> str:
        if obj.result is None:
            return "-"
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", json.dumps(obj.result, indent=2, ensure_ascii=False))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
