"""APP14 (Adobe DCT) printed values: flag bits and colour transforms from Adobe's Technical Note #5116."""

from typing import Any

COLOR_TRANSFORM = {0: "Unknown (RGB or CMYK)", 1: "YCbCr", 2: "YCCK"}
_FLAGS0 = {15: "Encoded with Blend=1 downsampling"}


def flags(names: dict[int, str]) -> Any:
    """Set bits, lowest first, by name where Adobe names them, else as [bit]; "(none)" when none is set."""
    def convert(value: Any) -> str:
        number = int(value)
        bits = [names.get(bit, f"[{bit}]") for bit in range(16) if number >> bit & 1]
        return ", ".join(bits) if bits else "(none)"
    return convert


TABLE = {
    "APP14Flags0": flags(_FLAGS0),
    "APP14Flags1": flags({}),
    "ColorTransform": COLOR_TRANSFORM,
}
