"""The door of the labeling server: the access token, CSRF, origin and host
checks, and the security headers on every response.

* Every request must carry the token: as ``?token=`` on the page's first
  load (which sets an HttpOnly, SameSite=Strict cookie) and then as that
  cookie. Missing: 401; wrong: 403. Nothing runs before this check.
* Every state change is a POST with a JSON body, the per-server CSRF token
  in the ``X-CSRF-Token`` header (the page reads it from ``/api/state``,
  which another site cannot read), and, when the browser sends one, an
  ``Origin`` equal to the server's own.
* On a loopback address the ``Host`` header must name the loopback too, so a
  page on another site that rebinds its name to 127.0.0.1 gets nothing.
"""

import secrets
from urllib.parse import urlsplit

from starlette.responses import JSONResponse, PlainTextResponse

__all__ = ["Guard"]

LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1", "[::1]"}

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        "img-src 'self'; connect-src 'self'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


def _refuse(request, status, message):
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    return PlainTextResponse(message, status_code=status)


class Guard:
    """ASGI middleware that lets through only requests carrying the token.

    Parameters
    ----------
    app : ASGI app
    token : str
        The access token printed in the URL.
    csrf : str
        The CSRF token the page sends back with every POST.
    cookie : str
        The cookie's name (with the port in it: cookies ignore ports).
    loopback_only : bool
        Refuse a ``Host`` that is not a loopback name.
    """

    def __init__(self, app, *, token, csrf, cookie, loopback_only):
        self.app = app
        self.token = token
        self.csrf = csrf
        self.cookie = cookie
        self.loopback_only = loopback_only

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":  # none is served: refuse (HTTP 403)
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from starlette.requests import Request

        request = Request(scope, receive)
        refusal, set_cookie = self._check(request)
        if refusal is not None:
            await _with_headers(refusal)(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for key, value in SECURITY_HEADERS.items():
                    if key.encode() not in names:
                        headers.append((key.encode(), value.encode()))
                if set_cookie:
                    headers.append(
                        (b"set-cookie", _cookie_header(self.cookie, self.token))
                    )
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _check(self, request):
        """(refusal response or None, whether to set the cookie)."""
        if self.loopback_only:
            host = (request.headers.get("host") or "").rsplit(":", 1)[0]
            if host.lower() not in LOOPBACK_NAMES:
                return _refuse(
                    request, 403, "Unknown host; open the printed link."
                ), False
        # The link's token wins over an older cookie (a restarted server).
        given = None
        if request.method == "GET" and request.url.path == "/":
            given = request.query_params.get("token")
        from_query = given is not None
        if given is None:
            given = request.cookies.get(self.cookie)
        if given is None:
            return _refuse(
                request,
                401,
                "This labeling server needs its access token: open the link "
                "printed by `skactive label --serve` (it ends in ?token=...).",
            ), False
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            return _refuse(
                request,
                403,
                "Wrong access token: open the link printed by the server you are "
                "using (a restarted server prints a new one).",
            ), False
        if request.method not in {"GET", "HEAD"}:
            refusal = self._check_post(request)
            if refusal is not None:
                return refusal, False
        return None, from_query

    def _check_post(self, request):
        if request.method != "POST":
            return _refuse(request, 405, "Only GET and POST are served.")
        origin = request.headers.get("origin")
        if origin is not None:
            own = urlsplit(str(request.base_url))
            theirs = urlsplit(origin)
            if (theirs.scheme, theirs.netloc) != (own.scheme, own.netloc):
                return _refuse(request, 403, "Cross-origin request refused.")
        header = request.headers.get("x-csrf-token") or ""
        if not secrets.compare_digest(header.encode(), self.csrf.encode()):
            return _refuse(
                request, 403, "Missing or wrong CSRF token; reload the page."
            )
        content_type = request.headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            return _refuse(request, 415, "Send JSON (Content-Type: application/json).")
        return None


def _cookie_header(name, token):
    return f"{name}={token}; HttpOnly; SameSite=Strict; Path=/".encode()


def _with_headers(response):
    for key, value in SECURITY_HEADERS.items():
        response.headers.setdefault(key, value)
    return response
