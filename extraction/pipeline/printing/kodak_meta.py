"""Meta (Kodak APP3) printed values: Kodak's "UNICODE" text marker is not shown."""

from typing import Any


def unmarked(value: Any) -> Any:
    text = str(value)
    return text[len("UNICODE") :] if text.startswith("UNICODE") else value


TABLE = {"DigitalEffectsName": unmarked, "BorderName": unmarked}
