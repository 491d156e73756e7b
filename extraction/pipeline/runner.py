"""Runs the stages of one extraction in order, reporting each as it begins."""

from typing import Any

from .extract import ProgressCallback, extract


def run_pipeline(path: str, *, on_progress: ProgressCallback, name: str | None = None) -> dict[str, Any]:
    """Extract the metadata of the image at `path`; raise PipelineError for a file we cannot use."""
    return extract(path, on_progress=on_progress, name=name)
