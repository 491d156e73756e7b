"""Derives ExifTool's Composite tags (image size, exposure, optics, dates, GPS, lens) from the other groups.

Values are `exiftool -n` values; where the printed words need more than the value itself (the 35 mm
equivalent beside a focal length, a lens name), the words go out as printed hints beside them.
Inputs are read by tag name across the groups (`inputs.py`); each module derives one family of tags.
"""

from typing import Any

from .exposure import exposure, image, xmp_flash
from .inputs import Groups, Inputs
from .makers import canon_settings, lens, maker_counters, white_balance
from .optics import FULL_FRAME_DIAGONAL, optics
from .places import dates, gps

__all__ = ["FULL_FRAME_DIAGONAL", "build_composite"]


def build_composite(groups: Groups, summary: dict[str, Any],
                    hints: Groups | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (Composite values, printed hints for the Composite tags whose words need other tags)."""
    inputs = Inputs(groups)
    composite: dict[str, Any] = {}
    printed: dict[str, Any] = {}
    image(composite, summary)
    exposure(composite, inputs)
    optics(composite, printed, inputs, summary)
    dates(composite, groups)
    gps(composite, inputs, summary)
    lens(composite, printed, inputs, groups, (hints or {}).get("MakerNotes", {}))
    white_balance(composite, groups.get("MakerNotes", {}))
    maker_counters(composite, printed, groups)
    canon_settings(composite, printed, groups, (hints or {}).get("MakerNotes", {}))
    xmp_flash(composite, groups)
    return composite, printed
