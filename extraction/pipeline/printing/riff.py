"""RIFF (WebP) printed values: the VP8X flags, the VP8 version and the ALPH header's codes (RFC 9649)."""

from typing import Any

_FLAGS = {1: "Animation", 2: "XMP", 3: "EXIF", 4: "Alpha", 5: "ICC Profile"}


def webp_flags(value: Any) -> str:
    """The VP8X feature bits by name, lowest bit first."""
    flags = int(value)
    names = [_FLAGS.get(bit, f"[{bit}]") for bit in range(8) if flags >> bit & 1]
    return ", ".join(names) if names else "(none)"


TABLE = {
    "WebP_Flags": webp_flags,
    "VP8Version": {0: "0 (bicubic reconstruction, normal loop)", 1: "1 (bilinear reconstruction, simple loop)",
                   2: "2 (bilinear reconstruction, no loop)", 3: "3 (no reconstruction, no loop)"},
    "AlphaPreprocessing": {0: "none", 1: "Level Reduction"},
    "AlphaFiltering": {0: "none", 1: "Horizontal", 2: "Vertical", 3: "Gradient"},
    "AlphaCompression": {0: "None", 1: "Lossless"},
    "Duration": lambda value: f"{float(value):.2f} s",
    "AnimationLoopCount": lambda value: "inf" if int(value) == 0 else int(value),  # 0 loops forever
}
