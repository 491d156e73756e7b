"""Walks PNG chunks (never the pixel data): the header, EXIF, text, ICC profile and the other ancillary chunks."""

import binascii
import re
import struct
import zlib

from .base import Container, ContainerError, strip_exif_header

# Text and profiles are small; a chunk inflating past this is a zip bomb, not metadata.
MAX_INFLATED = 8 * 1024 * 1024
_XMP_KEY = "XML:com.adobe.xmp"
_CHROMATICITIES = ("WhitePointX", "WhitePointY", "RedX", "RedY", "GreenX", "GreenY", "BlueX", "BlueY")


def read_png(data: bytes) -> Container:
    container = Container()
    pos, end = 8, len(data)
    first = True
    color = 0
    while pos + 8 <= end:
        length, kind = struct.unpack_from(">I4s", data, pos)
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if first:
            if kind != b"IHDR" or len(body) < 13:
                raise ContainerError("The PNG does not start with an image header (IHDR).")
            first = False
            width, height, depth, color, compression, filt, interlace = struct.unpack_from(">IIBBBBB", body)
            container.width, container.height = width, height
            for name, value in (("ImageWidth", width), ("ImageHeight", height), ("BitDepth", depth), ("ColorType", color), ("Compression", compression),
                                ("Filter", filt), ("Interlace", interlace)):
                container.put("PNG", name, value)
            continue
        if len(body) < length:
            container.warnings.append(f"PNG: truncated {kind.decode('latin-1')} chunk")
            break
        if kind == b"eXIf":
            container.exif = strip_exif_header(body)
            container.exif_offset = pos - 4 - length + (len(body) - len(container.exif))
        elif kind in (b"tEXt", b"zTXt", b"iTXt"):
            _text(container, kind, body)
        elif kind == b"iCCP":
            name, _, rest = body.partition(b"\x00")
            container.put("PNG", "ProfileName", name.decode("latin-1"))
            container.icc = _inflate(rest[1:], container) if rest else None
        elif kind == b"tIME" and len(body) >= 7:
            y, mo, d, h, mi, s = struct.unpack_from(">HBBBBB", body)
            container.put("PNG", "ModifyDate", f"{y:04d}:{mo:02d}:{d:02d} {h:02d}:{mi:02d}:{s:02d}")
        elif kind == b"pHYs" and len(body) >= 9:
            x, y, unit = struct.unpack_from(">IIB", body)
            container.put("PNG", "PixelsPerUnitX", x)
            container.put("PNG", "PixelsPerUnitY", y)
            container.put("PNG", "PixelUnits", unit)
        elif kind == b"gAMA" and len(body) >= 4:
            stored = struct.unpack(">I", body[:4])[0]  # 100000 / gamma
            container.put("PNG", "Gamma", round(100000 / stored, 4) if stored else None)
        elif kind == b"cHRM" and len(body) >= 32:
            for name, value in zip(_CHROMATICITIES, struct.unpack_from(">8I", body)):
                container.put("PNG", name, value / 100000)
        elif kind == b"bKGD":
            container.put("PNG", "BackgroundColor", _samples(body, color))
        elif kind == b"sBIT" and body:
            container.put("PNG", "SignificantBits", " ".join(str(b) for b in body))
        elif kind == b"acTL" and len(body) >= 8:  # APNG animation control
            frames, plays = struct.unpack_from(">II", body)
            container.put("PNG", "AnimationFrames", frames)
            container.put("PNG", "AnimationPlays", plays)
        elif kind == b"PLTE":
            container.put("PNG", "Palette", body)
        elif kind == b"tRNS":
            container.put("PNG", "Transparency", body if color == 3 else _samples(body, color))
        elif kind == b"sRGB" and body:
            container.put("PNG", "SRGBRendering", body[0])
        elif kind == b"IEND":
            break
    if first:
        raise ContainerError("The PNG has no image header (IHDR).")
    return container


def _text(container: Container, kind: bytes, body: bytes) -> None:
    keyword, _, rest = body.partition(b"\x00")
    key = keyword.decode("latin-1")
    language = ""
    if kind == b"tEXt":
        raw: bytes | None = rest
        text = rest.decode("latin-1")
    elif kind == b"zTXt":
        raw = _inflate(rest[1:], container)
        text = raw.decode("latin-1") if raw is not None else None
    else:  # iTXt: compression flag, method, language\0, translated keyword\0, text
        if len(rest) < 2:
            return
        compressed = rest[0] == 1
        lang, _, rest2 = rest[2:].partition(b"\x00")
        language = lang.decode("latin-1").strip()
        _translated, _, payload = rest2.partition(b"\x00")
        raw = _inflate(payload, container) if compressed else payload
        text = raw.decode("utf-8", "replace") if raw is not None else None
    if text is None or raw is None:
        return
    if key == _XMP_KEY:
        container.xmp.append(raw)
    elif key.lower() in ("raw profile type exif", "raw profile type app1"):
        exif = _raw_profile(text)
        if exif and container.exif is None:
            container.exif = strip_exif_header(exif)
    elif key.lower() == "raw profile type iptc":
        container.iptc = container.iptc or _raw_profile(text)
    elif key.lower() == "raw profile type xmp":
        profile = _raw_profile(text)
        if profile:
            container.xmp.append(profile)
    else:
        # An iTXt in a language is named with it, as ExifTool names it: "Description-fr".
        suffix = f"-{language}" if language and language.lower() != "x-default" else ""
        container.put("PNG", _tag_name(key) + suffix, text.strip("\x00").strip())


def _tag_name(keyword: str) -> str:
    """ExifTool names PNG text tags after the keyword: words joined capitalised, other characters dropped
    ("Creation Time" -> CreationTime, "date:create" -> Datecreate, "xmp:CreateDate" -> XmpCreateDate)."""
    words = "".join(w[:1].upper() + w[1:] for w in keyword.split())
    name = re.sub(r"[^A-Za-z0-9_-]", "", words)
    return name[:1].upper() + name[1:] or "Text"


def _samples(body: bytes, color: int) -> int | str | None:
    """bKGD and tRNS samples: a palette index (one byte), one grey level, or red green blue (16 bits each)."""
    if color == 3:
        return body[0] if body else None
    if color in (0, 4) and len(body) >= 2:
        return struct.unpack_from(">H", body)[0]
    if color in (2, 6) and len(body) >= 6:
        return " ".join(str(v) for v in struct.unpack_from(">3H", body))
    return None


def _raw_profile(text: str) -> bytes | None:
    """ImageMagick's 'Raw profile type ...': a name line, a length line, then hex digits."""
    lines = text.strip().split("\n", 2)
    if len(lines) < 3:
        return None
    try:
        return binascii.unhexlify("".join(lines[2].split()))
    except (binascii.Error, ValueError):
        return None


def _inflate(payload: bytes, container: Container) -> bytes | None:
    try:
        inflater = zlib.decompressobj()
        out = inflater.decompress(payload, MAX_INFLATED)
    except zlib.error as exc:
        container.warnings.append(f"PNG: {exc}")
        return None
    if inflater.unconsumed_tail:
        container.warnings.append("PNG: compressed text too large; skipped")
        return None
    return out
