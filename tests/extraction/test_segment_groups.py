"""The JPEG-segment and ICC groups held against ExifTool's reading of the shared corpus, group by group."""

import pytest

from tests.support.exiftool_reference import compare, corpus_dir, extract_corpus, load_reference, render

# Per group: (recall, values, printed) floors, what the readers reach on the corpus now; never lower one.
# ICC_Profile recall is short of 1 only by HEIC files whose container does not hand its profile over yet.
FLOORS = {
    "ICC_Profile": (0.94, 1.0, 1.0),
    "Photoshop": (1.0, 1.0, 1.0),
    "APP14": (1.0, 1.0, 1.0),
    "PrintIM": (1.0, 1.0, 1.0),
    "Ducky": (1.0, 1.0, 1.0),
    "FlashPix": (1.0, 1.0, 1.0),
    "FotoStation": (1.0, 1.0, 1.0),
    "APP1": (0.97, 1.0, 1.0),  # FLIR; measurement records (Meas1Type ...) are not read yet
    "IPTC": (0.95, 0.99, 0.0),  # where the records come from is ours; names and words are iptc.py's
}


@pytest.fixture(scope="module")
def tally():
    corpus = corpus_dir()
    if not (corpus / "exiftool.json").is_file():
        pytest.skip(f"corpus not found at {corpus} (set IMGMVP_CORPUS to point at it)")
    numeric, printed = load_reference(corpus)
    return compare(extract_corpus(corpus, numeric), numeric, printed)


@pytest.mark.parametrize("group", sorted(FLOORS))
def test_group_holds_its_floors(tally, group):
    recall_floor, values_floor, printed_floor = FLOORS[group]
    reference, found = tally.reference[group], tally.found[group]
    assert reference, f"the corpus has no {group} tags any more"
    recall = found / reference
    values = tally.agree[group] / found if found else 1.0
    converted = tally.converted[group]
    printed = tally.printed[group] / converted if converted else 1.0
    misses = "\n".join(tally.misses[group][:20])
    assert (recall >= recall_floor, values >= values_floor, printed >= printed_floor) == (True, True, True), (
        f"{group}: recall {recall:.3f}, values {values:.3f}, printed {printed:.3f}\n{misses}\n{render(tally)}")
