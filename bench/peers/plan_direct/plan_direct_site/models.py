"""The one row the direct plan writes: saved once, when the extraction ends."""

from django.db import models


class Extraction(models.Model):
    session_id = models.CharField(max_length=64, unique=True)
    original_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=255)
    status = models.CharField(max_length=16)  # complete or failed
    result = models.JSONField(null=True)
    error = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
