"""extraction/pipeline/preview.py: small previews with bounded decoding (no database, no Django)."""

import io
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest
from PIL import Image

from extraction.pipeline.preview import make_preview
from tests.support.images import jpeg_bytes, png_bytes

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "images"


def opened(preview: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(preview))
    image.load()
    return image


def jpeg(size, colour=(200, 100, 50), orientation=None, quality=90) -> bytes:
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=quality)
    return buffer.getvalue()


def test_a_jpeg_preview_is_a_jpeg_at_most_480_pixels_keeping_the_aspect():
    preview = opened(make_preview(jpeg((1600, 1200))))
    assert preview.format == "JPEG" and preview.mode == "RGB"
    assert preview.size == (480, 360)


def test_a_small_image_is_not_enlarged_and_webp_can_be_asked_for():
    preview = opened(make_preview(jpeg_bytes(size=(64, 48)), output="WEBP"))
    assert preview.format == "WEBP" and preview.size == (64, 48)
    with pytest.raises(ValueError):
        make_preview(jpeg_bytes(), output="GIF")


def test_max_side_is_respected():
    assert max(opened(make_preview(jpeg((1000, 700)), max_side=100)).size) == 100


def test_orientation_6_is_applied():
    image = Image.new("RGB", (80, 40), (255, 0, 0))
    image.paste((0, 0, 255), (40, 0, 80, 40))  # left half red, right half blue
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to view"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    preview = opened(make_preview(buffer.getvalue()))
    assert preview.size == (40, 80)
    top, bottom = preview.getpixel((20, 10)), preview.getpixel((20, 70))
    assert top[0] > 200 and top[2] < 60, top  # the left (red) half is on top once turned clockwise
    assert bottom[2] > 200 and bottom[0] < 60, bottom


def test_a_heic_made_with_pillow_heif_gets_a_preview():
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", (1280, 960), (20, 180, 40)).save(buffer, "HEIF", quality=80)
    assert buffer.getvalue()[4:8] == b"ftyp"
    preview = opened(make_preview(buffer.getvalue()))
    assert preview.format == "JPEG" and preview.size == (480, 360)
    red, green, blue = preview.getpixel((240, 180))
    assert green > 150 and red < 60 and blue < 80


def test_png_with_transparency_becomes_rgb_over_white():
    buffer = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(buffer, "PNG")
    preview = opened(make_preview(buffer.getvalue()))
    assert preview.mode == "RGB" and min(preview.getpixel((25, 25))) > 240


def test_a_path_works_like_bytes(tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(png_bytes(size=(30, 20)))
    assert opened(make_preview(path)).size == (30, 20)
    assert opened(make_preview(str(path))).size == (30, 20)


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\xff\xd8\xff\xe0" + b"\x00" * 50,
                                  jpeg_bytes()[:300], b"II*\x00\xff\xff\xff\xff", b"MM\x00*\x00\x00\x00\x08\xff"])
def test_what_is_no_readable_image_gets_no_preview(data):
    assert make_preview(data) is None


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares `width` x `height` pixels (a decompression bomb's header) and a little data."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("width, height", [(100_000, 100_000), (12_000, 8_000)])
def test_a_decompression_bomb_gets_no_preview(width, height):
    # 10^10 pixels: past every limit; 96 MP: under the pipeline's limit but too many to decode at full scale.
    assert make_preview(png_header(width, height)) is None


# VmHWM (peak resident memory) starts afresh at exec; ru_maxrss would carry pytest's own peak over.
MEASURE = textwrap.dedent("""
    import sys
    from PIL import Image
    from extraction.pipeline.preview import make_preview

    def peak_kib():
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

    make_preview(sys.argv[2])  # warm up: plugins, encoder tables
    before = peak_kib()
    if sys.argv[1] == "preview":
        out = make_preview(sys.argv[3])
        size = Image.open(__import__("io").BytesIO(out)).size
    else:
        image = Image.open(sys.argv[3]); image.load(); size = image.size
    after = peak_kib()
    print((after - before) // 1024, *size)
""")


def peak_mib(mode: str, small: Path, big: Path) -> tuple[int, tuple[int, int]]:
    """Growth of a fresh process's peak memory (MiB) while it previews (or fully decodes) `big`."""
    done = subprocess.run([sys.executable, "-c", MEASURE, mode, str(small), str(big)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=True)
    grown, width, height = map(int, done.stdout.split())
    return grown, (width, height)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads peak memory from /proc (Linux)")
def test_a_6000_by_4000_jpeg_decodes_in_draft_mode_with_little_memory(tmp_path):
    big, small = tmp_path / "big.jpg", tmp_path / "small.jpg"
    big.write_bytes(jpeg((6000, 4000), quality=80))
    small.write_bytes(jpeg((64, 48)))
    grown, size = peak_mib("preview", small, big)
    assert size == (480, 320)
    # A full decode holds 6000 x 4000 x 4 bytes = 92 MiB; 1/8 scale holds 750 x 500: about 1.5 MiB.
    assert grown < 16, f"peak memory grew by {grown} MiB"
    full, _ = peak_mib("decode", small, big)
    assert full > 80, f"a full decode grew the peak by only {full} MiB: the measure sees nothing"


# A DNG as Adobe's converter lays it out: IFD0 a small RGB thumbnail marked reduced-resolution (with the
# orientation), SubIFD 1 the raw sensor data (CFA, 16-bit), SubIFD 2 a larger JPEG preview.
def dng_bytes(*, thumbnail: bytes, thumb_size, preview_jpeg: bytes, raw_size=(6000, 4000), orientation=1) -> bytes:
    data = bytearray(8)

    def place(blob: bytes) -> int:
        offset = len(data)
        data.extend(blob + b"\x00" * (len(blob) % 2))
        return offset

    thumb_at, raw_at, jpeg_at = place(thumbnail), place(b"\x00" * 64), place(preview_jpeg)
    width, height = thumb_size
    ifd0 = [(254, 4, [1]), (256, 4, [width]), (257, 4, [height]), (258, 3, [8, 8, 8]), (259, 3, [1]),
            (262, 3, [2]), (273, 4, [thumb_at]), (274, 3, [orientation]), (277, 3, [3]), (278, 4, [height]),
            (279, 4, [len(thumbnail)]), (330, 4, [0, 0]), (50706, 1, [1, 4, 0, 0])]
    # The raw's declared strips are mostly missing: decoding it would fail, and it must never be tried.
    raw = [(254, 4, [0]), (256, 4, [raw_size[0]]), (257, 4, [raw_size[1]]), (258, 3, [16]), (259, 3, [1]),
           (262, 3, [32803]), (273, 4, [raw_at]), (277, 3, [1]), (278, 4, [raw_size[1]]),
           (279, 4, [raw_size[0] * raw_size[1] * 2])]
    preview = Image.open(io.BytesIO(preview_jpeg)) if preview_jpeg.startswith(b"\xff\xd8") else None
    pw, ph = preview.size if preview else (1, 1)
    jpeg = [(254, 4, [1]), (256, 4, [pw]), (257, 4, [ph]), (258, 3, [8, 8, 8]), (259, 3, [7]), (262, 3, [6]),
            (273, 4, [jpeg_at]), (277, 3, [3]), (278, 4, [ph]), (279, 4, [len(preview_jpeg)])]
    ifd0_at = len(data)
    raw_ifd_at = ifd0_at + 6 + 12 * len(ifd0)
    jpeg_ifd_at = raw_ifd_at + 6 + 12 * len(raw)
    ifd0[11] = (330, 4, [raw_ifd_at, jpeg_ifd_at])
    extra = bytearray()
    extra_at = jpeg_ifd_at + 6 + 12 * len(jpeg)
    for entries in (ifd0, raw, jpeg):
        data.extend(struct.pack("<H", len(entries)))
        for tag, kind, values in entries:
            packed = struct.pack(f"<{len(values)}{ {1: 'B', 3: 'H', 4: 'I'}[kind] }", *values)
            if len(packed) > 4:
                packed, extra[len(extra):] = struct.pack("<I", extra_at + len(extra)), packed
            data.extend(struct.pack("<HHI", tag, kind, len(values)) + packed.ljust(4, b"\x00"))
        data.extend(b"\x00" * 4)  # no next IFD
    data.extend(extra)
    data[:8] = b"II*\x00" + struct.pack("<I", ifd0_at)
    return bytes(data)


def test_a_dng_shows_its_embedded_jpeg_preview_turned_upright_never_its_raw():
    red_thumb = Image.new("RGB", (64, 40), (255, 0, 0)).tobytes()
    green_preview = jpeg((1200, 800), colour=(0, 200, 0))
    dng = dng_bytes(thumbnail=red_thumb, thumb_size=(64, 40), preview_jpeg=green_preview, orientation=6)
    assert max(Image.open(io.BytesIO(dng)).size) == 64  # what Pillow alone would show: the tiny thumbnail
    preview = opened(make_preview(dng))
    assert preview.size == (320, 480)  # the 1200 x 800 preview, turned by IFD0's orientation 6
    red, green, blue = preview.getpixel((160, 240))
    assert green > 150 and red < 60


def test_a_dng_without_a_jpeg_preview_falls_back_to_its_thumbnail():
    red_thumb = Image.new("RGB", (64, 40), (255, 0, 0)).tobytes()
    dng = dng_bytes(thumbnail=red_thumb, thumb_size=(64, 40), preview_jpeg=b"no jpeg here")
    preview = opened(make_preview(dng))
    assert preview.size == (64, 40) and preview.getpixel((30, 20))[0] > 200


def test_an_ordinary_tiff_is_previewed_from_its_own_pixels():
    buffer = io.BytesIO()
    Image.new("RGB", (960, 640), (0, 0, 255)).save(buffer, "TIFF")
    preview = opened(make_preview(buffer.getvalue()))
    assert preview.size == (480, 320) and preview.getpixel((10, 10))[2] > 200


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_every_readable_corpus_image_gets_a_bounded_preview():
    made = 0
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file()):
        preview = make_preview(path)
        if preview is not None:
            assert max(opened(preview).size) <= 480, path
            made += 1
    assert made >= 100


def test_the_extract_stage_writes_the_preview_before_the_next_stage(tmp_path):
    from extraction.pipeline.extract import extract

    source, target = tmp_path / "photo.jpg", tmp_path / "preview.jpg"
    source.write_bytes(jpeg((1600, 1200)))
    seen = []
    result = extract(str(source), on_progress=lambda stage: seen.append((stage.name, target.exists())),
                     preview_to=str(target))
    assert result["ok"]
    assert dict(seen) == {"start": False, "validate": False, "store": False, "extract": False, "analyse": True,
                          "finalise": True}
    assert opened(target.read_bytes()).size == (480, 360)
    assert not (tmp_path / "preview.jpg.part").exists()


def test_an_image_with_no_safe_preview_still_extracts_and_writes_nothing(tmp_path):
    from extraction.pipeline.extract import extract

    source, target = tmp_path / "bomb.png", tmp_path / "preview.jpg"
    source.write_bytes(png_header(12_000, 8_000))  # read (under the pipeline's limit), never decoded
    result = extract(str(source), on_progress=lambda stage: None, preview_to=str(target))
    assert result["ok"] and result["summary"]["ImageWidth"] == 12_000
    assert not target.exists() and not (tmp_path / "preview.jpg.part").exists()
