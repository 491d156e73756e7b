"""This process's open progress sockets, by session id, under PROGRESS_MAX_SOCKETS(_PER_SESSION).

Counted in the process, never in the channel layer, so a Redis restart cannot leave a count behind; a
consumer takes a slot once and gives it back in the one `finally` that ends its socket.
"""

from collections import Counter

from django.conf import settings


class SocketSlots:
    def __init__(self):
        self.by_session: Counter[str] = Counter()

    @property
    def total(self) -> int:
        return sum(self.by_session.values())

    def take(self, session_id: str) -> bool:
        """Take a slot for a socket on `session_id`; False when a cap is reached (nothing taken)."""
        if (
            self.total >= settings.PROGRESS_MAX_SOCKETS
            or self.by_session[session_id] >= settings.PROGRESS_MAX_SOCKETS_PER_SESSION
        ):
            return False
        self.by_session[session_id] += 1
        return True

    def give_back(self, session_id: str) -> None:
        self.by_session[session_id] -= 1
        if self.by_session[session_id] <= 0:
            del self.by_session[session_id]



slots = SocketSlots()
