"""XMP under ExifTool's names, with values converted like their EXIF twins."""

import base64
import math

import pytest

from extraction.pipeline.printed import print_groups
from extraction.pipeline.xmp import exiftool_date, join_extended_xmp, parse_xmp

NAMESPACES = (
    'xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" '
    'xmlns:aux="http://ns.adobe.com/exif/1.0/aux/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
    'xmlns:MicrosoftPhoto="http://ns.microsoft.com/photo/1.0/" xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/" '
    'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:avm="http://www.communicatingastronomy.org/avm/1.0/"'
)


def packet(attributes: str = "", elements: str = "", tail: bytes = b"") -> bytes:
    return (f'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Test 1.0">'
            f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" {NAMESPACES} '
            f'{attributes}>{elements}</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>').encode() + tail


def parse(*args, **kwargs) -> dict:
    warnings: list[str] = []
    tags = parse_xmp(packet(*args, **kwargs), warnings)
    assert warnings == []
    return tags


def test_rationals_and_integers_of_exif_properties_are_numbers():
    tags = parse('exif:ExposureTime="1/125" exif:FNumber="11/1" exif:FocalLength="57/1" tiff:XResolution="960000/10000" '
                 'exif:MeteringMode="5" exif:ColorSpace="65535" exif:DigitalZoomRatio="0/0" xmp:Label="007"')
    assert tags["ExposureTime"] == 0.008 and tags["FNumber"] == 11 and tags["XResolution"] == 96
    assert tags["MeteringMode"] == 5 and tags["ColorSpace"] == 65535
    assert tags["DigitalZoomRatio"] == "0/0"  # no number: left as written
    assert tags["Label"] == "007"  # text stays text outside EXIF's namespaces


def test_apex_values_become_seconds_and_f_numbers():
    tags = parse('exif:ShutterSpeedValue="6965784/1000000" exif:ApertureValue="6918863/1000000" '
                 'exif:MaxApertureValue="3.00 EV (f/2.8)"')
    assert tags["ShutterSpeedValue"] == pytest.approx(0.008, rel=1e-5)
    assert tags["ApertureValue"] == pytest.approx(11.0, rel=1e-5)
    assert tags["MaxApertureValue"] == pytest.approx(math.sqrt(2) ** 3)
    printed = print_groups({"XMP": tags})["XMP"]
    assert printed["ShutterSpeedValue"] == "1/125" and printed["ApertureValue"] == "11.0"


def test_gps_coordinates_become_signed_degrees():
    tags = parse('exif:GPSLatitude="48,53.323582N" exif:GPSLongitude="21,2,35.7W" exif:GPSAltitude="324145/1000"')
    assert tags["GPSLatitude"] == pytest.approx(48 + 53.323582 / 60)
    assert tags["GPSLongitude"] == pytest.approx(-(21 + 2 / 60 + 35.7 / 3600))
    printed = print_groups({"XMP": tags})["XMP"]
    assert printed["GPSLatitude"] == "48 deg 53' 19.41\" N" and printed["GPSAltitude"] == "324.145 m"


def test_exiftool_names_for_twins_and_clashes():
    tags = parse('exif:ISOSpeedRatings="x" exif:FocalLengthIn35mmFilm="28" MicrosoftPhoto:Rating="75" xmp:Rating="4" '
                 'crs:Temperature="5200" aux:SerialNumber="123" photoshop:ColorMode="3" photoshop:Urgency="5"',
                 '<avm:Spectral.CentralWavelength><rdf:Seq><rdf:li>437</rdf:li></rdf:Seq></avm:Spectral.CentralWavelength>')
    assert tags["FocalLengthIn35mmFormat"] == 28 and tags["RatingPercent"] == 75 and tags["Rating"] == 4
    assert tags["ColorTemperature"] == 5200 and tags["SerialNumber"] == 123  # a number, as exiftool -j gives it
    assert tags["SpectralCentralWavelength"] == ["437"]
    assert tags["XMPToolkit"] == "Test 1.0"
    printed = print_groups({"XMP": tags})["XMP"]
    assert printed["ColorMode"] == "RGB" and printed["Urgency"] == "5 (normal urgency)"


def test_lens_info_keeps_unknown_parts_as_undef():
    tags = parse('aux:LensInfo="24/1 70/1 0/0 0/0"')
    assert tags["LensInfo"] == "24 70 undef undef"
    assert print_groups({"XMP": tags})["XMP"]["LensInfo"] == "24-70mm f/?"
    tags = parse('aux:LensInfo="180/10 550/10 35/10 56/10"')
    assert print_groups({"XMP": tags})["XMP"]["LensInfo"] == "18-55mm f/3.5-5.6"


@pytest.mark.parametrize(("raw", "dated", "exiftool"), [
    ("2020-05-04T18:39:11.644Z", True, "2020:05:04 18:39:11.644Z"),
    ("2011-06-14T15:47+02:00", True, "2011:06:14 15:47+02:00"),
    ("2009-09-09", True, "2009:09:09"),
    ("2009-09-09T17:00:00, 2009-09-09", True, "2009:09:09T17:00:00, 2009:09:09"),
    ("2009-09-09", False, "2009-09-09"),
    ("Lightroom", True, "Lightroom"),
])
def test_dates_as_exiftool_writes_them(raw, dated, exiftool):
    assert exiftool_date(raw, dated=dated) == exiftool


def test_dates_inside_structures_are_converted():
    tags = parse(elements='<xmpMM:History xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" '
                          'xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"><rdf:Seq>'
                          '<rdf:li stEvt:action="saved" stEvt:when="2018-07-29T19:54:47+10:00"/></rdf:Seq></xmpMM:History>')
    assert tags["History"] == [{"Action": "saved", "When": "2018:07:29 19:54:47+10:00"}]


def test_blank_values_are_kept_as_exiftool_keeps_them():
    tags = parse(elements='<photoshop:City> </photoshop:City><avm:Spatial.Notes></avm:Spatial.Notes>')
    assert tags["City"] == " " and tags["SpatialNotes"] == ""


def test_junk_after_the_packet_is_ignored():
    tags = parse('xmp:CreatorTool="Lightroom"', tail=b"\x00\xff garbage </x:xmpmeta> <not xml")
    assert tags["CreatorTool"] == "Lightroom"


def test_old_xap_toolkit_attribute():
    raw = (b"<x:xapmeta xmlns:x='adobe:ns:meta/' x:xaptk='XMP toolkit 2.8.2-33, framework 1.5'>"
           b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description about=''/>"
           b"</rdf:RDF></x:xapmeta>")
    assert parse_xmp(raw, [])["XMPToolkit"] == "XMP toolkit 2.8.2-33, framework 1.5"


def test_codes_with_leading_zeros_stay_text():
    tags = parse('exif:ExifVersion="0230" aux:SerialNumber="0012345"')
    assert tags["ExifVersion"] == "0230" and tags["SerialNumber"] == "0012345"


def test_duplicate_names_later_wins_in_one_namespace_first_across_namespaces():
    tags = parse('exif:WhiteBalance="0" crs:WhiteBalance="As Shot" MicrosoftPhoto:Rating="63"',
                 '<MicrosoftPhoto:Rating xmlns:MicrosoftPhoto="http://ns.microsoft.com/photo/1.0">75</MicrosoftPhoto:Rating>')
    assert tags["WhiteBalance"] == 0 and tags["RatingPercent"] == 75


def _extension_chunks(payload: bytes, size: int, guid: bytes = b"E0CC0F5E8E62D1B42D2C5E1A1A1A1A1A") -> list[bytes]:
    return [guid + len(payload).to_bytes(4, "big") + offset.to_bytes(4, "big") + payload[offset : offset + size]
            for offset in range(0, len(payload), size)]


def test_extended_xmp_is_joined_in_any_order():
    data = base64.b64encode(b"\x89PNG" + b"\x00" * 300).decode()
    extension = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                 '<rdf:Description xmlns:GDepth="http://ns.google.com/photos/1.0/depthmap/" GDepth:Mime="image/png" '
                 f'GDepth:Data="{data}"/></rdf:RDF></x:xmpmeta>').encode()
    chunks = _extension_chunks(extension, 100)
    warnings: list[str] = []
    (joined,) = join_extended_xmp(list(reversed(chunks)), warnings)
    assert joined == extension and warnings == []
    tags = parse_xmp(joined, warnings)
    assert tags["Mime"] == "image/png" and tags["DepthImage"] == b"\x89PNG" + b"\x00" * 300


def test_incomplete_or_oversized_extended_xmp_is_skipped_with_a_warning():
    chunks = _extension_chunks(b"x" * 500, 100)
    warnings: list[str] = []
    assert join_extended_xmp(chunks[:-1], warnings) == [] and warnings
    liar = b"G" * 32 + (10).to_bytes(4, "big") + (5).to_bytes(4, "big") + b"0123456789"
    assert join_extended_xmp([liar, b"short"], warnings) == []


def test_plus_vocabulary_codes_and_their_words():
    tags = parse(elements='<plus:ModelReleaseStatus xmlns:plus="http://ns.useplus.org/ldf/xmp/1.0/" '
                          'rdf:resource="http://ns.useplus.org/ldf/vocab/MR-NAP"/>')
    assert tags["ModelReleaseStatus"] == "MR-NAP"
    assert print_groups({"XMP": tags})["XMP"]["ModelReleaseStatus"] == "Not Applicable"


def test_names_exiftool_gives_iptc_extension_and_darwin_core_properties():
    ext = 'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" xmlns:dwc="http://rs.tdwg.org/dwc/index.htm"'
    tags = parse(f'{ext} Iptc4xmpExt:DigImageGUID="g" Iptc4xmpExt:AddlModelInfo="m" avm:ID="heic0910q"',
                 '<dwc:dctermsLocation rdf:parseType="Resource"><dwc:continent>Antarctica</dwc:continent>'
                 '</dwc:dctermsLocation><avm:Spatial.Notes><rdf:Alt><rdf:li xml:lang="x-default"/></rdf:Alt>'
                 '</avm:Spatial.Notes>')
    assert tags["DigitalImageGUID"] == "g" and tags["AdditionalModelInformation"] == "m" and tags["Id"] == "heic0910q"
    assert tags["DCTermsLocation"] == {"Continent": "Antarctica"} and tags["SpatialNotes"] == ""


def test_booleans_and_the_flash_structure():
    tags = parse('xmpRights:Marked="True" xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/" '
                 'exif:ExposureBiasValue="0.00 EV"',
                 '<exif:Flash rdf:parseType="Resource"><exif:Fired>False</exif:Fired><exif:Return>0</exif:Return>'
                 '<exif:Mode>2</exif:Mode></exif:Flash>')
    assert tags["Marked"] is True and tags["Flash"] == {"Fired": False, "Return": 0, "Mode": 2}  # as exiftool -n
    printed = print_groups({"XMP": tags})["XMP"]
    assert printed["Flash"] == {"Fired": False, "Return": "No return detection", "Mode": "Off"}
    assert printed["ExposureCompensation"] == "0"


def test_a_second_value_replaces_the_first_unless_its_namespace_mirrors_exif():
    # What exiftool reports for these layouts: exif:, tiff:, aux:, exifEX: and crs: values never replace an
    # earlier one of the same name; others (xmp:, MicrosoftPhoto:) do.
    first = parse('exif:MeteringMode="1"', '<exif:MeteringMode>3</exif:MeteringMode>')
    assert first["MeteringMode"] == 1
    crs_first = parse('crs:WhiteBalance="Custom"', '<exif:WhiteBalance>0</exif:WhiteBalance>')
    assert crs_first["WhiteBalance"] == "Custom"
    later = parse('xmp:Label="A"', '<xmp:Label>C</xmp:Label>')
    assert later["Label"] == "C"


def test_structures_nested_descriptions_are_not_top_level_tags():
    tags = parse(elements='<xmpMM:DerivedFrom xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" '
                          'xmlns:stRef="http://ns.adobe.com/xap/1.0/sType/ResourceRef#"><rdf:Description '
                          'stRef:documentID="d1" stRef:instanceID="007"/></xmpMM:DerivedFrom>')
    assert tags["DerivedFrom"] == {"DocumentID": "d1", "InstanceID": "007"}
    assert "DocumentID" not in tags and "InstanceID" not in tags
