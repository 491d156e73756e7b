"""Decodes HEIF/AVIF item property boxes (ispe, pixi, pasp, clap, colr, irot, hvcC, av1C) into QuickTime tags.

Layouts are ISO/IEC 23008-12 (HEIF) and 14496-15 (hvcC), and the AV1 ISOBMFF binding (av1C). Each decoder
takes the box body (after size and type) and returns {tag: -n value}; a short box gives what it holds.
"""

import struct
from collections.abc import Callable
from typing import Any

Tags = dict[str, Any]


def decode_property(kind: bytes, body: bytes) -> tuple[Tags, bytes | None]:
    """The tags of one property box, and the ICC profile it carries (a 'colr' of type prof/rICC) or None."""
    if kind == b"colr":
        return _colr(body)
    decoder = _DECODERS.get(kind)
    if decoder is None:
        return {}, None
    try:
        return decoder(body), None
    except (struct.error, IndexError):
        return {}, None


def _ispe(body: bytes) -> Tags:
    width, height = struct.unpack_from(">II", body, 4)
    return {"ImageSpatialExtent": f"{width} {height}"}


def _pixi(body: bytes) -> Tags:
    channels = body[4]
    depths = body[5 : 5 + channels]
    return {"ImagePixelDepth": " ".join(str(d) for d in depths)} if depths else {}


def _pasp(body: bytes) -> Tags:
    h_spacing, v_spacing = struct.unpack_from(">II", body)
    return {"PixelAspectRatio": f"{h_spacing} {v_spacing}"}


def _irot(body: bytes) -> Tags:
    return {"Rotation": (body[0] & 3) * 90}  # anticlockwise, in quarter turns


def _clap(body: bytes) -> Tags:
    """The clean aperture: width, height and the centre's horizontal and vertical offsets, each a fraction."""
    width_n, width_d, height_n, height_d = struct.unpack_from(">IIII", body)
    h_n, h_d, v_n, v_d = struct.unpack_from(">iIiI", body, 16)
    if not (width_d and height_d and h_d and v_d):
        return {}
    parts = (width_n / width_d, height_n / height_d, h_n / h_d, v_n / v_d)
    return {"CleanAperture": " ".join(f"{part:g}" for part in parts)}


def _colr(body: bytes) -> tuple[Tags, bytes | None]:
    if len(body) < 4:
        return {}, None
    kind = body[:4].decode("latin-1")
    tags: Tags = {"ColorProfiles": kind}
    if kind == "nclx" and len(body) >= 10:
        primaries, transfer, matrix = struct.unpack_from(">HHH", body, 4)
        tags.update(ColorPrimaries=primaries, TransferCharacteristics=transfer, MatrixCoefficients=matrix)
        if len(body) >= 11:
            tags["VideoFullRangeFlag"] = body[10] >> 7
        return tags, None
    if kind in ("prof", "rICC"):
        return tags, body[4:] or None
    return tags, None


def _hvcc(body: bytes) -> Tags:
    b = body
    return {
        "HEVCConfigurationVersion": b[0],
        "GeneralProfileSpace": b[1] >> 6,
        "GeneralTierFlag": b[1] >> 5 & 1,
        "GeneralProfileIDC": b[1] & 0x1F,
        "GenProfileCompatibilityFlags": struct.unpack_from(">I", b, 2)[0],
        "ConstraintIndicatorFlags": " ".join(str(x) for x in b[6:12]),
        "GeneralLevelIDC": b[12],
        "MinSpatialSegmentationIDC": struct.unpack_from(">H", b, 13)[0] & 0x0FFF,
        "ParallelismType": b[15] & 3,
        "ChromaFormat": b[16] & 3,
        "BitDepthLuma": (b[17] & 7) + 8,
        "BitDepthChroma": (b[18] & 7) + 8,
        "AverageFrameRate": struct.unpack_from(">H", b, 19)[0] / 256,  # frames per 256 s
        "ConstantFrameRate": b[21] >> 6,
        "NumTemporalLayers": b[21] >> 3 & 7,
        "TemporalIDNested": b[21] >> 2 & 1,
    }


def _av1c(body: bytes) -> Tags:
    b = body
    return {
        "AV1ConfigurationVersion": b[0] & 0x7F,
        "ChromaFormat": b[2] >> 2 & 7,  # monochrome, subsampling x, subsampling y
        "ChromaSamplePosition": b[2] & 3,
    }


_DECODERS: dict[bytes, Callable[[bytes], Tags]] = {
    b"ispe": _ispe, b"pixi": _pixi, b"pasp": _pasp, b"irot": _irot, b"clap": _clap, b"hvcC": _hvcc, b"av1C": _av1c,
}
