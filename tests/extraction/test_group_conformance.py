"""Per-group floors for EXIF, File, JFIF and IPTC against ExifTool's reading of the shared corpus.

The totals in test_tag_conformance.py can hide one group's regression behind another's progress; these
hold each of these groups' recall, value agreement and printed words where they stand. Raise, never lower.
"""

import pytest

from tests.support.exiftool_reference import compare, corpus_dir, extract_corpus, load_reference

# group: (recall, values, printed) as reached on the shared corpus.
GROUP_FLOORS = {
    "EXIF": (0.999, 0.998, 0.999),
    "File": (0.98, 0.998, 1.0),
    "JFIF": (0.996, 1.0, 1.0),
    "IPTC": (0.94, 0.997, 1.0),
}


@pytest.fixture(scope="module")
def tally():
    corpus = corpus_dir()
    if not (corpus / "exiftool.json").is_file():
        pytest.skip(f"corpus not found at {corpus} (set IMGMVP_CORPUS to point at it)")
    numeric, printed = load_reference(corpus)
    return compare(extract_corpus(corpus, numeric), numeric, printed)


@pytest.mark.parametrize("group", sorted(GROUP_FLOORS))
def test_group_holds_its_floors(tally, group):
    recall_floor, values_floor, printed_floor = GROUP_FLOORS[group]
    found, reference = tally.found[group], tally.reference[group]
    measured = (found / reference, tally.agree[group] / found,
                tally.printed[group] / tally.converted[group] if tally.converted[group] else 1.0)
    misses = "\n".join(tally.misses[group][:20])
    assert measured[0] >= recall_floor, f"{group} recall {measured[0]:.3f} < {recall_floor}\n{misses}"
    assert measured[1] >= values_floor, f"{group} values {measured[1]:.3f} < {values_floor}\n{misses}"
    assert measured[2] >= printed_floor, f"{group} printed {measured[2]:.3f} < {printed_floor}\n{misses}"
