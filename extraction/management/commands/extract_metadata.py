"""`manage.py extract_metadata FILE [FILE ...] [--jsonl] [--jobs N]`: print one result record per file, as ExifTool does.

Exit status as ExifTool's: 0 when every file was read, 1 when any could not be (every record is still
printed), 2 on bad usage (no file, an unknown option; argparse's own status). A batch is read by as many
processes as there are cores (forked after start-up, so each costs no second start), records printed in
the order given.
"""

import json
import multiprocessing
import os
from collections.abc import Iterator
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
        parser.add_argument("--jobs", type=int, default=0, metavar="N",
                            help="processes reading files at once (default: the CPU count; 1: this process only)")

    def handle(self, *args, files: list[str], jsonl: bool, jobs: int, **options):
        unread = 0
        if not jsonl:
            self.stdout.write("[")
        for index, (text, ok, problem) in enumerate(records(files, jobs or os.cpu_count() or 1)):
            if problem:
                self.stderr.write(problem)
            unread += not ok
            self.stdout.write(text if jsonl or index == len(files) - 1 else text + ",")
            self.stdout.flush()
        if not jsonl:
            self.stdout.write("]")
        if unread:
            raise CommandError(f"{unread} of {len(files)} files could not be read.", returncode=1)


# Below this many files a batch is read in this process: a pool would cost more than it saves.
_FILES_PER_EXTRA_PROCESS = 8


def records(files: list[str], jobs: int) -> Iterator[tuple[str, bool, str]]:
    """(JSON text, read, a problem to report) for each file, in the order given."""
    jobs = min(jobs, len(files) // _FILES_PER_EXTRA_PROCESS)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(one_record, files)
        return
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(one_record, files, chunksize=max(1, min(16, len(files) // (4 * jobs))))


def one_record(path: str) -> tuple[str, bool, str]:
    problem = ""
    try:
        record = source_record(path)
    except Exception as exc:  # a pipeline bug on one file must not cost the others their records
        problem = f"{path}: internal error: {exc!r}"
        failure = PipelineError("corrupt_image", "The metadata could not be read (an internal error).")
        record = {"SourceFile": path, **error_record(os.path.basename(path), failure)}
    return json.dumps(record, ensure_ascii=False), bool(record["ok"]), problem


def source_record(path: str) -> dict[str, Any]:
    """The file's record with ExifTool's SourceFile first: the path exactly as given on the command line."""
    return {"SourceFile": path, **extract_file(path)}
