"""Findings: the rules on values that fool them, and precision/recall against hand labels from the corpus."""

import io
import json
import os
from pathlib import Path

import pytest
from PIL import Image

from extraction.pipeline import extract_file
from extraction.pipeline.findings import analyse, is_firmware, is_name

REPO = Path(__file__).resolve().parents[2]
LABELS = Path(__file__).resolve().parent / "data" / "findings_labels.json"
# Floors for the labelled corpus list: raise them when the rules get better, never lower them.
FLOORS = {"edited_by_software": {"precision": 0.95, "recall": 0.80},
          "personal_names": {"precision": 0.95, "recall": 0.95}}


def corpus_dir() -> Path:
    return Path(os.environ.get("IMGMVP_CORPUS") or REPO.parent / "shared" / "corpus")


@pytest.mark.parametrize("software", [
    "13.4.1", "11.4.1", "4.1", "1.0", "Version 1.0", "Ver.5.01", "Ver 1.12", "V 05.50", "G975FXXU7CTF1",
    "J327T1UVS4ASH2", "A2v055u", "E775v1.1u", "v552p-A80", "5_04_29195_00", "fw 05.15 prm 07.53",
    "081916 V6IR-Bld1.18", "Firmware Version 1.0.4", "HDR+ 1.0.245478946zd", "iOS 16.1", "47.1.A.8.49",
    "OnePlus6T-user 10 QKQ1.190716.003 2007022240 release-keys",
])
def test_firmware_versions_are_not_edits(software):
    assert is_firmware(software)


@pytest.mark.parametrize(("software", "make", "model"), [
    ("Digital Camera FinePix40i Ver1.39", "FUJIFILM", "FinePix40i"),
    ("Optio S4 Ver 1.00", "PENTAX Corporation", "PENTAX Optio S4"),
    ("COOLPIX P7000V1.0", "NIKON", "COOLPIX P7000"),
    ("ILCE-7M3 v3.01", "SONY", "ILCE-7M3"),
])
def test_the_models_own_name_with_a_version_is_firmware(software, make, model):
    assert is_firmware(software, make, model)


@pytest.mark.parametrize("software", [
    "Adobe Photoshop 7.0", "GIMP 2.10.32", "paint.net 5.0.11", "Capture NX 1.0.0 M", "OLYMPUS Master 2.04W",
    "Adobe Photoshop Lightroom", "Picasa", "VueScan 9 x64 (9.6.01)", "digiKam-7.1.0", "darktable 3.4.1",
    "Microsoft Photo Gallery 16.4.3528.331", "http://www.idimager.com", "Snapseed",
])
def test_editors_and_converters_are_edits(software):
    assert not is_firmware(software, "Canon", "Canon EOS 7D")


@pytest.mark.parametrize("value", [
    "unknown", "Unknown", "null", "NULL", "CREDIT", "Picasa", "Copyright", "(c)", "©", "www.example.com",
    "http://example.com", "Owner", "Photographer", "12345", "0", "   ", "Copyright,", "Copyright (c) 2019",
    "All rights reserved", "Your Name", "Camera Owner", "Artist", "Author", "-", "?", "Test author string",
    "Creator1 (ref2019.1)", "\x02\u0132\x07\x08", "KODAK DC240 ZOOM DIGITAL CAMERA", "(C) by RDC-5300 User",
    "Your Name Here", "Copyright holder", "N/A", "Camera owner's name", "Not set",
])
def test_placeholders_and_programs_are_not_names(value):
    assert not is_name(value, "Eastman Kodak Company", "KODAK DC240 ZOOM DIGITAL CAMERA" if "DC240" in value
                       else "RDC-5300", software=["Picasa 3"])


@pytest.mark.parametrize("value", [
    "Peter Bemmann", "© Peter Bemmann", "(C) 2003 Joseph S. Colson", "ian Britton - FreeFoto.com",
    "Getty Images", "© Corbis.  All Rights Reserved.", "Tom Rowan and Sarah Clifton", "CAvdGriend", "李小龙",
])
def test_real_names_are_names(value):
    assert is_name(value, "Canon", "Canon EOS 7D")


def _record(groups, summary=None):
    summary = {"ImageWidth": 100, "ImageHeight": 80} | (summary or {})
    return {"summary": summary, "groups": groups}


def test_each_finding_names_the_tags_it_came_from():
    groups = {"EXIF": {"Make": "Canon", "Model": "Canon EOS 7D", "Software": "Adobe Photoshop 7.0",
                       "Artist": "Ada Lovelace", "Copyright": "unknown", "SerialNumber": "0123456789",
                       "LensSerialNumber": "0000000000", "DateTimeOriginal": "2020:01:01 10:00:00",
                       "ModifyDate": "2020:02:01 10:00:00", "ExifImageWidth": 4000, "ExifImageHeight": 3000,
                       "GPSLatitude": 47.2, "GPSLongitude": 8.5},
              "XMP": {"CreatorTool": "Adobe Photoshop 7.0", "Creator": ["Ada Lovelace"]}}
    summary = {"Make": "Canon", "Model": "Canon EOS 7D", "GPSLatitude": 47.2, "GPSLongitude": 8.5}
    found = {f["code"]: f for f in analyse(_record(groups, summary))}
    assert found["edited_by_software"]["tags"] == ["EXIF:Software", "XMP:CreatorTool"]
    assert found["edited_by_software"]["message"].count("Adobe Photoshop 7.0") == 1
    assert found["personal_names"]["tags"] == ["EXIF:Artist", "XMP:Creator"]
    assert "unknown" not in found["personal_names"]["message"]
    assert found["device_serial_number"]["tags"] == ["EXIF:SerialNumber"]  # the all-zero lens serial is none
    assert found["modified_after_capture"]["tags"] == ["EXIF:DateTimeOriginal", "EXIF:ModifyDate"]
    assert found["dimensions_mismatch"]["tags"] == ["EXIF:ExifImageWidth", "EXIF:ExifImageHeight"]
    assert found["gps_location"]["tags"] == ["EXIF:GPSLatitude", "EXIF:GPSLongitude"]
    for finding in found.values():
        assert set(finding) == {"code", "severity", "message", "tags"}


def test_firmware_software_with_an_editor_in_xmp_history_is_an_edit():
    groups = {"EXIF": {"Software": "13.4.1"},
              "XMP": {"History": [{"Action": "saved", "SoftwareAgent": "Adobe Photoshop Lightroom Classic 9.0"}]}}
    found = {f["code"]: f for f in analyse(_record(groups, {"Make": "Apple", "Model": "iPhone 11 Pro"}))}
    assert found["edited_by_software"]["tags"] == ["XMP:History"]
    assert "13.4.1" not in found["edited_by_software"]["message"]


@pytest.mark.parametrize(("original", "modified"), [
    ("    :  :     :  :  ", "2003:09:10 20:59:18"),  # blank capture date
    ("0000:00:00 00:00:00", "2023:04:05 09:06:56"),  # zero capture date
    ("2002:01:20 13:52:46", "2001:12:00 00:00:00"),  # day 00, and earlier than the capture
    ("2006:04:26 00:26:14", "2004:01:18 04:27:28"),  # a clock set back: not modified *after* capture
    ("2020:01:01 10:00:00", "2020:01:01 10:00:02"),  # the camera wrote the file two seconds later
])
def test_modified_after_capture_needs_two_real_dates_and_a_later_edit(original, modified):
    groups = {"EXIF": {"DateTimeOriginal": original, "ModifyDate": modified}}
    assert "modified_after_capture" not in {f["code"] for f in analyse(_record(groups))}


def test_block_padding_is_not_a_resize():
    groups = {"EXIF": {"ExifImageWidth": 112, "ExifImageHeight": 96}}
    codes = {f["code"] for f in analyse(_record(groups, {"ImageWidth": 100, "ImageHeight": 90}))}
    assert "dimensions_mismatch" not in codes
    groups = {"EXIF": {"ExifImageWidth": 4000, "ExifImageHeight": 3000}}
    assert "dimensions_mismatch" in {f["code"] for f in analyse(_record(groups))}


def test_gps_outside_the_globe_is_not_a_location():
    summary = {"GPSLatitude": 1234.0, "GPSLongitude": 8.0}
    assert "gps_location" not in {f["code"] for f in analyse(_record({"EXIF": {"GPSLatitude": 1234.0}}, summary))}


def test_findings_through_a_real_file(tmp_path):
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0131] = "Apple", "iPhone X", "11.4.1"
    exif[0x013B], exif[0x8298] = "Picasa", "Copyright"
    path = tmp_path / "phone.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "JPEG", exif=exif)
    path.write_bytes(buffer.getvalue())
    codes = {f["code"] for f in extract_file(str(path))["findings"]}
    assert "edited_by_software" not in codes and "personal_names" not in codes


# -- the labelled corpus list ---------------------------------------------------------------------

def _key(text: str) -> str:
    # ExifTool and we decode legacy 8-bit text differently ("W?rdehoff"/"Wördehoff", "Â©"/"©"): compare ASCII.
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum()).lower()


def _reported(message: str, value: str) -> bool:
    """Whether `value` is one of the items a finding's message lists (": a, b, c.")."""
    body = message.split(": ", 1)[1] if ": " in message else ""
    pieces = (body[:-1] if body.endswith(".") else body).split(", ")
    items = {", ".join(pieces[i:j]) for i in range(len(pieces)) for j in range(i + 1, len(pieces) + 1)}
    return _key(value) in {_key(item) for item in items if item}


def _rates(tp: int, fp: int, fn: int) -> tuple[float, float]:
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def measure_findings(corpus: Path) -> dict[str, dict]:
    """Precision and recall of edited_by_software (per file) and personal_names (per value) on the labels."""
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    records = {}
    for path in sorted((corpus / "images").glob("*/*")):
        records[path.relative_to(corpus / "images").as_posix()] = extract_file(str(path))
    edited = {entry["file"] for entry in labels["software"] if entry["label"] == "editor"}
    counts = {"edited_by_software": [0, 0, 0], "personal_names": [0, 0, 0]}
    misses: list[str] = []
    for name, record in records.items():
        found = {f["code"]: f for f in record["findings"]}
        fired = "edited_by_software" in found
        slot = 0 if fired and name in edited else 1 if fired else 2 if name in edited else None
        if slot is not None:
            counts["edited_by_software"][slot] += 1
        if slot in (1, 2):
            misses.append(f"edited_by_software {'false positive' if slot == 1 else 'missed'}: {name}: "
                          + (found["edited_by_software"]["message"] if fired else "no finding"))
    values: dict[tuple[str, str], str] = {}
    for entry in labels["names"]:
        key = (entry["file"], " ".join(entry["value"].split()))
        values[key] = "name" if entry["label"] in ("person", "organisation") or values.get(key) == "name" else "none"
    for (name, value), truth in sorted(values.items()):
        message = {f["code"]: f for f in records[name]["findings"]}.get("personal_names", {}).get("message", "")
        said = _reported(message, value)
        slot = 0 if said and truth == "name" else 1 if said else 2 if truth == "name" else None
        if slot is not None:
            counts["personal_names"][slot] += 1
        if slot in (1, 2):
            misses.append(f"personal_names {'false positive' if slot == 1 else 'missed'}: {name}: {value!r}")
    return {code: dict(zip(("precision", "recall"), _rates(*c)), counts=c) for code, c in counts.items()} | {
        "misses": misses}


def test_findings_precision_and_recall_on_the_labelled_corpus():
    corpus = corpus_dir()
    if not (corpus / "images").is_dir() or not LABELS.is_file():
        pytest.skip(f"the shared corpus is not at {corpus} (set IMGMVP_CORPUS)")
    result = measure_findings(corpus)
    print()
    for code in FLOORS:
        tp, fp, fn = result[code]["counts"]
        print(f"{code:20} precision {result[code]['precision']:.3f}  recall {result[code]['recall']:.3f}"
              f"  (tp {tp}, fp {fp}, fn {fn})")
    for miss in result["misses"]:
        print("  " + miss)
    for code, floor in FLOORS.items():
        for measure, bar in floor.items():
            assert result[code][measure] >= bar, f"{code} {measure} {result[code][measure]:.3f} < {bar}"


def test_every_finding_names_tags_the_record_holds():
    corpus = corpus_dir()
    if not (corpus / "images").is_dir():
        pytest.skip(f"the shared corpus is not at {corpus} (set IMGMVP_CORPUS)")
    checked = 0
    for path in sorted((corpus / "images").glob("*/*")):
        record = extract_file(str(path))
        for finding in record["findings"]:
            assert finding["tags"] or finding["code"] == "no_metadata", (path.name, finding)
            for name in finding["tags"]:
                group, tag = name.split(":", 1)
                assert tag in record["groups"].get(group, {}), (path.name, finding["code"], name)
                checked += 1
    assert checked > 100
