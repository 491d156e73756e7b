"""Builds a record's `printed` groups: each value as `exiftool` prints it without `-n`, from conversion tables.

A conversion is data: a mapping from the stored value to its words (`{2: "Center-weighted average"}`), or a
named formatter from `printing.formats` for values that are computed (`1/60`, `43 deg 28' 2.81" N`). Tables
live in `printing/`, one module per group; a reader that knows its own words (maker notes, whose meaning
depends on the make) hands them over as hints, which win over the tables.
"""

from collections.abc import Callable, Mapping
from typing import Any

from .printing import TABLES

Conversion = Mapping[Any, Any] | Callable[[Any], Any]
Groups = dict[str, dict[str, Any]]


def print_groups(groups: Groups, hints: Groups | None = None) -> Groups:
    """The same groups and tags as `groups`, each value in its printed form (unchanged where none applies)."""
    hints = hints or {}
    printed: Groups = {}
    for group, values in groups.items():
        table = TABLES.get(group, {})
        group_hints = hints.get(group, {})
        printed[group] = {
            tag: group_hints[tag] if tag in group_hints else print_value(table.get(tag), value)
            for tag, value in values.items()
        }
    return printed


def print_value(conversion: Conversion | None, value: Any) -> Any:
    """One value in its printed form; a value a table does not know prints as itself, never as an error."""
    if conversion is None or value is None:
        return value
    if callable(conversion):
        try:
            return conversion(value)
        except (TypeError, ValueError, ArithmeticError, IndexError, KeyError):
            return value
    if isinstance(value, list):
        return value
    try:
        return conversion.get(value, _unknown(value))
    except TypeError:  # an unhashable value (a structure) has no table entry
        return value


def apply_table(table: Mapping[str, Conversion], values: dict[str, Any]) -> dict[str, Any]:
    """`values` printed by `table`: for readers that build their own hints (maker notes by make)."""
    return {tag: print_value(table.get(tag), value) for tag, value in values.items()}


def _unknown(value: Any) -> Any:
    # ExifTool prints a code its table lacks as "Unknown (N)".
    return f"Unknown ({value})"
