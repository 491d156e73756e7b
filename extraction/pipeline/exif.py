"""Decodes an EXIF block (a TIFF structure) with exifread into ExifTool's EXIF and GPS groups."""

import io
import logging
import struct
from dataclasses import dataclass, field
from typing import Any

from exifread.core.exif_header import ExifHeader
from exifread.tags import DEFAULT_STOP_TAG, IGNORE_TAGS
from exifread.tags.fields import FieldType

from .exif_names import (
    BLOBS,
    COPYRIGHT,
    EXIF_NAMES,
    GPS_NAMES,
    ICC_DATA,
    IPTC_DATA,
    KODAK_IFD,
    MAKER_NOTE,
    POINTERS,
    SUB_IFDS,
    USER_COMMENT,
    XMP_PACKET,
    binary_note,
    copyright_text,
    exiftool_value,
    pillow_value,
    gps_as_exiftool,
    user_comment,
)

# exifread logs what it skips on broken files; we record our own warnings, so keep its off stderr.
logging.getLogger("exifread").addHandler(logging.NullHandler())

# exifread's IFD names ("Image ExifOffset" -> "Image") and the group each one's tags go to.
_GROUPS = {"Image": "EXIF", "EXIF": "EXIF", "Interoperability": "EXIF", "Thumbnail": "IFD1", "GPS": "GPS"}
_MAX_SUB_IFDS = 8
_MAX_ENTRIES = 1000
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
_MAGIC = {42, 0x4F52, 0x5352, 0x55}  # TIFF, and the ORF/RW2 variants that keep its layout
_FILE_OFFSETS = ("StripOffsets", "ThumbnailOffset")
# TIFF 6 tags describing an image's pixels and geometry: ExifTool reports the full-resolution image's
# (checked with exiftool on TIFFs whose IFD0 and SubIFDs disagree on each).
_MAIN_IMAGE_TAGS = {0x0100, 0x0101, 0x0102, 0x0103, 0x0106, 0x0112, 0x0115, 0x0116, 0x011A, 0x011B, 0x011C,
                    0x0128, 0x0211, 0x0212, 0x0213, 0x0214}
# A SubIFD's JPEG is the raw's full-size JPEG rendering, not a thumbnail: ExifTool's names for it.
_SUB_IFD_NAMES = {0x0201: "JpgFromRawStart", 0x0202: "JpgFromRawLength"}
_DATA_LAYOUT = ("StripOffsets", "StripByteCounts", "TileOffsets", "TileByteCounts")
_MAX_LISTED = 32
_OFFSET_TYPES = {FieldType.SHORT, FieldType.LONG, FieldType.SIGNED_LONG, FieldType.IFD}
_SIZE_TAGS = {"SubfileType": "type", "ImageWidth": "width", "ImageLength": "height", "Compression": "compression",
              "PhotometricInterpretation": "photometric"}


class Block:
    """Where one EXIF block's bytes live: exifread reads it as a file, our blob slices read it directly."""

    def __init__(self, data: Any):
        self.data = data
        # mmap objects are file-like already; bytes are wrapped without a copy.
        self.handle = data if hasattr(data, "seek") else io.BytesIO(data)
        self.endian = "I" if bytes(data[:2]) == b"II" else "M"

    def header(self, *, detailed: bool = False, base: int = 0, endian: str | None = None) -> "Header":
        return Header(self, detailed=detailed, base=base, endian=endian)

    def slice(self, offset: int, size: int) -> bytes:
        if offset < 0 or size <= 0 or offset + size > len(self.data):
            return b""
        return bytes(self.data[offset : offset + size])


_S2N_CODES = {(1, False): "B", (1, True): "b", (2, False): "H", (2, True): "h", (4, False): "I", (4, True): "i",
              (8, False): "Q", (8, True): "q"}
_S2N = {(endian, length, signed): struct.Struct(("<" if endian == "I" else ">") + code)
        for (length, signed), code in _S2N_CODES.items() for endian in ("I", "M")}


class Header(ExifHeader):
    """exifread's EXIF reader, reading numbers straight from the in-memory block.

    Profiling showed most of exifread's time in `s2n`, which seeks and reads the file for every single
    number; the block is already in memory, so this unpacks from it instead (same results: a number
    past the end reads as 0, as in exifread). Everything else (tag tables, value decoding, maker-note
    decoders) is exifread's own.
    """

    def __init__(self, block: Block, *, detailed: bool = False, base: int = 0, endian: str | None = None):
        super().__init__(block.handle, endian or block.endian, base, 0, False, False, detailed, True)
        self.data = block.data
        self.size = len(block.data)
        self.warnings: list[str] = []

    def dump_ifd(self, ifd, ifd_name, tag_dict=None, relative=0, stop_tag=DEFAULT_STOP_TAG):  # type: ignore[no-untyped-def]
        if not isinstance(ifd, int) or isinstance(ifd, bool):
            self.warnings.append(f"{ifd_name}: its directory offset is not a number; skipped")
            return
        # Real directories hold a few hundred entries at most; a hostile count (up to 65535, in each of
        # several directories) would keep exifread busy for seconds on noise.
        count = self.s2n(ifd, 2)
        if count > _MAX_ENTRIES:
            self.warnings.append(f"{ifd_name}: directory claims {count} entries; skipped")
            return
        super().dump_ifd(ifd, ifd_name, tag_dict=tag_dict, relative=relative, stop_tag=stop_tag)

    def s2n(self, offset: int, length: int, signed: bool = False) -> int:
        unpacker = _S2N.get((self.endian, length, signed))
        if unpacker is None:
            raise ValueError(f"unexpected unpacking length: {length}")
        position = self.offset + offset
        if position < 0 or position + length > self.size:
            return 0
        return unpacker.unpack_from(self.data, position)[0]

    def _get_printable_for_field(self, count, values, field_type, tag_entry, stop_tag):  # type: ignore[no-untyped-def]
        # We convert exifread's raw values (exif_names.py), never its display strings: build those only
        # where exifread's method does more than display, i.e. follows a sub-IFD (GPS, Interop).
        if tag_entry and isinstance(tag_entry[1], tuple):
            # A sub-IFD pointer must be an integer offset; one stored as text or a fraction (seen in the
            # wild) is skipped, as ExifTool does, rather than followed with a string for an offset.
            if field_type not in _OFFSET_TYPES or not values or not isinstance(values[0], int):
                self.warnings.append(f"{tag_entry[0]}: wrong format ({FieldType(field_type).name.lower()})"
                                     " for a directory offset; that directory was skipped")
                return "", False
            return super()._get_printable_for_field(count, values, field_type, tag_entry, stop_tag)
        return "", False


@dataclass
class ExifData:
    """What one EXIF block holds: named groups plus blobs for the other parsers."""

    byte_order: str = ""
    exif: dict[str, Any] = field(default_factory=dict)
    gps: dict[str, Any] = field(default_factory=dict)
    block: Block | None = None
    maker_note: tuple[int, int] | None = None  # (offset, size) in the block
    kodak_ifd: int | None = None  # Kodak pro backs keep camera settings in an IFD0 sub-directory
    xmp: bytes | None = None
    iptc: bytes | None = None
    icc: bytes | None = None
    # Per image directory (IFD0 first, then SubIFDs): SubfileType, width, height, compression and
    # photometric interpretation, for the real size and to tell a raw from a TIFF.
    images: list[dict[str, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def is_dng(self) -> bool:
        return "DNGVersion" in self.exif


def decode_exif(data: Any, *, file_offset: int = 0, sizes: bool = False) -> ExifData:
    """Decode the TIFF structure `data` (bytes or mmap); never raises, records warnings instead.

    `file_offset` is where that structure sits in the file, so data offsets read as ExifTool's.
    `sizes` also reads each SubIFD's image size (TIFF-based raw files keep the full image there).
    """
    result = ExifData()
    mark = bytes(data[:4])
    if mark[:2] not in (b"II", b"MM"):
        result.warnings.append("EXIF: no TIFF byte-order mark")
        return result
    if mark in (b"II+\x00", b"MM\x00+"):
        result.warnings.append("EXIF: BigTIFF directories are not decoded (exifread reads classic TIFF)")
        return result
    magic = int.from_bytes(mark[2:4], "little" if mark[:2] == b"II" else "big")
    if magic not in _MAGIC:  # exifread does not check it; ExifTool refuses such a block, and so do we
        result.warnings.append(f"EXIF: unknown TIFF magic {magic}")
        return result
    block = Block(data)
    result.block, result.byte_order = block, bytes(data[:2]).decode("ascii")
    try:
        _decode(block, result, file_offset, sizes)
    except Exception:  # exifread raises many types on hostile directories: keep what was read
        result.warnings.append("EXIF: the block is damaged; only part of it could be read")
    return result


def _decode(block: Block, result: ExifData, file_offset: int, sizes: bool) -> None:
    header = _process(block)
    result.warnings.extend(f"EXIF {warning}" for warning in header.warnings)
    tags = header.tags
    thumbnail: dict[str, Any] = {}
    # Tags a SubIFD's same-named tag must not replace (ExifTool reads IFD0 up to its SubIFD pointer,
    # then the SubIFDs, then the rest of IFD0 and the ExifIFD: the last one read wins).
    read_after_sub_ifds: set[str] = set()
    # Panasonic's raw (TIFF magic 0x55) numbers its own tags below the TIFF range in IFD0 (sensor
    # size, borders, ...): ExifTool's PanasonicRaw group, not EXIF tags of the same numbers.
    maker_ifd0 = int.from_bytes(bytes(block.data[2:4]), "little" if block.endian == "I" else "big") == 0x55
    for key, tag in tags.items():
        ifd_name = key.partition(" ")[0]
        group = _GROUPS.get(ifd_name)
        if group is None or not hasattr(tag, "field_type") or tag.tag in POINTERS:
            continue
        if maker_ifd0 and ifd_name == "Image" and tag.tag < 0x00FE:
            continue
        if tag.tag in BLOBS and group != "GPS":
            _keep_blob(block, tag.tag, tag.field_offset, tag.field_length, tag.values, result)
            continue
        gps = group == "GPS"
        name = (GPS_NAMES if gps else EXIF_NAMES).get(tag.tag) or f"{'GPS' if gps else 'Exif'}_0x{tag.tag:04x}"
        try:
            value = exiftool_value(tag, gps=gps, standard=True)
        except (TypeError, ValueError, ArithmeticError, IndexError, UnicodeError):  # a value no spec allows
            result.warnings.append(f"EXIF: {name} holds a value of the wrong form; skipped")
            continue
        if tag.tag == COPYRIGHT and not gps and tag.field_type == FieldType.ASCII:
            value = copyright_text(block.slice(tag.field_offset, tag.field_length))  # exifread cuts at the NUL
        if value is None or value == []:
            continue
        target = result.gps if gps else (thumbnail if group == "IFD1" else result.exif)
        target[name] = value
        if ifd_name != "Image" or tag.tag > SUB_IFDS:
            read_after_sub_ifds.add(name)
    _read_skipped_entries(block, header, result)
    for name, value in thumbnail.items():
        result.exif.setdefault(name, value)  # the thumbnail's tags never replace the main image's
    if "ThumbnailLength" in thumbnail and "ThumbnailImage" not in result.exif:
        result.exif["ThumbnailImage"] = binary_note(thumbnail["ThumbnailLength"])
    gps_as_exiftool(result.gps)
    if file_offset:
        for key in _FILE_OFFSETS:
            value = result.exif.get(key)
            if isinstance(value, int):
                result.exif[key] = value + file_offset
            elif isinstance(value, list):
                result.exif[key] = [v + file_offset if isinstance(v, int) else v for v in value]
    result.images.append(_image(tags, "Image"))
    if sizes:
        _read_sub_ifds(block, tags, result, read_after_sub_ifds)
    _long_layouts_as_notes(result.exif)


def _long_layouts_as_notes(exif: dict[str, Any]) -> None:
    """ExifTool shows a strip or tile list longer than 32 characters as a binary note (checked with exiftool)."""
    for key in _DATA_LAYOUT:
        value = exif.get(key)
        if isinstance(value, list):
            listed = " ".join(str(v) for v in value)
            if len(listed) > _MAX_LISTED:
                exif[key] = binary_note(len(listed))


def _keep_blob(block: Block, tag: int, offset: int, size: int, values: Any, result: ExifData) -> None:
    if tag == MAKER_NOTE:
        result.maker_note = (offset, size)
    elif tag == KODAK_IFD:
        if isinstance(values, list) and values and isinstance(values[0], int):
            result.kodak_ifd = values[0]
    elif tag == XMP_PACKET:
        result.xmp = block.slice(offset, size)
    elif tag == IPTC_DATA:
        result.iptc = block.slice(offset, size)
    elif tag == ICC_DATA:
        result.icc = block.slice(offset, size)



def _process(block: Block) -> "Header":
    """What `exifread.process_file(fh, details=False, extract_thumbnail=False)` does, on our Header.

    details=False: no maker notes (makers/ decodes them) and no SubIFDs; no thumbnail copy; and only
    IFD0, IFD1 and the EXIF IFD (with GPS and Interop, which exifread follows itself), not the further
    IFDs of a multi-page TIFF. We keep raw IfdTags rather than `builtin_types=True`, which turns a 0/0
    rational into 0 and "2024:05:06 10:00:00" into "2024-05-06 10:00:00": -n values need the raw ones.
    """
    header = block.header()
    for index, ifd in enumerate(header.list_ifd()[:2]):
        _dump_guarded(header, ifd, "Image" if index == 0 else "Thumbnail")
    exif_ifd = header.tags.get("Image ExifOffset")
    if exif_ifd is not None and exif_ifd.values:
        offset = _exif_ifd_offset(header.tags)
        if offset is None:
            header.warnings.append("ExifOffset: wrong format for a directory offset; the ExifIFD was skipped")
        else:
            _dump_guarded(header, offset, "EXIF")
    return header


def _exif_ifd_offset(tags: dict[str, Any]) -> int | None:
    """IFD0's ExifOffset, when it is the integer offset the spec asks for."""
    tag = tags.get("Image ExifOffset")
    if tag is None or tag.field_type not in _OFFSET_TYPES or not isinstance(tag.values, list) or not tag.values:
        return None
    offset = tag.values[0]
    return offset if isinstance(offset, int) else None


_DIRECTORY_NAMES = {"Image": "IFD0", "Thumbnail": "IFD1", "EXIF": "ExifIFD"}


def _dump_guarded(header: "Header", ifd: Any, name: str, **kwargs: Any) -> None:
    """Read one directory; a failure inside it keeps the tags read so far and the other directories."""
    try:
        header.dump_ifd(ifd, name, **kwargs)
    except Exception:  # exifread raises many types on hostile entries; the cause is the bytes, not us
        header.warnings.append(f"{_DIRECTORY_NAMES.get(name, name)}: a damaged entry stopped the reading of"
                               " this directory; the entries before it were kept")


def _read_skipped_entries(block: Block, header: "Header", result: ExifData) -> None:
    """exifread's fast mode (details=False) skips the MakerNote, XMP and UserComment entries outright
    (its IGNORE_TAGS), and its detailed mode reads a maker note one byte at a time. So we only locate
    those three entries, with exifread's own reader, and slice their bytes from the block ourselves."""
    tags = header.tags
    chain = header.list_ifd()[:2]  # IFD0, then IFD1 (the thumbnail's): its tags come last
    ifds = chain[:1]
    exif_ifd = _exif_ifd_offset(tags)
    if exif_ifd is not None:
        ifds.append(exif_ifd)
    for ifd in ifds + chain[1:]:
        for tag, (offset, size) in _locate(header, ifd, IGNORE_TAGS).items():
            if tag == USER_COMMENT:
                raw = block.slice(offset, size)
                if size > 64 * 1024:
                    result.exif.setdefault("UserComment", binary_note(size))
                elif raw:
                    result.exif.setdefault("UserComment", user_comment(raw))  # ExifTool shows an empty one too
            elif tag == MAKER_NOTE and result.maker_note is None:
                result.maker_note = (offset, size)
            elif tag == XMP_PACKET and result.xmp is None:
                result.xmp = block.slice(offset, size)


def _locate(header: "Header", ifd: int, wanted: Any) -> dict[int, tuple[int, int]]:
    """The (offset, size) of the values of the `wanted` tags in the IFD at `ifd`."""
    found: dict[int, tuple[int, int]] = {}
    count = header.s2n(ifd, 2)
    for index in range(min(count, _MAX_ENTRIES)):
        entry = ifd + 2 + 12 * index
        tag = header.s2n(entry, 2)
        if tag not in wanted:
            continue
        unit = _TYPE_SIZES.get(header.s2n(entry + 2, 2))
        if unit is None:
            continue
        size = unit * header.s2n(entry + 4, 4)
        found[tag] = (header.s2n(entry + 8, 4) if size > 4 else entry + 8, size)
    return found


def _image(tags: dict[str, Any], ifd_name: str) -> dict[str, int]:
    image: dict[str, int] = {}
    for name, key in _SIZE_TAGS.items():
        tag = tags.get(f"{ifd_name} {name}")
        if tag is not None and isinstance(tag.values, list) and tag.values and isinstance(tag.values[0], int):
            image[key] = tag.values[0]
    return image


def _read_sub_ifds(block: Block, tags: dict[str, Any], result: ExifData, protected: set[str]) -> None:
    """A TIFF file's SubIFDs (where DNG and TIFF raws keep the full-size image): their sizes for
    main_image_size, and their tags into EXIF as ExifTool reports them: the tags describing an image's
    pixels come from the full-resolution directory (a reduced one only fills gaps); any other tag is
    the last one read (a SubIFD's replaces IFD0's read before the SubIFD pointer, never one in
    `protected`, read after it)."""
    sub_ifds = tags.get("Image SubIFDs")
    if sub_ifds is None or not isinstance(sub_ifds.values, list):
        return
    header = block.header()
    for index, offset in enumerate(sub_ifds.values[:_MAX_SUB_IFDS]):
        if not isinstance(offset, int) or offset <= 0:
            continue
        name = f"SubIFD{index}"
        _dump_guarded(header, offset, name)
        image = _image(header.tags, name)
        result.images.append(image)
        full_resolution = image.get("type", 0) == 0
        for key, tag in list(header.tags.items()):
            if not key.startswith(name + " ") or not hasattr(tag, "field_type") or tag.tag in POINTERS | BLOBS:
                continue
            tag_name = _SUB_IFD_NAMES.get(tag.tag) or EXIF_NAMES.get(tag.tag) or f"Exif_0x{tag.tag:04x}"
            main_image_tag = tag.tag in _MAIN_IMAGE_TAGS
            if tag_name in protected and not (main_image_tag and full_resolution):
                continue
            try:
                value = exiftool_value(tag, standard=True)
            except (TypeError, ValueError, ArithmeticError, IndexError, UnicodeError):
                continue
            if value is None or value == []:
                continue
            if main_image_tag and not full_resolution:
                result.exif.setdefault(tag_name, value)
            else:
                result.exif[tag_name] = value
    if isinstance(result.exif.get("JpgFromRawLength"), int):
        result.exif["JpgFromRaw"] = binary_note(result.exif["JpgFromRawLength"])
    result.warnings.extend(f"EXIF {warning}" for warning in header.warnings)


def decode_pillow_tiff(directories: dict[str, dict[int, Any]]) -> ExifData:
    """A BigTIFF's tags as Pillow decoded them (exifread reads classic TIFF only), under the same names."""
    result = ExifData()
    for name, tags in directories.items():
        gps = name == "GPS"
        target = result.gps if gps else result.exif
        for number, value in tags.items():
            if not gps and (number in POINTERS or number in BLOBS):
                continue
            converted = pillow_value(number, value, gps=gps)
            if converted is not None and converted != []:
                key = (GPS_NAMES if gps else EXIF_NAMES).get(number) or f"{'GPS' if gps else 'Exif'}_0x{number:04x}"
                target[key] = converted
    gps_as_exiftool(result.gps)
    _long_layouts_as_notes(result.exif)
    return result


def main_image_size(data: ExifData) -> tuple[int, int] | None:
    """The full-resolution image in a TIFF file: a SubIFD marked full-size wins over IFD0 (as in ExifTool)."""
    for image in data.images[1:]:
        if image.get("type", 0) & 0xFFFF == 0 and "type" in image and image.get("width") and image.get("height"):
            return image["width"], image["height"]
    if data.images and data.images[0].get("width") and data.images[0].get("height"):
        return data.images[0]["width"], data.images[0]["height"]
    return None
