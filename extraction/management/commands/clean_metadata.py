"""`manage.py clean_metadata FILE ... --out DIR [--keep none]`: write verified clean copies, one JSON line per file."""

import json
import os

from django.core.management.base import BaseCommand, CommandError

from extraction.pipeline import PipelineError
from extraction.pipeline.clean import KEEP_CHOICES, KEEP_DEFAULT, clean_file


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # reads and writes files only
    help = ("Write a clean copy of each image to DIR as <stem>-clean.<ext> (never overwriting a file), "
            "verified by reading it back; print one JSON line per file. Exit 1 when any file failed.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="image files to clean")
        parser.add_argument("--out", required=True, metavar="DIR", help="folder for the clean copies")
        parser.add_argument("--keep", choices=KEEP_CHOICES, default=KEEP_DEFAULT,
                            help="'none' also removes the orientation and the colour profile")

    def handle(self, *args, files: list[str], out: str, keep: str, **options):
        if not os.path.isdir(out):
            raise CommandError(f"--out {out!r} is not a folder", returncode=2)
        failed = 0
        for path in files:
            record = clean_one(path, out, keep)
            failed += not record["ok"]
            self.stdout.write(json.dumps(record, ensure_ascii=False))
            self.stdout.flush()
        if failed:
            raise CommandError(f"{failed} of {len(files)} files could not be cleaned", returncode=1)


def clean_one(path: str, out: str, keep: str) -> dict:
    stem, ext = os.path.splitext(os.path.basename(path))
    target = os.path.join(out, f"{stem}-clean{ext}")
    record = {"SourceFile": path, "target": target, "ok": False, "error": None}
    if os.path.exists(target) or os.path.abspath(target) == os.path.abspath(path):
        record["error"] = {"code": "target_exists", "message": f"{target} exists: it is never overwritten."}
        return record
    try:
        record.update(clean_file(path, target, keep=keep), ok=True)
    except PipelineError as exc:
        record["error"] = exc.as_dict()
    except FileExistsError:  # created by someone else since the check above
        record["error"] = {"code": "target_exists", "message": f"{target} exists: it is never overwritten."}
    return record
