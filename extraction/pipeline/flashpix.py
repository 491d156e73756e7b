"""Reads FlashPix-ready APP2 segments ("FPXR", Kodak and Minolta cameras) into ExifTool's FlashPix tags.

The segments carry a small structured storage: a contents list naming each stream, then the streams' bytes in
pieces. Streams are OLE property sets (FlashPix Format Specification 1.0.1, section 3 and its Extension List);
the "Screen Nail" stream holds a JPEG preview. A pure function of the segments' bodies, bounded on hostile bytes.
"""

import struct
import time
from typing import Any

from .exif_names import binary_note

FPXR_ID = b"FPXR\x00"
_CONTENTS, _STREAM = 1, 2
_MAX_ENTRIES = 256
_MAX_STREAM = 1 << 24
_MAX_PROPERTIES = 512
_FILETIME_EPOCH = 116_444_736_000_000_000  # 1601-01-01 to 1970-01-01 in 100 ns units

# Extension List property set: per extension n, property id (n << 16) | field.
_EXTENSION_FIELDS = {
    0x0001: "ExtensionName", 0x0002: "ExtensionClassID", 0x0003: "ExtensionPersistence",
    0x0004: "ExtensionCreateDate", 0x0005: "ExtensionModifyDate", 0x0006: "CreatingApplication",
    0x0007: "ExtensionDescription", 0x1000: "Storage-StreamPathname",
}
_VT_I2, _VT_I4, _VT_UI2, _VT_UI4, _VT_LPSTR, _VT_LPWSTR = 2, 3, 18, 19, 30, 31
_VT_FILETIME, _VT_BLOB, _VT_CLSID, _VT_VECTOR = 64, 65, 72, 0x1000


class FlashPixReader:
    """Collects the FPXR segments of one file, in order, then reads the streams they rebuild."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.sizes: list[int] = []
        self.streams: dict[int, bytearray] = {}

    def add(self, body: bytes, warnings: list[str]) -> None:
        if len(body) < 7:
            return
        kind = body[6]
        if kind == _CONTENTS and not self.names:
            self._contents(body[7:], warnings)
        elif kind == _STREAM and len(body) >= 13:
            index, offset = struct.unpack_from(">HI", body, 7)
            self._piece(index, offset, body[13:], warnings)

    def _contents(self, data: bytes, warnings: list[str]) -> None:
        if len(data) < 2:
            return
        (count,) = struct.unpack_from(">H", data)
        pos = 2
        for _ in range(min(count, _MAX_ENTRIES)):
            if pos + 5 > len(data):
                warnings.append("FlashPix: the contents list is cut short.")
                return
            size = struct.unpack_from(">I", data, pos)[0]
            pos += 5  # the size, then a default byte value
            end = pos
            while end + 1 < len(data) and data[end : end + 2] != b"\x00\x00":
                end += 2
            self.names.append(data[pos:end].decode("utf-16-le", "replace"))
            self.sizes.append(size)
            pos = end + 2
            if size == 0xFFFFFFFF:  # a storage, not a stream: its class id follows
                pos += 16

    def _piece(self, index: int, offset: int, data: bytes, warnings: list[str]) -> None:
        if index >= len(self.sizes):
            warnings.append("FlashPix: stream data for a stream the contents list does not name.")
            return
        limit = min(self.sizes[index], _MAX_STREAM)
        if offset >= limit:
            return
        stream = self.streams.setdefault(index, bytearray())
        if offset > len(stream):  # writers send each stream's pieces in order; a gap is never padded out
            warnings.append("FlashPix: a stream's pieces leave a gap; the rest of that stream is ignored.")
            return
        piece = data[: limit - offset]
        stream[offset : offset + len(piece)] = piece

    def tags(self, warnings: list[str]) -> dict[str, Any]:
        tags: dict[str, Any] = {}
        for index, stream in sorted(self.streams.items()):
            name = self.names[index].rsplit("/", 1)[-1].lstrip("\x05")
            data = bytes(stream)
            if name == "Extension List":
                tags.update(_extension_list(data, warnings))
            elif name.startswith("Screen Nail") and len(data) > 28:
                tags["ScreenNail"] = binary_note(len(data) - 28)  # after the property set's 28-byte header
                start = data.find(b"\xff\xd8\xff", 28)
                if start >= 0:
                    tags["PreviewImage"] = binary_note(len(data) - start)
        return tags


def _extension_list(data: bytes, warnings: list[str]) -> dict[str, Any]:
    tags: dict[str, Any] = {}
    for prop_id, value in _property_set(data, warnings):
        if prop_id == 0x0001:
            tags["CodePage"] = value
        elif prop_id == 0x10000000:
            tags["UsedExtensionNumbers"] = value
        else:
            name = _EXTENSION_FIELDS.get(prop_id & 0xFFFF)
            if name and prop_id >> 16:
                tags[name] = value
    return tags


def _property_set(data: bytes, warnings: list[str]) -> list[tuple[int, Any]]:
    """(id, value) of the first section of an OLE property set (little-endian, as FlashPix writes them)."""
    if len(data) < 48 or data[:2] != b"\xfe\xff":
        return []
    section = struct.unpack_from("<I", data, 44)[0]
    if section + 8 > len(data):
        warnings.append("FlashPix: a property set's section lies outside its stream.")
        return []
    count = struct.unpack_from("<I", data, section + 4)[0]
    found = []
    for index in range(min(count, _MAX_PROPERTIES)):
        entry = section + 8 + 8 * index
        if entry + 8 > len(data):
            break
        prop_id, offset = struct.unpack_from("<II", data, entry)
        try:
            value = _value(data, section + offset)
        except (struct.error, ValueError, IndexError):
            warnings.append(f"FlashPix: property 0x{prop_id:x} is malformed.")
            continue
        if value is not None:
            found.append((prop_id, value))
    return found


def _value(data: bytes, pos: int) -> Any:
    (kind,) = struct.unpack_from("<I", data, pos)
    pos += 4
    if kind & _VT_VECTOR:
        (count,) = struct.unpack_from("<I", data, pos)
        values = []
        pos += 4
        for _ in range(min(count, 256)):
            value, pos = _scalar(data, pos, kind & 0xFFF)
            values.append(value)
        return values[0] if len(values) == 1 else values
    return _scalar(data, pos, kind)[0]


def _scalar(data: bytes, pos: int, kind: int) -> tuple[Any, int]:
    if kind in (_VT_I2, _VT_UI2):
        # a VT_I2 property fills 4 bytes; a VT_UI2 vector element fills 2
        return struct.unpack_from("<h" if kind == _VT_I2 else "<H", data, pos)[0], pos + (4 if kind == _VT_I2 else 2)
    if kind in (_VT_I4, _VT_UI4):
        return struct.unpack_from("<i" if kind == _VT_I4 else "<I", data, pos)[0], pos + 4
    if kind in (_VT_LPSTR, _VT_LPWSTR):
        (count,) = struct.unpack_from("<I", data, pos)
        width = 2 if kind == _VT_LPWSTR else 1
        raw = data[pos + 4 : pos + 4 + count * width]
        if len(raw) < count * width:
            raise ValueError("string past the stream")
        text = raw.decode("utf-16-le" if width == 2 else "latin-1", "replace").split("\x00", 1)[0]
        size = 4 + count * width
        return text, pos + size + (-size % 4)
    if kind == _VT_FILETIME:
        (ticks,) = struct.unpack_from("<Q", data, pos)
        return _filetime(ticks), pos + 8
    if kind == _VT_CLSID:
        raw = data[pos : pos + 16]
        if len(raw) < 16:
            raise ValueError("class id past the stream")
        return _guid(raw), pos + 16
    if kind == _VT_BLOB:
        (size,) = struct.unpack_from("<I", data, pos)
        return binary_note(size), pos + 4 + size + (-size % 4)
    raise ValueError(f"property type {kind}")


def _filetime(ticks: int) -> str:
    seconds = (ticks - _FILETIME_EPOCH) // 10_000_000
    if not 0 <= seconds < 2**33:
        return "0000:00:00 00:00:00"
    return time.strftime("%Y:%m:%d %H:%M:%S", time.gmtime(seconds))


def _guid(raw: bytes) -> str:
    first, second, third = struct.unpack_from("<IHH", raw)
    return f"{first:08X}-{second:04X}-{third:04X}-{raw[8:10].hex().upper()}-{raw[10:16].hex().upper()}"
