"""Error answers: JSON under /api/ (clients there read `error` and `message`), Django's pages elsewhere."""

from django.http import HttpRequest, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def _for_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception):
    if _for_api(request):
        return JsonResponse({"error": "invalid_request", "message": "The request is malformed."}, status=400)
    return defaults.bad_request(request, exception)


def not_found(request: HttpRequest, exception: Exception):
    if _for_api(request):
        return JsonResponse({"error": "not_found", "message": f"No API endpoint at {request.path}."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest):
    if _for_api(request):
        return JsonResponse(
            {"error": "internal_error", "message": "The server failed on this request; it is logged."}, status=500
        )
    return defaults.server_error(request)
