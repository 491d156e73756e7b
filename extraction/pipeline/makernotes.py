"""Reads the few maker-note fields a key field needs (ISO, lens, capture time) for makes `makers/` does not decode yet.

`metadata.read_groups` merges these under what `makers.DECODERS` decoded (which wins). Maker notes
are decoded by exifread here: its own maker-note decoder (the work of its `details=True` pass) for
Casio type 1, and its IFD reader (`ExifHeader.dump_ifd`) with ExifTool's offsets and a few tags for the
layouts its decoders misplace (Olympus "new style", Casio type 2, Kodak's IFD). Only Kodak's and
Reconyx's binary records, which are not IFDs at all, are unpacked here. ExifTool gives maker-note tags
a lower priority than EXIF, so a maker note only matters where the standard tag is missing: we skip it
otherwise, and skip makers whose note cannot hold the gap.
"""

import re
import struct
from collections.abc import Callable
from typing import Any

from exifread.core.ifd_tag import IfdTag
from exifread.tags.fields import FieldType

from .containers import Container
from .exif import ExifData
from .exif_names import exiftool_value

MakerNotes = dict[str, Any]
_NEEDED = ("ISO", "LensModel", "DateTimeOriginal")


def read_maker_notes(exif: ExifData, container: Container, warnings: list[str]) -> MakerNotes:
    """Return the MakerNotes fields that fill gaps in EXIF; {} when EXIF already has them all."""
    missing = {key for key in _NEEDED if key not in exif.exif}
    if not missing or exif.block is None:
        return {}
    notes: MakerNotes = {}
    try:
        if exif.maker_note is not None:
            reader = _pick_reader(exif, exif.block.slice(exif.maker_note[0], min(32, exif.maker_note[1])))
            if reader is not None and _PROVIDES[reader] & missing:
                reader(exif, notes)
        if exif.kodak_ifd is not None and "ISO" in missing:
            _kodak_ifd(exif, notes)
    except Exception as exc:  # exifread and struct raise many types on hostile maker notes: skip the note
        warnings.append(f"MakerNotes: {exc}")
    return notes


def _pick_reader(exif: ExifData, head: bytes) -> Callable[[ExifData, MakerNotes], None] | None:
    make = str(exif.exif.get("Make", "")).upper()
    if head.startswith((b"OLYMPUS\x00", b"OM SYSTEM\x00", b"OLYMP\x00", b"EPSON\x00")):
        return _olympus
    if head.startswith((b"QVC\x00", b"DCI\x00")):
        return _casio2
    if make.startswith("CASIO"):
        return _casio1
    if make.startswith("EASTMAN KODAK") and head.startswith(b"KDK"):
        return _kodak_main
    if make.startswith("EASTMAN KODAK") and head[:2] not in (b"MM", b"II") and len(head) > 12 and head[12] == 7:
        return _kodak_type3
    if head.startswith(b"\x01\xf1") and (head[2:4] in (b"\x02\x00", b"\x03\x00") or make == "RECONYX"):
        return _reconyx
    return None


def _merge(notes: MakerNotes, found: MakerNotes) -> None:
    for key, value in found.items():
        if key == "ISO" and isinstance(value, list):
            value = value[0] if value else None  # Nikon writes "0 200": ExifTool's number is the first
        if value not in (None, "", []):
            notes.setdefault(key, value)


# --- exifread's own maker-note decoders (second pass, details=True) --------------------------------


def _exifread_pass(exif: ExifData, wanted: dict[str, str], notes: MakerNotes, *, make: str | None = None) -> None:
    """Run exifread's maker-note decoder (its details=True work); keep the `wanted` tags under ExifTool's names.

    `process_file(details=True)` would parse the whole block again and read the maker note one byte at
    a time (most of its cost: ~60 files/s); we already know where the note is, so we hand exifread's
    decoder the same inputs that pass would (Make, Model, the note's head and offset) and call it directly.
    """
    block = exif.block
    assert block is not None and exif.maker_note is not None
    start, size = exif.maker_note
    header = block.header(detailed=True)
    for key, number in (("Make", 0x010F), ("Model", 0x0110)):
        text = make if key == "Make" and make else str(exif.exif.get(key, ""))
        header.tags[f"Image {key}"] = IfdTag(text, number, FieldType.ASCII, text, 0, len(text))
    head = list(block.slice(start, min(size, 64)))  # the decoders look at the first 14 bytes only
    header.tags["EXIF MakerNote"] = IfdTag("", 0x927C, FieldType.UNDEFINED, head, start, size)
    header.decode_maker_note()
    found = {}
    for name, exiftool_name in wanted.items():
        tag = header.tags.get(f"MakerNote {name}")
        if tag is not None and hasattr(tag, "field_type") and tag.field_type:
            found[exiftool_name] = exiftool_value(tag)
    _merge(notes, found)


def _casio1(exif: ExifData, notes: MakerNotes) -> None:
    _exifread_pass(exif, {"CCDSpeed": "ISO"}, notes, make="CASIO")


# --- exifread's IFD reader, at offsets exifread's decoders get wrong ----------------------------


def _ifd_tags(exif: ExifData, base: int, ifd: int, wanted: dict[int, str], *, endian: str | None = None) -> MakerNotes:
    """The `wanted` tags of the IFD at `ifd`, whose offsets count from `base` in the EXIF block."""
    block = exif.block
    assert block is not None
    header = block.header(detailed=True, base=base, endian=endian)
    header.dump_ifd(ifd, "MakerNote", tag_dict={tag: (name, None) for tag, name in wanted.items()})
    found: MakerNotes = {}
    for tag in header.tags.values():
        if tag.tag in wanted:
            found[wanted[tag.tag]] = exiftool_value(tag)
    return found


def _guess_endian(exif: ExifData, start: int) -> str:
    """Headerless maker notes use the EXIF byte order, except some that do not: check the entry count."""
    block = exif.block
    assert block is not None
    raw = block.slice(start, 2)
    count = struct.unpack("<H" if block.endian == "I" else ">H", raw)[0] if len(raw) == 2 else 0
    if 0 < count < 512:
        return block.endian
    return "M" if block.endian == "I" else "I"


def _olympus(exif: ExifData, notes: MakerNotes) -> None:
    # exifread reads Olympus notes as old-style only and does not follow the Equipment directory.
    start, _size = exif.maker_note  # type: ignore[misc]
    block = exif.block
    assert block is not None
    head = block.slice(start, 16)
    if head.startswith((b"OLYMPUS\x00", b"OM SYSTEM\x00")):
        header = 12 if head.startswith(b"OLYMPUS") else 16
        endian = "I" if head[header - 4 : header - 2] == b"II" else "M"
        base, ifd = start, header  # new style: offsets count from the maker note's start
    else:
        endian, base, ifd = block.endian, 0, start + 8
    main = block.header(detailed=True, base=base, endian=endian)
    main.dump_ifd(ifd, "MakerNote", tag_dict={0x2010: ("Equipment", None), 0x0207: ("CameraType", None)})
    camera = main.tags.get("MakerNote CameraType")
    if camera is not None:
        _merge(notes, {"CameraType": exiftool_value(camera)})
    equipment = main.tags.get("MakerNote Equipment")
    if equipment is None:
        return
    # An IFD, stored inline (undefined) or by offset.
    offset = equipment.field_offset if equipment.field_type == 7 else (equipment.values or [None])[0]
    if isinstance(offset, int):
        _merge(notes, _ifd_tags(exif, base, offset, {0x0203: "LensModel", 0x0101: "SerialNumber",
                                                     0x0202: "LensSerialNumber"}, endian=endian))


def _casio2(exif: ExifData, notes: MakerNotes) -> None:
    # exifread reads every Casio note as type 1; type 2 ("QVC") has a 6-byte header and other tags.
    start = exif.maker_note[0] + 6  # type: ignore[index]
    _merge(notes, _ifd_tags(exif, 0, start, {0x3014: "ISO", 0x2001: "SerialNumber"},
                            endian=_guess_endian(exif, start)))


_KODAK_TEXT = re.compile(r"^([A-Za-z ]+):\s*(.*?)\s*$", re.M)


def _kodak_ifd(exif: ExifData, notes: MakerNotes) -> None:
    block = exif.block
    assert block is not None
    header = block.header(detailed=True)
    header.dump_ifd(exif.kodak_ifd, "KodakIFD", tag_dict={0x03F1: ("TextualInfo", None)})  # type: ignore[arg-type]
    tag = header.tags.get("KodakIFD TextualInfo")
    if tag is None:
        return
    # "Camera body: ...\nISO:  100\n...": read the bytes themselves (exifread keeps no values past 1000).
    text = block.slice(tag.field_offset, tag.field_length).decode("latin-1")
    for key, value in _KODAK_TEXT.findall(text):
        if key.strip() == "ISO" and value.isdigit():
            _merge(notes, {"ISO": int(value)})


# --- binary records that are not IFDs: no library reads them ------------------------------------


def _kodak_main(exif: ExifData, notes: MakerNotes) -> None:
    start = exif.maker_note[0]  # type: ignore[index]
    data = exif.block.slice(start, 8 + 0x60 + 2)  # type: ignore[union-attr]
    order = ">" if data[:8] == b"KDK INFO" else "<"
    _merge(notes, {"ISO": struct.unpack_from(order + "H", data, 8 + 0x60)[0]})


def _kodak_type3(exif: ExifData, notes: MakerNotes) -> None:
    data = exif.block.slice(exif.maker_note[0], 0x50)  # type: ignore[union-attr, index]
    _merge(notes, {"ISO": struct.unpack_from(">H", data, 0x4E)[0]})


def _reconyx(exif: ExifData, notes: MakerNotes) -> None:
    data = exif.block.slice(exif.maker_note[0] + 0x0B * 2, 12)  # type: ignore[union-attr, index]
    parts = list(struct.unpack("<6H", data))
    if parts[0] & 0xFF00 and not parts[0] & 0xFF:  # some firmware writes these big-endian
        parts = [(p >> 8) | ((p & 0xFF) << 8) for p in parts]
    sec, minute, hour, month, day, year = parts
    _merge(notes, {"DateTimeOriginal": f"{year:04d}:{month:02d}:{day:02d} {hour:02d}:{minute:02d}:{sec:02d}"})


# Which key fields each reader can fill: a note is decoded only when it can fill a missing one.
_PROVIDES: dict[Callable[[ExifData, MakerNotes], None], set[str]] = {
    _olympus: {"LensModel"},
    _casio1: {"ISO"},
    _casio2: {"ISO"},
    _kodak_main: {"ISO"},
    _kodak_type3: {"ISO"},
    _reconyx: {"DateTimeOriginal"},
}
