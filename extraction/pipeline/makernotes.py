"""Reads the few maker-note fields a key field needs (lens names), and nothing slower."""

from typing import Any

from .containers import Container
from .exif import ExifData


def read_maker_notes(exif: ExifData, container: Container, warnings: list[str]) -> dict[str, Any]:
    return {}
