"""Summarise a py-spy raw (collapsed) profile: where the server's sampled time went, by cost we care about.

    python -m bench.profile_summary bench/results/profiles/daphne-memory/e2e-raw.txt
"""

import argparse
import re
from collections import Counter
from pathlib import Path

# (label, pattern matched against any frame of a stack); a stack counts once per label it matches.
CATEGORIES = (
    ("event-loop thread (all)", r"^_run_module_as_main|^<module> \(daphne|^<module> \(uvicorn"),
    ("worker threads (all)", r"_bootstrap \(threading"),
    # Only with DAPHNE_MULTIPART_PATCH=0: the parse imgmvp_site/patches/daphne.py switches off.
    ("Twisted multipart parse (email parser)", r"_getMultiPartArgs"),
    ("Django MultiPartParser", r"django/http/multipartparser\.py"),
    ("Django reads the ASGI body", r"ASGIHandler\.read_body"),
    ("view: session_create (store upload + row)", r"session_create \("),
    ("raw body to temp file", r"upload_from_raw_body"),
    ("pipeline: run_pipeline (all)", r"run_pipeline \("),
    ("pipeline: sha256", r"Source\.sha256"),
    ("pipeline: containers and EXIF (read_result)", r"read_result \("),
    ("pipeline: Pillow header (_pillow_header)", r"_pillow_header"),
    ("stage callbacks (on_progress: row write + broadcast)", r"on_progress \("),
    ("row writes: _session_advance minus broadcast", r"_session_advance"),
    ("broadcast_session (async_to_sync group_send)", r"broadcast_session"),
    ("state document (session_state)", r"session_state \("),
    ("claim + connection check (_session_claim, connection_checked)", r"_session_claim|connection_checked"),
    ("lease renewer thread", r"_LeaseRenewer"),
    ("dispatch (extraction/tasks.py)", r"extraction/tasks\.py"),
    ("SQLite execute (anywhere)", r"sqlite3/base\.py.*execute|SQLiteCursorWrapper\.execute"),
    ("DB connect", r"get_new_connection|connect \(django/db/backends"),
    ("consumer (progress/consumers.py)", r"progress/consumers\.py"),
    ("consumer: access check + snapshot read (session_state_for)", r"session_state_for \("),
    ("WebSocket framing (autobahn / websockets)", r"autobahn|websockets/"),
    ("json encode/decode", r"json/(encoder|decoder)\.py"),
    ("channel layer (channels/layers.py, channels_redis)", r"channels/layers\.py|channels_redis"),
    ("asgiref sync_to_async/async_to_sync plumbing", r"asgiref/sync\.py"),
    ("daphne application_checker", r"application_checker"),
    ("Celery worker (celery/, kombu/, billiard/)", r"celery/|kombu/|billiard/"),
)


def load(path: Path) -> list[tuple[list[str], int]]:
    stacks = []
    for line in path.read_text().splitlines():
        frames, _, count = line.rpartition(" ")
        if frames and count.isdigit():
            stacks.append((frames.split(";"), int(count)))
    return stacks


# Leaf frames where a thread waits rather than runs (py-spy's idle detection misses some of them).
WAITING = re.compile(r"^(_worker \(concurrent/futures/thread\.py|Condition\.wait|EpollSelector\.select|"
                     r"Thread\._wait_for_tstate_lock|_PollLikeSelector\.select|Event\.wait|SimpleQueue\.get)")


def summarise(path: Path, top: int = 25) -> str:
    everything = load(path)
    stacks = [(frames, count) for frames, count in everything if not WAITING.match(frames[-1])]
    total = sum(count for _, count in stacks)
    waiting = sum(count for _, count in everything) - total
    lines = [f"{path}: {total} on-CPU samples over all threads ({waiting} waiting samples left out)", "",
             "inclusive share by cost:"]
    compiled = [(label, re.compile(pattern)) for label, pattern in CATEGORIES]
    for label, pattern in compiled:
        hits = sum(count for frames, count in stacks if any(pattern.search(frame) for frame in frames))
        if label.startswith("row writes"):
            broadcast = re.compile(r"broadcast_session")
            hits = sum(count for frames, count in stacks if any(pattern.search(f) for f in frames)
                       and not any(broadcast.search(f) for f in frames))
        lines.append(f"  {hits / total * 100:5.1f}%  {hits:6d}  {label}")
    self_time = Counter()
    for frames, count in stacks:
        self_time[re.sub(r" \(.*?([^/]+/[^/]+:\d+)\)$", r" (\1)", frames[-1])] += count
    lines += ["", f"top {top} self-time frames:"]
    lines += [f"  {count / total * 100:5.1f}%  {frame}" for frame, count in self_time.most_common(top)]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("profiles", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    for profile in args.profiles:
        print(summarise(profile, args.top))
        print()
