"""extraction/notifications.py, and the direction between the apps: `extraction` imports nothing
from `progress` (progress registers its notifier; extraction only calls it)."""

import ast
from pathlib import Path

import pytest

from extraction import notifications

EXTRACTION = Path(__file__).resolve().parents[2] / "extraction"


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


@pytest.mark.xfail(
    strict=True,
    reason="extraction/views.py's status view still imports progress.messages.session_snapshot until the "
    "progress branch (one serializer in extraction/selectors.py) is merged: then delete this marker",
)
def test_no_module_of_extraction_imports_progress():
    importers = []
    for path in sorted(EXTRACTION.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            if any(name == "progress" or name.startswith("progress.") for name in names):
                importers.append(str(path.relative_to(EXTRACTION.parent)))
    assert importers == [], importers
