"""EXIF (IFD0, ExifIFD, InteropIFD, IFD1, GPS) printed values: code tables from the EXIF 2.32 / DCF specs."""

from . import formats

ORIENTATION = {
    1: "Horizontal (normal)", 2: "Mirror horizontal", 3: "Rotate 180", 4: "Mirror vertical",
    5: "Mirror horizontal and rotate 270 CW", 6: "Rotate 90 CW", 7: "Mirror horizontal and rotate 90 CW",
    8: "Rotate 270 CW",
}
METERING_MODE = {
    0: "Unknown", 1: "Average", 2: "Center-weighted average", 3: "Spot", 4: "Multi-spot", 5: "Multi-segment",
    6: "Partial", 255: "Other",
}
EXPOSURE_PROGRAM = {
    0: "Not Defined", 1: "Manual", 2: "Program AE", 3: "Aperture-priority AE", 4: "Shutter speed priority AE",
    5: "Creative (Slow speed)", 6: "Action (High speed)", 7: "Portrait", 8: "Landscape", 9: "Bulb",
}

TABLE = {
    "Orientation": ORIENTATION,
    "MeteringMode": METERING_MODE,
    "ExposureProgram": EXPOSURE_PROGRAM,
    "ExposureTime": formats.exposure_time,
    "FNumber": formats.fnumber,
    "FocalLength": formats.millimetres,
    "ExposureCompensation": formats.fraction,
}
