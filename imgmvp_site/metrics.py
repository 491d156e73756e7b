"""Prometheus metrics: what this process counts, what the database holds, and the /metrics view.

Counters, gauges and histograms here live in the process that updates them (a daphne process, a
Celery worker); sessions by status and the queue come from the database at each scrape, so every
process answers the same for those. Scrape each daphne process; with PROMETHEUS_MULTIPROC_DIR set
(prometheus_client's multiprocess mode), every process of one machine writes there and any one of
them answers for all (docs/deploy.md, "Watching it").
"""

import hmac
import os
import threading
import time

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from imgmvp_site.errors import ApiError

SESSIONS_FINISHED = Counter(
    "imgmvp_sessions_finished", "Sessions this process ended, by status and error code.", ["status", "code"]
)
STAGE_SECONDS = Histogram(
    "imgmvp_stage_duration_seconds",
    "Time spent in each pipeline stage, from its progress event to the next (or to the end).",
    ["stage"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
)
SOCKETS_OPEN = Gauge("imgmvp_sockets_open", "Progress WebSockets accepted and not yet ended.", multiprocess_mode="livesum")
SOCKET_CLOSES = Counter("imgmvp_socket_closes", "WebSocket closes sent by the server, by close code.", ["code"])
SOCKET_REFUSALS = Counter("imgmvp_socket_refusals", "WebSockets refused by a cap or the frame rate (close 4429).")
UPLOAD_BYTES = Counter("imgmvp_upload_bytes", "Request body bytes received by the upload endpoints.", ["kind"])

CLOSE_REFUSED = 4429

_running = threading.local()  # (session id, stage, start) of the session this worker thread runs


def stage_reached(session_id: str, stage: str) -> None:
    """A session's pipeline reached `stage`: the stage before it (in this thread) ends now."""
    now = time.monotonic()
    _stage_end(session_id, now)
    _running.stage = (session_id, stage, now)


def session_ended(session_id: str, status: str, code: str = "") -> None:
    """A session ended (complete or failed): count it and close its last stage's timing."""
    _stage_end(session_id, time.monotonic())
    _running.stage = None
    SESSIONS_FINISHED.labels(status=status, code=code or "").inc()


def _stage_end(session_id: str, now: float) -> None:
    current = getattr(_running, "stage", None)
    if current and current[0] == session_id:
        STAGE_SECONDS.labels(stage=current[1]).observe(now - current[2])


def socket_accepted() -> None:
    SOCKETS_OPEN.inc()


def socket_ended() -> None:
    SOCKETS_OPEN.dec()


def socket_closed(code: int) -> None:
    SOCKET_CLOSES.labels(code=str(code)).inc()
    if code == CLOSE_REFUSED:
        SOCKET_REFUSALS.inc()


def upload_received(kind: str, size: int) -> None:
    UPLOAD_BYTES.labels(kind=kind).inc(size)


class StoredSessions:
    """Sessions by status and error code, and the pending queue, read from the database at each scrape."""

    def collect(self):
        from django.db.models import Count, Min

        from extraction.models import ExtractionSession

        sessions = GaugeMetricFamily(
            "imgmvp_sessions", "Stored sessions by status and error code (every process; purged rows leave).",
            labels=["status", "code"],
        )
        rows = ExtractionSession.objects.order_by().values_list("status", "error_code").annotate(n=Count("pk"))
        pending = 0
        for status, code, count in rows:
            sessions.add_metric([status, code], count)
            if status == ExtractionSession.Status.PENDING:
                pending += count
        yield sessions
        yield GaugeMetricFamily("imgmvp_queue_depth", "Sessions pending: stored, waiting for a worker.", value=pending)
        oldest = ExtractionSession.objects.filter(status=ExtractionSession.Status.PENDING).aggregate(
            oldest=Min("created_at")
        )["oldest"]
        age = 0.0 if oldest is None else max(0.0, time.time() - oldest.timestamp())
        yield GaugeMetricFamily("imgmvp_queue_oldest_seconds", "Age of the oldest pending session (0: none).", value=age)


_stored = CollectorRegistry()  # no auto_describe: it would query the database at import
_stored.register(StoredSessions())


def _process_metrics() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus' text format; 404 unless METRICS_TOKEN is set, 401 without `Bearer <METRICS_TOKEN>`."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404("metrics are off")
    offered = request.headers.get("Authorization", "")
    if not hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
        response = ApiError("unauthorized", "Send Authorization: Bearer <METRICS_TOKEN>.").response(401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(_process_metrics() + generate_latest(_stored), content_type=CONTENT_TYPE_LATEST)
