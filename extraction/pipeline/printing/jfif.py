"""JFIF (APP0) printed values, from the JFIF 1.02 spec: density units and the version as major.minor."""

from typing import Any

from . import formats


def jfif_version(value: Any) -> str:
    """JFIFVersion's -n value is "1 2" (major, minor bytes); printed "1.02"."""
    if isinstance(value, str) and "." in value:
        return value  # already in printed form
    major, minor = (int(v) for v in formats.numbers(value))
    return f"{major}.{minor:02d}"


TABLE = {
    "JFIFVersion": jfif_version,
    "ResolutionUnit": {0: "None", 1: "inches", 2: "cm"},
}
