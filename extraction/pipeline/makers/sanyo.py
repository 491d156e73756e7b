"""Sanyo maker notes: "SANYO\\0" and an IFD in Olympus' old layout (offsets from the TIFF header)."""

from typing import Any

from .base import Entry, MakerNote, decode, read_ifd
from .olympus import read_olympus_style
from .tags import Tag, decode_entries, directory_end

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
    values, printed = read_olympus_style(note, warnings, TABLE)
    patched = _patched_entries(note)
    if patched:
        decode_entries(patched, TABLE, "<" if note.byte_order == "II" else ">", values, printed)
    return values, printed


def _patched_entries(note: MakerNote) -> dict[int, Entry]:
    """Some Sanyo firmware (S1, J-series) writes wrong offsets for the values it packs right after the
    directory; when one points into the directory itself, lay those values out again in entry order."""
    start = note.offset + 8
    entries = read_ifd(note.tiff, start, note.byte_order)
    end = directory_end(note.tiff, start, note.byte_order)
    if not any(len(e.raw) > 4 and start <= e.value_offset < end for e in entries.values()):
        return {}
    endian = "<" if note.byte_order == "II" else ">"
    note_end = note.offset + note.length
    cursor, patched = end + 4, {}
    for tag, entry in entries.items():  # directory order
        if len(entry.raw) <= 4 or entry.value_offset >= note_end:
            continue  # in place, or outside the note (the thumbnail): not part of the packed block
        size = len(entry.raw)
        if cursor + size > note_end:
            break
        raw = bytes(note.tiff[cursor : cursor + size])
        patched[tag] = Entry(tag, entry.type, entry.count, decode(raw, entry.type, entry.count, endian), cursor, raw)
        cursor += size + (size & 1)
    return patched
