"""Ducky (APP12) and FotoStation printed values: percentages."""

from typing import Any


def percent(value: Any) -> str:
    return f"{value}%"


DUCKY = {"Quality": percent}
FOTOSTATION = {name: percent for name in ("CropLeft", "CropTop", "CropRight", "CropBottom")}
