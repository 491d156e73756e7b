"""Clean copies: identifying metadata gone, orientation, colour profile and pixels kept, proven by reading back."""

import io
import json
import os
import shutil
import struct
import subprocess
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image, ImageCms

from extraction.pipeline import PipelineError, extract_file
from extraction.pipeline.clean import clean_file, clean_image, leftovers
from extraction.pipeline.clean import jpeg as clean_jpeg_module

pillow_heif.register_heif_opener()
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>Jane Roe'
       b'</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>')
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def identifying_exif(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0131], exif[0x013B] = "Canon", "EOS 5D", "Photoshop 25.0", "Jane Roe"
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (43.0, 28.0, 2.81), 3: "E", 4: (11.0, 52.0, 39.0)})
    exif.get_ifd(0x8769)[0xA431] = "0123456789"  # BodySerialNumber
    return exif


def photo(fmt: str, **options) -> bytes:
    image = Image.new("RGB", (40, 24))
    image.putdata([(x * 6 % 256, y * 10 % 256, (x * y) % 256) for y in range(24) for x in range(40)])
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def pixels(path: Path) -> tuple:
    with Image.open(path) as image:
        return image.size, image.mode, image.tobytes()


def clean(tmp_path: Path, name: str, data: bytes, keep: str = "default") -> tuple[Path, Path, dict]:
    source = write(tmp_path, name, data)
    target = tmp_path / f"clean-{name}"
    report = clean_file(str(source), str(target), keep=keep)
    return source, target, report


def jpeg_with_everything() -> bytes:
    data = photo("JPEG", exif=identifying_exif(), icc_profile=SRGB, quality=90)
    xmp = b"http://ns.adobe.com/xap/1.0/\x00" + XMP
    extra = (b"\xff\xe1" + struct.pack(">H", len(xmp) + 2) + xmp
             + b"\xff\xfe" + struct.pack(">H", 14) + b"Jane's camera")
    return data[:2] + extra + data[2:] + b"TRAILER-with-a-secret"


@pytest.mark.parametrize("fmt, name, options", [
    ("JPEG", "a.jpg", None),
    ("PNG", "a.png", {"exif": identifying_exif(), "icc_profile": SRGB, "pnginfo": None}),
    ("WEBP", "a.webp", {"exif": identifying_exif(), "icc_profile": SRGB, "xmp": XMP, "lossless": True}),
    ("TIFF", "a.tif", {"exif": identifying_exif(), "icc_profile": SRGB}),
    ("HEIF", "a.heic", {"exif": identifying_exif(), "icc_profile": SRGB, "xmp": XMP, "quality": -1}),
])
def test_a_clean_copy_keeps_orientation_colour_profile_and_pixels_and_nothing_identifying(tmp_path, fmt, name, options):
    if options is None:
        data = jpeg_with_everything()
    else:
        if options.get("pnginfo", 0) is None:
            from PIL import PngImagePlugin
            info = PngImagePlugin.PngInfo()
            info.add_text("Author", "Jane Roe")
            info.add_itxt("XML:com.adobe.xmp", XMP.decode())
            options = {**options, "pnginfo": info}
        data = photo(fmt, **options)
    source, target, report = clean(tmp_path, name, data)
    before, after = extract_file(str(source)), extract_file(str(target))
    assert after["ok"], after["error"]
    assert leftovers(before), "the original must hold identifying metadata for this test to mean anything"
    assert leftovers(after) == []
    assert report["verified"] is True
    if any(tag.startswith("GPS") for tag in before["groups"].get("EXIF", {})):
        assert "GPS position" in report["removed"]
    with Image.open(target) as copy:
        assert copy.info.get("icc_profile") == SRGB
    if "ICC_Profile" in before["groups"]:
        assert after["groups"]["ICC_Profile"] == before["groups"]["ICC_Profile"] and "colour profile" in report["kept"]
    if fmt != "HEIF":  # HEIF shows rotation with its irot property; EXIF orientation there is informational
        assert after["groups"]["EXIF"]["Orientation"] == 6 and "orientation" in report["kept"]
    assert pixels(target) == pixels(source)
    assert target.stat().st_size <= source.stat().st_size
    assert b"Jane" not in target.read_bytes() and b"0123456789" not in target.read_bytes()


def test_keep_none_also_removes_orientation_and_colour_profile(tmp_path):
    source, target, report = clean(tmp_path, "a.jpg", jpeg_with_everything(), keep="none")
    after = extract_file(str(target))
    assert "Orientation" not in after["groups"].get("EXIF", {}) and "ICC_Profile" not in after["groups"]
    assert report["kept"] == []
    assert leftovers(after, keep="none") == []
    assert pixels(target) == pixels(source)


def test_a_gif_loses_its_comments_and_keeps_its_frames(tmp_path):
    frames = [Image.new("RGB", (8, 8), color).convert("P") for color in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], comment=b"Jane Roe was here", loop=0)
    source, target, _ = clean(tmp_path, "a.gif", buffer.getvalue())
    assert b"Jane" not in target.read_bytes()
    with Image.open(source) as a, Image.open(target) as b:
        assert a.n_frames == b.n_frames == 3 and a.info.get("loop") == b.info.get("loop") == 0
    assert "Comment" not in extract_file(str(target))["groups"].get("File", {})


def test_a_jpeg_thumbnail_in_jfif_and_data_after_the_image_are_dropped(tmp_path):
    _, target, _ = clean(tmp_path, "a.jpg", jpeg_with_everything())
    data = target.read_bytes()
    assert data.endswith(b"\xff\xd9") and b"TRAILER" not in data


def test_formats_we_do_not_clean_say_why(tmp_path):
    bmp = photo("BMP")
    with pytest.raises(PipelineError) as refused:
        clean_image(bmp)
    assert refused.value.code == "clean_unsupported" and "BMP" in str(refused.value)
    tiff = photo("TIFF")
    dng = tiff[:4] + tiff[4:]  # a TIFF whose IFD0 carries DNGVersion is a raw file
    image = Image.open(io.BytesIO(tiff))
    buffer = io.BytesIO()
    image.save(buffer, "TIFF", tiffinfo={50706: b"\x01\x04\x00\x00"})
    with pytest.raises(PipelineError) as raw:
        clean_image(buffer.getvalue())
    assert raw.value.code == "clean_unsupported" and "DNG" in str(raw.value)
    assert dng  # the plain TIFF itself is cleanable
    assert clean_image(tiff).format == "TIFF"
    with pytest.raises(PipelineError) as text:
        clean_image(b"hello, not an image")
    assert text.value.code == "clean_unsupported"


def test_a_copy_that_still_holds_metadata_is_refused_and_not_left_on_disk(tmp_path, monkeypatch):
    monkeypatch.setattr(clean_jpeg_module, "_DECODING", clean_jpeg_module._DECODING | {0xE1})  # keep APP1 whole
    monkeypatch.setitem(__import__("extraction.pipeline.clean", fromlist=["CLEANERS"]).CLEANERS, "JPEG",
                        lambda data, **_: data)
    source = write(tmp_path, "a.jpg", jpeg_with_everything())
    target = tmp_path / "copy.jpg"
    with pytest.raises(PipelineError) as refused:
        clean_file(str(source), str(target))
    assert refused.value.code == "clean_failed" and "EXIF:" in str(refused.value)
    assert not target.exists()


def test_an_existing_target_is_never_overwritten(tmp_path):
    source = write(tmp_path, "a.jpg", jpeg_with_everything())
    target = write(tmp_path, "taken.jpg", b"keep me")
    with pytest.raises(FileExistsError):
        clean_file(str(source), str(target))
    assert target.read_bytes() == b"keep me"


def test_broken_files_end_in_a_clean_copy_or_a_code_never_an_exception(tmp_path):
    bad = CORPUS / "bad"
    if not bad.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    for path in sorted(p for p in bad.rglob("*") if p.is_file()):
        target = tmp_path / f"{path.parent.name}-{path.name}"
        try:
            clean_file(str(path), str(target))
        except PipelineError as exc:
            assert exc.code in ("clean_unsupported", "clean_failed", "unreadable_file")
            assert not target.exists()


def test_every_corpus_image_we_clean_is_clean_to_exiftool_with_its_orientation_profile_and_pixels(tmp_path):
    images = CORPUS / "images"
    exiftool = shutil.which("exiftool")
    if not images.is_dir() or exiftool is None:
        pytest.skip("needs ../shared/corpus and exiftool (Debian's libimage-exiftool-perl)")
    pairs, refused = [], []
    for path in sorted(p for p in images.rglob("*") if p.is_file()):
        target = tmp_path / f"{path.parent.name}-{path.name}"
        try:
            clean_file(str(path), str(target))
            pairs.append((path, target))
        except PipelineError as exc:
            refused.append(f"{path.parent.name}/{path.name}: {exc.code}")
    print(f"\ncleaned {len(pairs)}, refused {len(refused)}: {refused}")
    assert len(pairs) >= 190

    def read(paths, *tags):
        out = subprocess.run([exiftool, "-j", "-G", "-n", "-a", *tags, *map(str, paths)], capture_output=True,
                             text=True)
        return {Path(r["SourceFile"]).name: r for r in json.loads(out.stdout)}

    before, after = read(p for p, _ in pairs), read(t for _, t in pairs)
    # The orientation that counts is IFD0's (ExifTool's EXIF:Orientation may come from the thumbnail's IFD1).
    turned = read((p for p, _ in pairs), "-IFD0:Orientation")
    turned_after = read((t for _, t in pairs), "-IFD0:Orientation")
    for source, target in pairs:
        a, b = before[source.name], after[target.name]
        left = [k for k in b if k.split(":")[0] in ("XMP", "IPTC", "Photoshop", "MakerNotes", "MPF", "FlashPix")
                or ":GPS" in k or k in ("File:Comment", "EXIF:Make", "EXIF:Model", "EXIF:SerialNumber",
                                        "EXIF:Artist", "EXIF:Copyright", "EXIF:DateTimeOriginal", "EXIF:Software")]
        assert left == [], f"{source}: {left}"
        assert b.get("ExifTool:Error") is None, f"{source}: {b['ExifTool:Error']}"
        if a.get("File:FileType") not in ("HEIC", "HEIF", "AVIF"):  # there irot rotates; EXIF's is informational
            assert turned[source.name].get("EXIF:Orientation") == turned_after[target.name].get("EXIF:Orientation"), \
                source
        icc = lambda r: {k: v for k, v in r.items() if k.startswith("ICC_Profile:")}  # noqa: E731
        assert icc(a) == icc(b), source
        assert target.stat().st_size <= source.stat().st_size, source
        try:
            expected = pixels(source)
        except Exception:  # noqa: BLE001 (Pillow cannot decode a few broken corpus files at all)
            continue
        assert pixels(target) == expected, source


def test_the_pipeline_makes_the_clean_copy_in_its_last_stage_and_reports_it(tmp_path):
    from extraction.pipeline import FINALISE, run_pipeline

    source = write(tmp_path, "a.jpg", jpeg_with_everything())
    stages = []
    result = run_pipeline(str(source), on_progress=stages.append, clean_to=str(tmp_path / "copy.jpg"))
    assert stages[-1] == FINALISE
    assert result["clean"]["ok"] and "GPS position" in result["clean"]["removed"]
    assert leftovers(extract_file(str(tmp_path / "copy.jpg"))) == []
    bmp = run_pipeline(str(write(tmp_path, "a.bmp", photo("BMP"))), on_progress=stages.append,
                       clean_to=str(tmp_path / "copy.bmp"))
    assert bmp["ok"] and bmp["clean"] == {"ok": False, "error": {"code": "clean_unsupported",
                                                                 "message": bmp["clean"]["error"]["message"]}}
    assert not (tmp_path / "copy.bmp").exists()


def test_the_report_counts_tags_in_words_and_names_the_comment(tmp_path):
    from extraction.pipeline.clean import describe

    before = {"groups": {"EXIF": {"Make": "X", "GPSLatitude": 1.0}, "XMP": {"Creator": "Jane"},
                         "File": {"Comment": "Jane's camera"}}}
    after = {"groups": {"EXIF": {}, "File": {}}}
    report = describe(before, after)
    assert report["removed"] == ["GPS position", "1 EXIF tag", "1 XMP tag", "comment"]
    assert report["summary"] == "Removed: GPS position, 1 EXIF tag, 1 XMP tag, comment."
