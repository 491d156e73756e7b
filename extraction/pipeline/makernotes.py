"""Reads the few maker-note fields a key field needs (ISO, lens, capture time), only when EXIF lacks them.

Full maker-note decoding is slow and vendor-specific; ExifTool gives maker-note tags a lower
priority than EXIF, so a maker note only matters where the standard tag is missing.
"""

import re
import struct
from collections.abc import Callable
from typing import Any

from .containers import Container
from .exif import ExifData
from .tiff import Tiff, TiffError

MakerNotes = dict[str, Any]
_NEEDED = ("ISO", "LensModel", "DateTimeOriginal")


def read_maker_notes(exif: ExifData, container: Container, warnings: list[str]) -> MakerNotes:
    """Return the MakerNotes fields that fill gaps in EXIF; {} when EXIF already has them all."""
    if all(key in exif.exif for key in _NEEDED) or exif.tiff is None:
        return {}
    notes: MakerNotes = {}
    try:
        if exif.maker_note is not None:
            reader = _pick_reader(exif, exif.tiff.raw(exif.maker_note)[:32])
            if reader is not None:
                reader(exif, notes)
        if exif.kodak_ifd is not None:
            _kodak_ifd(exif, notes)
    except (TiffError, struct.error, ValueError, IndexError, OverflowError) as exc:
        warnings.append(f"MakerNotes: {exc}")
    return notes


def _pick_reader(exif: ExifData, head: bytes) -> Callable[[ExifData, MakerNotes], None] | None:
    make = str(exif.exif.get("Make", "")).upper()
    if head.startswith(b"Nikon\x00\x02"):
        return _nikon_tiff
    if make.startswith("NIKON") and not head.startswith(b"Nikon"):
        return _nikon_plain
    if make.startswith("CANON"):
        return _canon
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


def _ifd_tags(tiff: Tiff, offset: int, wanted: dict[int, str]) -> MakerNotes:
    entries, _ = tiff.entries(offset)
    found: MakerNotes = {}
    for entry in entries:
        if entry.tag in wanted:
            value = tiff.value(entry)
            if isinstance(value, str):
                value = value.strip()
            if value not in ("", None, b""):
                found[wanted[entry.tag]] = value
    return found


def _guess_order(exif: ExifData, start: int) -> str:
    """Headerless maker notes use the EXIF byte order, except some that do not: check the entry count."""
    tiff = exif.tiff
    count = struct.unpack_from(tiff.order + "H", tiff.data, start)[0]
    if 0 < count < 512:
        return tiff.order
    return "<" if tiff.order == ">" else ">"


def _absolute(exif: ExifData) -> int:
    return exif.maker_note.offset  # type: ignore[union-attr]


def _merge(notes: MakerNotes, found: MakerNotes) -> None:
    for key, value in found.items():
        if key == "ISO" and isinstance(value, list):
            value = value[0] if value else None  # Nikon writes "0 200": ExifTool's number is the first
        if value is not None:
            notes.setdefault(key, value)


_NIKON = {0x0002: "ISO", 0x001D: "SerialNumber", 0x0084: "Lens"}


def _nikon_tiff(exif: ExifData, notes: MakerNotes) -> None:
    inner = Tiff(exif.tiff.data, _absolute(exif) + 10)  # type: ignore[union-attr]
    _merge(notes, _ifd_tags(inner, inner.first_ifd(), _NIKON))


def _nikon_plain(exif: ExifData, notes: MakerNotes) -> None:
    start = _absolute(exif)
    tiff = Tiff(exif.tiff.data, exif.tiff.base, byte_order=_guess_order(exif, start))  # type: ignore[union-attr]
    _merge(notes, _ifd_tags(tiff, start - tiff.base, _NIKON))


def _canon(exif: ExifData, notes: MakerNotes) -> None:
    start = _absolute(exif)
    base = exif.tiff.base  # type: ignore[union-attr]
    raw = exif.tiff.raw(exif.maker_note)  # type: ignore[union-attr, arg-type]
    footer = raw[-8:]
    if footer[:4] in (b"II*\x00", b"MM\x00*"):
        # Editors move the maker note; its footer keeps the original offset, so shift the base as ExifTool does.
        original = struct.unpack_from("<I" if footer[:2] == b"II" else ">I", footer, 4)[0]
        base += (start - base) - original
    tiff = Tiff(exif.tiff.data, base, byte_order=_guess_order(exif, start))  # type: ignore[union-attr]
    _merge(notes, _ifd_tags(tiff, start - tiff.base, {0x0095: "LensModel", 0x000C: "SerialNumber",
                                                      0x0009: "OwnerName"}))


def _olympus(exif: ExifData, notes: MakerNotes) -> None:
    data, start = exif.tiff.data, _absolute(exif)  # type: ignore[union-attr]
    if data[start : start + 8] in (b"OLYMPUS\x00",) or data[start : start + 10] == b"OM SYSTEM\x00":
        header = 12 if data[start] == ord("O") and data[start + 1] == ord("L") else 16
        order = "<" if data[start + header - 4 : start + header - 2] == b"II" else ">"
        tiff = Tiff(data, start, byte_order=order)  # new style: offsets from the maker note's start
        ifd = header
    else:
        tiff = Tiff(data, exif.tiff.base, byte_order=exif.tiff.order)  # type: ignore[union-attr]
        ifd = start + 8 - tiff.base
    entries, _ = tiff.entries(ifd)
    for entry in entries:
        if entry.tag == 0x2010:  # Equipment: an IFD, stored inline (undef) or by offset
            offset = entry.offset - tiff.base if entry.type == 7 else tiff.value(entry)
            if isinstance(offset, int):
                _merge(notes, _ifd_tags(tiff, offset, {0x0203: "LensModel", 0x0101: "SerialNumber",
                                                       0x0202: "LensSerialNumber"}))
        elif entry.tag == 0x0207:
            _merge(notes, {"CameraType": tiff.value(entry)})


def _casio1(exif: ExifData, notes: MakerNotes) -> None:
    start = _absolute(exif)
    tiff = Tiff(exif.tiff.data, exif.tiff.base, byte_order=_guess_order(exif, start))  # type: ignore[union-attr]
    _merge(notes, _ifd_tags(tiff, start - tiff.base, {0x0014: "ISO"}))


def _casio2(exif: ExifData, notes: MakerNotes) -> None:
    start = _absolute(exif) + 6
    tiff = Tiff(exif.tiff.data, exif.tiff.base, byte_order=_guess_order(exif, start))  # type: ignore[union-attr]
    _merge(notes, _ifd_tags(tiff, start - tiff.base, {0x3014: "ISO", 0x2001: "SerialNumber"}))


def _kodak_main(exif: ExifData, notes: MakerNotes) -> None:
    data, start = exif.tiff.data, _absolute(exif)  # type: ignore[union-attr]
    order = ">" if data[start : start + 8] == b"KDK INFO" else "<"
    _merge(notes, {"ISO": struct.unpack_from(order + "H", data, start + 8 + 0x60)[0]})


def _kodak_type3(exif: ExifData, notes: MakerNotes) -> None:
    data, start = exif.tiff.data, _absolute(exif)  # type: ignore[union-attr]
    _merge(notes, {"ISO": struct.unpack_from(">H", data, start + 0x4E)[0]})


_KODAK_TEXT = re.compile(r"^([A-Za-z ]+):\s*(.*?)\s*$", re.M)


def _kodak_ifd(exif: ExifData, notes: MakerNotes) -> None:
    tiff = exif.tiff
    offset = tiff.value(exif.kodak_ifd)  # type: ignore[union-attr, arg-type]
    if not isinstance(offset, int):
        return
    entries, _ = tiff.entries(offset)  # type: ignore[union-attr]
    for entry in entries:
        if entry.tag == 0x03F1:  # TextualInfo: "Camera body: ...\nISO:  100\n..."
            text = tiff.raw(entry).decode("latin-1")  # type: ignore[union-attr]
            for key, value in _KODAK_TEXT.findall(text):
                if key.strip() == "ISO" and value.isdigit():
                    _merge(notes, {"ISO": int(value)})


def _reconyx(exif: ExifData, notes: MakerNotes) -> None:
    data, start = exif.tiff.data, _absolute(exif)  # type: ignore[union-attr]
    parts = list(struct.unpack_from("<6H", data, start + 0x0B * 2))
    if parts[0] & 0xFF00 and not parts[0] & 0xFF:  # some firmware writes these big-endian
        parts = [(p >> 8) | ((p & 0xFF) << 8) for p in parts]
    sec, minute, hour, month, day, year = parts
    _merge(notes, {"DateTimeOriginal": f"{year:04d}:{month:02d}:{day:02d} {hour:02d}:{minute:02d}:{sec:02d}"})
