"""`purge_sessions --older-than 30d`: delete old finished sessions and any originals left behind."""

import argparse
import re
from datetime import timedelta

from django.core.management.base import BaseCommand

from extraction.services import sessions_purge

UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_age(text: str) -> timedelta:
    match = re.fullmatch(r"(\d+)([smhdw])", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"--older-than takes a number and a unit (s, m, h, d, w), e.g. 30d; got {text!r}")
    return timedelta(**{UNITS[match[2]]: int(match[1])})


class Command(BaseCommand):
    help = "Delete finished sessions created before the given age, with their stored originals."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", required=True, type=parse_age, help="An age such as 30d, 12h, 90m.")

    def handle(self, *args, older_than: timedelta, **options):
        rows, files = sessions_purge(older_than=older_than)
        self.stdout.write(f"deleted {rows} session(s) and {files} file(s)")
