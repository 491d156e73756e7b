"""The extraction pipeline: pure Python (Pillow, pillow-heif, exifread, defusedxml), no Django and no Channels."""

from .errors import PipelineError
from .extract import extract_file
from .runner import run_pipeline
from .stages import ANALYSE, EXTRACT, FINALISE, START, STAGES, STORE, VALIDATE, Stage

__all__ = [
    "ANALYSE",
    "EXTRACT",
    "FINALISE",
    "PipelineError",
    "STAGES",
    "START",
    "STORE",
    "Stage",
    "VALIDATE",
    "extract_file",
    "run_pipeline",
]
