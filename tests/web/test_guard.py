"""Tests of skactive/web/_guard.py: the token, the cookie, CSRF, origins and hosts.

Every refused request changes nothing."""

import pytest

pytest.importorskip("starlette", reason="the web extra (starlette) is absent")
pytest.importorskip("uvicorn", reason="the web extra (uvicorn) is absent")

from web_helpers import (  # noqa: E402
    call,
    cookie,
    post_headers,
    stored,
)

BODY = {"client": "attacker-0001", "annotator": "Mallory", "position": 0, "value": "1"}


ROUTES = [
    ("GET", "/"),
    ("GET", "/static/app.js"),
    ("GET", "/static/app.css"),
    ("GET", "/api/state"),
    ("GET", "/nowhere"),
    ("POST", "/api/next"),
    ("POST", "/api/answer"),
    ("POST", "/api/skip"),
    ("POST", "/api/undo"),
    ("POST", "/api/heartbeat"),
]


@pytest.mark.parametrize("method, path", ROUTES)
def test_no_token_gets_401_and_changes_nothing(server, method, path):
    before = stored(server)
    status, _, body = call(
        server, method, path, body=BODY if method == "POST" else None
    )
    assert status == 401
    assert b"access token" in body
    assert stored(server) == before


@pytest.mark.parametrize("method, path", ROUTES)
def test_wrong_token_gets_403_and_changes_nothing(server, method, path):
    before = stored(server)
    wrong = {"Cookie": f"skactive_token_{server.port}=not-the-token"}
    status, _, _ = call(
        server,
        method,
        path + ("?token=not-the-token" if path == "/" else ""),
        headers=wrong,
        body=BODY if method == "POST" else None,
    )
    assert status == 403
    assert stored(server) == before


def test_the_token_in_the_url_sets_a_strict_httponly_cookie(server):
    status, headers, body = call(server, "GET", f"/?token={server.token}")
    assert status == 200 and b'name="value"' in body
    set_cookie = headers["set-cookie"]
    assert set_cookie.startswith(f"skactive_token_{server.port}={server.token};")
    assert "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer"
    # The query parameter opens the page only: the API wants the cookie.
    status, _, _ = call(server, "GET", f"/api/state?token={server.token}")
    assert status == 401


@pytest.mark.parametrize(
    "change",
    [
        {"X-CSRF-Token": None},
        {"X-CSRF-Token": "forged"},
        {"Origin": "http://evil.example"},
        {"Origin": "http://127.0.0.1:1"},
        {"Content-Type": "text/plain"},
        {"Content-Type": "application/x-www-form-urlencoded"},
    ],
    ids=["no-csrf", "forged-csrf", "other-site", "other-port", "text", "form"],
)
def test_a_post_without_csrf_or_from_elsewhere_is_refused(server, change):
    headers = post_headers(server)
    for key, value in change.items():
        if value is None:
            headers.pop(key)
        else:
            headers[key] = value
    before = stored(server)
    status, _, _ = call(server, "POST", "/api/answer", headers=headers, body=BODY)
    assert status in (403, 415)
    assert stored(server) == before


def test_a_websocket_upgrade_is_refused(server):
    status, _, _ = call(
        server,
        "GET",
        "/",
        headers={
            **cookie(server),
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        },
    )
    assert status in (400, 403, 404, 426)


def test_a_rebound_host_name_is_refused(server):
    status, _, _ = call(
        server,
        "GET",
        "/api/state",
        headers={**cookie(server), "Host": f"evil.example:{server.port}"},
    )
    assert status == 403
