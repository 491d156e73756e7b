"""Counts at the ASGI edge, for /metrics: open progress sockets, the closes sent, upload body bytes."""

from imgmvp_site import metrics

UPLOAD_PATHS = {"/api/images_mvp/extract": "multipart", "/api/images_mvp/uploads/": "tus"}


def observed(app):
    """`app`, with its WebSockets and upload bodies counted (imgmvp_site.metrics)."""

    async def application(scope, receive, send):
        if scope["type"] == "websocket":
            return await _websocket(app, scope, receive, send)
        if scope["type"] == "http" and scope.get("method") in ("POST", "PATCH"):
            kind = _upload_kind(scope)
            if kind:
                return await app(scope, _counting_receive(receive, kind), send)
        return await app(scope, receive, send)

    return application


def _upload_kind(scope) -> str | None:
    path, root = scope["path"], scope.get("root_path", "")
    path = path[len(root):] if root and path.startswith(root) else path
    for prefix, kind in UPLOAD_PATHS.items():
        if path.startswith(prefix):
            return kind
    return None


def _counting_receive(receive, kind: str):
    async def counted():
        message = await receive()
        if message["type"] == "http.request" and message.get("body"):
            metrics.upload_received(kind, len(message["body"]))
        return message

    return counted


async def _websocket(app, scope, receive, send):
    accepted = False

    async def counting_send(message):
        nonlocal accepted
        if message["type"] == "websocket.accept" and not accepted:
            accepted = True
            metrics.socket_accepted()
        elif message["type"] == "websocket.close":
            metrics.socket_closed(message.get("code", 1000))
        await send(message)

    try:
        return await app(scope, receive, counting_send)
    finally:
        if accepted:  # one place, whatever ended the socket: a close, a disconnect, an error, a cancel
            metrics.socket_ended()
