"""Runs the stages of one extraction in order, reporting each as it begins."""

from typing import Any

from .extract import ProgressCallback, extract


def run_pipeline(path: str, *, on_progress: ProgressCallback, name: str | None = None,
                 clean_to: str | None = None, preview_to: str | None = None) -> dict[str, Any]:
    """Extract the metadata of the image at `path` (and, with `clean_to`, write a clean copy there;
    with `preview_to`, a small JPEG preview).

    Raises PipelineError for a file we cannot use.
    """
    return extract(path, on_progress=on_progress, name=name, clean_to=clean_to, preview_to=preview_to)
