"""Builds maker notes byte by byte for the decoder tests: TIFF-style IFDs with their out-of-line values."""

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from extraction.pipeline.makers.base import MakerNote

_CODES = {1: "B", 3: "H", 4: "I", 6: "b", 8: "h", 9: "i", 11: "f", 12: "d", 13: "I"}
_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}


@dataclass
class Field:
    tag: int
    type: int
    value: Any  # a number, a list, bytes (types 1, 2, 7) or (num, den) pairs for rationals


def pack_value(field: Field, endian: str) -> tuple[bytes, int]:
    """The field's bytes and its TIFF count."""
    kind, value = field.type, field.value
    if kind == 2:
        raw = value if isinstance(value, bytes) else value.encode("latin-1") + b"\x00"
        return raw, len(raw)
    if kind == 7 or isinstance(value, bytes):
        return bytes(value), len(value)
    if kind in (5, 10):
        pairs = value if isinstance(value, list) else [value]
        code = "I" if kind == 5 else "i"
        return b"".join(struct.pack(endian + code * 2, num, den) for num, den in pairs), len(pairs)
    items = value if isinstance(value, list) else [value]
    return struct.pack(endian + _CODES[kind] * len(items), *items), len(items)


def ifd(fields: Sequence[Field], order: str, where: int, base: int = 0) -> bytes:
    """An IFD that will sit at `where` in its buffer, values after it; offsets written relative to `base`."""
    endian = "<" if order == "II" else ">"
    head = struct.pack(endian + "H", len(fields))
    entries, data = b"", b""
    data_start = where + 2 + 12 * len(fields) + 4
    for field in fields:
        raw, count = pack_value(field, endian)
        if len(raw) <= 4:
            entries += struct.pack(endian + "HHI", field.tag, field.type, count) + raw.ljust(4, b"\x00")
        else:
            offset = data_start + len(data) - base
            entries += struct.pack(endian + "HHII", field.tag, field.type, count, offset)
            data += raw + (b"\x00" if len(raw) % 2 else b"")
    return head + entries + b"\x00\x00\x00\x00" + data


def tiff_with_note(note: bytes, order: str = "II", *, pad: int = 64) -> tuple[bytes, int]:
    """A TIFF block holding `note` at offset `pad` (a header and nothing else before it)."""
    header = (b"II*\x00" if order == "II" else b"MM\x00*") + struct.pack("<I" if order == "II" else ">I", 8)
    return header + b"\x00" * (pad - len(header)) + note, pad


def make_note(note: bytes, order: str = "II", *, make: str = "", model: str = "", pad: int = 64,
              file_offset: int = 0) -> MakerNote:
    tiff, offset = tiff_with_note(note, order, pad=pad)
    return MakerNote(tiff, offset, len(note), order, make=make, model=model, file_offset=file_offset)


NOTE_AT = 64  # where tiff_with_note puts the note by default


def corpus_tally(file_names: Sequence[str]) -> dict[str, int] | None:
    """For the corpus files whose name contains one of `file_names`: ExifTool's MakerNotes tags, how many we
    report, how many agree in value, how many ExifTool converts and how many of those we print the same.
    None without the corpus."""
    import json

    from extraction.pipeline import extract_file
    from tests.support.exiftool_reference import corpus_dir, printed_agree, values_agree

    corpus = corpus_dir()
    if not (corpus / "exiftool.json").is_file():
        return None
    numeric = json.loads((corpus / "exiftool.json").read_text(encoding="utf-8"))
    printed_path = corpus / "exiftool-print.json"
    printed = {r["SourceFile"]: r for r in json.loads(printed_path.read_text(encoding="utf-8"))} \
        if printed_path.is_file() else {}
    tally = {"files": 0, "reference": 0, "found": 0, "agree": 0, "converted": 0, "printed": 0}
    for reference in numeric:
        source = reference["SourceFile"]
        if not any(name in source for name in file_names):
            continue
        record = extract_file(str(corpus / "images" / source))
        ours = record["groups"].get("MakerNotes", {})
        ours_printed = record["printed"].get("MakerNotes", {})
        words = printed.get(source, {})
        tally["files"] += 1
        for key, theirs in reference.items():
            if not key.startswith("MakerNotes:"):
                continue
            tag = key.partition(":")[2]
            tally["reference"] += 1
            if tag not in ours:
                continue
            tally["found"] += 1
            tally["agree"] += values_agree(ours[tag], theirs)
            if key in words and not printed_agree(words[key], theirs):
                tally["converted"] += 1
                tally["printed"] += printed_agree(ours_printed.get(tag), words[key])
    return tally
