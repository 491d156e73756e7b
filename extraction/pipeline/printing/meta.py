"""Kodak Meta printed values: a name's "UNICODE" marker is not part of the words."""

from typing import Any


def marked_text(value: Any) -> str:
    text = str(value)
    return text[len("UNICODE"):] if text.startswith("UNICODE") else text


TABLE = {"DigitalEffectsName": marked_text, "BorderName": marked_text}
