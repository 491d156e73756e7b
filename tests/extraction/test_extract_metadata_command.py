"""The extract_metadata command: a JSON array or JSON lines, SourceFile as given, ExifTool's exit status."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
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
    """The command's output; a run where some file could not be read ends in CommandError(returncode=1)."""
    out = io.StringIO()
    try:
        call_command("extract_metadata", *args, stdout=out)
    except CommandError as exc:
        assert exc.returncode == 1 and "could not be read" in str(exc)
    return out.getvalue()


def test_prints_a_json_array_with_one_record_per_file(files):
    records = json.loads(run_command(*files))
    assert [r["file"] for r in records] == ["good.png", "broken.jpg", "other.gif"]
    assert [r["SourceFile"] for r in records] == files
    assert records[0]["ok"] and records[0]["summary"]["ImageWidth"] == 6
    assert records[1] == {
        "SourceFile": files[1], "file": "broken.jpg", "ok": False, "summary": {}, "groups": {}, "printed": {},
        "findings": [], "error": {"code": "unsupported_format", "message": records[1]["error"]["message"]},
    }
    assert records[2]["ok"] and records[2]["groups"]["File"]["FileType"] == "GIF"


def test_source_file_tells_two_files_of_one_name_apart(tmp_path):
    paths = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        Image.new("RGB", (2 if folder == "a" else 3, 2)).save(tmp_path / folder / "IMG_0001.PNG", "PNG")
        paths.append(str(tmp_path / folder / "IMG_0001.PNG"))
    records = json.loads(run_command(*paths))
    assert [(r["SourceFile"], r["file"], r["summary"]["ImageWidth"]) for r in records] == [
        (paths[0], "IMG_0001.PNG", 2), (paths[1], "IMG_0001.PNG", 3)]
    assert list(records[0])[0] == "SourceFile"  # first, as in exiftool -j


def test_all_files_read_raises_nothing(files):
    out = io.StringIO()
    call_command("extract_metadata", files[0], files[2], stdout=out)
    assert [r["ok"] for r in json.loads(out.getvalue())] == [True, True]


def test_a_file_not_read_raises_after_every_record_is_printed(files):
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("extract_metadata", "--jsonl", *files, stdout=out)
    assert raised.value.returncode == 1
    assert str(raised.value) == "1 of 3 files could not be read."
    assert [json.loads(line)["ok"] for line in out.getvalue().splitlines()] == [True, False, True]


def test_jsonl_prints_one_line_per_file(files):
    lines = run_command("--jsonl", *files).splitlines()
    assert len(lines) == 3
    assert [json.loads(line)["ok"] for line in lines] == [True, False, True]
    assert [json.loads(line)["SourceFile"] for line in lines] == files


def test_missing_file_gives_its_record_and_the_run_goes_on(files, tmp_path):
    records = json.loads(run_command(str(tmp_path / "gone.jpg"), files[0]))
    assert records[0]["error"]["code"] == "unreadable_file"
    assert records[0]["SourceFile"] == str(tmp_path / "gone.jpg")
    assert records[1]["ok"]


def _manage(*args: str) -> subprocess.CompletedProcess:
    # As from a plain shell: no server settings, no secret key (the command signs nothing).
    env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_DEBUG", "DJANGO_SECRET_KEY")}
    return subprocess.run([sys.executable, "manage.py", "extract_metadata", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)


def test_exit_status_is_one_when_a_file_could_not_be_read_and_every_record_is_printed(files):
    done = _manage(*files)
    assert done.returncode == 1, done.stderr
    assert [r["ok"] for r in json.loads(done.stdout)] == [True, False, True]
    assert "1 of 3 files could not be read." in done.stderr


def test_exit_status_is_one_for_a_missing_file_in_jsonl_too(files, tmp_path):
    done = _manage("--jsonl", files[0], str(tmp_path / "gone.jpg"))
    assert done.returncode == 1, done.stderr
    assert [json.loads(line)["ok"] for line in done.stdout.splitlines()] == [True, False]


def test_exit_status_is_zero_when_every_file_was_read(files):
    done = _manage(files[0], files[2])
    assert done.returncode == 0, done.stderr
    assert [r["SourceFile"] for r in json.loads(done.stdout)] == [files[0], files[2]]


def test_bad_usage_exits_two():
    assert _manage().returncode == 2
    assert _manage("--no-such-option", "x.jpg").returncode == 2


def test_a_pipeline_bug_on_one_file_costs_only_that_files_record(files, monkeypatch):
    from extraction.management.commands import extract_metadata as command
    from extraction.pipeline import extract_file

    def flaky(path, **kwargs):
        if path == files[0]:
            raise RuntimeError("a bug")
        return extract_file(path, **kwargs)

    monkeypatch.setattr(command, "extract_file", flaky)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("extract_metadata", files[0], files[2], stdout=out, stderr=err)
    records = json.loads(out.getvalue())
    assert [r["ok"] for r in records] == [False, True]
    assert records[0]["SourceFile"] == files[0] and records[0]["error"]["code"] == "corrupt_image"
    assert "RuntimeError" not in records[0]["error"]["message"]
    assert "a bug" in err.getvalue()


def test_a_batch_read_by_several_processes_prints_the_same_records_in_the_same_order(tmp_path):
    from tests.support.images import jpeg_bytes

    paths = []
    for index in range(24):
        path = tmp_path / f"{index:02d}-{'photo.jpg' if index % 3 else 'notes.txt'}"
        path.write_bytes(jpeg_bytes(make=f"Make {index}") if index % 3 else b"not an image at all")
        paths.append(str(path))
    one, two = _manage("--jsonl", "--jobs", "1", *paths), _manage("--jsonl", "--jobs", "2", *paths)
    assert one.returncode == two.returncode == 1  # the text files could not be read, in both runs
    assert two.stdout == one.stdout
    assert [json.loads(line)["SourceFile"] for line in two.stdout.splitlines()] == paths
