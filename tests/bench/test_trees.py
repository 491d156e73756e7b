"""bench/trees.py: one client against the product at two checkouts (here this one twice, the second
with a setting), each measured to the end, every figure in the table."""

import argparse
import asyncio
from pathlib import Path

import pytest

from bench import trees

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def test_two_checkouts_are_measured_in_one_run_and_tabled_with_every_figure():
    args = argparse.Namespace(trees=[str(ROOT), f"{ROOT},EXTRACTION_PROCESSES=0"], rounds=1, clients=2, sessions=4,
                              one=3, timeout=60.0, quiet_cores=0.3, quiet_wait=0.0)
    table = asyncio.run(trees.run(args)).splitlines()
    rows = {line.split(" | ")[0].lstrip("| "): line.split(" | ")[1:] for line in table if line.startswith("| ")}
    assert len(rows["figure"]) == 2
    for label, *_ in trees.FIGURES:
        cells = rows[label.format(clients=2)]
        assert all(cell.strip(" |") != "-" for cell in cells), (label, cells)
    assert [cell.strip(" |") for cell in rows["sessions incomplete or out of order"]] == ["0", "0"]
