"""Hostile input: broken files end in a result or a clean error code, quickly, in bounded memory."""

import io
import os
import struct
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest

from extraction.pipeline import PipelineError, extract_file, run_pipeline

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("IMGMVP_CORPUS") or REPO.parent / "shared" / "corpus")
BAD_FILES = sorted(p for p in (CORPUS / "bad").glob("*/*") if p.is_file()) if (CORPUS / "bad").is_dir() else []
# A correctness bound for hostile input (no runaway loops or decodes), not a benchmark.
SECONDS_PER_FILE = 2.0
CODES = {"unsupported_format", "corrupt_image", "image_too_large", "empty_file", "unreadable_file"}


def _run(path: Path) -> tuple[dict | None, str | None]:
    try:
        return run_pipeline(str(path), on_progress=lambda stage: None), None
    except PipelineError as exc:
        return None, exc.code


@pytest.mark.skipif(not BAD_FILES, reason=f"no corpus of bad files at {CORPUS / 'bad'} (set IMGMVP_CORPUS)")
@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_bad_file_ends_cleanly_and_quickly(path):
    started = time.perf_counter()
    result, code = _run(path)  # any exception other than PipelineError fails the test
    elapsed = time.perf_counter() - started
    assert elapsed < SECONDS_PER_FILE, f"{path.name} took {elapsed:.2f}s"
    if result is None:
        assert code in CODES
    else:
        assert result["ok"] is True and "ImageWidth" in result["summary"]


def _png_bomb(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    chunk = lambda kind, body: struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))  # noqa: E731
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _jpeg_bomb() -> bytes:
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, 65500, 65500, 3) + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00"
    return b"\xff\xd8" + sof + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\x00" * 64 + b"\xff\xd9"


@pytest.mark.parametrize("content", [_png_bomb(100_000, 100_000), _jpeg_bomb()], ids=["png", "jpeg"])
def test_decompression_bomb_is_refused_by_header_without_decoding(tmp_path, content):
    path = tmp_path / "bomb"
    path.write_bytes(content)
    tracemalloc.start()
    try:
        started = time.perf_counter()
        with pytest.raises(PipelineError) as caught:
            run_pipeline(str(path), on_progress=lambda stage: None)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code == "image_too_large"
    assert peak < 5 * 1024 * 1024, f"peak {peak} bytes: pixels were decoded"  # 10^10 pixels would be ~30 GB
    assert elapsed < SECONDS_PER_FILE


def test_compressed_text_bomb_stays_bounded(tmp_path):
    """A zTXt chunk inflating to 200 MB is skipped, not inflated."""
    png = _png_bomb(10, 10)
    payload = b"Comment\x00\x00" + zlib.compress(b"A" * 200 * 1024 * 1024, 9)
    ztxt = struct.pack(">I", len(payload)) + b"zTXt" + payload + struct.pack(">I", zlib.crc32(b"zTXt" + payload))
    iend = png.rindex(b"IEND") - 4
    path = tmp_path / "ztxt.png"
    path.write_bytes(png[:iend] + ztxt + png[iend:])
    tracemalloc.start()
    try:
        record = extract_file(str(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert record["ok"] and record["summary"]["ImageWidth"] == 10
    assert "Comment" not in record["groups"].get("PNG", {})
    assert peak < 32 * 1024 * 1024


def test_ifd_loops_and_huge_counts_end_cleanly(tmp_path):
    """An EXIF IFD pointing at itself, and an entry claiming 4 GB of values."""
    tiff = bytearray(b"II*\x00\x08\x00\x00\x00")
    tiff += struct.pack("<H", 3)
    tiff += struct.pack("<HHII", 0x0100, 4, 1, 16)  # ImageWidth
    tiff += struct.pack("<HHII", 0x0101, 4, 1, 16)  # ImageLength
    tiff += struct.pack("<HHII", 0x8769, 4, 1, 8)  # ExifIFD -> IFD0 itself
    tiff += struct.pack("<I", 8)  # next IFD -> IFD0 again
    tiff += struct.pack("<HHII", 0x010F, 2, 0xFFFFFFFF, 8)
    path = tmp_path / "loop.tif"
    path.write_bytes(bytes(tiff))
    record = extract_file(str(path))
    assert record["ok"] and record["summary"]["ImageWidth"] == 16


def test_exif_directory_with_a_hostile_entry_count_is_skipped(tmp_path):
    """A JPEG's EXIF IFD0 claiming 65535 entries of noise: the image still reads, quickly, with a warning."""
    from PIL import Image

    tiff = b"MM\x00*\x00\x00\x00\x08" + b"\xff\xff" + bytes(range(256)) * 64
    app1 = b"Exif\x00\x00" + tiff
    jpeg = io.BytesIO()
    Image.new("RGB", (6, 5)).save(jpeg, "JPEG")
    data = jpeg.getvalue()
    path = tmp_path / "noise.jpg"
    path.write_bytes(data[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + data[2:])
    started = time.perf_counter()
    record = extract_file(str(path))
    assert time.perf_counter() - started < 0.5
    assert record["ok"] and record["summary"]["ImageWidth"] == 6
    assert any("65535 entries" in warning for warning in record["groups"]["ExifTool"]["Warning"])


@pytest.mark.parametrize("cut", [3, 20, 100, 400])
def test_truncated_heif_ends_cleanly(tmp_path, cut):
    source = CORPUS / "images" / "heic" / "cheers_1440x960.heic"
    if not source.is_file():
        pytest.skip(f"corpus not found at {CORPUS}")
    path = tmp_path / "cut.heic"
    path.write_bytes(source.read_bytes()[:cut])
    record = extract_file(str(path))
    assert record["ok"] or record["error"]["code"] in CODES


CORPUS_IMAGES = sorted(p for p in (CORPUS / "images").rglob("*") if p.is_file()) if (CORPUS / "images").is_dir() else []


@pytest.mark.skipif(not CORPUS_IMAGES, reason=f"no corpus images at {CORPUS / 'images'} (set IMGMVP_CORPUS)")
def test_mutated_corpus_files_end_cleanly(tmp_path):
    """Seeded fuzzing: truncations and byte flips of real files never raise anything but PipelineError."""
    import random

    rng = random.Random(20261125)
    path = tmp_path / "mutant"
    for _ in range(400):
        data = bytearray(rng.choice(CORPUS_IMAGES).read_bytes())
        if rng.random() < 0.3:
            data = data[: rng.randrange(1, len(data))]
        else:
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(0, min(len(data), 65536))] = rng.randrange(256)
        path.write_bytes(data)
        started = time.perf_counter()
        _run(path)
        assert time.perf_counter() - started < SECONDS_PER_FILE
