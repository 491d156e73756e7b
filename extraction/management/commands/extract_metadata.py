"""`manage.py extract_metadata FILE [FILE ...] [--jsonl]`: print one result record per file, as ExifTool does.

Exit status as ExifTool's: 0 when every file was read, 1 when any could not be (every record is still
printed), 2 on bad usage (no file, an unknown option; argparse's own status).
"""

import json
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from extraction.pipeline import PipelineError, extract_file
from extraction.pipeline.extract import error_record


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # reads files only: the site's checks are not its business
    help = ("Extract image metadata without a server: a JSON array of records, or one line per file with --jsonl. "
            "Exits 1 when any file could not be read, 2 on bad usage.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="image files to read")
        parser.add_argument("--jsonl", action="store_true", help="print one JSON record per line")

    def handle(self, *args, files: list[str], jsonl: bool, **options):
        unread = 0
        if not jsonl:
            self.stdout.write("[")
        for index, path in enumerate(files):
            try:
                record = source_record(path)
            except Exception as exc:  # a pipeline bug on one file must not cost the others their records
                self.stderr.write(f"{path}: internal error: {exc!r}")
                failure = PipelineError("corrupt_image", "The metadata could not be read (an internal error).")
                record = {"SourceFile": path, **error_record(os.path.basename(path), failure)}
            unread += not record["ok"]
            text = json.dumps(record, ensure_ascii=False)
            self.stdout.write(text if jsonl or index == len(files) - 1 else text + ",")
            self.stdout.flush()
        if not jsonl:
            self.stdout.write("]")
        if unread:
            raise CommandError(f"{unread} of {len(files)} files could not be read.", returncode=1)


def source_record(path: str) -> dict[str, Any]:
    """The file's record with ExifTool's SourceFile first: the path exactly as given on the command line."""
    return {"SourceFile": path, **extract_file(path)}
