"""The File group's facts beyond name and size, from files made here."""

import struct

from PIL import Image

from extraction.pipeline import extract_file
from extraction.pipeline.file_group import sof_subsampling
from extraction.pipeline.formats import HEIF, detect_format


def _jpeg(tmp_path, name, **params):
    path = tmp_path / name
    Image.new("RGB", (32, 16), "blue").save(path, "JPEG", **params)
    return extract_file(str(path))


def test_jpeg_chroma_subsampling_and_type_extension(tmp_path):
    for subsampling, expected, words in ((0, [1, 1], "YCbCr4:4:4 (1 1)"), (1, [2, 1], "YCbCr4:2:2 (2 1)"),
                                         (2, [2, 2], "YCbCr4:2:0 (2 2)")):
        record = _jpeg(tmp_path, f"s{subsampling}.jpg", subsampling=subsampling)
        assert record["groups"]["File"]["YCbCrSubSampling"] == expected
        assert record["printed"]["File"]["YCbCrSubSampling"] == words
    assert record["groups"]["File"]["FileTypeExtension"] == "JPG"
    assert record["printed"]["File"]["FileTypeExtension"] == "jpg"
    assert record["printed"]["File"]["EncodingProcess"] == "Baseline DCT, Huffman coding"


def test_subsampling_is_the_luma_factors_over_the_chroma_ones():
    def sof(*factors):
        return struct.pack(">BHHB", 8, 16, 16, len(factors)) + b"".join(
            bytes([i + 1, (h << 4) | v, 0]) for i, (h, v) in enumerate(factors))
    assert sof_subsampling(sof((2, 2), (1, 2), (1, 2))) == [2, 1]
    assert sof_subsampling(sof((1, 1))) is None  # greyscale has no chroma
    assert sof_subsampling(sof((1, 1), (1, 1), (1, 1), (1, 1))) is None  # CMYK
    assert sof_subsampling(sof((2, 2), (1, 1), (2, 1))) is None  # chroma planes that differ


def test_the_major_brand_names_a_heif_file():
    # "mif1" major with "heic" compatible: ExifTool (and ISO 23008-12) call it HEIF, not HEIC.
    head = struct.pack(">I", 24) + b"ftypmif1" + b"\x00\x00\x00\x00" + b"mif1heic"
    assert detect_format(head) is HEIF


def test_a_webp_with_a_vp8x_header_is_extended(tmp_path):
    path = tmp_path / "a.webp"
    Image.new("RGBA", (8, 8), (1, 2, 3, 100)).save(path, "WEBP")
    record = extract_file(str(path))
    assert record["groups"]["File"]["FileType"] == "Extended WEBP"
    assert record["groups"]["File"]["FileTypeExtension"] == "WEBP"
