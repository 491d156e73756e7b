"""The one error shape a client reads, `{"error": code, "message": sentence}`, and the API's error pages."""

from dataclasses import dataclass

from django.http import HttpRequest, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


@dataclass(frozen=True)
class ApiError:
    """A stable lowercase `code` (docs/protocol.md) and a sentence for people."""

    code: str
    message: str

    def body(self) -> dict[str, str]:
        """The shape every door uses: HTTP bodies, socket error frames, `failed` states."""
        return {"error": self.code, "message": self.message}

    def response(self, status: int) -> JsonResponse:
        return JsonResponse(self.body(), status=status)


def _for_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception):
    if _for_api(request):
        return ApiError("invalid_request", "The request is malformed.").response(400)
    return defaults.bad_request(request, exception)


def not_found(request: HttpRequest, exception: Exception):
    if _for_api(request):
        return ApiError("not_found", f"No API endpoint at {request.path}.").response(404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest):
    if _for_api(request):
        return ApiError("internal_error", "The server failed on this request; it is logged.").response(500)
    return defaults.server_error(request)
