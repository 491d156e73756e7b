"""extraction/notifications.py: extraction tells whoever registered, and nobody when none did. (That
extraction imports nothing of progress is tests/progress/test_apps.py's, in the progress branch.)"""

import pytest

from extraction import notifications


@pytest.fixture
def restored():
    previous = notifications._notifier
    yield
    notifications.set_notifier(previous)


def test_notify_calls_the_registered_notifier_with_its_arguments(restored):
    calls = []
    notifications.set_notifier(lambda *args, **kwargs: calls.append((args, kwargs)))
    notifications.notify("a", b=2)
    assert calls == [(("a",), {"b": 2})]


def test_notify_without_a_notifier_does_nothing(restored):
    notifications.set_notifier(None)
    assert notifications.notify("anything") is None
