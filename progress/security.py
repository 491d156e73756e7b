"""Refuses WebSockets opened by pages of other sites, while letting non-browser clients in."""

from channels.security.websocket import OriginValidator
from django.conf import settings


class NoOriginOrAllowedHostsValidator(OriginValidator):
    """Channels' AllowedHostsOriginValidator, except that a missing Origin header is accepted.

    Browsers always send Origin on a WebSocket, so a cross-site page is still refused; clients such
    as wscat or Python's websockets send none, and the curl + wscat flow must keep working.
    """

    def valid_origin(self, parsed_origin):
        if parsed_origin is None:
            return True
        return self.validate_origin(parsed_origin)


def AllowedHostsOriginValidator(application):  # noqa: N802 - named like the Channels factory it mirrors
    allowed_hosts = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed_hosts:
        allowed_hosts = ["localhost", "127.0.0.1", "[::1]"]
    return NoOriginOrAllowedHostsValidator(application, allowed_hosts)
