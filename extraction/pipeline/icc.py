"""Reads an ICC profile (ICC.1 header and tag table) into ExifTool's ICC_Profile tag names, from the bytes alone.

A pure function of the profile's bytes: JPEG APP2, PNG iCCP, WebP ICCP, HEIF colr and TIFF tag 34675 all hand
the same block here. Values are `exiftool -n` values; the words are in `printing/icc.py`.
"""

import struct
from typing import Any

from .exif_names import binary_note

_HEADER_SIZE = 128
_MAX_TAGS = 200  # a profile with more entries than this is junk (real ones have < 40)
_MAX_ML_RECORDS = 200  # localized strings in one multiLocalizedUnicode tag
_MAX_CHANNELS = 16

# Tag signature -> ExifTool's name (ICC.1:2010 section 9 and ICC.1:2001 for v2-only tags; Apple's registered
# private tags). Tags not named here are vendors' own: ExifTool hides them too.
TAG_NAMES = {
    b"A2B0": "AToB0", b"A2B1": "AToB1", b"A2B2": "AToB2", b"B2A0": "BToA0", b"B2A1": "BToA1", b"B2A2": "BToA2",
    b"B2D0": "BToD0", b"B2D1": "BToD1", b"B2D2": "BToD2", b"B2D3": "BToD3",
    b"D2B0": "DToB0", b"D2B1": "DToB1", b"D2B2": "DToB2", b"D2B3": "DToB3",
    b"bXYZ": "BlueMatrixColumn", b"bTRC": "BlueTRC", b"gXYZ": "GreenMatrixColumn", b"gTRC": "GreenTRC",
    b"rXYZ": "RedMatrixColumn", b"rTRC": "RedTRC", b"kTRC": "GrayTRC",
    b"bkpt": "MediaBlackPoint", b"wtpt": "MediaWhitePoint", b"lumi": "Luminance",
    b"calt": "CalibrationDateTime", b"targ": "CharTarget", b"chad": "ChromaticAdaptation",
    b"chrm": "Chromaticity", b"clro": "ColorantOrder", b"clrt": "ColorantTable", b"clot": "ColorantTableOut",
    b"ciis": "ColorimetricIntentImageState", b"cprt": "ProfileCopyright", b"crdi": "CRDInfo",
    b"desc": "ProfileDescription", b"dmnd": "DeviceMfgDesc", b"dmdd": "DeviceModelDesc",
    b"devs": "DeviceSettings", b"gamt": "Gamut", b"meas": "Measurement", b"ncol": "NamedColor",
    b"ncl2": "NamedColor2", b"resp": "OutputResponse", b"pre0": "Preview0", b"pre1": "Preview1",
    b"pre2": "Preview2", b"pseq": "ProfileSequenceDesc", b"psid": "ProfileSequenceIdentifier",
    b"ps2i": "PS2RenderingIntent", b"ps2s": "PostScript2CSA", b"psd0": "PostScript2CRD0",
    b"psd1": "PostScript2CRD1", b"psd2": "PostScript2CRD2", b"psd3": "PostScript2CRD3",
    b"rig0": "PerceptualRenderingIntentGamut", b"rig2": "SaturationRenderingIntentGamut",
    b"scrd": "ScreeningDesc", b"scrn": "Screening", b"tech": "Technology", b"bfd ": "UCRBG",
    b"vued": "ViewingCondDesc", b"view": "ViewingConditions",
    # Apple's private tags (registered with the ICC)
    b"dscm": "ProfileDescriptionML", b"vcgt": "VideoCardGamma", b"ndin": "NativeDisplayInfo",
    b"mmod": "MakeAndModel",
}


def parse_icc(data: bytes, warnings: list[str] | None = None) -> dict[str, Any]:
    """ExifTool's ICC_Profile tags for one profile; a short or broken profile gives what it holds, never raises."""
    warnings = warnings if warnings is not None else []
    data = bytes(data)
    if len(data) < _HEADER_SIZE:
        if data:
            warnings.append("ICC_Profile: the profile is shorter than its 128-byte header.")
        return {}
    tags = _header(data)
    try:
        _tag_table(data, tags, warnings)
    except (struct.error, ValueError, IndexError):  # bounds are checked; this only guards a gap in them
        warnings.append("ICC_Profile: the tag table could not be read in full.")
    return tags


def _header(data: bytes) -> dict[str, Any]:
    tags: dict[str, Any] = {
        "ProfileCMMType": _sig(data[4:8]),
        "ProfileVersion": struct.unpack_from(">H", data, 8)[0],  # -n: 0x0210 is 528 (printed 2.1.0)
        "ProfileClass": _sig(data[12:16]),
        "ColorSpaceData": _sig(data[16:20]),
        "ProfileConnectionSpace": _sig(data[20:24]),
    }
    year, month, day, hour, minute, second = struct.unpack_from(">6H", data, 24)
    if year or month or day:
        tags["ProfileDateTime"] = f"{year:04d}:{month:02d}:{day:02d} {hour:02d}:{minute:02d}:{second:02d}"
    tags.update({
        "ProfileFileSignature": _sig(data[36:40]),
        "PrimaryPlatform": _sig(data[40:44]),
        "CMMFlags": struct.unpack_from(">I", data, 44)[0],
        "DeviceManufacturer": _sig(data[48:52]),
        "DeviceModel": _sig(data[52:56]),
        "DeviceAttributes": list(struct.unpack_from(">II", data, 56)),
        "RenderingIntent": struct.unpack_from(">I", data, 64)[0],
        "ConnectionSpaceIlluminant": _xyz(data, 68, 1),
        "ProfileCreator": _sig(data[80:84]),
        "ProfileID": list(data[84:100]),  # -n: the 16 bytes; printed as hex (or 0 when unset)
    })
    return tags


def _tag_table(data: bytes, tags: dict[str, Any], warnings: list[str]) -> None:
    if len(data) < _HEADER_SIZE + 4:
        return
    count = struct.unpack_from(">I", data, _HEADER_SIZE)[0]
    size = len(data)
    fits = (size - _HEADER_SIZE - 4) // 12
    if count > fits:
        warnings.append(f"ICC_Profile: the tag table claims {count} tags but the profile holds at most {fits}.")
        count = fits
    if count > _MAX_TAGS:
        warnings.append(f"ICC_Profile: the tag table claims {count} tags; only the first {_MAX_TAGS} are read.")
        count = _MAX_TAGS
    seen: set[bytes] = set()
    for index in range(count):
        sig, offset, length = struct.unpack_from(">4sII", data, _HEADER_SIZE + 4 + 12 * index)
        name = TAG_NAMES.get(sig)
        if name is None or sig in seen:  # a signature appears once in a real table: the first one stands
            continue
        seen.add(sig)
        if offset + length > size or length < 8:
            warnings.append(f"ICC_Profile: the {name} tag lies outside the profile.")
            continue
        for tag, value in _tag(name, data[offset : offset + length]).items():
            tags.setdefault(tag, value)


def _tag(name: str, raw: bytes) -> dict[str, Any]:
    """The tags one ICC tag element gives: its own value, or the fields of a structure (measurement...)."""
    kind = raw[:4]
    if kind == b"mluc":
        return _localized(name, raw)
    if kind in (b"desc", b"text"):
        return _text_value(name, raw)
    if kind in (b"XYZ ", b"sf32"):
        count = (len(raw) - 8) // (12 if kind == b"XYZ " else 4)
        if kind == b"XYZ ":
            return {name: _xyz(raw, 8, count)} if count else {}
        return {name: [_fixed(v) for v in struct.unpack_from(f">{count}i", raw, 8)]} if count else {}
    if kind == b"sig " and len(raw) >= 12:
        return {name: _sig(raw[8:12])}
    if kind == b"meas" and len(raw) >= 36:
        observer, = struct.unpack_from(">I", raw, 8)
        geometry, flare, illuminant = struct.unpack_from(">IIi", raw, 24)
        return {"MeasurementObserver": observer, "MeasurementBacking": _xyz(raw, 12, 1),
                "MeasurementGeometry": geometry, "MeasurementFlare": round(flare / 65536, 5),
                "MeasurementIlluminant": illuminant}
    if kind == b"view" and len(raw) >= 36:
        return {"ViewingCondIlluminant": _xyz(raw, 8, 1), "ViewingCondSurround": _xyz(raw, 20, 1),
                "ViewingCondIlluminantType": struct.unpack_from(">I", raw, 32)[0]}
    if kind == b"chrm" and len(raw) >= 12:
        channels, colorant = struct.unpack_from(">HH", raw, 8)
        values: dict[str, Any] = {"ChromaticityChannels": channels, "ChromaticityColorant": colorant}
        for index in range(min(channels, _MAX_CHANNELS, (len(raw) - 12) // 8)):
            x, y = struct.unpack_from(">II", raw, 12 + 8 * index)
            values[f"ChromaticityChannel{index + 1}"] = [round(x / 65536, 5), round(y / 65536, 5)]
        return values
    if kind == b"dtim" and len(raw) >= 20:
        year, month, day, hour, minute, second = struct.unpack_from(">6H", raw, 8)
        return {name: f"{year:04d}:{month:02d}:{day:02d} {hour:02d}:{minute:02d}:{second:02d}"}
    return {name: binary_note(len(raw))}  # curves, lookup tables and vendor structures: a blob, as ExifTool shows


def _text_value(name: str, raw: bytes) -> dict[str, Any]:
    kind = raw[:4]
    if kind == b"desc" and len(raw) >= 12:
        (count,) = struct.unpack_from(">I", raw, 8)
        text = _latin(raw[12 : 12 + count])
    elif kind == b"text":
        text = _latin(raw[8:])
    else:
        return {name: binary_note(len(raw))}
    return {name: text}


def _localized(name: str, raw: bytes) -> dict[str, Any]:
    """A multiLocalizedUnicode tag: each record under `name` suffixed with its language and country
    (ProfileDescriptionML-de-DE), except en-US and records with no country, which take the plain name; as
    with exiftool's duplicate tags, the last of those stands."""
    if len(raw) < 16:
        return {}
    count, record_size = struct.unpack_from(">II", raw, 8)
    if record_size < 12:
        return {}
    values: dict[str, Any] = {}
    for index in range(min(count, _MAX_ML_RECORDS)):
        record = 16 + record_size * index
        if record + 12 > len(raw):
            break
        language, country, length, offset = struct.unpack_from(">2s2sII", raw, record)
        if offset + length > len(raw):
            continue
        text = raw[offset : offset + length].decode("utf-16-be", "replace").rstrip("\x00")
        lang, ctry = language.decode("latin-1"), country.decode("latin-1")
        plain = (lang, ctry) == ("en", "US") or not (lang.isalpha() and ctry.isalpha())
        values[name if plain else f"{name}-{lang}-{ctry}"] = text
    return values


def _xyz(raw: bytes, offset: int, count: int) -> list[float]:
    """`count` XYZNumbers (s15Fixed16 triples) at `offset`, five decimals as ExifTool shows them."""
    values = struct.unpack_from(f">{3 * count}i", raw, offset)
    return [_fixed(v) for v in values]


def _fixed(value: int) -> float:
    return round(value / 65536, 5)


def _sig(raw: bytes) -> str:
    """A four-character signature; NULs and control bytes (unset fields) read as nothing, as ExifTool shows."""
    return "".join(ch for ch in raw.decode("latin-1") if ch >= " ").rstrip()


def _latin(raw: bytes) -> str:
    return raw.split(b"\x00", 1)[0].decode("latin-1").strip()
