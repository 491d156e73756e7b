"""What both peer projects share: the settings the daphne multipart fix reads, and the one extraction
call they make (our pure pipeline, at the same depth as ours: metadata, findings, a preview and a clean copy)."""

import os
import secrets
import time
from datetime import datetime, timezone
from pathlib import Path

from extraction.pipeline import run_pipeline

# imgmvp_site/patches/daphne.py reads these two from the peer's settings, as it does from ours.
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", 50 * 1024 * 1024))
DAPHNE_MULTIPART_PATCH = os.environ.get("DAPHNE_MULTIPART_PATCH", "1") not in ("0", "false", "no")
# Ours writes a clean copy in the last stage by default (CLEAN_COPY_SECONDS > 0); so do the peers.
CLEAN_COPIES = os.environ.get("PEER_CLEAN_COPIES", "1") not in ("0", "false", "no")
# Ours makes a preview in the extract stage by default (PREVIEWS, unless 0); so do the peers.
PREVIEWS = os.environ.get("PREVIEWS", "1") not in ("0", "false", "no")


def iso(moment: float | None = None) -> str:
    """ISO-8601 in UTC with a `Z` (microseconds), the timestamp shape ours sends."""
    stamp = datetime.fromtimestamp(time.time() if moment is None else moment, timezone.utc)
    return stamp.isoformat().replace("+00:00", "Z")


def extract(path: str, *, name: str, media_root: str, on_progress) -> dict:
    """Run our pipeline on the stored upload; its clean copy goes to `media_root`/clean/, its preview
    to `media_root`/previews/."""
    clean_to = preview_to = None
    if CLEAN_COPIES:
        folder = Path(media_root) / "clean"
        folder.mkdir(parents=True, exist_ok=True)
        clean_to = str(folder / f"{secrets.token_hex(16)}{Path(path).suffix or '.img'}")
    if PREVIEWS:
        folder = Path(media_root) / "previews"
        folder.mkdir(parents=True, exist_ok=True)
        preview_to = str(folder / f"{secrets.token_hex(16)}.jpg")
    return run_pipeline(path, on_progress=on_progress, name=name, clean_to=clean_to, preview_to=preview_to)
