"""Sanyo maker notes: "SANYO\\0" and an IFD in Olympus' old layout (offsets from the TIFF header)."""

from typing import Any

from .base import MakerNote
from .olympus import read_olympus_style
from .tags import Tag

ON_OFF = {0: "Off", 1: "On"}
_DETAIL = {0: "Normal", 1: "Fine", 2: "Super Fine"}
_SIZE = {0: "Very Small", 1: "Small", 2: "Medium Low", 3: "Medium", 4: "Medium High", 5: "Large",
         6: "Very Large", 7: "Super Large"}


def _quality(value: Any) -> str:
    # The high byte is the JPEG detail, the low byte the image size.
    number = int(value)
    detail, size = _DETAIL.get(number >> 8), _SIZE.get(number & 0xFF)
    if detail is None or size is None:
        return f"Unknown (0x{number:x})"
    return f"{detail}/{size}"


TABLE: dict[int, Tag] = {
    0x0100: Tag("SanyoThumbnail", form="binary"),
    0x0200: Tag("SpecialMode"),
    0x0201: Tag("SanyoQuality", _quality),
    0x0202: Tag("Macro", {0: "Normal", 1: "Macro", 2: "View", 3: "Manual"}),
    0x0204: Tag("DigitalZoom"),
    0x0207: Tag("SoftwareVersion", form="string"),
    0x0208: Tag("PictInfo", form="string"),
    0x0209: Tag("CameraID"),
    0x020e: Tag("SequentialShot", {0: "None", 1: "Standard", 2: "Best", 3: "Adjust Exposure"}),
    0x020f: Tag("WideRange", ON_OFF),
    0x0210: Tag("ColorAdjustmentMode", ON_OFF),
    0x0213: Tag("QuickShot", ON_OFF),
    0x0214: Tag("SelfTimer", ON_OFF),
    0x0216: Tag("VoiceMemo", ON_OFF),
    0x0217: Tag("RecordShutterRelease", {0: "Record while down", 1: "Press start, press stop"}),
    0x0218: Tag("FlickerReduce", ON_OFF),
    0x0219: Tag("OpticalZoomOn", ON_OFF),
    0x021b: Tag("DigitalZoomOn", ON_OFF),
    0x021d: Tag("LightSourceSpecial", ON_OFF),
    0x021e: Tag("Resaved", {0: "No", 1: "Yes"}),
    0x021f: Tag("SceneSelect", {0: "Off", 1: "Sport", 2: "TV", 3: "Night", 4: "User 1", 5: "User 2", 6: "Lamp"}),
    0x0223: Tag("ManualFocusDistance"),
    0x0224: Tag("SequenceShotInterval", {0: "5 frames/s", 1: "10 frames/s", 2: "15 frames/s", 3: "20 frames/s"}),
    0x0225: Tag("FlashMode", {0: "Auto", 1: "Force", 2: "Disabled", 3: "Red eye"}),
    0x0f00: Tag("DataDump", form="binary"),
}


def matches(note: MakerNote) -> bool:
    return note.data[:6] == b"SANYO\x00"


def read(note: MakerNote, warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    return read_olympus_style(note, warnings, TABLE)
