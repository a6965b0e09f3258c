"""The labeling server's routes: the page, its two static files, and a small
JSON API. Every route sits behind :class:`~skactive.web._guard.Guard`.

The endpoints are ``async`` and call the labeler directly, so they run one
at a time on the server's event loop: the session has exactly one writer,
and an answer is committed before its response is sent.
"""

import json
import re
import secrets
from importlib import resources

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ._guard import Guard
from ._labeler import Refused

__all__ = ["build_app"]

# The only files served: fixed names read from the package, no path from the URL.
_STATIC = {
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/app.css": ("app.css", "text/css; charset=utf-8"),
}
_CLIENT = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_MAX_BODY = 16_384


def _static(name):
    return resources.files("skactive.web").joinpath("static", name).read_bytes()


async def _body(request):
    raw = await request.body()
    if len(raw) > _MAX_BODY:
        raise Refused(413, "Request too large.")
    try:
        data = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "The request body is not JSON.") from None
    if not isinstance(data, dict):
        raise Refused(400, "The request body must be a JSON object.")
    client = data.get("client")
    if not isinstance(client, str) or not _CLIENT.match(client):
        raise Refused(400, "Missing or malformed client id; reload the page.")
    return data


def _annotator(data):
    name = data.get("annotator")
    if not isinstance(name, str):
        raise Refused(422, "Type your name first.")
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if not name or len(name) > 80:
        raise Refused(422, "Type your name (1 to 80 characters).")
    return name


def build_app(labeler, token, *, cookie="skactive_token", loopback_only=True):
    """The ASGI app serving ``labeler`` to whoever holds ``token``.

    Parameters
    ----------
    labeler : Labeler
    token : str
        The access token (in the printed URL).
    cookie : str, default="skactive_token"
        Name of the cookie that carries the token after the first load.
    loopback_only : bool, default=True
        Refuse requests whose ``Host`` is not a loopback name.

    Returns
    -------
    app : Starlette
    """
    csrf = secrets.token_urlsafe(32)
    page = _static("index.html")
    files = {path: (_static(name), kind) for path, (name, kind) in _STATIC.items()}

    async def index(request):
        return Response(page, media_type="text/html; charset=utf-8")

    async def static(request):
        content, kind = files[request.url.path]
        return Response(content, media_type=kind)

    async def no_icon(request):
        return Response(status_code=204)

    async def state(request):
        return JSONResponse({"csrf": csrf, **labeler.describe()})

    def action(method):
        async def endpoint(request):
            data = None
            try:
                data = await _body(request)
                result = method(data)
            except Refused as refused:
                content = {
                    "error": refused.message,
                    "needs_confirm": refused.needs_confirm,
                }
                if refused.status == 409 and isinstance(data, dict):
                    content.update(labeler.next(data["client"]))
                return JSONResponse(content, status_code=refused.status)
            return JSONResponse(result)

        return endpoint

    def do_next(data):
        return labeler.next(data["client"])

    def do_answer(data):
        return labeler.answer(
            data["client"],
            _annotator(data),
            data.get("position"),
            data.get("value"),
            confirm=data.get("confirm") is True,
        )

    def do_skip(data):
        return labeler.skip(data["client"], _annotator(data), data.get("position"))

    def do_undo(data):
        return labeler.undo(data["client"])

    def do_heartbeat(data):
        return labeler.heartbeat(data["client"])

    routes = [
        Route("/", index, methods=["GET"]),
        *[Route(path, static, methods=["GET"]) for path in files],
        Route("/favicon.ico", no_icon, methods=["GET"]),
        Route("/api/state", state, methods=["GET"]),
        Route("/api/next", action(do_next), methods=["POST"]),
        Route("/api/answer", action(do_answer), methods=["POST"]),
        Route("/api/skip", action(do_skip), methods=["POST"]),
        Route("/api/undo", action(do_undo), methods=["POST"]),
        Route("/api/heartbeat", action(do_heartbeat), methods=["POST"]),
    ]
    middleware = [
        Middleware(
            Guard, token=token, csrf=csrf, cookie=cookie, loopback_only=loopback_only
        )
    ]
    return Starlette(routes=routes, middleware=middleware)
