"""Walks ISO base media boxes (HEIC, HEIF, AVIF): the primary item's size, and its Exif and XMP items."""

import struct
from dataclasses import dataclass, field

from .base import Container, ContainerError
from .heif_properties import decode_property

_CONTAINERS = {b"iprp", b"ipco", b"dinf"}
_MAX_BOXES = 10_000
# Metadata items (Exif, XMP, a grid's header) are small: more than this is not metadata, and a file
# naming many of them must not make us copy the file many times over.
_MAX_ITEM = 16 * 1024 * 1024
_MAX_XMP_ITEMS = 8


@dataclass
class _Item:
    item_type: bytes = b""
    content_type: str = ""
    method: int = 0
    extents: list[tuple[int, int]] = field(default_factory=list)
    properties: list[int] = field(default_factory=list)


@dataclass
class _Meta:
    primary: int | None = None
    items: dict[int, _Item] = field(default_factory=dict)
    properties: list[tuple[bytes, bytes]] = field(default_factory=list)
    idat: bytes = b""


def read_isobmff(data: bytes) -> Container:
    container = Container()
    meta = _Meta()
    for kind, body, offset in _boxes_at(data, 0, len(data), container):
        if kind == b"ftyp" and len(body) >= 8:
            container.put("QuickTime", "MajorBrand", body[:4].decode("latin-1"))
            minor = struct.unpack_from(">I", body, 4)[0]
            container.put("QuickTime", "MinorVersion", f"{minor >> 16:x}.{minor >> 8 & 0xFF:x}.{minor & 0xFF:x}")
            brands = [body[i : i + 4].decode("latin-1") for i in range(8, len(body) - 3, 4)]
            container.put("QuickTime", "CompatibleBrands", brands)
        elif kind == b"meta" and len(body) >= 4:
            _read_meta(data, body[4:], meta, container)
        elif kind == b"mdat":  # the last media data box is the one ExifTool reports
            container.put("QuickTime", "MediaDataSize", len(body))
            container.put("QuickTime", "MediaDataOffset", offset)
    item = meta.items.get(meta.primary) if meta.primary is not None else None
    size = _item_size(item, meta, container) if item else None
    if size is None:
        # No usable item association: ExifTool then reads every spatial extent and the last one wins.
        for prop_kind, prop in meta.properties:
            if prop_kind == b"ispe" and len(prop) >= 12:
                size = struct.unpack_from(">II", prop, 4)
    if size is None:
        raise ContainerError("The HEIF/AVIF file declares no image size (no 'ispe' property).")
    container.width, container.height = size
    container.put("QuickTime", "PrimaryItemReference", meta.primary)
    _read_properties(item, meta, container)
    if item is not None and item.item_type == b"grid":
        _read_grid(_item_data(data, item, meta), container)
    for item in meta.items.values():
        if item.item_type == b"Exif" and container.exif is None:
            payload = _item_data(data, item, meta)
            if len(payload) >= 4:
                skip = struct.unpack_from(">I", payload)[0]
                container.exif = payload[4 + skip :] if 4 + skip < len(payload) else None
                if item.method == 0 and item.extents:
                    container.exif_offset = item.extents[0][0] + 4 + skip
        elif item.item_type == b"mime" and ("xmp" in item.content_type or "rdf+xml" in item.content_type):
            if len(container.xmp) < _MAX_XMP_ITEMS:
                container.xmp.append(_item_data(data, item, meta))
    return container


def _boxes(data: bytes, start: int, end: int, container: Container):
    for kind, body, _ in _boxes_at(data, start, end, container):
        yield kind, body


def _boxes_at(data: bytes, start: int, end: int, container: Container):
    """Each box as (type, body, where the body starts in `data`)."""
    pos = start
    for _ in range(_MAX_BOXES):
        if pos + 8 > end:
            return
        size, kind = struct.unpack_from(">I4s", data, pos)
        head = 8
        if size == 1 and pos + 16 <= end:
            size = struct.unpack_from(">Q", data, pos + 8)[0]
            head = 16
        elif size == 0:
            size = end - pos
        if size < head or pos + size > end:
            container.warnings.append(f"Invalid atom size for '{kind.decode('latin-1')}'")
            size = max(end - pos, head)  # read what is there, as ExifTool does, then stop
            yield kind, data[pos + head : end], pos + head
            return
        yield kind, data[pos + head : pos + size], pos + head
        pos += size


def _read_meta(data: bytes, body: bytes, meta: _Meta, container: Container) -> None:
    for kind, box in _boxes(body, 0, len(body), container):
        try:
            if kind == b"pitm":
                meta.primary = struct.unpack_from(">H" if box[0] == 0 else ">I", box, 4)[0]
            elif kind == b"iinf":
                _read_iinf(box, meta, container)
            elif kind == b"iloc":
                _read_iloc(box, meta)
            elif kind == b"iprp":
                _read_iprp(box, meta, container)
            elif kind == b"idat":
                meta.idat = box
            elif kind == b"hdlr" and len(box) >= 12:
                container.put("QuickTime", "HandlerType", box[8:12].decode("latin-1"))
        except (struct.error, IndexError):
            container.warnings.append(f"Truncated '{kind.decode('latin-1')}' box")


def _read_iinf(box: bytes, meta: _Meta, container: Container) -> None:
    start = 6 if box[0] == 0 else 8
    for kind, infe in _boxes(box, start, len(box), container):
        if kind != b"infe" or len(infe) < 4 or infe[0] < 2:
            continue
        if infe[0] == 2:
            item_id, pos = struct.unpack_from(">H", infe, 4)[0], 6
        else:
            item_id, pos = struct.unpack_from(">I", infe, 4)[0], 8
        item_type = infe[pos + 2 : pos + 6]
        item = meta.items.setdefault(item_id, _Item())
        item.item_type = item_type
        if item_type == b"mime":
            _name, _, rest = infe[pos + 6 :].partition(b"\x00")
            item.content_type = rest.split(b"\x00", 1)[0].decode("latin-1").lower()


def _read_iloc(box: bytes, meta: _Meta) -> None:
    version = box[0]
    offset_size, length_size = box[4] >> 4, box[4] & 15
    base_size, index_size = box[5] >> 4, (box[5] & 15 if version in (1, 2) else 0)
    pos = 6
    count, pos = _uint(box, pos, 2 if version < 2 else 4)
    for _ in range(count):
        item_id, pos = _uint(box, pos, 2 if version < 2 else 4)
        method = 0
        if version in (1, 2):
            method, pos = _uint(box, pos, 2)
            method &= 15
        pos += 2  # data_reference_index
        base, pos = _uint(box, pos, base_size)
        extents, pos = _uint(box, pos, 2)
        item = meta.items.setdefault(item_id, _Item())
        item.method = method
        if not (index_size or offset_size or length_size):
            extents = min(extents, 1)  # zero-byte extents say nothing: one, however many are claimed
        for _ in range(extents):
            _, pos = _uint(box, pos, index_size)
            offset, pos = _uint(box, pos, offset_size)
            length, pos = _uint(box, pos, length_size)
            item.extents.append((base + offset, length))


def _read_iprp(box: bytes, meta: _Meta, container: Container) -> None:
    for kind, child in _boxes(box, 0, len(box), container):
        if kind == b"ipco":
            meta.properties = list(_boxes(child, 0, len(child), container))
        elif kind == b"ipma":
            version, flags = child[0], int.from_bytes(child[1:4], "big")
            count, pos = _uint(child, 4, 4)
            for _ in range(count):
                item_id, pos = _uint(child, pos, 2 if version < 1 else 4)
                n, pos = _uint(child, pos, 1)
                item = meta.items.setdefault(item_id, _Item())
                for _ in range(n):
                    if flags & 1:
                        value, pos = _uint(child, pos, 2)
                        item.properties.append(value & 0x7FFF)
                    else:
                        value, pos = _uint(child, pos, 1)
                        item.properties.append(value & 0x7F)


def _item_size(item: _Item, meta: _Meta, container: Container) -> tuple[int, int] | None:
    size = crop = None
    for index in item.properties:
        if 1 <= index <= len(meta.properties):
            kind, prop = meta.properties[index - 1]
            if kind == b"ispe" and len(prop) >= 12 and size is None:
                size = struct.unpack_from(">II", prop, 4)
            elif kind == b"clap" and len(prop) >= 16:
                width_n, width_d, height_n, height_d = struct.unpack_from(">IIII", prop)
                if width_d and height_d:
                    crop = (width_n // width_d, height_n // height_d)
    if size is not None and crop is not None and crop != size and 0 < crop[0] <= size[0] and 0 < crop[1] <= size[1]:
        # Encoders pad to whole blocks and crop back with 'clap': the image shown is the cropped one.
        # (ExifTool 12.57 reports the padded ispe size here.)
        return crop
    return size


def _read_properties(primary: _Item | None, meta: _Meta, container: Container) -> None:
    """Each tag once: the primary item's property wins; among the others a later box replaces an earlier one."""
    mine = [i - 1 for i in (primary.properties if primary else []) if 1 <= i <= len(meta.properties)]
    chosen = set(mine)
    order = [i for i in range(len(meta.properties)) if i not in chosen] + mine
    for index in order:
        kind, body = meta.properties[index]
        tags, profile = decode_property(kind, body)
        for name, value in tags.items():
            container.put("QuickTime", name, value)
        if profile and container.icc is None:
            container.icc = profile


def _read_grid(payload: bytes, container: Container) -> None:
    """A grid item's data: version, flags, rows - 1, columns - 1, then the output width and height."""
    if len(payload) < 8:
        return
    large = payload[1] & 1
    if large and len(payload) < 12:
        return
    width, height = struct.unpack_from(">II" if large else ">HH", payload, 4)
    head = struct.unpack_from(">HH", payload)
    container.put("QuickTime", "MetaImageSize", f"{head[0]} {head[1]} {width} {height}")


def _item_data(data: bytes, item: _Item, meta: _Meta) -> bytes:
    """A metadata item's bytes, at most _MAX_ITEM bytes however many extents claim more."""
    source = meta.idat if item.method == 1 else data
    out = bytearray()
    for offset, length in item.extents:
        out += source[offset : offset + min(length, _MAX_ITEM - len(out))]
        if len(out) >= _MAX_ITEM:
            break
    return bytes(out)


def _uint(buf: bytes, pos: int, size: int) -> tuple[int, int]:
    if size == 0:
        return 0, pos
    if pos + size > len(buf):
        raise struct.error("box truncated")
    return int.from_bytes(buf[pos : pos + size], "big"), pos + size
