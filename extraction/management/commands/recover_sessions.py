"""`recover_sessions`: take back sessions whose worker was lost, and dispatch them again."""

from datetime import timedelta

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.management.base import BaseCommand

from extraction import tasks


class Command(BaseCommand):
    help = (
        "Dispatch again the sessions whose lease expired or that waited pending too long; end those "
        "lost EXTRACTION_MAX_ATTEMPTS times as failed (worker_lost). In inline mode the work runs here."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all-pending",
            action="store_true",
            help="Dispatch every pending session now, not only those older than EXTRACTION_PENDING_TIMEOUT_SECONDS.",
        )

    def handle(self, *args, all_pending: bool = False, **options):
        recovered = async_to_sync(self._recover)(all_pending)
        self.stdout.write(f"dispatched {len(recovered)} session(s) again")
        for session_id in recovered:
            self.stdout.write(f"  {session_id}")

    async def _recover(self, all_pending: bool) -> list[str]:
        recovered = await tasks.sessions_recover(pending_older_than=timedelta(0) if all_pending else None)
        if settings.EXTRACTION_WORKERS == "inline":
            await tasks.wait_for_inline_tasks()  # no server runs them for us: run them before exiting
        return recovered
