"""extraction/access.py: who may watch a session, decided from the row's access facts. (The doors
that apply it, the socket and the status URL, are tested in tests/progress/test_access.py and
tests/extraction/test_views.py.)"""

import pytest

from extraction.access import (
    access_facts,
    may_view,
    owner_fingerprint,
    session_may_view,
    session_token,
    token_session_id,
)
from extraction.models import ExtractionSession

SESSION = "a1b2c3d4-session-long-enough"  # 26 characters: a client-chosen id that is a secret
SHORT = "test1234"  # under 22 characters: guessable, never a secret


def test_a_token_names_the_session_it_was_made_for():
    assert token_session_id(session_token(SESSION)) == SESSION
    assert token_session_id(session_token("another-session")) != SESSION


@pytest.mark.parametrize("token", [None, "", "not-a-token", session_token(SESSION)[:-2] + "xx"])
def test_a_missing_forged_or_malformed_token_names_no_session(token):
    assert token_session_id(token) is None


def test_a_token_signed_with_another_key_names_no_session(settings):
    token = session_token(SESSION)
    settings.SECRET_KEY = "another-secret-key-for-this-test"
    assert token_session_id(token) is None


def test_the_owner_fingerprint_is_a_hash_not_the_key():
    fingerprint = owner_fingerprint("browser-session-key")
    assert len(fingerprint) == 64 and "browser-session-key" not in fingerprint
    assert fingerprint == owner_fingerprint("browser-session-key") != owner_fingerprint("other-key")
    assert owner_fingerprint("") == owner_fingerprint(None) == ""


@pytest.mark.parametrize(
    "facts, token, session_key, allowed",
    [
        # A browser upload: its owner, or the token; nobody else, even knowing the id.
        ({"owner_key": owner_fingerprint("k1"), "client_chose_id": True}, None, "k1", True),
        ({"owner_key": owner_fingerprint("k1"), "client_chose_id": True}, None, "k2", False),
        ({"owner_key": owner_fingerprint("k1"), "client_chose_id": False}, None, None, False),
        ({"owner_key": owner_fingerprint("k1"), "client_chose_id": False}, session_token(SESSION), "k2", True),
        # Anonymous with a server-made id: the token only.
        ({"owner_key": "", "client_chose_id": False}, None, "k1", False),
        ({"owner_key": "", "client_chose_id": False}, session_token("another-session"), None, False),
        ({"owner_key": "", "client_chose_id": False}, session_token(SESSION), None, True),
        # Anonymous with a client-chosen id: the id is the secret.
        ({"owner_key": "", "client_chose_id": True}, None, None, True),
    ],
)
def test_who_may_view(facts, token, session_key, allowed):
    assert may_view(SESSION, facts, token=token, session_key=session_key) is allowed


def test_a_short_client_chosen_id_is_no_secret():
    """500 guesses found `test1234`: under 22 characters only the token or the owner may watch."""
    anonymous = {"owner_key": "", "client_chose_id": True}
    assert may_view(SHORT, anonymous, token=None, session_key=None) is False
    assert may_view(SHORT, anonymous, token=session_token(SHORT), session_key=None) is True
    assert may_view("a" * 21, anonymous, token=None, session_key=None) is False
    assert may_view("a" * 22, anonymous, token=None, session_key=None) is True
    owned = {"owner_key": owner_fingerprint("k1"), "client_chose_id": True}
    assert may_view(SHORT, owned, token=None, session_key="k1") is True


def test_the_row_and_its_access_facts_decide_alike():
    row = ExtractionSession(id=SESSION, owner_key=owner_fingerprint("k1"), client_chose_id=False)
    assert access_facts(row) == {"owner_key": owner_fingerprint("k1"), "client_chose_id": False}
    for token, key in [(None, "k1"), (None, "k2"), (session_token(SESSION), None), (None, None)]:
        assert session_may_view(row, token=token, session_key=key) == may_view(
            SESSION, access_facts(row), token=token, session_key=key
        )
