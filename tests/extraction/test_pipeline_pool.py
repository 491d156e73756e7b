"""extraction/pipeline_pool.py: the pure pipeline in spawned processes, its stages relayed to the
calling thread; and a session run that way (EXTRACTION_PROCESSES > 0, the default on several cores)."""

import os
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from extraction import pipeline_pool, services
from extraction.models import ExtractionSession
from extraction.pipeline import PipelineError, run_pipeline
from extraction.storage import upload_storage
from tests.extraction import pool_targets
from tests.support.sample_images import jpeg_bytes

STAGES = ["start", "validate", "store", "extract", "analyse", "finalise"]


@pytest.fixture
def jpeg(tmp_path) -> str:
    path = tmp_path / "photo.jpg"
    path.write_bytes(jpeg_bytes())
    return str(path)


def test_a_child_gives_the_stages_in_order_and_the_result_the_thread_would(jpeg, tmp_path):
    in_thread, in_child = [], []
    expected = run_pipeline(jpeg, on_progress=in_thread.append, name="photo.jpg")
    result = pipeline_pool.run(run_pipeline, jpeg, on_progress=in_child.append, processes=2, name="photo.jpg")
    assert [stage.name for stage in in_child] == STAGES == [stage.name for stage in in_thread]
    assert result == expected


def test_a_pipeline_error_in_a_child_reaches_the_caller_with_its_code(tmp_path):
    bad = tmp_path / "not-an-image.jpg"
    bad.write_bytes(b"plain text, not a picture" * 10)
    with pytest.raises(PipelineError) as in_thread:
        run_pipeline(str(bad), on_progress=lambda stage: None)
    with pytest.raises(PipelineError) as in_child:
        pipeline_pool.run(run_pipeline, str(bad), on_progress=lambda stage: None, processes=2)
    assert (in_child.value.code, in_child.value.message) == (in_thread.value.code, in_thread.value.message)


def test_when_on_progress_raises_the_child_has_finished_its_files_before_the_caller_hears_it(jpeg, tmp_path):
    copy = tmp_path / "clean.jpg"
    calls = []

    def on_progress(stage):
        calls.append(stage.name)
        raise services.LostOwnership("taken over")

    Path(f"{jpeg}.go").touch()
    with pytest.raises(services.LostOwnership):
        pipeline_pool.run(pool_targets.waits_for_flag, jpeg, on_progress=on_progress, processes=2,
                          clean_to=str(copy))
    assert calls == ["start"]  # not called again once it raised
    assert copy.exists()  # written before the raise: a caller that discards it now leaves nothing behind


def test_a_child_that_dies_fails_its_run_and_the_next_run_gets_a_new_child(jpeg):
    stages = []
    with pytest.raises(pipeline_pool.ProcessDied):
        pipeline_pool.run(pool_targets.dies, jpeg, on_progress=stages.append, processes=2)
    after = pipeline_pool.run(run_pipeline, jpeg, on_progress=lambda stage: None, processes=2)
    assert after["groups"]["File"]
    assert stages[:1] in ([], [pool_targets.START])  # the stage before the death may or may not have come


def test_children_killed_while_idle_are_replaced_before_a_job_reaches_them(jpeg):
    pipeline_pool.run(run_pipeline, jpeg, on_progress=lambda stage: None, processes=2)
    killed = list(pipeline_pool._idle)  # as the OOM killer would leave them
    assert killed
    for child in killed:
        child.process.kill()
        child.process.join(5)
    for _ in killed:  # each run takes one of them first, finds it dead, and gives the job to a new child
        result = pipeline_pool.run(run_pipeline, jpeg, on_progress=lambda stage: None, processes=2)
        assert result["groups"]["File"]
    assert all(child.process.is_alive() for child in pipeline_pool._idle)


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_child_still_running_at_the_time_limit_is_killed_and_the_next_run_gets_a_new_child(jpeg):
    stages = []
    started = time.monotonic()
    with pytest.raises(pipeline_pool.Overdue):
        pipeline_pool.run(pool_targets.hangs, jpeg, on_progress=stages.append, processes=2, timeout=1)
    assert time.monotonic() - started < 5  # the child sleeps for a minute
    assert stages == [pool_targets.START]
    assert gone(int(Path(f"{jpeg}.pid").read_text()))
    after = pipeline_pool.run(run_pipeline, jpeg, on_progress=lambda stage: None, processes=2, timeout=30)
    assert after["groups"]["File"]


def test_a_child_that_dies_leaves_the_run_in_the_other_child_to_finish(jpeg, tmp_path):
    answers, running = {}, threading.Event()

    def long_run():
        answers["long"] = pipeline_pool.run(pool_targets.waits_for_flag, jpeg, on_progress=lambda stage: running.set(),
                                            processes=2)

    other = threading.Thread(target=long_run)
    other.start()
    try:
        assert running.wait(20)  # its child is at work when the other one dies
        with pytest.raises(pipeline_pool.ProcessDied):
            pipeline_pool.run(pool_targets.dies, jpeg, on_progress=lambda stage: None, processes=2)
    finally:
        Path(f"{jpeg}.go").touch()
        other.join(30)
    assert answers["long"]["groups"]["File"]


@pytest.mark.django_db(transaction=True)
def test_a_session_run_in_a_child_saves_and_notifies_every_stage_and_completes(new_session, notified, settings,
                                                                              monkeypatch):
    settings.EXTRACTION_PROCESSES = 2
    monkeypatch.setattr(services, "run_pipeline", pool_targets.says_its_pid)
    session = new_session()
    services.session_run(session_id=session.id)
    row = ExtractionSession.objects.get(pk=session.id)
    assert row.status == ExtractionSession.Status.COMPLETE
    assert row.result["groups"]["File"]
    assert row.result["ranInPid"] != os.getpid()
    assert row.preview_path and upload_storage().exists(row.preview_path)
    assert row.clean_path and upload_storage().exists(row.clean_path)
    assert [stage for status, stage, _ in notified if status == "processing"] == STAGES
    assert [seq for *_, seq in notified] == sorted(seq for *_, seq in notified)


@pytest.mark.django_db(transaction=True)
def test_a_session_cancelled_while_its_child_runs_leaves_no_file(new_session, settings, monkeypatch):
    settings.EXTRACTION_PROCESSES = 2
    monkeypatch.setattr(services, "run_pipeline", pool_targets.waits_for_flag)  # importable by the child
    session = new_session()
    worker = threading.Thread(target=services.session_run, kwargs={"session_id": session.id})
    worker.start()
    try:
        deadline = time.monotonic() + 20
        while ExtractionSession.objects.get(pk=session.id).stage != "start" and time.monotonic() < deadline:
            time.sleep(0.02)
        services.session_cancel(session=services.session_get(session.id))
    finally:
        Path(upload_storage().path(session.stored_path) + ".go").touch()
        worker.join(30)
    assert not worker.is_alive()
    row = ExtractionSession.objects.get(pk=session.id)
    assert (row.status, row.preview_path, row.clean_path) == (ExtractionSession.Status.CANCELLED, "", "")
    media = Path(settings.MEDIA_ROOT)
    left = [path for path in media.rglob("*") if path.is_file() and not path.name.endswith(".go")]
    assert left == []


@pytest.mark.django_db(transaction=True)
def test_a_session_whose_child_hangs_is_killed_at_its_limit_and_left_to_the_sweep(new_session, settings, monkeypatch):
    settings.EXTRACTION_PROCESSES = 2
    settings.EXTRACTION_LEASE_SECONDS = 1
    settings.EXTRACTION_MAX_RUN_SECONDS = 1
    monkeypatch.setattr(services, "run_pipeline", pool_targets.hangs)
    session = new_session()
    started = time.monotonic()
    services.session_run(session_id=session.id)
    assert time.monotonic() - started < 1 + 1 + 3  # the limit, one lease, and the kill; not the child's minute
    assert gone(int(Path(upload_storage().path(session.stored_path) + ".pid").read_text()))
    row = ExtractionSession.objects.get(pk=session.id)
    assert (row.status, row.stage, row.error_code) == (ExtractionSession.Status.PROCESSING, "start", "")
    time.sleep(max(0.0, (row.lease_expires_at - timezone.now()).total_seconds()) + 0.05)  # not renewed since
    assert services.sessions_reap(pending_older_than=timedelta(hours=1)) == [session.id]  # tried again elsewhere
