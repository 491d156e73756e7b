"""Turns one image's container and metadata blocks into ExifTool-style groups."""

from typing import Any

from .containers import Container
from .exif import ExifData, decode_exif
from .flir import parse_flir
from .icc import parse_icc
from .iptc import parse_iptc
from .makernotes import read_maker_notes
from .makers import decode_maker_note
from .makers.base import MakerNote
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
    xmp_packets = list(container.xmp) + ([exif.xmp] if exif is not None and exif.xmp else [])
    xmp: dict[str, Any] = {}
    for packet in xmp_packets:
        for key, value in parse_xmp(packet, warnings).items():
            xmp.setdefault(key, value)
    _put(groups, "XMP", xmp)
    iptc = container.iptc or (exif.iptc if exif is not None else None)
    if iptc:
        _put(groups, "IPTC", parse_iptc(iptc))
    icc = container.icc or (exif.icc if exif is not None else None)
    if icc:
        _put(groups, "ICC_Profile", parse_icc(icc))
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
    """The maker note decoded by its make's module, plus `makernotes.py`'s key fields for what it leaves out.

    `makernotes.py` reads only key fields EXIF lacks, for makes without a module yet (and Kodak's IFD0
    sub-directory, which is not the maker note); what a module decodes comes first.
    """
    values: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    if exif.block is not None and exif.maker_note is not None:
        offset, length = exif.maker_note
        note = MakerNote(exif.block.data, offset, length, exif.byte_order,
                         make=str(exif_group.get("Make", "")).strip(), model=str(exif_group.get("Model", "")).strip(),
                         exif=exif_group, file_offset=container.exif_offset or 0)
        values, printed = decode_maker_note(note, warnings)
    for key, value in read_maker_notes(exif, container, warnings).items():
        values.setdefault(key, value)
    return values, printed


def _put(groups: Groups, name: str, values: dict[str, Any] | None) -> None:
    if values:
        groups[name] = values
