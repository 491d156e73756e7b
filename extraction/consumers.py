"""ExtractionJobConsumer: runs the jobs that arrive on the `extraction` channel (runworker processes)."""

from channels.consumer import SyncConsumer, get_handler_name

from . import services
from .connections import database_sync_to_async


class ExtractionJobConsumer(SyncConsumer):
    """One job at a time per worker process; scale by running more processes."""

    @database_sync_to_async
    def dispatch(self, message):
        """As SyncConsumer's, but the worker's thread keeps its database connection from job to job.

        Channels' version closes it before and after every message (CONN_MAX_AGE=0): a new
        connection per session. `session_run` checks the kept one itself.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        handler(message)

    def extraction_run(self, message):
        """Run one session's extraction (a no-op when another worker already claimed it)."""
        services.session_run(session_id=message["session_id"])
