"""GIF printed values (GIF89a spec): colour-table flag, loop count (0 loops forever), duration in seconds."""

from typing import Any


def iterations(value: Any) -> Any:
    """NETSCAPE2.0 loop count: 0 means the animation repeats for ever."""
    return "Infinite" if int(value) == 0 else value


def seconds(value: Any) -> str:
    return f"{float(value):.2f} s"


TABLE = {
    "HasColorMap": {0: "No", 1: "Yes"},
    "AnimationIterations": iterations,
    "Duration": seconds,
}
