"""IPTC-IIM datasets decoded under ExifTool's names, from records built here."""

from extraction.pipeline.iptc import parse_iptc


def dataset(record: int, number: int, value: bytes) -> bytes:
    return bytes([0x1C, record, number]) + len(value).to_bytes(2, "big") + value


def test_times_keep_their_fraction_and_zone():
    data = dataset(2, 60, b"135926.054-0600") + dataset(2, 35, b"101500+0100") + dataset(2, 63, b"101500")
    tags = parse_iptc(data)
    assert tags["TimeCreated"] == "13:59:26.054-06:00"
    assert tags["ReleaseTime"] == "10:15:00+01:00"
    assert tags["DigitalCreationTime"] == "10:15:00"


def test_iim_datasets_beyond_the_common_ones_have_names():
    data = (dataset(2, 37, b"20250101") + dataset(2, 38, b"120000") + dataset(2, 135, b"en")
            + dataset(2, 4, b"A Genre") + dataset(2, 12, b"IPTC:1") + dataset(2, 12, b"IPTC:2")
            + dataset(2, 231, b""))
    tags = parse_iptc(data)
    assert tags["ExpirationDate"] == "2025:01:01"
    assert tags["ExpirationTime"] == "12:00:00"
    assert tags["LanguageIdentifier"] == "en"
    assert tags["ObjectAttributeReference"] == "A Genre"
    assert tags["SubjectReference"] == ["IPTC:1", "IPTC:2"]
    assert tags["DocumentHistory"] == ""  # an empty dataset is reported, as ExifTool does


def test_envelope_numbers_and_a_preview_blob():
    data = dataset(1, 0, b"\x00\x02") + dataset(1, 20, b"\x00\x03") + dataset(2, 202, b"\xff\xd8" * 10)
    tags = parse_iptc(data)
    assert tags["EnvelopeRecordVersion"] == 2 and tags["FileFormat"] == 3
    assert tags["ObjectPreviewData"] == "(Binary data 20 bytes, use -b option to extract)"

