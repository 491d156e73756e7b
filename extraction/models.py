"""ExtractionSession: the database row that is the truth about one upload's extraction."""

from django.db import models


class ExtractionSession(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        PROCESSING = "processing"
        COMPLETE = "complete"
        FAILED = "failed"
        CANCELLED = "cancelled"

    TERMINAL = (Status.COMPLETE, Status.FAILED, Status.CANCELLED)

    id = models.CharField(primary_key=True, max_length=64, verbose_name="session id")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=32, default="queued")
    status_message = models.CharField(max_length=200, default="Queued")
    seq = models.PositiveIntegerField(default=0, help_text="Bumped at every saved change.")

    original_name = models.CharField(max_length=255, blank=True, help_text="As the client sent it; data only.")
    size = models.PositiveBigIntegerField(default=0)
    format = models.CharField(max_length=16, blank=True, db_index=True)
    mime_type = models.CharField(max_length=64, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    stored_path = models.CharField(max_length=255, blank=True, help_text="Name in the upload storage.")

    result = models.JSONField(null=True, blank=True)
    # The verified clean copy (name in the upload storage), served until `clean_expires_at`.
    clean_path = models.CharField(max_length=255, blank=True, help_text="Name of the clean copy in the upload storage.")
    clean_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The small preview made while the image is read (name in the upload storage), kept as the clean copy is.
    preview_path = models.CharField(max_length=255, blank=True, help_text="Name of the preview in the upload storage.")
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)

    # Who may watch: the uploader's Django session key (browser uploads), and whether an anonymous
    # client chose the id itself (then the id is the secret: the curl + wscat flow).
    owner_key = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the uploader's Django session key.")
    client_chose_id = models.BooleanField(default=False)

    # The lease: the one worker allowed to write progress, until `lease_expires_at` unless renewed.
    lease_owner = models.CharField(max_length=100, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How many times a worker claimed it.")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.TERMINAL
