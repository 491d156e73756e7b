"""`purge_uploads`: delete resumable uploads left unfinished for longer than UPLOAD_EXPIRY_SECONDS."""

from django.core.management.base import BaseCommand

from extraction.resumable import resumables_sweep


class Command(BaseCommand):
    help = "Delete partial resumable (tus) uploads idle for longer than UPLOAD_EXPIRY_SECONDS."

    def handle(self, *args, **options):
        removed = resumables_sweep()
        self.stdout.write(f"deleted {len(removed)} expired upload(s)")
