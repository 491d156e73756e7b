"""APP12 printed values: Photoshop's Ducky block and cameras' picture info text."""

from typing import Any

from . import formats


def percent(value: Any) -> str:
    return f"{value}%"


DUCKY = {"Quality": percent}
PICTURE_INFO = {
    "ExposureTime": formats.exposure_time,
    "FNumber": formats.fnumber,
    "Flash": {0: "Off", 1: "On"},
    "Macro": {0: "Off", 1: "On"},
}


def crop_percent(value: Any) -> str:
    return f"{value}%"


FOTOSTATION = {name: crop_percent for name in ("CropLeft", "CropTop", "CropRight", "CropBottom")}
