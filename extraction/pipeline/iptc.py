"""Decodes IPTC-IIM records (application record 2) into ExifTool's IPTC tag names."""

import re
from typing import Any

# IPTC-IIM 4.2, application record (2): dataset numbers to ExifTool's tag names.
_NAMES = {
    0: "ApplicationRecordVersion", 3: "ObjectTypeReference", 4: "ObjectAttributeReference", 5: "ObjectName",
    7: "EditStatus", 8: "EditorialUpdate", 10: "Urgency", 12: "SubjectReference", 15: "Category",
    20: "SupplementalCategories", 22: "FixtureIdentifier", 25: "Keywords", 26: "ContentLocationCode",
    27: "ContentLocationName", 30: "ReleaseDate", 35: "ReleaseTime", 37: "ExpirationDate", 38: "ExpirationTime",
    40: "SpecialInstructions", 42: "ActionAdvised", 45: "ReferenceService", 47: "ReferenceDate",
    50: "ReferenceNumber", 55: "DateCreated", 60: "TimeCreated", 62: "DigitalCreationDate",
    63: "DigitalCreationTime", 65: "OriginatingProgram", 70: "ProgramVersion", 75: "ObjectCycle", 80: "By-line",
    85: "By-lineTitle", 90: "City", 92: "Sub-location", 95: "Province-State", 100: "Country-PrimaryLocationCode",
    101: "Country-PrimaryLocationName", 103: "OriginalTransmissionReference", 105: "Headline", 110: "Credit",
    115: "Source", 116: "CopyrightNotice", 118: "Contact", 120: "Caption-Abstract", 121: "LocalCaption",
    122: "Writer-Editor", 125: "RasterizedCaption", 130: "ImageType", 131: "ImageOrientation",
    135: "LanguageIdentifier", 150: "AudioType", 151: "AudioSamplingRate", 152: "AudioSamplingResolution",
    153: "AudioDuration", 154: "AudioOutcue", 184: "JobID", 185: "MasterDocumentID", 186: "ShortDocumentID",
    187: "UniqueDocumentID", 188: "OwnerID", 200: "ObjectPreviewFileFormat", 201: "ObjectPreviewFileVersion",
    202: "ObjectPreviewData", 221: "Prefs", 225: "ClassifyState", 228: "SimilarityIndex", 230: "DocumentNotes",
    231: "DocumentHistory", 232: "ExifCameraInfo", 255: "CatalogSets",
}
# Datasets the IIM marks repeatable (a list when met more than once).
_REPEATABLE = {4, 12, 20, 25, 26, 27, 42, 45, 47, 50, 80, 85, 118, 122, 255}
_ENVELOPE = {0: "EnvelopeRecordVersion", 5: "Destination", 20: "FileFormat", 22: "FileVersion",
             30: "ServiceIdentifier", 40: "EnvelopeNumber", 50: "ProductID", 60: "EnvelopePriority",
             70: "DateSent", 80: "TimeSent", 90: "CodedCharacterSet", 100: "UniqueObjectName",
             120: "ARMIdentifier", 122: "ARMVersion"}
# Binary numbers in the IIM (the other datasets are text, numbers included).
_NUMERIC = {(1, 0), (1, 20), (1, 22), (1, 120), (1, 122), (2, 0), (2, 200), (2, 201)}
_BINARY = {(2, 125), (2, 202)}  # RasterizedCaption, ObjectPreviewData: images, shown by size as ExifTool does
_DATES = {(1, 70), (2, 30), (2, 37), (2, 47), (2, 55), (2, 62)}
_TIMES = {(1, 80), (2, 35), (2, 38), (2, 60), (2, 63)}
# HHMMSS, optional fraction, optional +-HHMM zone (IIM time format).
_TIME = re.compile(r"^(\d\d)(\d\d)(\d\d)(\.\d+)?(?:([+-])(\d\d)(\d\d))?$")
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
        if (record, dataset) in _BINARY:
            tags[name] = f"(Binary data {len(value)} bytes, use -b option to extract)"
            continue
        text = _text(value, utf8).strip("\x00")  # as stored, as ExifTool reads it (a trailing CR LF too)
        if (record, dataset) in _DATES and len(text) == 8 and text.isdigit():
            text = f"{text[:4]}:{text[4:6]}:{text[6:]}"
        elif (record, dataset) in _TIMES and (match := _TIME.match(text)):
            hours, minutes, seconds, fraction, sign, zone_h, zone_m = match.groups()
            text = f"{hours}:{minutes}:{seconds}{fraction or ''}" + (f"{sign}{zone_h}:{zone_m}" if sign else "")
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
