"""Who hears of a session's saved changes: one notifier, registered by the app that delivers them."""

from collections.abc import Callable

_notifier: Callable | None = None


def set_notifier(fn: Callable | None) -> None:
    """Register the function that `notify` calls (None: nobody is told)."""
    global _notifier
    _notifier = fn


def notify(*args, **kwargs) -> None:
    """Call the registered notifier with these arguments; a no-op when none is set."""
    if _notifier is not None:
        _notifier(*args, **kwargs)
