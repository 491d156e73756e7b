"""The benchmark suite of issue 6: `python -m bench` (or `make bench`) prints one table of results."""
