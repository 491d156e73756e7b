"""PNG printed values: the IHDR, sRGB and pHYs codes of the PNG specification (ISO/IEC 15948)."""

TABLE = {
    "ColorType": {0: "Grayscale", 2: "RGB", 3: "Palette", 4: "Grayscale with Alpha", 6: "RGB with Alpha"},
    "Compression": {0: "Deflate/Inflate"},
    "Filter": {0: "Adaptive"},
    "Interlace": {0: "Noninterlaced", 1: "Adam7 Interlace"},
    "SRGBRendering": {0: "Perceptual", 1: "Relative Colorimetric", 2: "Saturation", 3: "Absolute Colorimetric"},
    "PixelUnits": {0: "Unknown", 1: "meters"},
    "AnimationPlays": lambda value: "inf" if int(value) == 0 else int(value),  # 0 plays forever
}
