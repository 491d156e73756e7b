"""GIF clean copy: the screen, colour tables, frames and looping kept; comments and other application data dropped."""

from .jpeg import NotCleanable

_LOOPING = (b"NETSCAPE2.0", b"ANIMEXTS1.0")
_ICC_APP = b"ICCRGBG1012"


def clean_gif(data: bytes, *, keep_orientation: bool, keep_icc: bool) -> bytes:
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        raise NotCleanable("the file does not start with a GIF header")
    packed = data[10]
    pos = 13 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0)
    out = bytearray(data[:pos])
    end = len(data)
    while pos < end:
        introducer = data[pos]
        if introducer == 0x3B:
            return bytes(out + b"\x3b")
        if introducer == 0x21 and pos + 2 <= end:
            label = data[pos + 1]
            block_end = _sub_blocks(data, pos + 2)
            app_id = data[pos + 3 : pos + 14] if label == 0xFF else b""
            if label in (0xF9, 0x01) or app_id in _LOOPING or (app_id == _ICC_APP and keep_icc):
                out += data[pos:block_end]
            pos = block_end
        elif introducer == 0x2C and pos + 10 <= end:
            local = data[pos + 9]
            start = pos + 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0)
            block_end = _sub_blocks(data, start + 1)  # after the LZW minimum code size
            out += data[pos:block_end]
            pos = block_end
        else:
            raise NotCleanable(f"unknown GIF block 0x{introducer:02x} at offset {pos}")
    return bytes(out + b"\x3b")  # a GIF cut short of its trailer: the copy still ends in one


def _sub_blocks(data: bytes, pos: int) -> int:
    """The offset just past the data sub-blocks starting at `pos` (size byte, data, ..., 0)."""
    end = len(data)
    while pos < end:
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos
    raise NotCleanable("a GIF block runs past the end of the file")
