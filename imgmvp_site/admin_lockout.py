"""The admin's login, refused to an address after ADMIN_LOGIN_FAILURES failed tries in 15 minutes.

Django's own means (its admin login view, wrapped) and our one throttle, rather than django-axes: no new
package, middleware, backend or tables, and the same per-address counter (in Redis when REDIS_URL is
set) that limits session-id guessing.
"""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from extraction import throttle


def login(request: HttpRequest, extra_context=None) -> HttpResponse:
    """admin.site.login, unless this address is locked out; a POST that shows the form again failed."""
    address = request.META.get("REMOTE_ADDR") or "unknown"
    retry_after = throttle.admin_logins.retry_after(address)
    if retry_after:
        response = HttpResponse(
            f"Too many failed logins from this address; try again in {retry_after // 60 + 1} minutes.\n",
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(retry_after)
        return response
    response = admin.site.login(request, extra_context)
    if request.method == "POST" and response.status_code == 200:  # a success redirects
        throttle.admin_logins.failed(address)
    return response
