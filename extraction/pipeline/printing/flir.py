"""APP1 (FLIR thermal cameras) printed values: units as FLIR's tools show them, GPS in degrees, minutes, seconds."""

from typing import Any

_TEMPERATURES = [
    "ReflectedApparentTemperature", "AtmosphericTemperature", "IRWindowTemperature",
    "CameraTemperatureRangeMax", "CameraTemperatureRangeMin", "CameraTemperatureMaxClip",
    "CameraTemperatureMinClip", "CameraTemperatureMaxWarn", "CameraTemperatureMinWarn",
    "CameraTemperatureMaxSaturated", "CameraTemperatureMinSaturated",
]


def _unit(pattern: str) -> Any:
    return lambda value: pattern.format(float(value))


def percent(value: Any) -> str:
    return f"{float(value) * 100:.1f} %"


def _dms(positive: str, negative: str) -> Any:
    def convert(value: Any) -> str:
        number = float(value)
        degrees = abs(number)
        whole = int(degrees)
        minutes = (degrees - whole) * 60
        seconds = (minutes - int(minutes)) * 60
        return f"{whole} deg {int(minutes)}' {seconds:.2f}\" {positive if number >= 0 else negative}"
    return convert


def version(value: Any) -> str:
    return ".".join(str(value))


TABLE: dict[str, Any] = {name: _unit("{:.1f} C") for name in _TEMPERATURES}
TABLE.update({
    "ObjectDistance": _unit("{:.2f} m"),
    "FocusDistance": _unit("{:.1f} m"),
    "FieldOfView": _unit("{:.1f} deg"),
    "RelativeHumidity": percent,
    "GPSValid": {0: "No", 1: "Yes"},
    "GPSVersionID": version,
    "GPSLatitudeRef": {"N": "North", "S": "South"},
    "GPSLongitudeRef": {"E": "East", "W": "West"},
    "GPSLatitude": _dms("N", "S"),
    "GPSLongitude": _dms("E", "W"),
    "GPSAltitude": _unit("{:.2f} m"),
    "GPSSpeedRef": {"K": "km/h", "M": "mph", "N": "knots"},
    "GPSTrackRef": {"M": "Magnetic North", "T": "True North"},
    "GPSImgDirectionRef": {"M": "Magnetic North", "T": "True North"},
})
