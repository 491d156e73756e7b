"""Parses XMP packets safely (defusedxml) into ExifTool-style flat XMP tags, values converted like their EXIF twins.

Names are ExifTool's: the property's name capitalised, except where a namespace's property has an EXIF twin
or a clash (exif:ISOSpeedRatings is ISO, MicrosoftPhoto:Rating is RatingPercent). Values are `exiftool -n`
values: rationals ("245/32") become numbers, APEX values seconds and f-numbers, GPS coordinates signed
degrees, XMP dates ExifTool's "YYYY:MM:DD HH:MM:SS" form.
"""

import base64
import binascii
import re
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_START = re.compile(rb"<(x:xmpmeta|x:xapmeta|rdf:RDF)\b")
# XMP is text; a packet bigger than this is not metadata worth parsing.
MAX_XMP = 4 * 1024 * 1024
_MAX_DEPTH = 16
_TOOLKITS = ("{adobe:ns:meta/}xmptk", "{adobe:ns:meta/}xaptk")

# Namespace URIs by the prefix the XMP specs give them (the prefix in a file may be anything).
_NAMESPACES = {
    "http://ns.adobe.com/exif/1.0/": "exif",
    "http://ns.adobe.com/tiff/1.0/": "tiff",
    "http://ns.adobe.com/exif/1.0/aux/": "aux",
    "http://cipa.jp/exif/1.0/": "exifEX",
    "http://ns.adobe.com/camera-raw-settings/1.0/": "crs",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.microsoft.com/photo/1.0/": "MicrosoftPhoto",
    "http://ns.microsoft.com/photo/1.0": "MicrosoftPhoto",
    "http://ns.microsoft.com/photo/1.2/": "MP",
    "http://ns.google.com/photos/1.0/image/": "GImage",
    "http://ns.google.com/photos/1.0/depthmap/": "GDepth",
    "http://ns.google.com/photos/1.0/audio/": "GAudio",
    "http://www.metadataworkinggroup.com/schemas/regions/": "mwg-rs",
    "http://ns.useplus.org/ldf/xmp/1.0/": "plus",
    "http://iptc.org/std/Iptc4xmpExt/2008-02-29/": "Iptc4xmpExt",
    "http://rs.tdwg.org/dwc/index.htm": "dwc",
}
# ExifTool's tag names where they are not the property's own name.
_NAMES = {
    ("exif", "PixelXDimension"): "ExifImageWidth", ("exif", "PixelYDimension"): "ExifImageHeight",
    ("exif", "ISOSpeedRatings"): "ISO", ("exif", "ExposureBiasValue"): "ExposureCompensation",
    ("exif", "FocalLengthIn35mmFilm"): "FocalLengthIn35mmFormat",
    ("exifEX", "LensSpecification"): "LensInfo", ("exifEX", "InteroperabilityIndex"): "InteropIndex",
    ("exifEX", "BodySerialNumber"): "SerialNumber", ("exifEX", "CameraOwnerName"): "OwnerName",
    ("tiff", "ImageLength"): "ImageHeight",
    ("photoshop", "ICCProfile"): "ICCProfileName",
    ("crs", "Temperature"): "ColorTemperature", ("crs", "RawFileName"): "RawFileName",
    ("MicrosoftPhoto", "Rating"): "RatingPercent",
    ("MP", "RegionInfo"): "RegionInfoMP", ("mwg-rs", "Regions"): "RegionInfo",
    ("GImage", "Mime"): "ImageMimeType", ("GImage", "Data"): "ImageData",
    ("GDepth", "Data"): "DepthImage",
    ("Iptc4xmpExt", "DigImageGUID"): "DigitalImageGUID", ("Iptc4xmpExt", "AddlModelInfo"): "AdditionalModelInformation",
    ("Iptc4xmpExt", "RegistryId"): "RegistryID",
    ("dwc", "Event"): "DCEvent", ("dwc", "dctermsLocation"): "DCTermsLocation",
}
# Namespaces whose properties are EXIF's types: rationals and integers there are numbers.
_NUMERIC = {"exif", "tiff", "aux", "exifEX", "crs", "GDepth"}
# Namespaces that repeat what EXIF says: a second value under one name does not replace the first.
_MIRRORS_EXIF = {"exif", "tiff", "aux", "exifEX", "crs"}
# Integer properties elsewhere (ratings and photoshop's codes), numbers as ExifTool gives them.
_INTEGERS = {("xmp", "Rating"), ("MicrosoftPhoto", "Rating"), ("photoshop", "ColorMode"), ("photoshop", "Urgency")}
_SECONDS_APEX = {("exif", "ShutterSpeedValue")}
_APERTURE_APEX = {("exif", "ApertureValue"), ("exif", "MaxApertureValue")}
_COORDINATES = {("exif", "GPSLatitude"), ("exif", "GPSLongitude"), ("exif", "GPSDestLatitude"),
                ("exif", "GPSDestLongitude")}
_RATIONAL_LISTS = {("aux", "LensInfo"), ("exifEX", "LensSpecification")}
# PLUS (Picture Licensing Universal System) codes are written as URIs of its vocabulary: the code is the value.
_PLUS_VOCABULARY = "http://ns.useplus.org/ldf/vocab/"
# Binary data carried as base64 text (Google's depth maps, images and audio): bytes, shown as a blob.
_BASE64 = {("GImage", "Data"), ("GDepth", "Data"), ("GDepth", "Confidence"), ("GAudio", "Data")}

# XMP's Boolean type is exactly "True" or "False"; ExifTool gives them as booleans.
_BOOLEANS = {"True": True, "False": False}
# A number as `exiftool -j` writes one unquoted (no leading zero, no sign but minus).
_JSON_NUMBER = re.compile(r"^-?(?:\d|[1-9]\d{1,14})(?:\.\d{1,16})?(?:[eE][-+]?\d{1,3})?$")
_RATIONAL = re.compile(r"^\s*(-?\d+)\s*/\s*(-?\d+)\s*$")
# No leading zero: "0230" (ExifVersion) and serial numbers like "0012" are text.
_INTEGER = re.compile(r"^\s*-?(?:0|[1-9]\d*)\s*$")
_LEADING_NUMBER = re.compile(r"^\s*(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)")
_COORDINATE = re.compile(r"^\s*(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?\s*([NSEW])\s*$", re.I)
_DATE_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2})?(\S*)$")
_DATE = re.compile(r"^\d{4}(-\d{2}){0,2}")


def parse_xmp(packet: bytes, warnings: list[str]) -> dict[str, Any]:
    """Return {TagName: value} for one XMP packet; an unreadable packet adds a warning."""
    if len(packet) > MAX_XMP:
        warnings.append("XMP: packet too large; skipped")
        return {}
    match = _START.search(packet)
    if not match:
        return {}
    body = packet[match.start() :]
    # The root element ends at its first closing tag (it cannot nest): what follows (padding, junk, a
    # second copy) is not this packet's.
    end = b"</" + match.group(1) + b">"
    cut = body.find(end)
    if cut != -1:
        body = body[: cut + len(end)]
    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as exc:
        warnings.append(f"XMP: {exc}")
        return {}
    tags: dict[str, Any] = {}
    for toolkit in _TOOLKITS:
        if root.get(toolkit):
            tags["XMPToolkit"] = root.get(toolkit)
    for description in _descriptions(root):
        about = description.get(f"{_RDF}about", description.get("about"))
        if about:
            tags.setdefault("About", about)
        for name, value in description.attrib.items():
            if not name.startswith(_RDF) and name != _XML_LANG and name != "about":
                _put(tags, name, convert(*_naming(name), value))
        for child in description:
            value = _value(child, 0)
            if value is None or value in ([], {}):
                continue
            _put(tags, child.tag, convert(*_naming(child.tag), value))
    return tags


def _descriptions(root: Element) -> list[Element]:
    """The rdf:Description elements directly under rdf:RDF (those nested deeper are structures' values)."""
    rdf = root if root.tag == f"{_RDF}RDF" else root.find(f"{_RDF}RDF")
    return [] if rdf is None else [child for child in rdf if child.tag == f"{_RDF}Description"]


def _naming(qualified: str) -> tuple[str | None, str, str]:
    name, prefix = _qualified(qualified)
    return prefix, name, _local(qualified)


def _put(tags: dict[str, Any], qualified: str, value: Any) -> None:
    """Two properties with one tag name: the later replaces the earlier, unless it is of a namespace that
    mirrors EXIF (exif, tiff, aux, exifEX, crs), whose properties never replace one already read."""
    name, prefix = _qualified(qualified)
    if name not in tags or prefix not in _MIRRORS_EXIF:
        tags[name] = value


def convert(prefix: str | None, name: str, local: str, value: Any) -> Any:
    """One property's value as ExifTool gives it with -n (see the module docstring)."""
    if isinstance(value, list):
        return [convert(prefix, name, local, item) for item in value]
    if isinstance(value, dict):
        return {key: _struct_field(item) for key, item in value.items()}
    if not isinstance(value, str):
        return value
    if value in _BOOLEANS:
        return _BOOLEANS[value]
    key = (prefix, local)
    if prefix == "plus" and value.startswith(_PLUS_VOCABULARY):
        return value[len(_PLUS_VOCABULARY) :]
    if key in _BASE64:
        try:
            return base64.b64decode("".join(value.split()), validate=True)
        except (binascii.Error, ValueError):
            return value
    if key in _SECONDS_APEX or key in _APERTURE_APEX:
        apex = _number(value)
        if apex is not None:
            return 2 ** -apex if key in _SECONDS_APEX else 2 ** (apex / 2)
    if key in _COORDINATES:
        degrees = _coordinate(value)
        if degrees is not None:
            return degrees
    if key in _RATIONAL_LISTS:
        parts = [_rational_or_undef(part) for part in value.split()]
        return " ".join(parts) if parts and all(parts) else value
    if prefix in _NUMERIC or key in _INTEGERS:
        number = _number(value, leading=False)
        if number is not None:
            return number
    return exiftool_date(value, dated="Date" in name or name in ("When", "TimeStamp"))


def exiftool_date(value: str, dated: bool = True) -> str:
    """XMP dates as ExifTool gives them: "2020-05-04T18:39:11.644Z" -> "2020:05:04 18:39:11.644Z".

    A value that is not a full date and time keeps its form with the dashes of its date turned to colons
    ("2009-09-09" -> "2009:09:09"), for date properties only (`dated`).
    """
    match = _DATE_TIME.match(value)
    if match:
        year, month, day, hour, minute, seconds, rest = match.groups()
        return f"{year}:{month}:{day} {hour}:{minute}{seconds or ''}{rest}"
    if dated and _DATE.match(value):
        return value.replace("-", ":")
    return value


def _struct_field(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _struct_field(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_struct_field(item) for item in value]
    if isinstance(value, str):
        if value in _BOOLEANS:
            return _BOOLEANS[value]
        if _JSON_NUMBER.match(value):  # a structure's field types are not known: a number-looking text is one
            return float(value) if any(c in value for c in ".eE") else int(value)
        return exiftool_date(value, dated=False)
    return value


def _number(value: str, leading: bool = True) -> float | int | None:
    match = _RATIONAL.match(value)
    if match:
        numerator, denominator = int(match.group(1)), int(match.group(2))
        return numerator / denominator if denominator else None
    if _INTEGER.match(value):
        return int(value)
    if leading:
        match = _LEADING_NUMBER.match(value)  # "5.91 EV (1/60 sec.)": the APEX number leads
        return float(match.group(1)) if match else None
    return None


def _rational_or_undef(text: str) -> str:
    match = _RATIONAL.match(text)
    if not match:
        return text if _LEADING_NUMBER.fullmatch(text) else ""
    numerator, denominator = int(match.group(1)), int(match.group(2))
    return f"{numerator / denominator:.15g}" if denominator else "undef"


def _coordinate(value: str) -> float | None:
    """XMP's "DDD,MM.mmmmK" or "DDD,MM,SSK" as signed decimal degrees (south and west negative)."""
    match = _COORDINATE.match(value)
    if not match:
        return None
    degrees, minutes, seconds, ref = match.groups()
    result = float(degrees) + float(minutes) / 60 + (float(seconds) / 3600 if seconds else 0)
    return -result if ref.upper() in "SW" else result


def _local(qualified: str) -> str:
    return qualified.rsplit("}", 1)[-1]


def _qualified(qualified: str) -> tuple[str, str | None]:
    """ExifTool's tag name for a {namespace}property, and the namespace's standard prefix."""
    uri, _, local = qualified[1:].rpartition("}") if qualified.startswith("{") else ("", "", qualified)
    prefix = _NAMESPACES.get(uri)
    return _NAMES.get((prefix, local)) or _tag_name(local), prefix


def _tag_name(local: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_-]", "", local)  # "Spectral.CentralWavelength" -> SpectralCentralWavelength
    if len(name) > 1 and name.isupper():
        return name.capitalize()  # an all-capitals property ("ID", "API") is named "Id", "Api"
    return name[:1].upper() + name[1:]


def _value(element: Element, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        return None
    resource = element.get(f"{_RDF}resource")
    if resource is not None:
        return resource
    children = list(element)
    if not children:
        text = element.text or ""
        if element.attrib and not text.strip():
            fields = {_qualified(k)[0]: v for k, v in element.attrib.items()
                      if not k.startswith(_RDF) and k != _XML_LANG}
            return fields or text
        return text  # ExifTool keeps an empty or blank value as it is
    first = children[0]
    if first.tag in (f"{_RDF}Seq", f"{_RDF}Bag", f"{_RDF}Alt"):
        items = [_value(li, depth + 1) for li in first if li.tag == f"{_RDF}li"]
        items = [item for item in items if item is not None and item != ""]
        if first.tag == f"{_RDF}Alt":
            # The x-default (first) alternative, as ExifTool shows it; an Alt of blank items is blank.
            return items[0] if items else ("" if any(li.tag == f"{_RDF}li" for li in first) else None)
        return items
    if first.tag == f"{_RDF}Description":
        children = list(first)
        struct = {_qualified(k)[0]: v for k, v in first.attrib.items() if not k.startswith(_RDF)}
    else:
        struct = {_qualified(k)[0]: v for k, v in element.attrib.items() if not k.startswith(_RDF)}
    for child in children:
        value = _value(child, depth + 1)
        if value is not None and value != "":
            struct[_qualified(child.tag)[0]] = value
    return struct


EXTENSION_ID = b"http://ns.adobe.com/xmp/extension/\x00"


def join_extended_xmp(chunks: list[bytes], warnings: list[str]) -> list[bytes]:
    """Extended XMP (JPEG APP1 segments after EXTENSION_ID): each chunk is a 32-character GUID, the whole
    packet's length and this chunk's offset in it (32-bit big-endian each), then its bytes. Returns each
    GUID's packet once every byte of it has arrived; an incomplete or oversized one adds a warning."""
    packets: dict[bytes, bytearray] = {}
    filled: dict[bytes, int] = {}
    for chunk in chunks:
        if len(chunk) < 40:
            continue
        guid, total, offset = chunk[:32], int.from_bytes(chunk[32:36], "big"), int.from_bytes(chunk[36:40], "big")
        data = chunk[40:]
        if total > MAX_XMP or offset + len(data) > total:
            warnings.append("XMP: an extended XMP chunk runs past its packet; skipped")
            continue
        packet = packets.setdefault(guid, bytearray(total))
        if len(packet) != total:
            continue
        packet[offset : offset + len(data)] = data
        filled[guid] = filled.get(guid, 0) + len(data)
    joined = []
    for guid, packet in packets.items():
        if filled.get(guid, 0) >= len(packet):
            joined.append(bytes(packet))
        else:
            warnings.append("XMP: extended XMP is incomplete; skipped")
    return joined
