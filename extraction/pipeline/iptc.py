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
_ENVELOPE = {0: "EnvelopeRecordVersion", 5: "Destination", 20: "FileFormat", 22: "FileVersion",
             30: "ServiceIdentifier", 40: "EnvelopeNumber", 50: "ProductID", 60: "EnvelopePriority",
             70: "DateSent", 80: "TimeSent", 90: "CodedCharacterSet", 100: "UniqueObjectName"}
_NUMERIC = {(1, 0), (1, 20), (1, 22), (2, 0)}
_DATES = {(1, 70), (2, 30), (2, 55), (2, 62)}
_TIMES = {(1, 80), (2, 35), (2, 60), (2, 63)}
_UTF8_ESCAPE = b"\x1b%G"


def parse_iptc(data: bytes) -> dict[str, Any]:
    """Return {TagName: value}; repeatable datasets met more than once become lists."""
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
        if record not in (1, 2):
            continue
        names = _ENVELOPE if record == 1 else _NAMES
        name = names.get(dataset, f"IPTC_{record}_{dataset}")
        if (record, dataset) in _NUMERIC:
            tags[name] = int.from_bytes(value, "big")
            continue
        text = _text(value, utf8).strip("\x00").strip()
        if (record, dataset) in _DATES and len(text) == 8 and text.isdigit():
            text = f"{text[:4]}:{text[4:6]}:{text[6:]}"
        elif (record, dataset) in _TIMES and len(text) >= 6 and text[:6].isdigit():
            zone = text[6:]
            text = f"{text[:2]}:{text[2:4]}:{text[4:6]}" + (f"{zone[:3]}:{zone[3:5]}" if len(zone) == 5 else "")
        if record == 2 and dataset in _REPEATABLE and name in tags:
            previous = tags[name]
            tags[name] = (previous if isinstance(previous, list) else [previous]) + [text]
        else:
            tags[name] = text  # ExifTool shows a repeatable dataset met once as a plain value
    return tags


def _text(value: bytes, utf8: bool) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")
