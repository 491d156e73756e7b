"""One direction between the apps: progress depends on extraction, which tells it of changes through
the notifier progress registers (extraction.notifications)."""

import ast
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async

from extraction.models import ExtractionSession
from extraction.notifications import notify
from extraction.selectors import session_state
from tests.support.communicators import connect

EXTRACTION = Path(__file__).resolve().parents[2] / "extraction"


def modules_importing_progress(paths) -> list[str]:
    found = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            if any(name == "progress" or name.startswith("progress.") for name in names):
                found.append(str(path.relative_to(EXTRACTION.parent)))
    return found


def test_the_views_and_selectors_of_extraction_do_not_import_progress():
    assert modules_importing_progress([EXTRACTION / "views.py", EXTRACTION / "selectors.py",
                                       EXTRACTION / "notifications.py"]) == []


def test_no_module_of_extraction_imports_progress():
    assert modules_importing_progress(sorted(EXTRACTION.rglob("*.py"))) == []


@pytest.mark.django_db(transaction=True)
async def test_a_notified_change_reaches_the_sessions_watchers():
    session = await ExtractionSession.objects.acreate(id="notified-1-long-client-chosen-id", seq=1, client_chose_id=True)
    watcher = await connect("notified-1-long-client-chosen-id")
    assert (await watcher.receive_json_from())["seq"] == 1
    session.seq = 2
    await session.asave()
    await sync_to_async(notify)(session)
    assert await watcher.receive_json_from(timeout=2) == session_state(session)
    await watcher.disconnect()
