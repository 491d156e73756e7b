"""`manage.py extract_metadata FILE [FILE ...] [--jsonl]`: print one result record per file."""

import json

from django.core.management.base import BaseCommand

from extraction.pipeline import extract_file


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # reads files only: the site's checks are not its business
    help = "Extract image metadata without a server: a JSON array of records, or one line per file with --jsonl."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="image files to read")
        parser.add_argument("--jsonl", action="store_true", help="print one JSON record per line")

    def handle(self, *args, files: list[str], jsonl: bool, **options):
        if jsonl:
            for path in files:
                self.stdout.write(json.dumps(extract_file(path), ensure_ascii=False))
                self.stdout.flush()
            return
        self.stdout.write("[")
        for index, path in enumerate(files):
            separator = "," if index < len(files) - 1 else ""
            self.stdout.write(json.dumps(extract_file(path), ensure_ascii=False) + separator)
        self.stdout.write("]")
