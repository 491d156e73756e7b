"""Parses XMP packets safely (defusedxml) into ExifTool-style flat XMP tags."""

import re
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_START = re.compile(rb"<(?:x:xmpmeta|x:xapmeta|rdf:RDF)\b")
_ENDS = (b"</x:xmpmeta>", b"</x:xapmeta>", b"</rdf:RDF>")
# XMP is text; a packet bigger than this is not metadata worth parsing.
MAX_XMP = 4 * 1024 * 1024
_MAX_DEPTH = 16
_XMP_TOOLKIT = "{adobe:ns:meta/}xmptk"
# ExifTool names a few XMP properties after their EXIF twins.
_RENAMES = {
    "PixelXDimension": "ExifImageWidth", "PixelYDimension": "ExifImageHeight", "ISOSpeedRatings": "ISO",
    "ExposureBiasValue": "ExposureCompensation",
    "ImageLength": "ImageHeight", "ICCProfile": "ICCProfileName", "About": "About",
}
_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:\d{2})?)?)?$")


def parse_xmp(packet: bytes, warnings: list[str]) -> dict[str, Any]:
    """Return {TagName: value} for one XMP packet; an unreadable packet adds a warning."""
    if len(packet) > MAX_XMP:
        warnings.append("XMP: packet too large; skipped")
        return {}
    match = _START.search(packet)
    if not match:
        return {}
    body = packet[match.start() :]
    for end in _ENDS:
        cut = body.rfind(end)
        if cut != -1:
            body = body[: cut + len(end)]
            break
    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as exc:
        warnings.append(f"XMP: {exc}")
        return {}
    tags: dict[str, Any] = {}
    if root.get(_XMP_TOOLKIT):
        tags["XMPToolkit"] = root.get(_XMP_TOOLKIT)
    for description in root.iter(f"{_RDF}Description"):
        about = description.get(f"{_RDF}about")
        if about:
            tags.setdefault("About", about)
        for name, value in description.attrib.items():
            if not name.startswith(_RDF) and name != _XML_LANG:
                tags.setdefault(_tag_name(name), exiftool_date(value.strip()))
        for child in description:
            value = _value(child, 0)
            if value not in (None, "", [], {}):
                tags.setdefault(_tag_name(child.tag), exiftool_date(value) if isinstance(value, str) else value)
    return tags


def exiftool_date(value: str) -> str:
    """XMP dates ("2020-05-04T18:39:11.644") as ExifTool prints them ("2020:05:04 18:39:11.644")."""
    match = _DATE.match(value)
    if not match:
        return value
    year, month, day, clock, zone = match.groups()
    text = ":".join(part for part in (year, month, day) if part)
    if clock:
        text += " " + (clock if clock.count(":") == 2 else clock + ":00")
    return text + ("+00:00" if zone == "Z" else zone or "")


def _tag_name(qualified: str) -> str:
    local = qualified.rsplit("}", 1)[-1]
    name = local[:1].upper() + local[1:]
    return _RENAMES.get(name, name)


def _value(element: Element, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        return None
    resource = element.get(f"{_RDF}resource")
    if resource is not None:
        return resource
    children = list(element)
    if not children:
        text = (element.text or "").strip()
        if element.attrib and not text:
            return {_tag_name(k): v for k, v in element.attrib.items() if not k.startswith(_RDF) and k != _XML_LANG} or None
        return text
    first = children[0]
    if first.tag in (f"{_RDF}Seq", f"{_RDF}Bag", f"{_RDF}Alt"):
        items = [_value(li, depth + 1) for li in first if li.tag == f"{_RDF}li"]
        items = [item for item in items if item not in (None, "")]
        if first.tag == f"{_RDF}Alt":
            return items[0] if items else None  # the x-default (first) alternative, as ExifTool shows it
        return items
    if first.tag == f"{_RDF}Description":
        children = list(first)
        struct = {_tag_name(k): v for k, v in first.attrib.items() if not k.startswith(_RDF)}
    else:
        struct = {_tag_name(k): v for k, v in element.attrib.items() if not k.startswith(_RDF)}
    for child in children:
        value = _value(child, depth + 1)
        if value not in (None, ""):
            struct[_tag_name(child.tag)] = value
    return struct
