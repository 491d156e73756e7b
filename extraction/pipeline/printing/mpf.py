"""MPF printed values: image attributes from CIPA DC-007 (Multi-Picture Format), section 5.2.3."""

from typing import Any

IMAGE_TYPE = {
    0x000000: "Undefined", 0x010001: "Large Thumbnail (VGA equivalent)",
    0x010002: "Large Thumbnail (full HD equivalent)", 0x020001: "Multi-frame Panorama",
    0x020002: "Multi-frame Disparity", 0x020003: "Multi-angle", 0x030000: "Baseline MP Primary Image",
}
_FLAGS = {2: "Representative image", 3: "Dependent child image", 4: "Dependent parent image"}


def image_flags(value: Any) -> str:
    number = int(value)
    names = [_FLAGS.get(bit, f"[{bit}]") for bit in range(5) if number >> bit & 1]
    return ", ".join(names) if names else "(none)"


TABLE = {
    "MPImageFlags": image_flags,
    "MPImageFormat": {0: "JPEG"},
    "MPImageType": IMAGE_TYPE,
}
