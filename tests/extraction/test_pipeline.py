"""Pipeline tests with no database: images are made here with Pillow, then read back."""

import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational as Fraction

from extraction.pipeline import STAGES, PipelineError, extract_file, run_pipeline

GPS = ExifTags.IFD.GPSInfo
EXIF = ExifTags.IFD.Exif


def camera_exif(*, lat_ref="N", lon_ref="E", alt_ref=0, gps=True, **extra) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # Make
    exif[0x0110] = "Canon EOS 70D"  # Model
    exif[0x0131] = "Darktable 4.6"  # Software
    exif[0x0112] = 6  # Orientation
    exif[0x0132] = "2024:05:06 10:00:00"  # ModifyDate
    exif[0x013B] = "Ada Lovelace"  # Artist
    sub = exif.get_ifd(EXIF)
    sub[0x9003] = "2024:05:04 18:39:11"  # DateTimeOriginal
    sub[0x829A] = Fraction(1, 60)  # ExposureTime
    sub[0x829D] = Fraction(28, 10)  # FNumber
    sub[0x8827] = 400  # ISO
    sub[0x920A] = Fraction(50, 1)  # FocalLength
    sub[0xA434] = "EF50mm f/1.8 STM"  # LensModel
    sub[0xA431] = "0123456789"  # SerialNumber
    sub[0xA002] = 4000  # ExifImageWidth: stale, the pixels are smaller
    sub[0xA003] = 3000
    for tag, value in extra.items():
        sub[int(tag, 16)] = value
    if gps:
        exif[GPS] = {
            1: lat_ref, 2: (Fraction(47, 1), Fraction(12, 1), Fraction(2568, 100)),
            3: lon_ref, 4: (Fraction(106, 1), Fraction(14, 1), Fraction(3518, 100)),
            5: alt_ref, 6: Fraction(1234, 10),
        }
    return exif


def write(tmp_path: Path, name: str, image: Image.Image, fmt: str, **params) -> Path:
    path = tmp_path / name
    image.save(path, fmt, **params)
    return path


@pytest.fixture
def jpeg(tmp_path):
    return write(tmp_path, "photo.jpg", Image.new("RGB", (64, 48), "red"), "JPEG", exif=camera_exif())


def test_stages_are_reported_in_order(jpeg):
    seen = []
    run_pipeline(str(jpeg), on_progress=seen.append)
    assert seen == list(STAGES)


def test_failure_reports_stages_up_to_the_failing_one(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"plain text, not an image")
    seen = []
    with pytest.raises(PipelineError) as caught:
        run_pipeline(str(path), on_progress=seen.append)
    assert caught.value.code == "unsupported_format"
    assert [stage.name for stage in seen] == ["start", "validate"]


def test_summary_uses_exiftool_names_and_units(jpeg):
    result = run_pipeline(str(jpeg), on_progress=lambda stage: None, name="holiday.jpg")
    summary = result["summary"]
    assert result["file"] == "holiday.jpg" and result["ok"] is True and result["error"] is None
    assert summary["Make"] == "Canon" and summary["Model"] == "Canon EOS 70D"
    assert summary["LensModel"] == "EF50mm f/1.8 STM"
    assert summary["Software"] == "Darktable 4.6"
    assert summary["DateTimeOriginal"] == "2024:05:04 18:39:11"
    assert summary["ExposureTime"] == pytest.approx(1 / 60)
    assert summary["FNumber"] == pytest.approx(2.8)
    assert summary["ISO"] == 400
    assert summary["FocalLength"] == pytest.approx(50.0)
    assert summary["Orientation"] == 6
    assert (summary["ImageWidth"], summary["ImageHeight"]) == (64, 48)  # the pixels, not ExifImageWidth
    assert summary["GPSLatitude"] == pytest.approx(47 + 12 / 60 + 25.68 / 3600)
    assert summary["GPSAltitude"] == pytest.approx(123.4)


def test_file_group_and_composite(jpeg):
    result = extract_file(str(jpeg))
    facts = result["groups"]["File"]
    assert facts["FileName"] == "photo.jpg"
    assert facts["FileType"] == "JPEG" and facts["MIMEType"] == "image/jpeg"
    assert facts["FileSize"] == jpeg.stat().st_size
    import hashlib

    assert facts["SHA256"] == hashlib.sha256(jpeg.read_bytes()).hexdigest()
    composite = result["groups"]["Composite"]
    assert composite["ImageSize"] == "64 48"  # exiftool -n; printed "64x48"
    assert result["printed"]["Composite"]["ImageSize"] == "64x48"
    assert composite["GPSPosition"].startswith("47.2")
    assert composite["ShutterSpeed"] == pytest.approx(1 / 60)


@pytest.mark.parametrize(
    ("lat_ref", "lon_ref", "alt_ref", "signs"),
    [("N", "E", 0, (1, 1, 1)), ("S", "W", 1, (-1, -1, -1)), ("S", "E", 0, (-1, 1, 1)), ("N", "W", 1, (1, -1, -1))],
)
def test_gps_signs(tmp_path, lat_ref, lon_ref, alt_ref, signs):
    exif = camera_exif(lat_ref=lat_ref, lon_ref=lon_ref, alt_ref=alt_ref)
    path = write(tmp_path, "gps.jpg", Image.new("RGB", (8, 8)), "JPEG", exif=exif)
    summary = extract_file(str(path))["summary"]
    lat, lon, alt = summary["GPSLatitude"], summary["GPSLongitude"], summary["GPSAltitude"]
    assert (lat > 0, lon > 0, alt > 0) == tuple(sign > 0 for sign in signs)
    assert abs(lon) == pytest.approx(106 + 14 / 60 + 35.18 / 3600)


def test_findings(jpeg):
    codes = {finding["code"]: finding for finding in extract_file(str(jpeg))["findings"]}
    assert "47.2" in codes["gps_location"]["message"]
    assert codes["gps_location"]["severity"] == "high"
    assert "0123456789" in codes["device_serial_number"]["message"]
    assert "Ada Lovelace" in codes["personal_names"]["message"]
    assert "Darktable" in codes["edited_by_software"]["message"]
    assert "modified_after_capture" in codes
    assert "4000x3000" in codes["dimensions_mismatch"]["message"]
    assert "no_metadata" not in codes
    for finding in codes.values():
        assert set(finding) == {"code", "severity", "message", "tags"}


def test_no_metadata_finding(tmp_path):
    path = write(tmp_path, "plain.png", Image.new("RGB", (5, 7)), "PNG")
    result = extract_file(str(path))
    assert [f["code"] for f in result["findings"]] == ["no_metadata"]
    assert "Make" not in result["summary"] and result["summary"]["ImageWidth"] == 5


@pytest.mark.parametrize(
    ("fmt", "suffix", "file_type"),
    # A WebP that carries EXIF has a VP8X header: ExifTool calls that type "Extended WEBP".
    [("PNG", "png", "PNG"), ("WEBP", "webp", "Extended WEBP"), ("TIFF", "tif", "TIFF"), ("JPEG", "jpg", "JPEG")],
)
def test_formats_with_exif(tmp_path, fmt, suffix, file_type):
    exif = camera_exif().tobytes() if fmt == "TIFF" else camera_exif()
    path = write(tmp_path, f"x.{suffix}", Image.new("RGB", (33, 21)), fmt, exif=exif)
    result = extract_file(str(path))
    assert result["ok"], result["error"]
    assert result["groups"]["File"]["FileType"] == file_type
    assert (result["summary"]["ImageWidth"], result["summary"]["ImageHeight"]) == (33, 21)
    assert result["summary"]["Model"] == "Canon EOS 70D"
    assert result["summary"]["GPSLongitude"] > 0


@pytest.mark.parametrize(("fmt", "file_type"), [("GIF", "GIF"), ("BMP", "BMP")])
def test_formats_without_exif(tmp_path, fmt, file_type):
    path = write(tmp_path, "x.img", Image.new("RGB", (17, 9)), fmt)
    result = extract_file(str(path))
    assert result["groups"]["File"]["FileType"] == file_type
    assert (result["summary"]["ImageWidth"], result["summary"]["ImageHeight"]) == (17, 9)


def test_bigtiff(tmp_path):
    path = write(tmp_path, "big.tif", Image.new("RGB", (21, 13)), "TIFF", big_tiff=True)
    result = extract_file(str(path))
    assert result["groups"]["File"]["FileType"] == "BTF"
    assert (result["summary"]["ImageWidth"], result["summary"]["ImageHeight"]) == (21, 13)


def test_bigtiff_tags_are_read(tmp_path):
    """exifread reads classic TIFF only: a BigTIFF's own tags still reach the result (through Pillow)."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0131] = "Canon", "Canon EOS 70D", "Darktable 4.6"
    path = write(tmp_path, "big.tif", Image.new("RGB", (21, 13)), "TIFF", big_tiff=True, exif=exif)
    result = extract_file(str(path))
    assert result["summary"]["Make"] == "Canon" and result["summary"]["Model"] == "Canon EOS 70D"
    assert result["groups"]["EXIF"]["ImageWidth"] == 21


@pytest.mark.parametrize("fmt", ["JPEG", "TIFF"])
def test_memory_mapped_upload_stays_readable_after_the_header_is_opened(tmp_path, fmt):
    """Files of 32 MB and more are memory-mapped: opening the header must not close the map under the rest."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30)).save(buffer, fmt, exif=camera_exif().tobytes() if fmt == "TIFF" else camera_exif())
    path = tmp_path / "big"
    path.write_bytes(buffer.getvalue() + b"\x00" * (33 * 1024 * 1024))
    result = extract_file(str(path))
    assert result["ok"], result["error"]
    assert result["summary"]["Make"] == "Canon" and result["summary"]["ImageWidth"] == 40
    assert result["groups"]["File"]["FileSize"] == path.stat().st_size


def _nikon_note(iso: int) -> bytes:
    """A Nikon type-2 maker note (its own TIFF header, offsets relative to it) holding ISO = (0, iso)."""
    ifd = struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0002, 3, 2, 0, iso) + b"\x00\x00\x00\x00"
    return b"Nikon\x00\x02\x10\x00\x00" + b"MM\x00\x2a\x00\x00\x00\x08" + ifd


@pytest.mark.parametrize("exif_iso", [None, 800])
def test_maker_notes_fill_key_fields_only_where_exif_lacks_them(tmp_path, exif_iso):
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "NIKON CORPORATION", "NIKON D1X"
    sub = exif.get_ifd(EXIF)
    sub[0x927C] = _nikon_note(200)
    if exif_iso is not None:
        sub[0x8827] = exif_iso
    path = write(tmp_path, "nikon.jpg", Image.new("RGB", (8, 8)), "JPEG", exif=exif)
    result = extract_file(str(path))
    assert result["groups"]["MakerNotes"]["ISO"] == [0, 200]  # ExifTool's -n value is "0 200"
    assert result["printed"]["MakerNotes"]["ISO"] == "200"
    if exif_iso is None:
        assert result["summary"]["ISO"] == 0  # ExifTool's ISO falls back to the note's first number
    else:
        assert result["summary"]["ISO"] == 800  # a maker note never overrides EXIF


def test_format_is_decided_by_content_not_name(tmp_path):
    path = write(tmp_path, "really-a-png.jpg", Image.new("RGB", (3, 4)), "PNG")
    assert extract_file(str(path))["groups"]["File"]["FileType"] == "PNG"


def test_heic_size_and_exif(tmp_path):
    pillow_heif = pytest.importorskip("pillow_heif")
    if not pillow_heif.libheif_info().get("HEIF"):
        pytest.skip("libheif has no HEIC encoder here")
    pillow_heif.register_heif_opener()
    path = write(tmp_path, "x.heic", Image.new("RGB", (40, 30)), "HEIF", exif=camera_exif().tobytes())
    result = extract_file(str(path))
    assert result["groups"]["File"]["FileType"] in ("HEIC", "HEIF")
    # libheif pads 40x30 to 64x64 coded blocks and crops back with 'clap': the image is 40x30
    assert (result["summary"]["ImageWidth"], result["summary"]["ImageHeight"]) == (40, 30)
    assert result["summary"]["Make"] == "Canon"


def test_avif_size_and_exif(tmp_path):
    from PIL import features

    if not features.check("avif"):
        pytest.skip("Pillow was built without AVIF")
    path = write(tmp_path, "x.avif", Image.new("RGB", (40, 30)), "AVIF", exif=camera_exif().tobytes())
    result = extract_file(str(path))
    assert result["groups"]["File"]["FileType"] == "AVIF"
    assert (result["summary"]["ImageWidth"], result["summary"]["ImageHeight"]) == (40, 30)
    assert result["summary"]["Model"] == "Canon EOS 70D"


def _tiff(entries_by_ifd: list[list[tuple[int, int, int, int]]]) -> bytes:
    """A little-endian TIFF whose IFDs hold only inline SHORT/LONG values; IFD n+1 is IFD n's SubIFD."""
    out = bytearray(b"II*\x00\x08\x00\x00\x00")
    offsets = []
    pos = 8
    for entries in entries_by_ifd:
        offsets.append(pos)
        pos += 2 + 12 * (len(entries) + 1) + 4
    for index, entries in enumerate(entries_by_ifd):
        rows = list(entries)
        if index + 1 < len(entries_by_ifd):
            rows.append((0x014A, 4, 1, offsets[index + 1]))  # SubIFDs
        out += struct.pack("<H", len(rows))
        for tag, typ, count, value in sorted(rows):
            packed = struct.pack("<I", value) if typ == 4 else struct.pack("<HH", value, 0)
            if typ == 1:
                packed = bytes([value, 4, 0, 0]) if count == 4 else bytes([value, 0, 0, 0])
            out += struct.pack("<HHI", tag, typ, count) + packed
        out += b"\x00" * (12 * (len(entries) + 1 - len(rows))) + b"\x00\x00\x00\x00"
    return bytes(out)


def test_dng_reports_the_full_resolution_subifd(tmp_path):
    preview = [(0x00FE, 4, 1, 1), (0x0100, 3, 1, 256), (0x0101, 3, 1, 171), (0xC612, 1, 4, 1)]
    raw = [(0x00FE, 4, 1, 0), (0x0100, 4, 1, 6000), (0x0101, 4, 1, 4000)]
    path = tmp_path / "camera.dng"
    path.write_bytes(_tiff([preview, raw]))
    result = extract_file(str(path))
    assert result["ok"], result["error"]
    assert result["groups"]["File"]["FileType"] == "DNG"
    assert (result["summary"]["ImageWidth"], result["summary"]["ImageHeight"]) == (6000, 4000)


def test_png_exif_after_image_data_is_read_without_decoding(tmp_path, monkeypatch):
    image = Image.new("RGB", (20, 10))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    data = buffer.getvalue()
    tiff = camera_exif().tobytes()[6:]  # drop "Exif\0\0"
    chunk = struct.pack(">I", len(tiff)) + b"eXIf" + tiff + struct.pack(">I", zlib.crc32(b"eXIf" + tiff))
    iend = data.rindex(b"IEND") - 4
    path = tmp_path / "late.png"
    path.write_bytes(data[:iend] + chunk + data[iend:])
    monkeypatch.setattr(Image.Image, "load", lambda self: pytest.fail("pixels were decoded"))
    result = extract_file(str(path))
    assert result["summary"]["Make"] == "Canon" and result["summary"]["ImageWidth"] == 20


def test_png_text_chunks(tmp_path):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "GIMP 2.10")
    info.add_text("Author", "Grace Hopper", zip=True)
    info.add_itxt("Description", "un café", lang="fr")
    path = write(tmp_path, "t.png", Image.new("RGB", (2, 2)), "PNG", pnginfo=info)
    result = extract_file(str(path))
    assert result["summary"]["Software"] == "GIMP 2.10"
    assert result["groups"]["PNG"]["Author"] == "Grace Hopper"
    assert result["groups"]["PNG"]["Description-fr"] == "un café"  # ExifTool names an iTXt by its language


def test_xmp_is_parsed(tmp_path):
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
           b' xmp:CreatorTool="Lightroom"><dc:creator><rdf:Seq><rdf:li>Alan Turing</rdf:li></rdf:Seq></dc:creator>'
           b'</rdf:Description></rdf:RDF></x:xmpmeta>')
    path = write(tmp_path, "x.jpg", Image.new("RGB", (4, 4)), "JPEG", xmp=xmp)
    result = extract_file(str(path))
    assert result["groups"]["XMP"] == {"CreatorTool": "Lightroom", "Creator": ["Alan Turing"]}
    codes = {f["code"] for f in result["findings"]}
    assert {"personal_names", "edited_by_software"} <= codes


def test_xml_entity_bombs_in_xmp_are_refused(tmp_path):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="&b;"/></rdf:RDF></x:xmpmeta>')
    path = write(tmp_path, "x.jpg", Image.new("RGB", (4, 4)), "JPEG", xmp=bomb)
    result = extract_file(str(path))
    assert result["ok"] and "XMP" not in result["groups"]


def test_results_are_json_safe(tmp_path):
    exif = camera_exif(**{"0x9206": Fraction(0, 1)})  # SubjectDistance 0/1 is fine; add a 0/0 below
    exif.get_ifd(EXIF)[0xA404] = Fraction(0, 0)  # DigitalZoomRatio 0/0: ExifTool says "undef"
    path = write(tmp_path, "x.jpg", Image.new("RGB", (4, 4)), "JPEG", exif=exif)
    result = extract_file(str(path))
    text = json.dumps(result, allow_nan=False)
    assert "\\u0000" not in text
    assert result["groups"]["EXIF"]["DigitalZoomRatio"] == "undef"


# --- error codes -------------------------------------------------------------------------------


def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr
            + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr)))


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_file"),
        (b"GIF is not what this is", "unsupported_format"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9", "corrupt_image"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x00IEND\xaeB`\x82", "corrupt_image"),
        (_png_header(100_000, 100_000), "image_too_large"),
    ],
)
def test_error_codes(tmp_path, content, code):
    path = tmp_path / "bad"
    path.write_bytes(content)
    with pytest.raises(PipelineError) as caught:
        run_pipeline(str(path), on_progress=lambda stage: None)
    assert caught.value.code == code and caught.value.message
    record = extract_file(str(path))
    assert record["ok"] is False and record["error"]["code"] == code
    assert record["summary"] == {} and record["findings"] == []


def test_missing_file_is_unreadable(tmp_path):
    record = extract_file(str(tmp_path / "nowhere.jpg"))
    assert record["error"]["code"] == "unreadable_file"
    assert record["file"] == "nowhere.jpg"


def test_icc_profile_header(tmp_path):
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path = write(tmp_path, "icc.jpg", Image.new("RGB", (4, 4)), "JPEG", icc_profile=profile)
    icc = extract_file(str(path))["groups"]["ICC_Profile"]
    assert icc["ColorSpaceData"] == "RGB" and icc["ProfileClass"] == "mntr"
    assert "sRGB" in icc["ProfileDescription"]


def test_iptc_in_photoshop_segment(tmp_path):
    def dataset(number: int, text: str) -> bytes:
        raw = text.encode()
        return b"\x1c\x02" + bytes([number]) + struct.pack(">H", len(raw)) + raw

    iptc = dataset(80, "Katherine Johnson") + dataset(25, "moon") + dataset(25, "orbit")
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    app13 = b"Photoshop 3.0\x00" + resource
    jpeg = io.BytesIO()
    Image.new("RGB", (4, 4)).save(jpeg, "JPEG")
    data = jpeg.getvalue()
    path = tmp_path / "iptc.jpg"
    path.write_bytes(data[:2] + b"\xff\xed" + struct.pack(">H", len(app13) + 2) + app13 + data[2:])
    result = extract_file(str(path))
    assert result["groups"]["IPTC"] == {"By-line": "Katherine Johnson", "Keywords": ["moon", "orbit"]}
    assert "Katherine Johnson" in {f["code"]: f for f in result["findings"]}["personal_names"]["message"]


def test_pipeline_imports_neither_django_nor_channels():
    import ast

    package = Path(__file__).resolve().parents[2] / "extraction" / "pipeline"
    for source in package.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] in ("django", "channels") for n in names), source
