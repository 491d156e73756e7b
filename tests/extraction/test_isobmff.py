"""HEIF/AVIF item properties under ExifTool's QuickTime names, from files built box by box."""

import struct
import time

import pytest

from extraction.pipeline.containers.heif_properties import decode_property
from extraction.pipeline.containers.isobmff import read_isobmff
from extraction.pipeline.printed import print_groups
from extraction.pipeline.printing.quicktime import hints


def box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(body), kind) + body


def full(kind: bytes, body: bytes, version: int = 0) -> bytes:
    return box(kind, bytes([version, 0, 0, 0]) + body)


HVCC = bytes([1, 0x01, 0x60, 0, 0, 0, 176, 0, 0, 0, 0, 0, 90, 0xF0, 0, 0xFC, 0xFD, 0xF8, 0xF8, 0, 0, 0x0F])


def heif(properties: list[bytes], associations: dict[int, list[int]], brand: bytes = b"heic",
         grid: bytes | None = None) -> bytes:
    ftyp = box(b"ftyp", brand + struct.pack(">I", 0) + b"mif1" + brand)
    item_type = b"grid" if grid is not None else b"hvc1"
    infe = [full(b"infe", struct.pack(">HH", 1, 0) + item_type + b"\0", version=2),
            full(b"infe", struct.pack(">HH", 2, 0) + b"hvc1\0", version=2)]
    iinf = full(b"iinf", struct.pack(">H", len(infe)) + b"".join(infe))
    ipma = struct.pack(">I", len(associations)) + b"".join(
        struct.pack(">HB", item, len(props)) + bytes(props) for item, props in associations.items())
    iprp = box(b"iprp", box(b"ipco", b"".join(properties)) + full(b"ipma", ipma))
    hdlr = full(b"hdlr", b"\0\0\0\0pict" + b"\0" * 12 + b"\0")
    pitm = full(b"pitm", struct.pack(">H", 1))
    # iloc v1 (offset size 4, length size 4, no base): item 1 in idat (method 1) when it is a grid.
    locations = b""
    if grid is not None:
        locations = struct.pack(">HHHHII", 1, 1, 0, 1, 0, len(grid))
    iloc = full(b"iloc", bytes([0x44, 0x00]) + struct.pack(">H", 1 if grid is not None else 0) + locations, version=1)
    idat = box(b"idat", grid) if grid is not None else b""
    meta = full(b"meta", hdlr + pitm + iinf + iloc + idat + iprp)
    return ftyp + meta + box(b"mdat", b"\x00" * 10)


ISPE = full(b"ispe", struct.pack(">II", 3024, 4032))
SMALL_ISPE = full(b"ispe", struct.pack(">II", 512, 512))
COLR = box(b"colr", b"nclx" + struct.pack(">HHHB", 1, 13, 6, 0x80))
PIXI = full(b"pixi", bytes([3, 8, 8, 8]))
IROT = box(b"irot", bytes([1]))
PASP = box(b"pasp", struct.pack(">II", 1, 1))


def quicktime(data: bytes) -> dict:
    return read_isobmff(data).groups["QuickTime"]


def test_brands_handler_and_media_data():
    data = heif([box(b"hvcC", HVCC), ISPE], {1: [1, 2]})
    tags = quicktime(data)
    assert tags["MajorBrand"] == "heic" and tags["MinorVersion"] == "0.0.0"
    assert tags["CompatibleBrands"] == ["mif1", "heic"] and tags["HandlerType"] == "pict"
    assert tags["PrimaryItemReference"] == 1
    assert tags["MediaDataSize"] == 10 and tags["MediaDataOffset"] == len(data) - 10


def test_primary_item_properties():
    tags = quicktime(heif([SMALL_ISPE, box(b"hvcC", HVCC), ISPE, COLR, PIXI, IROT, PASP],
                          {2: [1], 1: [2, 3, 4, 5, 6, 7]}))
    # The primary item's extent wins over an earlier or later tile's.
    assert tags["ImageSpatialExtent"] == "3024 4032"
    assert (tags["ColorProfiles"], tags["ColorPrimaries"], tags["TransferCharacteristics"],
            tags["MatrixCoefficients"], tags["VideoFullRangeFlag"]) == ("nclx", 1, 13, 6, 1)
    assert tags["ImagePixelDepth"] == "8 8 8" and tags["Rotation"] == 90 and tags["PixelAspectRatio"] == "1 1"
    assert tags["HEVCConfigurationVersion"] == 1 and tags["GeneralProfileIDC"] == 1
    assert tags["GenProfileCompatibilityFlags"] == 0x60000000
    assert tags["ConstraintIndicatorFlags"] == "176 0 0 0 0 0" and tags["GeneralLevelIDC"] == 90
    assert (tags["ChromaFormat"], tags["BitDepthLuma"], tags["BitDepthChroma"]) == (1, 8, 8)
    assert (tags["NumTemporalLayers"], tags["TemporalIDNested"], tags["ConstantFrameRate"]) == (1, 1, 0)
    printed = print_groups({"QuickTime": tags}, {"QuickTime": hints(tags)})["QuickTime"]
    assert printed["MajorBrand"] == "High Efficiency Image Format HEVC still image (.HEIC)"
    assert printed["HandlerType"] == "Picture" and printed["ImageSpatialExtent"] == "3024x4032"
    assert printed["GenProfileCompatibilityFlags"] == "Main 10, Main"
    assert printed["GeneralLevelIDC"] == "90 (level 3.0)" and printed["ChromaFormat"] == "4:2:0"
    assert printed["TransferCharacteristics"] == "sRGB or sYCC" and printed["MatrixCoefficients"] == "BT.601"


def test_without_associations_the_last_extent_wins():
    assert quicktime(heif([ISPE, SMALL_ISPE], {}))["ImageSpatialExtent"] == "512 512"


def test_grid_item_gives_meta_image_size():
    grid = bytes([0, 0, 7, 5]) + struct.pack(">HH", 3024, 4032)
    tags = quicktime(heif([ISPE], {1: [1]}, grid=grid))
    assert tags["MetaImageSize"] == "0 1797 3024 4032"
    assert print_groups({"QuickTime": tags})["QuickTime"]["MetaImageSize"] == "3024x4032"


def test_av1_configuration_and_its_own_chroma_words():
    av1c = box(b"av1C", bytes([0x81, 0x00, 0x0C, 0x00]))
    tags = quicktime(heif([av1c, ISPE], {1: [1, 2]}, brand=b"avif"))
    assert tags["AV1ConfigurationVersion"] == 1 and tags["ChromaFormat"] == 3 and tags["ChromaSamplePosition"] == 0
    printed = print_groups({"QuickTime": tags}, {"QuickTime": hints(tags)})["QuickTime"]
    assert printed["ChromaFormat"] == "YUV 4:2:0" and printed["MajorBrand"] == "AV1 Image File Format (.AVIF)"


def test_icc_profile_from_colr_goes_to_the_container():
    profile = b"\0\0\0\x10" + b"x" * 12
    container = read_isobmff(heif([box(b"colr", b"prof" + profile), ISPE], {1: [1, 2]}))
    assert container.icc == profile and container.groups["QuickTime"]["ColorProfiles"] == "prof"


@pytest.mark.parametrize("kind", [b"ispe", b"pixi", b"pasp", b"irot", b"hvcC", b"av1C", b"colr", b"zzzz"])
@pytest.mark.parametrize("length", [0, 1, 3, 5, 11])
def test_truncated_properties_give_what_they_hold_and_never_raise(kind, length):
    full_body = {b"hvcC": HVCC, b"colr": COLR[8:], b"pixi": bytes([0, 0, 0, 0, 200])}.get(kind, b"\x01" * 16)
    tags, profile = decode_property(kind, full_body[:length])
    assert isinstance(tags, dict)


def test_clean_aperture_with_its_offsets():
    clap = box(b"clap", struct.pack(">IIIIiIiI", 40, 1, 30, 1, -12, 1, -17, 1))
    container = read_isobmff(heif([full(b"ispe", struct.pack(">II", 64, 64)), clap], {1: [1, 2]}))
    assert container.groups["QuickTime"]["CleanAperture"] == "40 30 -12 -17"
    assert container.groups["QuickTime"]["ImageSpatialExtent"] == "64 64"
    assert (container.width, container.height) == (40, 30)  # the displayed image is the cropped one


def test_hostile_item_locations_stay_bounded():
    # iloc v2 with zero-size offsets and lengths claims 65535 extents for each of many items.
    items = b"".join(struct.pack(">IHHH", item, 0, 0, 0xFFFF) for item in range(1, 2000))
    iloc = full(b"iloc", bytes([0x00, 0x00]) + struct.pack(">I", 1999) + items, version=2)
    meta = full(b"meta", full(b"hdlr", b"\0\0\0\0pict" + b"\0" * 13) + iloc
                + box(b"iprp", box(b"ipco", ISPE)))
    data = box(b"ftyp", b"heic\0\0\0\0mif1") + meta
    start = time.monotonic()
    container = read_isobmff(data)
    assert container.width == 3024 and time.monotonic() - start < 2  # not 131 million empty extents


@pytest.mark.parametrize("kind", [b"pitm", b"iinf", b"iloc", b"iprp", b"hdlr"])
def test_empty_meta_boxes_are_warnings(kind):
    meta = full(b"meta", box(kind, b"") + box(b"iprp", box(b"ipco", ISPE)))
    container = read_isobmff(box(b"ftyp", b"heic\0\0\0\0mif1") + meta)
    assert container.width == 3024
