"""HEIF/HEIC/AVIF clean copy: Exif, XMP and other metadata items and thumbnails dropped from the `meta` box.

The dropped items leave `iinf`, `iloc`, `iref` and `ipma`; their bytes are overwritten with zeros where
they were, and a `free` box inside `meta` takes up the room the shorter boxes left. Every remaining
offset in the file therefore stays valid, no image byte moves, and the copy has the original's size.
"""

import struct
from dataclasses import dataclass

from .jpeg import NotCleanable
from .tiff import Unsupported

_METADATA_TYPES = {b"Exif", b"mime", b"uri "}
_SHOWING = {b"colr", b"irot", b"imir"}  # what `keep=none` drops beside the metadata
_CONTAINERS = {b"iprp", b"ipco"}


@dataclass
class Box:
    kind: bytes
    start: int  # of the header
    body: int  # where the payload starts
    end: int


def boxes(data: bytes | bytearray, start: int, end: int) -> list[Box]:
    found, pos = [], start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        body = pos + 8
        if size == 1 and pos + 16 <= end:
            size, body = struct.unpack_from(">Q", data, pos + 8)[0], pos + 16
        elif size == 0:
            size = end - pos
        if size < body - pos or pos + size > end:
            raise NotCleanable(f"the box {kind!r} at offset {pos} runs past its container")
        found.append(Box(kind, pos, body, pos + size))
        pos += size
    return found


@dataclass
class Location:
    item: int
    raw: bytes  # the item's whole entry in `iloc`
    method: int
    extents: list[tuple[int, int]]  # (offset, length), absolute for method 0, in `idat` for method 1


def clean_heif(data: bytes, *, keep_orientation: bool, keep_icc: bool) -> bytes:
    out = bytearray(data)
    top = boxes(data, 0, len(data))
    if any(box.kind == b"moov" for box in top):
        raise Unsupported("HEIF image sequences (a moov box) are not cleaned")
    metas = [box for box in top if box.kind == b"meta"]
    if len(metas) != 1:
        raise NotCleanable("the file has no single meta box")
    for box in top:
        if box.kind == b"uuid":  # vendor boxes (some cameras keep XMP there): blanked in place
            out[box.start + 4 : box.start + 8] = b"free"
            out[box.start + 8 : box.end] = bytes(box.end - box.start - 8)
    meta = metas[0]
    children = boxes(data, meta.body + 4, meta.end)
    by_kind = {box.kind: box for box in children}
    for needed in (b"iinf", b"iloc", b"pitm"):
        if needed not in by_kind:
            raise NotCleanable(f"the meta box has no {needed.decode()} box")
    primary = _primary(data, by_kind[b"pitm"])
    infos = _item_infos(data, by_kind[b"iinf"])
    references = _references(data, by_kind[b"iref"]) if b"iref" in by_kind else []
    removed = _removed_items(infos, references, primary)
    locations = _locations(data, by_kind[b"iloc"])
    drop_showing = not keep_icc or not keep_orientation
    showing = _showing_indexes(data, by_kind.get(b"iprp"), keep_icc, keep_orientation) if drop_showing else set()

    rebuilt = bytearray()
    for box in children:
        if box.kind == b"iinf":
            rebuilt += _iinf(data, box, infos, removed)
        elif box.kind == b"iloc":
            rebuilt += _iloc(data, box, locations, removed)
        elif box.kind == b"iref":
            rebuilt += _iref(data, box, references, removed)
        elif box.kind == b"iprp":
            rebuilt += _iprp(data, box, removed, showing)
        else:
            rebuilt += data[box.start : box.end]
    room = (meta.end - meta.body - 4) - len(rebuilt)
    if room < 0:
        raise NotCleanable("the cleaned meta box would be larger than the original")
    if 0 < room < 8:  # too little for a free box: widen the handler's name (NUL padding is allowed there)
        rebuilt = _pad_handler(rebuilt, meta.body + 4, room)
    elif room:
        rebuilt += struct.pack(">I4s", room, b"free") + bytes(room - 8)
    out[meta.body + 4 : meta.end] = rebuilt
    _blank_items(out, locations, removed, by_kind.get(b"idat"), rebuilt, meta.body + 4, children)
    return bytes(out)


def _full_box(data: bytes, box: Box) -> tuple[int, int]:
    return data[box.body], int.from_bytes(data[box.body + 1 : box.body + 4], "big")


def _primary(data: bytes, box: Box) -> int:
    version, _ = _full_box(data, box)
    return struct.unpack_from(">H" if version == 0 else ">I", data, box.body + 4)[0]


@dataclass
class ItemInfo:
    item: int
    kind: bytes
    box: Box


def _item_infos(data: bytes, iinf: Box) -> list[ItemInfo]:
    version, _ = _full_box(data, iinf)
    first = iinf.body + 4 + (2 if version == 0 else 4)
    infos = []
    for box in boxes(data, first, iinf.end):
        if box.kind != b"infe":
            continue
        v, _ = _full_box(data, box)
        if v >= 2:
            size = 2 if v == 2 else 4
            item = int.from_bytes(data[box.body + 4 : box.body + 4 + size], "big")
            kind = bytes(data[box.body + 4 + size + 2 : box.body + 4 + size + 6])
        else:
            item, kind = struct.unpack_from(">H", data, box.body + 4)[0], b"mime"
        infos.append(ItemInfo(item, kind, box))
    return infos


@dataclass
class Reference:
    kind: bytes
    source: int
    targets: list[int]


def _references(data: bytes, iref: Box) -> list[Reference]:
    version, _ = _full_box(data, iref)
    size = 2 if version == 0 else 4
    code = ">H" if size == 2 else ">I"
    found = []
    for box in boxes(data, iref.body + 4, iref.end):
        source = struct.unpack_from(code, data, box.body)[0]
        count = struct.unpack_from(">H", data, box.body + size)[0]
        first = box.body + size + 2
        if first + count * size > box.end:
            raise NotCleanable("an iref reference runs past its box")
        targets = [struct.unpack_from(code, data, first + i * size)[0] for i in range(count)]
        found.append(Reference(box.kind, source, targets))
    return found


def _removed_items(infos: list[ItemInfo], references: list[Reference], primary: int) -> set[int]:
    """Metadata items, thumbnails, and what only they use (a thumbnail grid's tiles, their alpha planes)."""
    removed = {info.item for info in infos if info.kind in _METADATA_TYPES}
    removed |= {ref.source for ref in references if ref.kind == b"thmb"}
    removed.discard(primary)
    while True:
        kept = {info.item for info in infos} - removed
        used = {t for ref in references if ref.kind in (b"dimg", b"base") and ref.source in kept for t in ref.targets}
        more = {t for ref in references if ref.kind in (b"dimg", b"base") and ref.source in removed
                for t in ref.targets if t not in used and t != primary}
        more |= {ref.source for ref in references if ref.kind in (b"auxl", b"cdsc", b"prem")
                 and ref.targets and all(t in removed for t in ref.targets)}
        if more <= removed:
            return removed
        removed |= more


def _locations(data: bytes, iloc: Box) -> list[Location]:
    version, _ = _full_box(data, iloc)
    if version > 2:
        raise NotCleanable(f"iloc version {version} is unknown")
    pos = iloc.body + 4
    offset_size, length_size = data[pos] >> 4, data[pos] & 15
    base_size, index_size = data[pos + 1] >> 4, (data[pos + 1] & 15) if version in (1, 2) else 0
    pos += 2
    count_size = 2 if version < 2 else 4
    count = int.from_bytes(data[pos : pos + count_size], "big")
    pos += count_size
    found = []
    for _ in range(count):
        start = pos
        item = int.from_bytes(data[pos : pos + count_size], "big")
        pos += count_size
        method = 0
        if version in (1, 2):
            method = struct.unpack_from(">H", data, pos)[0] & 15
            pos += 2
        pos += 2  # data_reference_index
        base = int.from_bytes(data[pos : pos + base_size], "big")
        pos += base_size
        extent_count = struct.unpack_from(">H", data, pos)[0]
        pos += 2
        extents = []
        for _ in range(extent_count):
            pos += index_size
            offset = int.from_bytes(data[pos : pos + offset_size], "big")
            pos += offset_size
            length = int.from_bytes(data[pos : pos + length_size], "big")
            pos += length_size
            extents.append((base + offset, length))
        if pos > iloc.end:
            raise NotCleanable("the iloc box runs past its end")
        found.append(Location(item, bytes(data[start:pos]), method, extents))
    return found


def _header(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _iinf(data: bytes, box: Box, infos: list[ItemInfo], removed: set[int]) -> bytes:
    version, _ = _full_box(data, box)
    kept = [info for info in infos if info.item not in removed]
    count = struct.pack(">H" if version == 0 else ">I", len(kept))
    return _header(b"iinf", data[box.body : box.body + 4] + count
                   + b"".join(data[i.box.start : i.box.end] for i in kept))


def _iloc(data: bytes, box: Box, locations: list[Location], removed: set[int]) -> bytes:
    version, _ = _full_box(data, box)
    kept = [loc for loc in locations if loc.item not in removed]
    count = struct.pack(">H" if version < 2 else ">I", len(kept))
    return _header(b"iloc", data[box.body : box.body + 6] + count + b"".join(loc.raw for loc in kept))


def _iref(data: bytes, box: Box, references: list[Reference], removed: set[int]) -> bytes:
    version, _ = _full_box(data, box)
    code = ">H" if version == 0 else ">I"
    payload = bytearray(data[box.body : box.body + 4])
    for ref in references:
        targets = [t for t in ref.targets if t not in removed]
        if ref.source in removed or not targets:
            continue
        payload += _header(ref.kind, struct.pack(code, ref.source) + struct.pack(">H", len(targets))
                           + b"".join(struct.pack(code, t) for t in targets))
    return _header(b"iref", bytes(payload))


def _showing_indexes(data: bytes, iprp: Box | None, keep_icc: bool, keep_orientation: bool) -> set[int]:
    """1-based ipco indexes of the colour-profile and rotation/mirror properties `keep=none` drops."""
    if iprp is None:
        return set()
    ipco = next((b for b in boxes(data, iprp.body, iprp.end) if b.kind == b"ipco"), None)
    if ipco is None:
        return set()
    drop = (set() if keep_icc else {b"colr"}) | (set() if keep_orientation else {b"irot", b"imir"})
    return {i for i, prop in enumerate(boxes(data, ipco.body, ipco.end), 1) if prop.kind in drop}


def _iprp(data: bytes, box: Box, removed: set[int], showing: set[int]) -> bytes:
    payload = bytearray()
    for child in boxes(data, box.body, box.end):
        if child.kind == b"ipma":
            payload += _ipma(data, child, removed, showing)
        elif child.kind == b"ipco" and showing:
            props = bytearray()
            for i, prop in enumerate(boxes(data, child.body, child.end), 1):
                # the index must stay: the property becomes an empty free box of the same size
                props += (struct.pack(">I4s", prop.end - prop.start, b"free") + bytes(prop.end - prop.start - 8)
                          if i in showing else data[prop.start : prop.end])
            payload += _header(b"ipco", bytes(props))
        else:
            payload += data[child.start : child.end]
    return _header(box.kind, bytes(payload))


def _ipma(data: bytes, box: Box, removed: set[int], showing: set[int]) -> bytes:
    version, flags = _full_box(data, box)
    pos = box.body + 4
    count = struct.unpack_from(">I", data, pos)[0]
    pos += 4
    id_size, wide = (2 if version < 1 else 4), bool(flags & 1)
    entries = []
    for _ in range(count):
        item = int.from_bytes(data[pos : pos + id_size], "big")
        n = data[pos + id_size]
        pos += id_size + 1
        size = 2 if wide else 1
        links = [data[pos + i * size : pos + (i + 1) * size] for i in range(n)]
        pos += n * size
        if pos > box.end:
            raise NotCleanable("the ipma box runs past its end")
        if item in removed:
            continue
        mask = 0x7FFF if wide else 0x7F
        links = [link for link in links if int.from_bytes(link, "big") & mask not in showing]
        entries.append(item.to_bytes(id_size, "big") + bytes([len(links)]) + b"".join(links))
    return _header(b"ipma", data[box.body : box.body + 4] + struct.pack(">I", len(entries)) + b"".join(entries))


def _pad_handler(rebuilt: bytearray, base: int, room: int) -> bytearray:
    hdlr = next((b for b in boxes(rebuilt, 0, len(rebuilt)) if b.kind == b"hdlr"), None)
    if hdlr is None or hdlr.body - hdlr.start != 8:
        raise NotCleanable("no room to keep the meta box's size")
    size = hdlr.end - hdlr.start + room
    return (rebuilt[: hdlr.start] + struct.pack(">I", size) + rebuilt[hdlr.start + 4 : hdlr.end] + bytes(room)
            + rebuilt[hdlr.end :])


def _blank_items(out: bytearray, locations: list[Location], removed: set[int], idat: Box | None,
                 rebuilt: bytes, rebuilt_at: int, children: list[Box]) -> None:
    """Zero the bytes of every removed item, in `mdat` (method 0) or in the rebuilt `idat` (method 1)."""
    idat_body = None
    if idat is not None:
        moved = next((b for b in boxes(rebuilt, 0, len(rebuilt)) if b.kind == b"idat"), None)
        idat_body = rebuilt_at + moved.body if moved is not None else None
    for loc in locations:
        if loc.item not in removed:
            continue
        for offset, length in loc.extents:
            if loc.method == 2:
                continue
            start = offset if loc.method == 0 else (idat_body or 0) + offset
            if length == 0 or (loc.method == 1 and idat_body is None) or start + length > len(out):
                raise NotCleanable("a metadata item's bytes cannot be found to remove them")
            out[start : start + length] = bytes(length)
