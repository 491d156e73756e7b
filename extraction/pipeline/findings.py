"""The analysis stage: what the metadata says about privacy and provenance, each finding naming its tags."""

import re
from datetime import datetime
from typing import Any

Finding = dict[str, Any]
Place = tuple[str, str]

_SERIALS: tuple[Place, ...] = (
    ("EXIF", "SerialNumber"), ("EXIF", "LensSerialNumber"), ("MakerNotes", "SerialNumber"),
    ("MakerNotes", "InternalSerialNumber"), ("MakerNotes", "LensSerialNumber"), ("XMP", "SerialNumber"),
    ("XMP", "LensSerialNumber"))
_PEOPLE: tuple[Place, ...] = (
    ("EXIF", "Artist"), ("EXIF", "OwnerName"), ("EXIF", "XPAuthor"), ("EXIF", "Copyright"),
    ("MakerNotes", "OwnerName"), ("XMP", "Creator"), ("XMP", "OwnerName"), ("XMP", "Rights"),
    ("IPTC", "By-line"), ("IPTC", "CopyrightNotice"))
# Tags that name the program that wrote the file (XMP History is read for its SoftwareAgent entries).
_SOFTWARE: tuple[Place, ...] = (
    ("EXIF", "Software"), ("EXIF", "ProcessingSoftware"), ("XMP", "CreatorTool"), ("XMP", "Software"),
    ("XMP", "History"), ("PNG", "Software"), ("IPTC", "OriginatingProgram"), ("Photoshop", "WriterName"))
_METADATA_GROUPS = ("EXIF", "XMP", "IPTC", "MakerNotes")

# -- firmware: what a camera, phone or scanner writes as Software about itself -----------------------
# Words that say "version" in front of a number ("Ver.1.0", "Version 1.3", "fw 05.15", "iOS 16.1").
_VERSION_WORDS = {"v", "ver", "version", "fw", "firmware", "rev", "revision", "build", "bld", "release",
                  "ios", "ipados", "android"}
# A build or version code: letters, digits and separators, a digit somewhere, no run of more than 4 letters
# ("13.4.1", "G975FXXU7CTF1", "E775v1.1u", "v552p-A80", "5_04_29195_00"; not "paint.net", "GIMP").
_CODE = re.compile(r"^[A-Za-z0-9._\-+()*#,:;=/]+$")
_LETTER_RUN = re.compile(r"[A-Za-z]{5,}")
# An Android build fingerprint: "<device>-user <version> <build id> <incremental> release-keys".
_ANDROID_BUILD = re.compile(r"\b(release|test|dev)-keys\b", re.I)

# -- placeholders: what editors and cameras put in name fields when nobody filled them in --------------
_COPYRIGHT_MARKS = re.compile(r"©|\(c\)|\bc\)|\(p\)|®|™", re.I)
_URL = re.compile(r"^(https?://|www\.)", re.I)
# Words that carry no name: the tags' own names, defaults and boilerplate.
_GENERIC = {
    "copyright", "copr", "notice", "all", "rights", "right", "reserved", "by", "the", "of", "and", "is",
    "author", "artist", "creator", "owner", "owners", "photographer", "photo", "photos", "picture", "image",
    "credit", "credits", "line", "byline", "name", "your", "my", "user", "username", "camera", "digital",
    "unknown", "null", "none", "nil", "undefined", "undef", "default", "empty", "blank", "na", "n/a",
    "nobody", "anonymous", "admin", "administrator", "owner's", "company", "inc", "ltd", "holder", "here",
    "enter", "not", "set", "specified", "no", "info", "information",
}
# Values that call themselves a placeholder, however they go on.
_SELF_DECLARED = re.compile(r"\b(test|sample|example|dummy|placeholder|lorem|acme|john doe|jane doe)\b", re.I)
# Programs that write their own name into Artist or Copyright.
_PROGRAMS = {"picasa", "photoshop", "lightroom", "gimp", "instagram", "snapseed", "acdsee", "irfanview",
             "xnview", "windows", "microsoft", "adobe", "paint.net", "imagemagick", "google", "facebook"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Serial numbers a device writes when it has none.
_NO_SERIAL = re.compile(r"^(0+|unknown|none|null|n/?a|no lens|-+|\s*)$", re.I)

_DATE = re.compile(r"^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})")
# A camera writes ModifyDate at, or a moment after, the capture; an edit comes later than this.
_EDIT_AFTER_SECONDS = 60
# JPEG and HEIF store sizes padded to whole blocks (8 or 16 px, 64 for HEIF tiles is rarer): not a resize.
_PADDING_PX = 16


def analyse(result: dict[str, Any]) -> list[Finding]:
    """Return findings as {code, severity, message, tags} for one extracted image."""
    summary, groups = result["summary"], result["groups"]
    findings: list[Finding] = []
    location = _location(summary, groups)
    if location:
        findings.append(location)
    serials = [(tag, value) for tag, value in _values(groups, _SERIALS) if not _NO_SERIAL.match(value)]
    if serials:
        findings.append(_finding("device_serial_number", "medium",
                                 f"The image records device serial numbers: {_join(serials)}.", serials))
    device = (str(summary.get("Make") or ""), str(summary.get("Model") or ""))
    programs = software_values(groups)
    editors = [(tag, value) for tag, value in programs if not is_firmware(value, *device)]
    people = [(tag, value) for tag, value in _values(groups, _PEOPLE)
              if is_name(value, *device, software=[value for _, value in programs])]
    if people:
        findings.append(_finding("personal_names", "medium",
                                 f"The image names its owner, author or rights holder: {_join(people)}.", people))
    if editors:
        findings.append(_finding("edited_by_software", "info",
                                 f"The image was written by software: {_join(editors)}.", editors))
    modified = _modified(groups.get("EXIF", {}))
    if modified:
        findings.append(modified)
    mismatch = _dimensions(groups.get("EXIF", {}), summary)
    if mismatch:
        findings.append(mismatch)
    if not any(groups.get(name) for name in _METADATA_GROUPS):
        findings.append(_finding("no_metadata", "info", "The image carries no EXIF, XMP or IPTC metadata.", []))
    return findings


def software_values(groups: dict[str, Any]) -> list[tuple[str, str]]:
    """(tag, value) for every tag naming a program that wrote the file, blanks and placeholders left out."""
    found: list[tuple[str, str]] = []
    for group, tag in _SOFTWARE:
        value = groups.get(group, {}).get(tag)
        if tag == "History":
            entries = value if isinstance(value, list) else []
            items = [entry.get("SoftwareAgent") for entry in entries if isinstance(entry, dict)]
        else:
            items = value if isinstance(value, list) else [value]
        for item in items:
            text = _text(item)
            if text and _words(text) - _GENERIC and (f"{group}:{tag}", text) not in found:
                found.append((f"{group}:{tag}", text))
    return found


def is_firmware(software: str, make: str = "", model: str = "") -> bool:
    """True when Software is the capturing device's own firmware or OS version, not an editor or converter."""
    text = " ".join(software.split())
    if re.search(r"\bfirmware\b", text, re.I) or _ANDROID_BUILD.search(text):
        return True
    if _names_device(text, make, model):
        return True
    tokens = text.replace("/", " / ").split()
    has_digit = any(any(ch.isdigit() for ch in token) for token in tokens)
    return has_digit and all(_version_token(token) for token in tokens)


def _version_token(token: str) -> bool:
    bare = token.strip("()[],;:").lower()
    if not bare or bare in _VERSION_WORDS or not any(ch.isalnum() for ch in bare):
        return True
    if any(ch.isdigit() for ch in bare):
        return bool(_CODE.match(token)) and not _LETTER_RUN.search(token)
    return bool(re.fullmatch(r"[a-z]{1,3}\+?", bare))  # "fw", "prm", "HDR+": short tags around a version


def _names_device(text: str, make: str, model: str) -> bool:
    # "Digital Camera FinePix40i Ver1.39", "Optio S4 Ver 1.00", "COOLPIX P7000V1.0": the model, then its version.
    flat = _flat(text)
    candidates = {_flat(model)}
    brand = make.split()[0] if make.split() else ""
    if brand and model.lower().startswith(brand.lower()):
        candidates.add(_flat(model[len(brand):]))
    return any(len(c) >= 3 and any(ch.isalpha() for ch in c) and c in flat for c in candidates)


def is_name(value: str, make: str = "", model: str = "", software: list[str] | tuple[str, ...] = ()) -> bool:
    """True when a name field holds a person's or organisation's name, not a placeholder or a program."""
    text = " ".join(value.split())
    if not any(ch.isalpha() for ch in text) or _CONTROL.search(text) or _URL.match(text):
        return False
    if _SELF_DECLARED.search(text):
        return False
    lowered = text.lower()
    if any(lowered == _text(program).lower() for program in software):
        return False
    words = _words(_COPYRIGHT_MARKS.sub(" ", text))
    words -= _GENERIC | _PROGRAMS
    words = {word for word in words if not any(ch.isdigit() for ch in word) and not _URL.match(word)}
    device = _words(f"{make} {model}")
    words -= device
    return bool(words)


def _words(text: str) -> set[str]:
    return {word.strip(".,;:!?'\"()[]{}-–—_/\\*").lower() for word in text.split()} - {""}


def _flat(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return ""
    return " ".join(str(value).replace("\x00", " ").split())


def _location(summary: dict[str, Any], groups: dict[str, Any]) -> Finding | None:
    lat, lon = summary.get("GPSLatitude"), summary.get("GPSLongitude")
    if not isinstance(lat, (int, float)) or not isinstance(lon, (int, float)) or abs(lat) > 90 or abs(lon) > 180:
        return None
    group = "EXIF" if "GPSLatitude" in groups.get("EXIF", {}) else "APP1"
    tags = [f"{group}:GPSLatitude", f"{group}:GPSLongitude"]
    if lat == 0 and lon == 0:
        return _finding("gps_location", "low", "The image has GPS tags, but at 0, 0: probably no fix.", tags)
    where = f"{lat:.6f}, {lon:.6f}"
    if isinstance(summary.get("GPSAltitude"), (int, float)):
        where += f" at {summary['GPSAltitude']:.1f} m"
        tags.append(f"{group}:GPSAltitude")
    return _finding("gps_location", "high", f"The image records where it was taken: {where}.", tags)


def _modified(exif: dict[str, Any]) -> Finding | None:
    original, modified = _date(exif.get("DateTimeOriginal")), _date(exif.get("ModifyDate"))
    if original is None or modified is None or (modified - original).total_seconds() <= _EDIT_AFTER_SECONDS:
        return None
    return _finding("modified_after_capture", "low",
                    f"The image was taken at {exif['DateTimeOriginal'].strip()} but modified at "
                    f"{exif['ModifyDate'].strip()}.", ["EXIF:DateTimeOriginal", "EXIF:ModifyDate"])


def _date(value: Any) -> datetime | None:
    match = _DATE.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return None  # blank ("    :  :  "), zero ("0000:00:00") or not a date at all
    try:
        return datetime(*(int(part) for part in match.groups()))  # type: ignore[misc]
    except ValueError:
        return None


def _dimensions(exif: dict[str, Any], summary: dict[str, Any]) -> Finding | None:
    size = (exif.get("ExifImageWidth"), exif.get("ExifImageHeight"))
    real = (summary.get("ImageWidth"), summary.get("ImageHeight"))
    if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in (*size, *real)):
        return None
    if _close(size, real) or _close(size, real[::-1]):  # type: ignore[arg-type]
        return None
    return _finding("dimensions_mismatch", "low",
                    f"EXIF says {size[0]}x{size[1]} but the image is {real[0]}x{real[1]}: "
                    "it was probably resized or cropped after capture.",
                    ["EXIF:ExifImageWidth", "EXIF:ExifImageHeight"])


def _close(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return abs(a[0] - b[0]) < _PADDING_PX and abs(a[1] - b[1]) < _PADDING_PX


def _finding(code: str, severity: str, message: str, tags: list[Any]) -> Finding:
    names = [tag if isinstance(tag, str) else tag[0] for tag in tags]
    return {"code": code, "severity": severity, "message": message, "tags": list(dict.fromkeys(names))}


def _join(pairs: list[tuple[str, str]]) -> str:
    return ", ".join(dict.fromkeys(value for _, value in pairs))


def _values(groups: dict[str, Any], places: tuple[Place, ...]) -> list[tuple[str, str]]:
    """(tag, value) for each non-blank value at the places; a value held by several tags comes once per tag."""
    seen: list[tuple[str, str]] = []
    for group, tag in places:
        value = groups.get(group, {}).get(tag)
        for item in value if isinstance(value, list) else [value]:
            text = _text(item) if not isinstance(item, float) else ""
            if text and (f"{group}:{tag}", text) not in seen:
                seen.append((f"{group}:{tag}", text))
    return seen
