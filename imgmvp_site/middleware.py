"""Django's and WhiteNoise's middleware, without a thread hop for hooks that never block.

Under ASGI, Django runs every hook of a MiddlewareMixin (process_request, process_response)
through `sync_to_async`, and adapts a sync-only middleware such as WhiteNoise's with a hop in and
a hop back out: about twenty thread hops per request with our stack, each a hand-off to a thread
and back to the event loop (docs/performance.md). The hooks below only read the request and set
headers, redirect, or attach a lazy user; none of them touches the database or a file, so they
run on the event loop (Django raises SynchronousOnlyOperation there if one ever did). Sessions,
messages and CSRF hooks go to a thread, as Django does, exactly when they may read or write the
database or parse a POST body: a session to save, messages to store, a CSRF check of a form.
"""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.middleware import clickjacking, common, csrf, security
from whitenoise import middleware as whitenoise

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class _HooksOnTheLoop:
    """A MiddlewareMixin whose hooks run on the event loop in async mode, unless they may block."""

    def request_may_block(self, request) -> bool:
        return False

    def response_may_block(self, request, response) -> bool:
        return False

    async def __acall__(self, request):
        response = None
        if hasattr(self, "process_request"):
            if self.request_may_block(request):
                response = await sync_to_async(self.process_request, thread_sensitive=True)(request)
            else:
                response = self.process_request(request)
        response = response or await self.get_response(request)
        if hasattr(self, "process_response"):
            if self.response_may_block(request, response):
                response = await sync_to_async(self.process_response, thread_sensitive=True)(request, response)
            else:
                response = self.process_response(request, response)
        return response


class SecurityMiddleware(_HooksOnTheLoop, security.SecurityMiddleware):
    pass


class CommonMiddleware(_HooksOnTheLoop, common.CommonMiddleware):
    pass


class AuthenticationMiddleware(_HooksOnTheLoop, auth.AuthenticationMiddleware):
    pass


class XFrameOptionsMiddleware(_HooksOnTheLoop, clickjacking.XFrameOptionsMiddleware):
    pass


class SessionMiddleware(_HooksOnTheLoop, sessions.SessionMiddleware):
    """Makes a lazy session on the loop; saves it (the database) in a thread, as Django does."""

    def response_may_block(self, request, response) -> bool:
        session = getattr(request, "session", None)
        return session is not None and (session.modified or settings.SESSION_SAVE_EVERY_REQUEST)


class CsrfViewMiddleware(_HooksOnTheLoop, csrf.CsrfViewMiddleware):
    """Reads and sets the CSRF cookie on the loop; checks a form submission in a thread (it reads the body)."""

    def request_may_block(self, request) -> bool:
        return settings.CSRF_USE_SESSIONS

    def response_may_block(self, request, response) -> bool:
        return settings.CSRF_USE_SESSIONS

    async def process_view(self, request, callback, callback_args, callback_kwargs):
        check = super().process_view
        if settings.CSRF_USE_SESSIONS or not (getattr(callback, "csrf_exempt", False) or request.method in SAFE_METHODS):
            check = sync_to_async(check, thread_sensitive=True)
            return await check(request, callback, callback_args, callback_kwargs)
        return check(request, callback, callback_args, callback_kwargs)


class MessageMiddleware(_HooksOnTheLoop, messages.MessageMiddleware):
    """Attaches lazy message storage on the loop; stores messages (session or cookie) in a thread."""

    def response_may_block(self, request, response) -> bool:
        storage = getattr(request, "_messages", None)
        return storage is not None and (storage.used or storage.added_new)


class WhiteNoiseMiddleware(whitenoise.WhiteNoiseMiddleware):
    """WhiteNoise, async-capable: requests that are not for a static file pass straight through.

    WhiteNoise 6 is sync-only. A static file is still looked up and opened in a thread; any other
    request (the API, the page, the admin) goes on without leaving the event loop.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response=None, settings=whitenoise.settings):
        super().__init__(get_response, settings)
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)
        self.has_root = bool(getattr(settings, "WHITENOISE_ROOT", None))

    def __call__(self, request):
        if self.async_mode:
            return self.__acall__(request)
        return super().__call__(request)

    async def __acall__(self, request):
        path = request.path_info
        if not self.autorefresh:
            static_file = self.files.get(path)  # a dict built at start-up
        elif path.startswith(self.static_prefix) or self.has_root:
            static_file = await sync_to_async(self.find_file)(path)  # looks at the disk
        else:
            static_file = None  # find_file only ever matches under the prefix or WHITENOISE_ROOT
        if static_file is not None:
            return await sync_to_async(self.serve)(static_file, request)
        return await self.get_response(request)
