"""GIF and BMP header fields under ExifTool's names, from files Pillow writes."""

import io

from PIL import Image

from extraction.pipeline.containers.bmp import read_bmp
from extraction.pipeline.containers.gif import read_gif


def encoded(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def test_gif_screen_descriptor_loop_and_duration():
    first = Image.new("P", (20, 10))
    first.putpalette([i % 256 for i in range(768)])
    second = Image.new("P", (20, 10), 1)
    second.putpalette([i % 256 for i in range(768)])
    data = encoded(first, "GIF", save_all=True, append_images=[second], duration=[100, 250], loop=0, comment=b"hi")
    container = read_gif(data)
    tags = container.groups["GIF"]
    assert (tags["ImageWidth"], tags["ImageHeight"], tags["HasColorMap"]) == (20, 10, 1)
    assert tags["AnimationIterations"] == 0 and tags["Duration"] == 0.35 and tags["FrameCount"] == 2
    assert tags["TransparentColor"] == 1  # what exiftool reports for these two frames written by Pillow
    assert container.groups["File"]["Comment"] == "hi"


def test_gif_without_animation_has_no_duration():
    tags = read_gif(encoded(Image.new("P", (3, 3)), "GIF")).groups["GIF"]
    assert "Duration" not in tags and "AnimationIterations" not in tags and tags["GIFVersion"] in ("87a", "89a")


def test_bmp_info_header():
    tags = read_bmp(encoded(Image.new("RGB", (7, 5)), "BMP")).groups["File"]
    assert (tags["BMPVersion"], tags["Planes"], tags["BitDepth"], tags["Compression"]) == (40, 1, 24, 0)
    assert tags["ImageLength"] == 5 * 24  # rows padded to 4 bytes: 7 * 3 -> 24
    assert tags["PixelsPerMeterX"] == tags["PixelsPerMeterY"] and tags["NumColors"] == 0


def test_truncated_headers_never_raise_past_the_container_error():
    data = encoded(Image.new("RGB", (7, 5)), "BMP")
    for cut in (34, 40, 53):
        assert read_bmp(data[:cut]).width == 7
    gif = encoded(Image.new("P", (3, 3)), "GIF")
    for cut in range(13, len(gif)):
        assert read_gif(gif[:cut]).width == 3
