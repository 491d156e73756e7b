"""Reads an ICC profile's header and description into ExifTool's ICC_Profile tag names."""

import struct
from typing import Any


def parse_icc(data: bytes) -> dict[str, Any]:
    if len(data) < 128:
        return {}
    tags: dict[str, Any] = {
        "ProfileCMMType": _sig(data[4:8]),
        "ProfileVersion": struct.unpack_from(">H", data, 8)[0],  # ExifTool -n: 0x0210 is 528 (2.1.0)
        "ProfileClass": _sig(data[12:16]),
        "ColorSpaceData": _sig(data[16:20]),
        "ProfileConnectionSpace": _sig(data[20:24]),
        "PrimaryPlatform": _sig(data[40:44]),
        "DeviceManufacturer": _sig(data[48:52]),
        "DeviceModel": _sig(data[52:56]),
        "RenderingIntent": struct.unpack_from(">I", data, 64)[0],
        "ProfileCreator": _sig(data[80:84]),
        "ProfileFileSignature": _sig(data[36:40]),
        "CMMFlags": struct.unpack_from(">I", data, 44)[0],
        "DeviceAttributes": list(struct.unpack_from(">II", data, 56)),
        "ConnectionSpaceIlluminant": [round(v / 65536, 4) for v in struct.unpack_from(">iii", data, 68)],
        "ProfileID": data[84:100].hex() if any(data[84:100]) else "0",
    }
    y, mo, d, h, mi, s = struct.unpack_from(">6H", data, 24)
    if y:
        tags["ProfileDateTime"] = f"{y:04d}:{mo:02d}:{d:02d} {h:02d}:{mi:02d}:{s:02d}"
    count = struct.unpack_from(">I", data, 128)[0] if len(data) >= 132 else 0
    for i in range(min(count, 100)):
        pos = 132 + 12 * i
        if pos + 12 > len(data):
            break
        sig, offset, size = struct.unpack_from(">4sII", data, pos)
        name = {b"desc": "ProfileDescription", b"cprt": "ProfileCopyright"}.get(sig)
        if name and offset + size <= len(data):
            text = _text_tag(data[offset : offset + size])
            if text:
                tags[name] = text
    return {k: v for k, v in tags.items() if v not in ("", None)}


def _sig(raw: bytes) -> str:
    return raw.replace(b"\x00", b"").decode("latin-1").strip()


def _text_tag(raw: bytes) -> str:
    kind = raw[:4]
    if kind == b"desc" and len(raw) >= 12:
        n = struct.unpack_from(">I", raw, 8)[0]
        return raw[12 : 12 + n].split(b"\x00", 1)[0].decode("latin-1").strip()
    if kind == b"text":
        return raw[8:].split(b"\x00", 1)[0].decode("latin-1").strip()
    if kind == b"mluc" and len(raw) >= 28:
        count = struct.unpack_from(">I", raw, 8)[0]
        if count:
            length, offset = struct.unpack_from(">II", raw, 20)
            return raw[offset : offset + length].decode("utf-16-be", "replace").strip("\x00").strip()
    return ""
