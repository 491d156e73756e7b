"""extraction/pipeline/preview.py: small previews with bounded decoding (no database, no Django)."""

import io
import json
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

    try:  # loaded before the baseline, as the warm-up loads the rest: the measure sees decoding only
        __import__("pillow_heif").register_heif_opener()
    except ImportError:
        pass
    make_preview(sys.argv[2])  # warm up: plugins, encoder tables
    before = peak_kib()
    if sys.argv[1] == "preview":
        out = make_preview(sys.argv[3])
        size = Image.open(__import__("io").BytesIO(out)).size if out else (0, 0)
    else:
        image = Image.open(sys.argv[3]); image.load(); size = image.size
    after = peak_kib()
    print((after - before) // 1024, *size)
""")


def peak_mib(mode: str, small: Path, big: Path) -> tuple[int, tuple[int, int]]:
    """Growth of a fresh process's peak memory (MiB) while it previews (or fully decodes) `big`; (0, 0) for no preview."""
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


def jpeg_with_mpf_image(primary: Image.Image, second: Image.Image, mptype: int, orientation=None) -> bytes:
    """A JPEG with a second image in its CIPA DC-007 (MPF) index, typed `mptype` (Pillow writes 0, "Undefined")."""
    extra = {}
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        extra["exif"] = exif
    buffer = io.BytesIO()
    primary.save(buffer, "MPO", save_all=True, append_images=[second], quality=85, **extra)
    data = bytearray(buffer.getvalue())
    tiff = data.index(b"MPF\x00") + 4
    (count,) = struct.unpack_from("<H", data, tiff + 8)
    for number in range(count):
        tag, _, _, value = struct.unpack_from("<HHII", data, tiff + 10 + 12 * number)
        if tag == 0xB002:  # the MP entries: the second's attribute follows the first's 16 bytes
            struct.pack_into("<L", data, tiff + value + 16, mptype)
    return bytes(data)


LARGE_THUMBNAIL_FULL_HD, LARGE_THUMBNAIL_VGA, UNDEFINED = 0x010002, 0x010001, 0


@pytest.mark.parametrize("second, mptype, orientation, size, colour", [
    (("RGB", (1920, 1440)), LARGE_THUMBNAIL_FULL_HD, None, (480, 360), "green"),  # the camera's reduced copy
    (("RGB", (1920, 1440)), LARGE_THUMBNAIL_VGA, 6, (360, 480), "green"),  # turned by the primary's orientation
    (("RGB", (1920, 1440)), UNDEFINED, None, (480, 360), "red"),  # e.g. a gain map: never stands for the image
    (("L", (1920, 1440)), LARGE_THUMBNAIL_FULL_HD, None, (480, 360), "red"),  # another colour mode
    (("RGB", (1920, 1080)), LARGE_THUMBNAIL_FULL_HD, None, (480, 360), "red"),  # another aspect (a crop)
    (("RGB", (400, 300)), LARGE_THUMBNAIL_VGA, None, (480, 360), "red"),  # too small to fill the preview
])
def test_a_jpeg_previews_from_its_mpf_large_thumbnail_only_when_it_honestly_stands_for_the_image(
        second, mptype, orientation, size, colour):
    mode, second_size = second
    data = jpeg_with_mpf_image(Image.new("RGB", (4000, 3000), (200, 0, 0)),
                               Image.new(mode, second_size, (0, 200, 0) if mode == "RGB" else 128), mptype, orientation)
    preview = opened(make_preview(data))
    assert preview.size == size
    red, green, _ = preview.getpixel((size[0] // 2, size[1] // 2))
    assert (green > 150 and red < 60) if colour == "green" else (red > 150 and green < 60), (red, green)


@pytest.mark.parametrize("junk", [b"\xff\xd8\xff\xe1\xff\xff" + b"\x00" * 64, b"\xff\xd8\xff\xc0\x00\x11\x08" + b"\xff" * 64,
                                  b"not a jpeg at all"])
def test_a_broken_mpf_large_thumbnail_falls_back_to_the_primary_image(junk):
    data = bytearray(jpeg_with_mpf_image(Image.new("RGB", (4000, 3000), (200, 0, 0)),
                                         Image.new("RGB", (1920, 1440), (0, 200, 0)), LARGE_THUMBNAIL_FULL_HD))
    second = data.index(b"\xff\xd8\xff", 100)  # the second image starts where the first one's SOI recurs
    data[second : second + len(junk)] = junk
    preview = opened(make_preview(bytes(data)))
    assert preview.size == (480, 360)
    red, green, _ = preview.getpixel((240, 180))
    assert red > 150 and green < 60, (red, green)


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small JPEG whose frame header claims `width` x `height` pixels (a decompression bomb's header)."""
    data = bytearray(jpeg((64, 48)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads peak memory from /proc (Linux)")
@pytest.mark.parametrize("name, bomb", [("png", png_header(100_000, 100_000)), ("png", png_header(12_000, 8_000)),
                                        ("jpg", jpeg_declaring(65_000, 65_000))])
def test_a_decompression_bomb_gets_no_preview_and_no_memory_spike(tmp_path, name, bomb):
    big, small = tmp_path / f"bomb.{name}", tmp_path / "small.jpg"
    big.write_bytes(bomb)
    small.write_bytes(jpeg((64, 48)))
    grown, size = peak_mib("preview", small, big)
    assert size == (0, 0)  # no preview
    assert grown < 16, f"peak memory grew by {grown} MiB"  # any decode of these is hundreds of MiB at least


def heic_with_thumbnails(size, thumbnails, orientation=None) -> bytes:
    """A HEIC, left half red and right half green, with pillow-heif's embedded thumbnails of these box sizes."""
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    image = Image.new("RGB", size, (20, 180, 40))
    image.paste((200, 0, 0), (0, 0, size[0] // 2, size[1]))
    extra = {}
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        extra["exif"] = exif.tobytes()
    buffer = io.BytesIO()
    image.save(buffer, "HEIF", quality=60, thumbnails=thumbnails, **extra)
    return buffer.getvalue()


@pytest.mark.parametrize("thumbnails, size", [
    ([320], (320, 240)),  # the embedded thumbnail, at its own size: never enlarged
    ([512], (480, 360)),  # the embedded thumbnail, reduced
    ([240], (480, 360)),  # too small to stand for the image: the primary image is decoded
    ([], (480, 360)),
])
def test_a_heic_previews_from_its_embedded_thumbnail_when_it_is_large_enough(thumbnails, size):
    preview = opened(make_preview(heic_with_thumbnails((1280, 960), thumbnails)))
    assert preview.size == size
    left, right = preview.getpixel((size[0] // 4, size[1] // 2)), preview.getpixel((3 * size[0] // 4, size[1] // 2))
    assert left[0] > 150 and left[1] < 60 and right[1] > 150 and right[0] < 60, (left, right)


@pytest.mark.parametrize("thumbnails, size", [([320], (240, 320)), ([], (360, 480))])
def test_a_rotated_heic_preview_is_upright_from_the_thumbnail_or_the_primary(thumbnails, size):
    preview = opened(make_preview(heic_with_thumbnails((1280, 960), thumbnails, orientation=6)))
    assert preview.size == size  # pillow-heif writes orientation 6 as the file's rotation; libheif applies it
    top, bottom = preview.getpixel((size[0] // 2, size[1] // 4)), preview.getpixel((size[0] // 2, 3 * size[1] // 4))
    assert top[0] > 150 and top[1] < 60 and bottom[1] > 150 and bottom[0] < 60, (top, bottom)  # red: turned clockwise


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads peak memory from /proc (Linux)")
def test_a_large_heic_with_a_thumbnail_never_decodes_its_primary_image(tmp_path):
    big, small = tmp_path / "big.heic", tmp_path / "small.jpg"
    big.write_bytes(heic_with_thumbnails((4000, 3000), [512]))
    small.write_bytes(jpeg((64, 48)))
    grown, size = peak_mib("preview", small, big)
    assert size == (480, 360)
    assert grown < 16, f"peak memory grew by {grown} MiB"  # the primary decodes to 4000 x 3000 x 3 = 34 MiB
    full, _ = peak_mib("decode", small, big)
    assert full > 30, f"a full decode grew the peak by only {full} MiB: the measure sees nothing"


# A DNG as Adobe's converter lays it out: IFD0 a small RGB thumbnail marked reduced-resolution (with the
# orientation), SubIFD 1 the raw sensor data (CFA, 16-bit), then a SubIFD per larger JPEG preview.
def dng_bytes(*, thumbnail: bytes, thumb_size, preview_jpeg: bytes | list[bytes], raw_size=(6000, 4000),
              orientation=1) -> bytes:
    data = bytearray(8)

    def place(blob: bytes) -> int:
        offset = len(data)
        data.extend(blob + b"\x00" * (len(blob) % 2))
        return offset

    previews = preview_jpeg if isinstance(preview_jpeg, list) else [preview_jpeg]
    thumb_at, raw_at = place(thumbnail), place(b"\x00" * 64)
    jpeg_ats = [place(blob) for blob in previews]
    width, height = thumb_size
    ifd0 = [(254, 4, [1]), (256, 4, [width]), (257, 4, [height]), (258, 3, [8, 8, 8]), (259, 3, [1]),
            (262, 3, [2]), (273, 4, [thumb_at]), (274, 3, [orientation]), (277, 3, [3]), (278, 4, [height]),
            (279, 4, [len(thumbnail)]), (330, 4, [0] * (1 + len(previews))), (50706, 1, [1, 4, 0, 0])]
    # The raw's declared strips are mostly missing: decoding it would fail, and it must never be tried.
    raw = [(254, 4, [0]), (256, 4, [raw_size[0]]), (257, 4, [raw_size[1]]), (258, 3, [16]), (259, 3, [1]),
           (262, 3, [32803]), (273, 4, [raw_at]), (277, 3, [1]), (278, 4, [raw_size[1]]),
           (279, 4, [raw_size[0] * raw_size[1] * 2])]
    subifds = [raw]
    for blob, at in zip(previews, jpeg_ats):
        preview = Image.open(io.BytesIO(blob)) if blob.startswith(b"\xff\xd8") else None
        pw, ph = preview.size if preview else (1, 1)
        subifds.append([(254, 4, [1]), (256, 4, [pw]), (257, 4, [ph]), (258, 3, [8, 8, 8]), (259, 3, [7]),
                        (262, 3, [6]), (273, 4, [at]), (277, 3, [3]), (278, 4, [ph]), (279, 4, [len(blob)])])
    ifd0_at = len(data)
    offsets, at = [], ifd0_at + 6 + 12 * len(ifd0)
    for entries in subifds:
        offsets.append(at)
        at += 6 + 12 * len(entries)
    ifd0[11] = (330, 4, offsets)
    extra = bytearray()
    extra_at = at
    for entries in [ifd0, *subifds]:
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


@pytest.mark.parametrize("previews, colour", [
    ([((4000, 3000), (200, 0, 0)), ((1024, 768), (0, 200, 0)), ((320, 240), (0, 0, 200))], (0, 200, 0)),
    ([((400, 300), (200, 0, 0)), ((320, 240), (0, 0, 200))], (200, 0, 0)),  # none fills 480 px: the largest
])
def test_a_raw_previews_from_the_smallest_embedded_jpeg_that_fills_the_preview(previews, colour):
    # As in NEFs and DNGs with a full-size JpgFromRaw beside a smaller PreviewImage (order in the file varies).
    red_thumb = Image.new("RGB", (64, 40), (255, 0, 0)).tobytes()
    dng = dng_bytes(thumbnail=red_thumb, thumb_size=(64, 40),
                    preview_jpeg=[jpeg(size, colour=fill, quality=70) for size, fill in previews])
    preview = opened(make_preview(dng))
    assert max(preview.size) == min(480, max(previews[0][0]))
    pixel = preview.getpixel((preview.width // 2, preview.height // 2))
    assert all(abs(got - want) < 40 for got, want in zip(pixel, colour)), pixel


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


def reference_sizes() -> dict[str, tuple[int, int]]:
    """ExifTool's main-image size per corpus file, turned as its orientation says (what a viewer shows)."""
    sizes = {}
    for line in (CORPUS.parent / "reference.jsonl").read_text().splitlines():
        record = json.loads(line)
        fields = record["fields"]
        if fields.get("ImageWidth") and fields.get("ImageHeight"):
            width, height = fields["ImageWidth"], fields["ImageHeight"]
            sizes[record["file"]] = (height, width) if fields.get("Orientation") in (5, 6, 7, 8) else (width, height)
    return sizes


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_every_readable_corpus_image_gets_a_bounded_upright_preview():
    shown = reference_sizes()
    made = 0
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file()):
        preview = make_preview(path)
        if preview is None:
            continue
        width, height = opened(preview).size
        assert max(width, height) <= 480, path
        made += 1
        reference = shown.get(str(path.relative_to(CORPUS)))
        if reference:  # the same aspect and the same way up as the image ExifTool describes, to a pixel
            assert abs(width * reference[1] - height * reference[0]) <= max(reference), (path, (width, height), reference)
            assert (width > height) == (reference[0] > reference[1]) or reference[0] == reference[1], path
    assert made >= 100


@pytest.mark.skipif(not (CORPUS / "heic").is_dir(), reason="../shared/corpus is not here")
@pytest.mark.parametrize("name", ["IMG_2927.HEIC", "cheers_1440x960.heic"])
def test_corpus_heics_get_previews_turned_as_a_full_decode_shows_them(name):
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    reference = Image.open(CORPUS / "heic" / name)  # pillow-heif's full decode, transformations applied
    reference.load()
    preview = opened(make_preview(CORPUS / "heic" / name))
    assert max(preview.size) == 480  # neither file holds a thumbnail of 320 px or more
    assert abs(preview.width * reference.height - preview.height * reference.width) <= max(reference.size)
    small = reference.resize(preview.size)
    assert sum(abs(a - b) for a, b in zip(small.convert("L").tobytes(), preview.convert("L").tobytes())) \
        < 40 * preview.width * preview.height  # the same picture, not merely the same shape


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
