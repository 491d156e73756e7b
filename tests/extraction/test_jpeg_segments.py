"""Every application segment the JPEG reader dispatches, together in one file, then mutated: no exception escapes."""

import random
import time

import pytest

from extraction.pipeline import extract_file
from tests.extraction.test_app12 import PICTURE_INFO, ducky
from tests.extraction.test_app14 import adobe
from tests.extraction.test_flashpix import segments as fpxr_segments
from tests.extraction.test_fotostation import trailer
from tests.extraction.test_icc import srgb_like
from tests.extraction.test_mpf import mpf_body
from tests.extraction.test_photoshop import resources
from tests.support.segments import jpeg_with, segment

GROUPS = {"ICC_Profile", "Photoshop", "IPTC", "APP14", "MPF", "FlashPix", "Ducky", "FotoStation"}


def every_segment() -> bytes:
    segments = [
        segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + srgb_like()),
        segment(0xE2, mpf_body("<", [(0x20030000, 0, 0)])),
        *(segment(0xE2, body) for body in fpxr_segments()),
        segment(0xEC, ducky()),
        segment(0xEC, PICTURE_INFO),
        segment(0xED, b"Photoshop 3.0\x00" + resources()),
        segment(0xEE, adobe()),
    ]
    return jpeg_with(*segments) + trailer()


def test_every_group_is_read(tmp_path):
    path = tmp_path / "all.jpg"
    path.write_bytes(every_segment())
    record = extract_file(str(path))
    assert GROUPS <= set(record["groups"]), GROUPS - set(record["groups"])
    assert "Warning" not in record["groups"].get("ExifTool", {})


@pytest.mark.parametrize("seed", range(25))
def test_mutated_segments_end_in_a_record_quickly(tmp_path, seed):
    rng = random.Random(seed)
    data = bytearray(every_segment())
    for _ in range(rng.randint(1, 60)):
        data[rng.randrange(4, len(data))] = rng.randrange(256)  # keep SOI; anything else may break
    path = tmp_path / f"mutated-{seed}.jpg"
    path.write_bytes(bytes(data))
    started = time.perf_counter()
    record = extract_file(str(path))  # an exception here fails the test
    assert time.perf_counter() - started < 2.0
    if record["ok"]:
        for warning in record["groups"].get("ExifTool", {}).get("Warning", []):
            assert "Error" not in warning and "Traceback" not in warning
    else:
        assert record["error"]["code"] in {"corrupt_image", "unsupported_format"}
