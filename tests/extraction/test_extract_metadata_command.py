"""The extract_metadata command: a JSON array by default, JSON lines with --jsonl, bad files don't stop it."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def files(tmp_path):
    good = tmp_path / "good.png"
    Image.new("RGB", (6, 4)).save(good, "PNG")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not an image at all")
    other = tmp_path / "other.gif"
    Image.new("RGB", (3, 2)).save(other, "GIF")
    return [str(good), str(broken), str(other)]


def run_command(*args: str) -> str:
    out = io.StringIO()
    call_command("extract_metadata", *args, stdout=out)
    return out.getvalue()


def test_prints_a_json_array_with_one_record_per_file(files):
    records = json.loads(run_command(*files))
    assert [r["file"] for r in records] == ["good.png", "broken.jpg", "other.gif"]
    assert records[0]["ok"] and records[0]["summary"]["ImageWidth"] == 6
    assert records[1] == {
        "file": "broken.jpg", "ok": False, "summary": {}, "groups": {}, "printed": {}, "findings": [],
        "error": {"code": "unsupported_format", "message": records[1]["error"]["message"]},
    }
    assert records[2]["ok"] and records[2]["groups"]["File"]["FileType"] == "GIF"


def test_jsonl_prints_one_line_per_file(files):
    lines = run_command("--jsonl", *files).splitlines()
    assert len(lines) == 3
    assert [json.loads(line)["ok"] for line in lines] == [True, False, True]


def test_missing_file_gives_its_record_and_the_run_goes_on(files, tmp_path):
    records = json.loads(run_command(str(tmp_path / "gone.jpg"), files[0]))
    assert records[0]["error"]["code"] == "unreadable_file"
    assert records[1]["ok"]


def _manage(*args: str) -> subprocess.CompletedProcess:
    # As from a plain shell: no server settings, no secret key (the command signs nothing).
    env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_DEBUG", "DJANGO_SECRET_KEY")}
    return subprocess.run([sys.executable, "manage.py", "extract_metadata", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)


def test_exit_status_is_zero_even_when_a_file_is_bad(files):
    done = _manage(*files)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 3


def test_bad_usage_exits_non_zero():
    assert _manage().returncode != 0
    assert _manage("--no-such-option", "x.jpg").returncode != 0
