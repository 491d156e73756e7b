"""Every maker-note decoder of makers/ on hostile bytes: bounded, never an exception, warnings as sentences."""

import random
import time

from extraction.pipeline.makers import DECODERS, kodak, olympus
from extraction.pipeline.makers.base import MakerNote

HEADS = [b"OLYMPUS\x00II\x03\x00", b"OLYMPUS\x00MM\x03\x00", b"OLYMP\x00\x01\x00", b"OM SYSTEM\x00\x00\x00II\x04\x00",
         b"EPSON\x00\x01\x00", b"SANYO\x00\x01\x00", b"Rv0103;Rg1C;", b"VER:0100QTY:FINE", b"QVC\x00\x00\x00",
         b"Panasonic\x00\x00\x00", b"RECONYXH2\x00", b"\x01\xf1\x04\x00", b"KDK INFO", b"AOC\x00MM",
         b"PENTAX \x00II", b"\x10\x00", b""]
MAKES = ["OLYMPUS", "RICOH", "JVC", "CASIO", "RECONYX", "EASTMAN KODAK COMPANY", "PENTAX", "MINOLTA CO.,LTD",
         "Panasonic"]


def test_random_notes_never_raise_and_stay_fast():
    rng = random.Random(12)
    slowest = 0.0
    for _ in range(1500):
        body = bytes(rng.randrange(256) for _ in range(rng.choice([0, 4, 30, 300])))
        if rng.random() < 0.5:
            count = rng.randrange(1, 40)
            body = bytes([count, 0]) + bytes(rng.randrange(256) for _ in range(12 * count)) + body
        head = rng.choice(HEADS)
        prefix = b"II*\x00\x08\x00\x00\x00" + bytes(rng.randrange(256) for _ in range(rng.randrange(200)))
        tiff = prefix + head + body
        note = MakerNote(tiff, len(prefix), len(head) + len(body), rng.choice(["II", "MM"]), make=rng.choice(MAKES))
        for matches, read in DECODERS:
            if matches(note):
                warnings: list[str] = []
                started = time.perf_counter()
                values, printed = read(note, warnings)
                slowest = max(slowest, time.perf_counter() - started)
                assert set(printed) == set(values)
                assert all(w.startswith("MakerNotes: ") and "Error" not in w for w in warnings)
        kodak.read_kodak_ifd(tiff, len(prefix), note.byte_order, [])
        olympus.read_app12(body, [])
    assert slowest < 0.2


def test_an_entry_of_an_unexpected_type_is_skipped_and_the_rest_kept():
    from tests.support.maker_notes import NOTE_AT, Field, ifd, make_note

    # FocalLength as a list of rationals and ExposureTime as text: neither is what Pentax writes.
    fields = [Field(0x0008, 3, 2), Field(0x0012, 2, "fast"), Field(0x001d, 5, [(1, 2), (3, 4)])]
    note = make_note(b"AOC\x00II" + ifd(fields, "II", NOTE_AT + 6), make="PENTAX")
    warnings: list[str] = []
    from extraction.pipeline.makers import decode_maker_note

    values, printed = decode_maker_note(note, warnings)
    assert values["Quality"] == 2 and printed["Quality"] == "Best"
    assert "FocalLength" not in values and warnings == []
