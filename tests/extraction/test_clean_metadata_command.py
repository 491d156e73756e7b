"""`manage.py clean_metadata`: clean copies beside, never over, the inputs; one JSON line each; exit status."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extraction.pipeline import extract_file
from tests.support.images import jpeg_bytes

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", "clean_metadata", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=60)


@pytest.fixture
def photos(tmp_path):
    good = tmp_path / "in" / "IMG_0001.JPG"
    good.parent.mkdir()
    good.write_bytes(jpeg_bytes(make="Canon", model="EOS 5D"))
    text = tmp_path / "in" / "notes.txt"
    text.write_text("not an image")
    out = tmp_path / "out"
    out.mkdir()
    return good, text, out


def test_writes_a_verified_clean_copy_and_prints_a_line_per_file(photos):
    good, _, out = photos
    done = run(str(good), "--out", str(out))
    assert done.returncode == 0, done.stderr
    (line,) = [json.loads(x) for x in done.stdout.splitlines()]
    assert line["SourceFile"] == str(good) and line["ok"] and line["verified"]
    assert line["target"] == str(out / "IMG_0001-clean.JPG")
    assert "Make" not in extract_file(line["target"])["groups"].get("EXIF", {})
    assert "EXIF" in line["removedTags"]


def test_exits_1_when_a_file_fails_and_still_prints_every_record(photos):
    good, text, out = photos
    done = run(str(text), str(good), "--out", str(out))
    assert done.returncode == 1
    records = [json.loads(x) for x in done.stdout.splitlines()]
    assert [r["ok"] for r in records] == [False, True]
    assert records[0]["error"]["code"] == "clean_unsupported"


def test_never_overwrites_an_existing_file(photos):
    good, _, out = photos
    taken = out / "IMG_0001-clean.JPG"
    taken.write_bytes(b"mine")
    done = run(str(good), "--out", str(out))
    assert done.returncode == 1 and json.loads(done.stdout)["error"]["code"] == "target_exists"
    assert taken.read_bytes() == b"mine"


def test_bad_usage_exits_2(photos):
    good, _, out = photos
    assert run("--out", str(out)).returncode == 2
    assert run(str(good), "--out", str(out / "missing")).returncode == 2
    assert run(str(good), "--out", str(out), "--keep", "everything").returncode == 2
