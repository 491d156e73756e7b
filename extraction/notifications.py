"""Tells whoever registered (the progress app) that a session's saved state changed; extraction knows no listener."""

from collections.abc import Callable

_notifier: Callable | None = None


def set_notifier(fn: Callable | None) -> None:
    """Register the one function `notify` calls (None: notify does nothing)."""
    global _notifier
    _notifier = fn


def notify(*args, **kwargs) -> None:
    """Pass a saved change to the registered notifier; a no-op until one is set."""
    if _notifier is not None:
        _notifier(*args, **kwargs)
