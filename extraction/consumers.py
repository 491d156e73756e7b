"""ExtractionJobConsumer: runs the jobs that arrive on the `extraction` channel (runworker processes)."""

from channels.consumer import SyncConsumer

from . import services


class ExtractionJobConsumer(SyncConsumer):
    """One job at a time per worker process; scale by running more processes."""

    def extraction_run(self, message):
        """Run one session's extraction (a no-op when another worker already claimed it)."""
        services.session_run(session_id=message["session_id"])
