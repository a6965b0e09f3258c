"""The labeling server's door, over plain HTTP: the token, the cookie, CSRF,
origins, hosts and paths. Every refused request changes nothing."""

import http.client
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import types

import pytest

pytest.importorskip("starlette", reason="the web extra (starlette) is absent")
pytest.importorskip("uvicorn", reason="the web extra (uvicorn) is absent")

from web_helpers import ROOT, Server, write_pool  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("security")
    write_pool(cwd / "pool.csv")
    server = Server(cwd)
    server.cwd = cwd
    yield server
    server.stop()


def call(server, method, path, *, headers=None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        headers = dict(headers or {})
        headers.setdefault("Host", f"127.0.0.1:{server.port}")
        data = None if body is None else json.dumps(body).encode()
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def cookie(server):
    return {"Cookie": f"skactive_token_{server.port}={server.token}"}


def csrf(server):
    status, _, body = call(server, "GET", "/api/state", headers=cookie(server))
    assert status == 200
    return json.loads(body)["csrf"]


def post_headers(server, **extra):
    return {
        **cookie(server),
        "Content-Type": "application/json",
        "X-CSRF-Token": csrf(server),
        "Origin": server.base,
        **extra,
    }


def stored(server):
    connection = sqlite3.connect(f"file:{server.cwd / 's.db'}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    finally:
        connection.close()


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


def test_state_changes_are_post_only(server):
    for path in ("/api/answer", "/api/next", "/api/undo"):
        status, _, _ = call(server, "GET", path, headers=cookie(server))
        assert status == 405


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


@pytest.mark.parametrize(
    "path",
    [
        "/static/../session.py",
        "/static/%2e%2e/_app.py",
        "/static/..%2f..%2fcli%2flabel.py",
        "/static/index.html/../../__init__.py",
        "/static//etc/passwd",
        "/../../../etc/passwd",
        "/static/app.js%00.py",
        "/static/",
        "/api/../static/app.js/..",
    ],
)
def test_no_route_serves_a_file_outside_the_static_folder(server, path):
    status, _, body = call(server, "GET", path, headers=cookie(server))
    assert status == 404
    assert b"import" not in body and b"root:" not in body


def test_answers_are_validated_before_storing(server):
    headers = post_headers(server)
    client = {"client": "validator-01", "annotator": "Val"}
    status, _, body = call(server, "POST", "/api/next", headers=headers, body=client)
    position = json.loads(body)["row"]["position"]
    before = stored(server)
    for value in ["1e308", "-inf", "NaN", "1e39", "<script>", ""]:
        status, _, body = call(
            server,
            "POST",
            "/api/answer",
            headers=headers,
            body={**client, "position": position, "value": value},
        )
        assert status == 422, (value, body)
    for bad in [{"client": "x"}, {"client": "validator-01", "annotator": ""}]:
        status, _, _ = call(
            server,
            "POST",
            "/api/answer",
            headers=headers,
            body={**bad, "position": position, "value": "1000"},
        )
        assert status in (400, 422)
    assert stored(server) == before


def test_another_host_than_loopback_warns(tmp_path):
    write_pool(tmp_path / "pool.csv")
    server = Server(tmp_path, "--host", "0.0.0.0")
    try:
        time.sleep(0.5)
        assert "warning: serving on 0.0.0.0" in "".join(server.stderr)
        status, _, _ = call(server, "GET", "/api/state")
        assert status == 401
    finally:
        server.stop()


def test_serve_from_python(tmp_path):
    """skactive.serve(session) prints the link and guards it the same way."""
    script = tmp_path / "serve.py"
    script.write_text(
        "from sklearn.datasets import make_friedman1\n"
        "from skactive import ActiveLearningRegressor, LabelingSession, serve\n"
        "X, y = make_friedman1(n_samples=40, random_state=0)\n"
        "learner = ActiveLearningRegressor(random_state=0).fit(X[:10], y[:10])\n"
        "with LabelingSession(learner, X[10:], 's.db') as session:\n"
        "    serve(session, target='y')\n"
    )
    process = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    try:
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=([\w-]+)", line)
        assert match, line + process.stderr.read()
        server = types.SimpleNamespace(
            port=int(match.group(1)),
            token=match.group(2),
            base=f"http://127.0.0.1:{match.group(1)}",
        )
        assert call(server, "GET", "/")[0] == 401
        status, _, body = call(server, "GET", "/api/state", headers=cookie(server))
        assert status == 200 and json.loads(body)["target"] == "y"
        status, _, body = call(
            server,
            "POST",
            "/api/next",
            headers=post_headers(server),
            body={"client": "python-0001"},
        )
        assert status == 200 and json.loads(body)["row"]["columns"][0][
            "name"
        ].startswith("x")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
