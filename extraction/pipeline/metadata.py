"""Turns one image's container and metadata blocks into ExifTool-style groups."""

from typing import Any

from .ciff import read_ciff
from .containers import Container
from .exif import ExifData, decode_exif
from .exif_blocks import read_exif_blocks
from .flir import parse_flir
from .icc import parse_icc
from .iptc import parse_iptc
from .makers import decode_maker_note
from .makers.base import MakerNote
from .makers.kodak import read_kodak_ifd
from .makers.olympus import read_app12
from .xmp import parse_xmp


Groups = dict[str, dict[str, Any]]


def read_groups(container: Container) -> tuple[Groups, ExifData | None, Groups]:
    """Return the metadata groups (without File and Composite), the decoded EXIF block, and printed hints.

    Hints are printed values a reader knows better than the tables of `printing/` (see `printed.py`).
    """
    groups: Groups = {}
    hints: Groups = {}
    warnings = list(container.warnings)
    exif: ExifData | None = container.decoded_exif
    if exif is None and container.exif:
        exif = decode_exif(container.exif, file_offset=container.exif_offset)
    if exif is not None:
        warnings.extend(exif.warnings)
        # ExifTool files GPS tags under family-0 group EXIF (`exiftool -G`); their names all start with GPS.
        _put(groups, "EXIF", {**exif.exif, **exif.gps})
        maker_notes, maker_printed = _maker_notes(exif, container, groups.get("EXIF", {}), warnings)
        _put(groups, "MakerNotes", maker_notes)
        _put(hints, "MakerNotes", maker_printed)
    if "CIFF" in container.vendor and "MakerNotes" not in groups:  # old Canon PowerShots: no EXIF maker note
        ciff, ciff_printed = read_ciff(container.vendor["CIFF"], warnings)
        _put(groups, "MakerNotes", ciff)
        _put(hints, "MakerNotes", ciff_printed)
    blocks = read_exif_blocks(exif.block.data, exif.maker_note, warnings) if exif and exif.block else None
    if blocks is not None:
        groups.update(blocks.groups)  # Photoshop (TIFF tag 0x8649) and PrintIM
        groups.get("EXIF", {}).pop("ImageResources", None)  # ExifTool files that block under Photoshop
    xmp_packets = list(container.xmp) + ([exif.xmp] if exif is not None and exif.xmp else [])
    xmp: dict[str, Any] = {}
    for packet in xmp_packets:
        for key, value in parse_xmp(packet, warnings).items():
            xmp.setdefault(key, value)
    _put(groups, "XMP", xmp)
    # ExifTool reads every IPTC record a file holds (APP13, EXIF IFD0, TIFF image resources, a trailer);
    # the first to give a tag keeps it
    iptc: dict[str, Any] = {}
    for block in (container.iptc, exif.iptc if exif else None, blocks.iptc if blocks else None,
                  *container.more_iptc):
        for key, value in (parse_iptc(block) if block else {}).items():
            iptc.setdefault(key, value)
    _put(groups, "IPTC", iptc)
    icc = container.icc or (exif.icc if exif is not None else None)
    if icc:
        _put(groups, "ICC_Profile", parse_icc(icc, warnings))
    if "APP12" in container.vendor:  # Olympus' picture info (provisional wiring, maker notes B)
        app12, words = read_app12(container.vendor["APP12"], warnings)
        _put(groups, "APP12", {**app12, **groups.get("APP12", {})})
        _put(hints, "APP12", words)
    if "FLIR" in container.vendor:
        _put(groups, "APP1", parse_flir(container.vendor["FLIR"], warnings))
    for name, values in container.groups.items():
        if name != "File":
            _put(groups, name, values)
    if warnings:
        groups.setdefault("ExifTool", {})["Warning"] = warnings[:20]
    return groups, exif, hints


def _maker_notes(exif: ExifData, container: Container, exif_group: dict[str, Any],
                 warnings: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The maker note decoded by its make's module (`makers/`), and Kodak's IFD0 sub-directory beside it."""
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    if exif.block is not None and exif.maker_note is not None:
        offset, length = exif.maker_note
        note = MakerNote(exif.block.data, offset, length, exif.byte_order,
                         make=str(exif_group.get("Make", "")).strip(), model=str(exif_group.get("Model", "")).strip(),
                         exif=exif_group, file_offset=container.exif_offset or 0)
        values, printed = decode_maker_note(note, warnings)
    if exif.block is not None and exif.kodak_ifd is not None:  # Kodak's IFD0 sub-directory, beside its note
        more, words = read_kodak_ifd(exif.block.data, exif.kodak_ifd, exif.byte_order, warnings)
        values, printed = {**more, **values}, {**words, **printed}
    return values, printed


def _put(groups: Groups, name: str, values: dict[str, Any] | None) -> None:
    if values:
        groups[name] = values
