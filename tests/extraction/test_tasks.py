"""extraction/tasks.py: dispatch in both modes, the sweep, and repeated Celery deliveries that run
the pipeline once. (Real Celery workers on Redis and PostgreSQL: tests/scaleout.)"""

import asyncio
import logging
import threading
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from extraction import services, tasks
from extraction.models import ExtractionSession

Status = ExtractionSession.Status
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pipeline_runs(monkeypatch):
    """How many times the pipeline really ran (the real pipeline, counted)."""
    runs = []
    real = services.run_pipeline

    def counted(path, **kwargs):
        runs.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(services, "run_pipeline", counted)
    return runs


def row(session_id: str) -> ExtractionSession:
    return ExtractionSession.objects.get(pk=session_id)


def expire_lease(session_id: str) -> None:
    ExtractionSession.objects.filter(pk=session_id).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


# Celery mode ------------------------------------------------------------------------------------


def test_the_same_job_delivered_twice_runs_the_pipeline_once(new_session, pipeline_runs):
    session = new_session()
    tasks.session_run.apply(args=[session.id])
    done = row(session.id)
    tasks.session_run.apply(args=[session.id])  # Celery redelivers it (acks_late, a lost ack)
    assert len(pipeline_runs) == 1
    again = row(session.id)
    assert (again.status, again.attempts, again.seq, again.updated_at) == (Status.COMPLETE, 1, done.seq, done.updated_at)


def test_a_job_delivered_while_another_worker_runs_the_session_does_nothing(new_session, pipeline_runs):
    session = new_session()
    holder = services._session_claim(session.id)  # another worker has it, lease live
    before = ExtractionSession.objects.filter(pk=session.id).values().get()
    tasks.session_run.apply(args=[session.id])
    assert pipeline_runs == []
    assert ExtractionSession.objects.filter(pk=session.id).values().get() == before
    assert row(session.id).lease_owner == holder.lease_owner


def test_two_deliveries_at_once_run_the_pipeline_once(new_session, pipeline_runs, monkeypatch):
    """Both read the pending row before either claims it (as two workers can): one claim wins."""
    session = new_session()
    both_read = threading.Barrier(2, timeout=10)
    real_get = services.session_get

    def read_then_wait(session_id):
        found = real_get(session_id)
        both_read.wait()
        return found

    monkeypatch.setattr(services, "session_get", read_then_wait)
    workers = [threading.Thread(target=tasks.session_run.apply, args=([session.id],)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert len(pipeline_runs) == 1
    assert (row(session.id).status, row(session.id).attempts) == (Status.COMPLETE, 1)


def test_celery_jobs_are_acknowledged_late_given_back_when_their_worker_dies_and_time_limited(settings):
    task = tasks.session_run
    assert task.acks_late is True and task.reject_on_worker_lost is True
    conf = tasks.app.conf
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_soft_time_limit > settings.EXTRACTION_MAX_RUN_SECONDS  # the lease renewer gives up first
    assert conf.task_time_limit > conf.task_soft_time_limit
    # Redis redelivers an unacknowledged job after the visibility timeout: never while it may still run.
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
    assert conf.beat_schedule["sessions-sweep"]["task"] == tasks.sessions_sweep.name


def test_a_celery_dispatch_that_cannot_reach_redis_leaves_the_session_pending(new_session, settings, caplog):
    settings.EXTRACTION_WORKERS = "celery"
    conf = tasks.app.conf
    saved = conf.broker_url, conf.task_publish_retry_policy
    conf.broker_url, conf.task_publish_retry_policy = "redis://127.0.0.1:1/0", {"max_retries": 0}  # nothing on port 1
    try:
        session = new_session()
        with caplog.at_level(logging.WARNING, "extraction.tasks"):
            tasks.session_dispatch(session.id)  # returns; never raises
    finally:
        tasks.app.close()  # drop the connection pool made for that URL
        conf.broker_url, conf.task_publish_retry_policy = saved
    assert "the sweep will retry" in caplog.text
    assert row(session.id).status == Status.PENDING


def test_the_sweep_task_takes_back_an_expired_lease_and_dispatches_it(new_session, monkeypatch):
    dispatched = []
    monkeypatch.setattr(tasks, "session_dispatch", dispatched.append)
    lost, fine = new_session(), new_session()
    services._session_claim(lost.id)
    services._session_claim(fine.id)
    expire_lease(lost.id)
    assert tasks.sessions_sweep.apply().get() == 1
    assert dispatched == [lost.id]
    assert (row(lost.id).status, row(fine.id).status) == (Status.PENDING, Status.PROCESSING)


# Inline mode ------------------------------------------------------------------------------------


async def test_an_inline_dispatch_from_the_loop_runs_the_session(new_session, drain_extractions):
    session = await sync_to_async(new_session)()
    tasks.session_dispatch(session.id)
    await tasks.wait_for_inline_tasks()
    assert (await ExtractionSession.objects.aget(pk=session.id)).status == Status.COMPLETE


async def test_an_inline_dispatch_from_a_thread_of_the_loop_runs_there(new_session, drain_extractions):
    """As when an upload's row commits on the upload thread: the run goes to the loop that awaits it."""
    session = await sync_to_async(new_session)()
    await sync_to_async(tasks.session_dispatch, thread_sensitive=False)(session.id)
    assert len(tasks._tasks) == 1
    await tasks.wait_for_inline_tasks()
    assert (await ExtractionSession.objects.aget(pk=session.id)).status == Status.COMPLETE


def test_an_inline_dispatch_with_no_loop_leaves_the_session_to_the_sweep(new_session, caplog, pipeline_runs):
    session = new_session()
    with caplog.at_level(logging.WARNING, "extraction.tasks"):
        tasks.session_dispatch(session.id)
    assert "left to the sweep" in caplog.text
    assert pipeline_runs == [] and row(session.id).status == Status.PENDING


async def test_inline_start_runs_a_sweep_at_once_that_finishes_what_a_lost_worker_left(
    new_session, settings, drain_extractions
):
    settings.EXTRACTION_REAPER_SECONDS = 3600  # only the first pass, which runs at once
    session = await sync_to_async(new_session)()
    await sync_to_async(services._session_claim)(session.id)  # a worker that then died
    await sync_to_async(expire_lease)(session.id)
    tasks.inline_start()
    try:
        for _ in range(200):
            saved = await ExtractionSession.objects.aget(pk=session.id)
            if saved.status == Status.COMPLETE:
                break
            await asyncio.sleep(0.05)
        assert (saved.status, saved.attempts) == (Status.COMPLETE, 2)
    finally:
        tasks._sweeps.pop(asyncio.get_running_loop()).cancel()


async def test_no_inline_sweep_when_turned_off_or_in_celery_mode(settings):
    settings.EXTRACTION_REAPER_SECONDS = 0
    tasks.inline_start()
    settings.EXTRACTION_REAPER_SECONDS, settings.EXTRACTION_WORKERS = 10, "celery"
    tasks.inline_start()
    assert asyncio.get_running_loop() not in tasks._sweeps


async def test_an_asgi_server_that_sends_lifespan_starts_the_inline_sweep(settings):
    """uvicorn and hypercorn send lifespan.startup (daphne, which does not, starts it through Twisted)."""
    from asgiref.testing import ApplicationCommunicator

    from imgmvp_site.asgi import application

    settings.EXTRACTION_REAPER_SECONDS = 3600
    server = ApplicationCommunicator(application, {"type": "lifespan"})
    await server.send_input({"type": "lifespan.startup"})
    assert await server.receive_output(timeout=5) == {"type": "lifespan.startup.complete"}
    loop = asyncio.get_running_loop()
    try:
        assert loop in tasks._sweeps and tasks._server_loop is loop
    finally:
        tasks._sweeps.pop(loop).cancel()
    await server.send_input({"type": "lifespan.shutdown"})
    assert await server.receive_output(timeout=5) == {"type": "lifespan.shutdown.complete"}
