"""Decodes IPTC-IIM records (application record 2) into ExifTool's IPTC tag names."""

from typing import Any

_NAMES = {
    5: "ObjectName", 7: "EditStatus", 10: "Urgency", 15: "Category", 20: "SupplementalCategories",
    25: "Keywords", 26: "ContentLocationCode", 27: "ContentLocationName", 30: "ReleaseDate",
    35: "ReleaseTime", 40: "SpecialInstructions", 55: "DateCreated", 60: "TimeCreated",
    62: "DigitalCreationDate", 63: "DigitalCreationTime", 65: "OriginatingProgram", 70: "ProgramVersion",
    80: "By-line", 85: "By-lineTitle", 90: "City", 92: "Sub-location", 95: "Province-State",
    100: "Country-PrimaryLocationCode", 101: "Country-PrimaryLocationName", 103: "OriginalTransmissionReference",
    105: "Headline", 110: "Credit", 115: "Source", 116: "CopyrightNotice", 118: "Contact",
    120: "Caption-Abstract", 122: "Writer-Editor", 0: "ApplicationRecordVersion",
}
_REPEATABLE = {20, 25, 80, 85, 118, 122, 12}
_UTF8_ESCAPE = b"\x1b%G"


def parse_iptc(data: bytes) -> dict[str, Any]:
    """Return {TagName: value}; repeatable datasets become lists."""
    tags: dict[str, Any] = {}
    utf8 = False
    pos, end = 0, len(data)
    while pos + 5 <= end and data[pos] == 0x1C:
        record, dataset = data[pos + 1], data[pos + 2]
        size = int.from_bytes(data[pos + 3 : pos + 5], "big")
        pos += 5
        if size & 0x8000:  # extended length: the next (size & 0x7fff) bytes hold it
            n = size & 0x7FFF
            size = int.from_bytes(data[pos : pos + n], "big")
            pos += n
        value = data[pos : pos + size]
        pos += size
        if record == 1 and dataset == 90:
            utf8 = _UTF8_ESCAPE in value
            continue
        if record != 2:
            continue
        if dataset == 0:
            tags["ApplicationRecordVersion"] = int.from_bytes(value, "big")
            continue
        name = _NAMES.get(dataset, f"IPTC_2_{dataset}")
        text = _text(value, utf8).strip("\x00").strip()
        if dataset in _REPEATABLE:
            tags.setdefault(name, []).append(text)
        else:
            tags[name] = text
    return tags


def _text(value: bytes, utf8: bool) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")
