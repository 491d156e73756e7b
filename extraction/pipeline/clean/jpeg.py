"""JPEG clean copy: keep the frame, tables, scans, JFIF, Adobe APP14 and the ICC profile; drop every other segment."""

import re
import struct

from .tiffmini import orientation_tiff, tiff_orientation

_ICC_ID = b"ICC_PROFILE\x00"
_SOS, _EOI = 0xDA, 0xD9
# Tables and frame headers the decoder needs: DQT, DHT, DAC, DRI, SOFn (not APPn, COM or JPG extensions).
_DECODING = {0xC4, 0xCC, 0xDB, 0xDD, 0xDE, 0xDF, *range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC),
             *range(0xCD, 0xD0)}


class NotCleanable(ValueError):
    """The bytes cannot be cleaned without guessing: the copy is refused."""


def clean_jpeg(data: bytes, *, keep_orientation: bool, keep_icc: bool) -> bytes:
    """The JPEG with only what decoding, the orientation and (optionally) the ICC profile need.

    The kept pieces are views of `data`, joined once at the end: the scan, nearly all of the file, is
    copied once instead of once per concatenation.
    """
    if data[:2] != b"\xff\xd8":
        raise NotCleanable("the file does not start with a JPEG SOI marker")
    view = memoryview(data)
    out: list[bytes | memoryview] = [b"\xff\xd8"]
    pos, end = 2, len(data)
    while True:
        marker, body_start, seg_end = _next_segment(data, pos, end)
        if marker == _SOS:
            _scans(data, view, body_start - 4, out)
            return b"".join(out)
        if marker in _DECODING:
            out += (b"\xff", bytes([marker]), view[body_start - 2 : seg_end])
        elif marker == 0xE0 and data.startswith(b"JFIF\x00", body_start, seg_end) and seg_end - body_start >= 14:
            out.append(_segment(0xE0, data[body_start : body_start + 12] + b"\x00\x00"))  # JFIF without its thumbnail
        elif marker == 0xE1 and data.startswith(b"Exif\x00", body_start, seg_end) and keep_orientation:
            orientation = tiff_orientation(data[body_start + 6 : seg_end])
            if orientation is not None:
                out.append(_segment(0xE1, b"Exif\x00\x00" + orientation_tiff(orientation)))
        elif marker == 0xE2 and data.startswith(_ICC_ID, body_start, seg_end) and keep_icc:
            out.append(_segment(0xE2, data[body_start:seg_end]))
        elif marker == 0xEE and data.startswith(b"Adobe", body_start, seg_end):
            out.append(_segment(0xEE, data[body_start:seg_end]))  # its colour transform decides how the scans decode
        pos = seg_end


def _next_segment(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(marker, where its body starts, where it ends) of the segment at `pos`, fill bytes skipped."""
    while pos < end and data[pos] != 0xFF:
        pos += 1  # junk between segments: decoders skip it, and so does the copy
    while pos < end and data[pos] == 0xFF:
        pos += 1
    if pos + 3 > end:
        raise NotCleanable("the JPEG ends before its image data")
    marker = data[pos]
    if marker == _EOI or 0xD0 <= marker <= 0xD7 or marker == 0x01:
        raise NotCleanable("the JPEG has no image data (no SOS before EOI)")
    (length,) = struct.unpack_from(">H", data, pos + 1)
    if length < 2 or pos + 1 + length > end:
        raise NotCleanable("a JPEG segment runs past the end of the file")
    return marker, pos + 3, pos + 1 + length


# A marker inside entropy-coded data: 0xFF then a byte that is not a stuffed 0x00, a restart marker or
# more fill (a fill byte's last 0xFF matches). Searching in C skips the thousands of stuffed bytes.
_MARKER = re.compile(rb"\xff([^\x00\xd0-\xd7\xff])")


def _scans(data: bytes, view: memoryview, start: int, out: list[bytes | memoryview]) -> None:
    """Append to `out` the first SOS to the EOI that ends the image; segments between scans kept but APPn and COM.

    Whatever follows that EOI (MPF secondary images, vendor trailers, appended previews) is dropped.
    """
    pos, end, copied = start + 2, len(data), start
    while True:
        hit = _MARKER.search(data, pos)
        if hit is None:
            out += (view[copied:end], b"\xff\xd9")  # a truncated scan: the copy still ends cleanly
            return
        marker, at = hit.group(1)[0], hit.end() - 2
        if marker == _EOI:
            out.append(view[copied : hit.end()])
            return
        if hit.end() + 2 > end:
            pos = end
            continue
        (length,) = struct.unpack_from(">H", data, hit.end())
        seg_end = hit.end() + length
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            out.append(view[copied:at])  # metadata between scans is dropped too
            copied = seg_end
        pos = seg_end


def _segment(marker: int, body: bytes) -> bytes:
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(body) + 2) + body
