"""`runworker`: Channels' own command, running ExtractionWorker (reaper, no job hoarding, outage-proof)."""

from channels.management.commands.runworker import Command as ChannelsRunworkerCommand

from extraction.worker import ExtractionWorker


class Command(ChannelsRunworkerCommand):
    worker_class = ExtractionWorker
