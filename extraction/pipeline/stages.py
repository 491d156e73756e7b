"""The named stages of an extraction, with the progress and status text each one reports."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    name: str
    progress: int
    status: str


START = Stage("start", 10, "Starting extraction...")
VALIDATE = Stage("validate", 20, "Validating file...")
STORE = Stage("store", 30, "Storing file...")
EXTRACT = Stage("extract", 50, "Processing metadata...")
ANALYSE = Stage("analyse", 70, "Analyzing results...")
FINALISE = Stage("finalise", 90, "Finalizing results...")

STAGES = (START, VALIDATE, STORE, EXTRACT, ANALYSE, FINALISE)
