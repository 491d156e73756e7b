"""Overrides of upstream code that measured their keep (docs/upstream.md): one module per upstream,
each with a setting that switches back to the upstream path."""
